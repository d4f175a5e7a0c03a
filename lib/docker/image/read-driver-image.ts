import "server-only";
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { DomainError } from "@/lib/domain-error";
import { openContainerArchive } from "./container-archive";
import { parseImageRef } from "./image-ref";
import { type Flavour, parseDriverPath, parseFailurePath, swapFailureLayout, type FailurePath } from "./parse-driver-path";
import { readImageLayers } from "./image-layer-entries";
import { readTarEntries, type ArchiveEntry, type EntrySink } from "./tar-entries";

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
 * Images up to this size are read from the engine's archive of their layers;
 * larger ones through a container. A container costs the engine about 0.1 s
 * more to start with, the archive (which the engine writes out before it sends
 * it) more per byte: at 17 MB the container is already faster
 * (`npm run bench -- image` measures both).
 */
export const LAYERS_READ_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Lists the drivers, unavailability markers and failure logs of a driver
 * image, streamed and hashed entry by entry. A small image (a build's result
 * on a small base) is read from the engine's archive of its layers, merged
 * here: that costs the engine a fraction of what a container's archives do.
 * A larger one is read through a container that is created but never
 * started (so images without a shell or a command work) and always removed,
 * so that a large base image is never sent. `through` forces one of the two.
 */
export async function readDriverImage(engine: Docker, ref: string, opts: ReadDriverImageOptions & { through?: "layers" | "container" } = {}): Promise<DriverImageContent> {
  const { signal, onProgress, flatModuleVersion } = opts;
  parseImageRef(ref);
  signal?.throwIfAborted();
  const inspect = await inspectImageInfo(engine, ref);
  signal?.throwIfAborted();

  let files = 0;
  const found: FoundFiles = { drivers: [], failures: [], unknown: [] };
  const classify = classifier(flatModuleVersion, () => {
    files += 1;
    if (files % PROGRESS_EVERY === 0) onProgress?.(files);
  });
  const through = opts.through ?? (inspect.Size <= LAYERS_READ_MAX_BYTES ? "layers" : "container");
  const hasModules = through === "layers" ? await readLayers(engine, inspect.Id, classify, found, signal) : await readThroughContainer(engine, inspect.Id, classify, found, signal);
  if (!hasModules) throw new DomainError("unprocessable", `not a driver image: no /kernel-modules in ${ref}`);
  onProgress?.(files);
  return {
    imageId: inspect.Id,
    inspect,
    drivers: found.drivers,
    failures: settleLayouts(found.failures).map((f) => ({ kernel: f.kernel, moduleVersion: f.moduleVersion, flavour: f.flavour, path: f.path, log: f.log })),
    unknown: found.unknown,
  };
}

type FoundFailure = FailurePath & { path: string; log: string };
type FoundFiles = { drivers: DriverFile[]; failures: FoundFailure[]; unknown: string[] };
/** What one entry under /kernel-modules or /FAILURES turned out to be, once its bytes are read. */
type Found = { driver: DriverFile } | { failure: FoundFailure } | { unknown: string };
type Classify = (entry: ArchiveEntry, found: (what: Found) => void) => EntrySink | null;

const MODULES = "/kernel-modules";
const FAILURES = "/FAILURES";
const under = (root: string, pathInImage: string) => pathInImage === root || pathInImage.startsWith(`${root}/`);

/** Tells drivers, markers, failure logs and stray files apart, hashing drivers and keeping logs (cut) as their bytes go by. */
function classifier(flatModuleVersion: string | undefined, counted: () => void): Classify {
  const parse = (pathInImage: string) => {
    const parsed = parseDriverPath(pathInImage);
    if (parsed || !flatModuleVersion) return parsed;
    const flat = /^\/kernel-modules\/([^/]+)$/.exec(pathInImage);
    return flat ? parseDriverPath(`${flatModuleVersion}/${flat[1]}`) : null;
  };
  return (entry, found) => {
    if (entry.type === "directory") return null;
    const inModules = under(MODULES, entry.pathInImage);
    if (!inModules && !under(FAILURES, entry.pathInImage)) return null;
    counted();
    if (inModules) {
      const parsed = entry.type === "file" ? parse(entry.pathInImage) : null;
      if (!parsed) {
        found({ unknown: entry.pathInImage });
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
          found({ driver: { ...parsed, path: entry.pathInImage, size, sha256: hash ? hash.digest("hex") : null } });
        },
      };
    }
    const parsed = entry.type === "file" ? parseFailurePath(entry.pathInImage) : null;
    if (!parsed) {
      found({ unknown: entry.pathInImage });
      return null;
    }
    return cappedText(FAILURE_LOG_MAX_BYTES, (log) => found({ failure: { ...parsed, path: entry.pathInImage, log } }));
  };
}

