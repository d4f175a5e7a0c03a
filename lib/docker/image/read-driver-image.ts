import "server-only";
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { DomainError } from "@/lib/domain-error";
import { openContainerArchive } from "./container-archive";
import { parseImageRef } from "./image-ref";
import { type Flavour, parseDriverPath, parseFailurePath, swapFailureLayout, type FailurePath } from "./parse-driver-path";
import { readTarEntries, type EntrySink } from "./tar-entries";

export type DriverFile = {
  kernel: string;
  moduleVersion: string;
  flavour: Flavour;
  kind: "driver" | "marker";
  /** Absolute path in the image. */
  path: string;
  size: number;
  /** sha256 (hex) of the bytes as stored in the image, i.e. of the .gz; null for markers. */
  sha256: string | null;
};

export type FailureLog = {
  kernel: string;
  moduleVersion: string;
  flavour: Flavour;
  path: string;
  /** The build output, cut after FAILURE_LOG_MAX_BYTES with a note saying so. */
  log: string;
};

export type DriverImageContent = {
  /** The engine's id of the image that was read (sha256:...). */
  imageId: string;
  drivers: DriverFile[];
  failures: FailureLog[];
  /** Files under /kernel-modules or /FAILURES whose names follow no contract. */
  unknown: string[];
  /** What the engine said of the image when it was read (absent for content that did not come from an engine). */
  inspect?: Docker.ImageInspectInfo;
};

export type ReadDriverImageOptions = {
  signal?: AbortSignal;
  /** Called with the number of files read so far, every PROGRESS_EVERY files and at the end. */
  onProgress?: (files: number) => void;
  /**
   * A full collector image holds one module version's drivers flat in
   * /kernel-modules (no version directory): read them as that version's.
   */
  flatModuleVersion?: string;
};

export const FAILURE_LOG_MAX_BYTES = 1024 * 1024;
export const PROGRESS_EVERY = 250;
/** Set on the short-lived containers so a leftover one can be recognised. */
export const READER_LABEL = "org.kobuild.role";
const READER_LABEL_VALUE = "read-driver-image";

/**
 * Lists the drivers, unavailability markers and failure logs of a driver
 * image. The image's filesystem is read through a container that is created
 * but never started (so images without a shell or a command work) and always
 * removed; its archives are streamed and hashed entry by entry.
 */
export async function readDriverImage(engine: Docker, ref: string, opts: ReadDriverImageOptions = {}): Promise<DriverImageContent> {
  const { signal, onProgress, flatModuleVersion } = opts;
  const parse = (pathInImage: string) => {
    const parsed = parseDriverPath(pathInImage);
    if (parsed || !flatModuleVersion) return parsed;
    const flat = /^\/kernel-modules\/([^/]+)$/.exec(pathInImage);
    return flat ? parseDriverPath(`${flatModuleVersion}/${flat[1]}`) : null;
  };
  parseImageRef(ref);
  signal?.throwIfAborted();
  const inspect = await inspectImageInfo(engine, ref);
  const imageId = inspect.Id;
  signal?.throwIfAborted();

  // No abort signal here: a create aborted after the engine acted would leave
  // a container whose id we never learnt.
  const container = await engine.createContainer({
    Image: imageId,
    Cmd: ["/kobuild-never-started"],
    Entrypoint: [],
    Labels: { [READER_LABEL]: READER_LABEL_VALUE },
    NetworkDisabled: true,
    HostConfig: { NetworkMode: "none" },
  });

  let files = 0;
  const counted = () => {
    files += 1;
    if (files % PROGRESS_EVERY === 0) onProgress?.(files);
  };

  let failed = true;
  try {
    signal?.throwIfAborted();
    // One archive at a time: the engine holds the container's lock until an archive is read to its end.
    const modules = await openContainerArchive(container, "/kernel-modules", signal);
    if (!modules) throw new DomainError("unprocessable", `not a driver image: no /kernel-modules in ${ref}`);
    const drivers: DriverFile[] = [];
    const unknown: string[] = [];
    await readTarEntries(
      modules,
      (entry) => {
        if (entry.type === "directory") return null;
        counted();
        const parsed = entry.type === "file" ? parse(entry.pathInImage) : null;
        if (!parsed) {
          unknown.push(entry.pathInImage);
          return null;
        }
        const hash = parsed.kind === "driver" ? createHash("sha256") : null;
        let size = 0;
        return {
          data(chunk) {
            size += chunk.length;
            hash?.update(chunk);
          },
          end() {
            drivers.push({ ...parsed, path: entry.pathInImage, size, sha256: hash ? hash.digest("hex") : null });
          },
        };
      },
      signal,
    );

    const failures: Array<FailurePath & { path: string; log: string }> = [];
    const failuresArchive = await openContainerArchive(container, "/FAILURES", signal);
    if (failuresArchive) {
      await readTarEntries(
        failuresArchive,
        (entry) => {
          if (entry.type === "directory") return null;
          counted();
          const parsed = entry.type === "file" ? parseFailurePath(entry.pathInImage) : null;
          if (!parsed) {
            unknown.push(entry.pathInImage);
            return null;
          }
          return cappedText(FAILURE_LOG_MAX_BYTES, (log) => failures.push({ ...parsed, path: entry.pathInImage, log }));
        },
        signal,
      );
    }
    onProgress?.(files);
    failed = false;
    return {
      imageId,
      inspect,
      drivers,
      failures: settleLayouts(failures).map((f) => ({
        kernel: f.kernel,
        moduleVersion: f.moduleVersion,
        flavour: f.flavour,
        path: f.path,
        log: f.log,
      })),
      unknown,
    };
  } finally {
    await removeContainer(container, failed);
  }
}

