import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createHash, type Hash } from "node:crypto";
import tar, { type Header } from "tar-stream";
import type { EngineContext } from "@/lib/docker/send-build-context";
import type { ContextTree } from "@/lib/docker/session/context-tree";

export type ContextSource = {
  /** The repository checkout, sent as `collector/`, .git included (the patcher checks out refs). */
  workspacePath: string;
  /** Bundle archives, sent as `bundles/<file name>`. */
  bundleFiles: string[];
  /** Files of kobuild's own at the context's root, beside collector/ (the plan Dockerfile). */
  extraFiles?: { name: string; content: string }[];
  /** Filled once the context is sent: a digest of what collector/ and bundles/ held (names, sizes, times). */
  fingerprint?: ContextFingerprint;
};

/**
 * A build's context for an engine: a tar of it, or the same files served
 * through a BuildKit session. `role` keeps the files the engine holds from
 * one build of the workspace to the next apart from those of another kind
 * of build that runs beside it (the plan's), so that each sends only what
 * changed since its own last time (see sharedKeyOf).
 */
export function engineContextOf(source: ContextSource, role: "build" | "plan" | "shard"): EngineContext {
  return {
    tar: () => streamBuildContext(source),
    tree: {
      name: path.basename(source.workspacePath),
      sharedKey: sharedKeyOf(source, role),
      tree: contextTreeOf(source),
      onSession: () => {
        if (source.fingerprint) source.fingerprint.value = fingerprintOf(source);
      },
    },
  };
}

/**
 * Which files the engine may start from: those it kept from the last build
 * of the same workspace, role and set of bundles. A build whose bundles
 * differ (a channel's catch-up of one new kernel after a build of thousands,
 * a shard of another slice) starts afresh: changing the engine's copy into
 * it would cost the engine more than receiving it.
 */
function sharedKeyOf(source: ContextSource, role: string): string {
  const hash = createHash("sha256").update(`kobuild\0${role}\0${path.resolve(source.workspacePath)}\0`);
  for (const name of source.bundleFiles.map((file) => path.basename(file)).sort()) hash.update(`${name}\0`);
  return hash.digest("hex");
}

/** The context's layout as a tree: kobuild's files at the root, `collector/` and `bundles/`, as in the tar. */
function contextTreeOf({ workspacePath, bundleFiles, extraFiles = [] }: ContextSource): ContextTree {
  return {
    entries: [
      ...extraFiles.map((file) => ({ name: file.name, content: Buffer.from(file.content) })),
      { name: "collector", followed: workspacePath },
      { name: "bundles", like: workspacePath, entries: bundleFiles.map((file) => ({ name: path.basename(file), followed: file })) },
    ],
  };
}

/** The fingerprint the tar's sending computes, from the files' stats alone. */
function fingerprintOf({ workspacePath, bundleFiles }: ContextSource): string {
  const hash = createHash("sha256");
  const walk = (dir: string, name: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const entryName = `${name}/${entry.name}`;
      if (entry.isDirectory()) walk(full, entryName);
      else if (entry.isSymbolicLink()) fingerprintLink(hash, entryName, fs.readlinkSync(full));
      else if (entry.isFile()) fingerprintFile(hash, entryName, fs.statSync(full));
    }
  };
  walk(workspacePath, "collector");
  for (const file of bundleFiles) fingerprintFile(hash, `bundles/${path.basename(file)}`, fs.statSync(file));
  return hash.digest("hex");
}

// What a fingerprint holds of each entry, the same whichever way the context is sent.
const fingerprintFile = (hash: Hash, name: string, stat: fs.Stats, size = stat.size) => hash.update(`${name}\0${size}\0${stat.mtimeMs}\0${stat.mode}\0`);
const fingerprintLink = (hash: Hash, name: string, linkname: string) => hash.update(`${name}\0->${linkname}\0`);

/** Two contexts made from the same files have the same value; kobuild's extra files do not count. */
export type ContextFingerprint = { value: string };

/**
 * The build context as a tar stream: `collector/` and `bundles/`, read file by
 * file as the engine consumes it, never held in memory or written to disk.
 */
export function streamBuildContext(source: ContextSource): Readable {
  const pack = tar.pack();
  fill(pack, source).then(
    () => pack.finalize(),
    (error: unknown) => pack.destroy(error as Error),
  );
  // A Node stream for dockerode; an error while reading ends it with that error.
  return gathered(pack);
}

/** Chunks smaller than this that are ready together go as one: a tar header, a small file and its padding would be three. */
const GATHER_BYTES = 64 * 1024;

/**
 * The pack as a Node stream whose small chunks that wait together are sent
 * as one: every chunk costs the same (streams, the request's chunked encoding,
 * a write to the engine's socket) whatever its size. Large chunks go as they are.
 */