function add(to: FoundFiles, what: Found) {
  if ("driver" in what) to.drivers.push(what.driver);
  else if ("failure" in what) to.failures.push(what.failure);
  else to.unknown.push(what.unknown);
}

/** The container's two archives; false when it has no /kernel-modules. */
async function readThroughContainer(engine: Docker, imageId: string, classify: Classify, found: FoundFiles, signal?: AbortSignal) {
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
  let failed = true;
  try {
    signal?.throwIfAborted();
    // One archive at a time: the engine holds the container's lock until an archive is read to its end.
    const modules = await openContainerArchive(container, MODULES, signal);
    if (!modules) return false;
    await readTarEntries(modules, (entry) => classify(entry, (what) => add(found, what)), signal);
    const failuresArchive = await openContainerArchive(container, FAILURES, signal);
    if (failuresArchive) await readTarEntries(failuresArchive, (entry) => classify(entry, (what) => add(found, what)), signal);
    failed = false;
    return true;
  } finally {
    await removeContainer(container, failed);
  }
}

/** The image's layers from the engine's archive of it (`docker save`), merged as the engine merges them; false when it has no /kernel-modules. */
async function readLayers(engine: Docker, imageId: string, classify: Classify, found: FoundFiles, signal?: AbortSignal) {
  const layers = new Map<string, LayerFiles>();
  const order = await readImageLayers(
    engine,
    imageId,
    (name, entry) => {
      let layer = layers.get(name);
      if (!layer) layers.set(name, (layer = emptyLayer()));
      const slash = entry.pathInImage.lastIndexOf("/");
      const dir = entry.pathInImage.slice(0, slash);
      const base = entry.pathInImage.slice(slash + 1);
      // Whiteouts: `.wh..wh..opq` hides what lower layers have in its directory, `.wh.<name>` hides <name>.
      if (base === ".wh..wh..opq") layer.opaque.push(dir);
      else if (base.startsWith(".wh.")) layer.removed.push(`${dir}/${base.slice(4)}`);
      else if (entry.type === "directory") {
        if (entry.pathInImage === MODULES || entry.pathInImage === FAILURES) layer.roots.add(entry.pathInImage);
      } else return classify(entry, (what) => layer.files.set(entry.pathInImage, what));
      return null;
    },
    signal,
  );
  // An empty layer (a step that changed nothing) had no entry to be named by.
  return mergeLayers(
    order.map((name) => layers.get(name) ?? emptyLayer()),
    found,
  );
}

/** What one layer adds under /kernel-modules and /FAILURES, and what it hides of the layers below. */
type LayerFiles = { files: Map<string, Found>; roots: Set<string>; removed: string[]; opaque: string[] };
const emptyLayer = (): LayerFiles => ({ files: new Map(), roots: new Set(), removed: [], opaque: [] });

/** Stacks the layers as the engine's filesystem does: a layer's whiteouts hide what is below it, then its files replace what they name. */
function mergeLayers(layers: LayerFiles[], found: FoundFiles) {
  const files = new Map<string, Found>();
  const roots = new Set<string>();
  const hide = (prefix: string, self: boolean) => {
    for (const key of files.keys()) if ((self && key === prefix) || key.startsWith(`${prefix}/`)) files.delete(key);
    for (const root of roots) if ((self && root === prefix) || root.startsWith(`${prefix}/`)) roots.delete(root);
  };
  for (const layer of layers) {
    for (const dir of layer.opaque) hide(dir, false);
    for (const gone of layer.removed) hide(gone, true);
    for (const root of layer.roots) roots.add(root);
    for (const [file, what] of layer.files) {
      files.set(file, what);
      if (under(MODULES, file)) roots.add(MODULES);
    }
  }
  for (const file of [...files.keys()].sort()) add(found, files.get(file)!);
  return roots.has(MODULES);
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