/** The engine's id of an image: DomainError not_found when it has none, engine_unavailable when it does not answer. */
export async function inspectImageId(engine: Docker, ref: string): Promise<string> {
  return (await inspectImageInfo(engine, ref)).Id;
}

async function inspectImageInfo(engine: Docker, ref: string): Promise<Docker.ImageInspectInfo> {
  try {
    return await engine.getImage(ref).inspect();
  } catch (error) {
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode === 404) throw new DomainError("not_found", `no such image ${ref}`);
    if (e.code && ["ENOENT", "ECONNREFUSED", "EACCES", "ECONNRESET", "EHOSTUNREACH", "ENOTFOUND", "ETIMEDOUT", "EPIPE"].includes(e.code)) {
      throw new DomainError("engine_unavailable", `the Docker engine cannot be reached (${e.code})`);
    }
    throw error;
  }
}

/** Keeps a log up to `max` bytes, counts the rest, and says where it was cut. */
function cappedText(max: number, done: (text: string) => void): EntrySink {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  return {
    data(chunk) {
      total += chunk.length;
      if (keptBytes < max) {
        const part = chunk.subarray(0, max - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
    },
    end() {
      // A multi-byte character cut in two at the limit decodes as U+FFFD.
      const text = Buffer.concat(kept, keptBytes).toString("utf8");
      done(total > max ? `${text}\n[kobuild: log cut at ${max} bytes; the file has ${total} bytes]` : text);
    },
  };
}

/**
 * Names whose layout could not be told apart (parseFailurePath, rule 4) take
 * the layout the other logs of the same tree show: one build writes one layout.
 */
function settleLayouts<T extends FailurePath>(failures: T[]): T[] {
  let kernelFirst = 0;
  let versionFirst = 0;
  for (const f of failures) {
    if (f.ambiguous) continue;
    if (f.layout === "kernel-first") kernelFirst += 1;
    else versionFirst += 1;
  }
  if (versionFirst <= kernelFirst) return failures;
  return failures.map((f) => (f.ambiguous && f.layout === "kernel-first" ? { ...f, ...swapFailureLayout(f) } : f));
}

async function removeContainer(container: Docker.Container, failed: boolean) {
  try {
    // v: anonymous volumes an image's VOLUME lines made at create time go too.
    await container.remove({ force: true, v: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    // After a failure, that failure is what the caller needs to see.
    if (!failed) throw error;
  }
}