function gathered(pack: tar.Pack): Readable {
  let wanted = false;
  const out = new Readable({
    read() {
      wanted = true;
      pump();
    },
    destroy(error, callback) {
      pack.destroy(error ?? undefined);
      callback(error);
    },
  });
  const pump = () => {
    while (wanted) {
      const parts: Buffer[] = [];
      let size = 0;
      let large: Buffer | null = null;
      for (let chunk = pack.read() as Buffer | null; chunk !== null; chunk = size < GATHER_BYTES ? (pack.read() as Buffer | null) : null) {
        if (chunk.length >= GATHER_BYTES) {
          large = chunk;
          break;
        }
        parts.push(chunk);
        size += chunk.length;
      }
      if (parts.length === 0 && !large) return;
      if (parts.length) wanted = out.push(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
      if (large) wanted = out.push(large);
    }
  };
  pack.on("readable", pump);
  let whole = false;
  pack.on("end", () => {
    whole = true;
    out.push(null);
  });
  pack.on("error", (error: Error) => out.destroy(error));
  // Destroyed without an error before its end (not by this stream): the context is cut, not whole.
  pack.on("close", () => {
    if (!whole && !out.destroyed) out.destroy(new Error("the build context ended before it was whole"));
  });
  return out;
}

async function fill(pack: tar.Pack, { workspacePath, bundleFiles, extraFiles = [], fingerprint }: ContextSource) {
  for (const file of extraFiles) await entryDone(pack, { name: file.name, mode: 0o644, mtime: new Date(0) }, file.content);
  const hash = createHash("sha256");
  const reader = new FileReader();
  await addTree(pack, workspacePath, "collector", hash, reader);
  addDirectory(pack, "bundles", fs.statSync(workspacePath));
  for (const file of bundleFiles) await addFile(pack, file, `bundles/${path.basename(file)}`, hash, reader);
  if (fingerprint) fingerprint.value = hash.digest("hex");
}

/** Small files are read whole; larger ones are streamed. */
const SMALL_FILE = 256 * 1024;
/** Chunks of larger files: a chunk costs the same whatever its size, from the disk to the engine's socket. */
const STREAM_CHUNK = 1024 * 1024;
/** The longest the context's files are read in a row before other work of the process gets its turn. */
const READ_SLICE_MS = 2;

/**
 * Reads the context's entries and small files at once, not through the
 * thread pool: a checkout (its .git too) and a sharded build's bundles are
 * mostly small files, and a stat and a read handed to the pool cost the
 * dashboard some 300 µs of CPU a file against about 15 µs read in place. The
 * reading gives way to other work every READ_SLICE_MS; the pack still takes
 * one entry at a time, at the pace the engine takes the bytes.
 */
class FileReader {
  private sliceStart = performance.now();

  async turn() {
    if (performance.now() - this.sliceStart < READ_SLICE_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}

async function addTree(pack: tar.Pack, dir: string, name: string, hash: Hash, reader: FileReader) {
  await reader.turn();
  addDirectory(pack, name, fs.statSync(dir));
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const entryName = `${name}/${entry.name}`;
    if (entry.isDirectory()) {
      await addTree(pack, full, entryName, hash, reader);
    } else if (entry.isSymbolicLink()) {
      await reader.turn();
      const stat = fs.lstatSync(full);
      const linkname = fs.readlinkSync(full);
      fingerprintLink(hash, entryName, linkname);
      await entryDone(pack, { name: entryName, type: "symlink", linkname, mode: stat.mode & 0o7777, mtime: stat.mtime });
    } else if (entry.isFile()) {
      await addFile(pack, full, entryName, hash, reader);
    }
    // Sockets, fifos and devices have no place in a build context.
  }
}

function addDirectory(pack: tar.Pack, name: string, stat: fs.Stats) {
  pack.entry({ name, type: "directory", mode: stat.mode & 0o7777, mtime: stat.mtime });
}

function entryDone(pack: tar.Pack, header: Partial<Header> & { name: string }, content?: string | Buffer) {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(header, done);
    else pack.entry(header, content, done);
  });
}

async function addFile(pack: tar.Pack, file: string, name: string, hash: Hash, reader: FileReader) {
  await reader.turn();
  const stat = fs.statSync(file);
  if (stat.size <= SMALL_FILE) {
    const bytes = fs.readFileSync(file);
    // The bytes read are what is sent: a file that changed since its stat keeps the tar whole.
    fingerprintFile(hash, name, stat, bytes.length);
    return entryDone(pack, { name, size: bytes.length, mode: stat.mode & 0o7777, mtime: stat.mtime }, bytes);
  }
  fingerprintFile(hash, name, stat);
  // tar-stream writes one entry at a time; the pipeline waits for the engine to take the bytes.
  const entry = pack.entry({ name, size: stat.size, mode: stat.mode & 0o7777, mtime: stat.mtime });
  await pipeline(fs.createReadStream(file, { highWaterMark: STREAM_CHUNK }), entry);
}

/** A context that holds one file, `Dockerfile`: what image operations need (their Dockerfiles read nothing else). */
export function dockerfileContext(dockerfile: string): EngineContext {
  return {
    tar: () => {
      const pack = tar.pack();
      pack.entry({ name: "Dockerfile", mode: 0o644, mtime: new Date(0) }, dockerfile);
      pack.finalize();
      return Readable.from(pack, { objectMode: false });
    },
  };
}
