import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createHash, type Hash } from "node:crypto";
import tar, { type Header } from "tar-stream";

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
  return Readable.from(pack, { objectMode: false });
}

async function fill(pack: tar.Pack, { workspacePath, bundleFiles, extraFiles = [], fingerprint }: ContextSource) {
  for (const file of extraFiles) await entryDone(pack, { name: file.name, mode: 0o644, mtime: new Date(0) }, file.content);
  const hash = createHash("sha256");
  await addTree(pack, workspacePath, "collector", hash);
  addDirectory(pack, "bundles", await fs.promises.stat(workspacePath));
  await addBundles(pack, bundleFiles, hash);
  if (fingerprint) fingerprint.value = hash.digest("hex");
}

/** Small files are read whole; larger ones are streamed. */
const SMALL_FILE = 256 * 1024;
/** How many bundles are looked up and (when small) read ahead of the one being sent. */
const READ_AHEAD = 8;

type ReadAhead = { stat: fs.Stats; bytes: Buffer | null };

/**
 * The bundles, in order. Thousands of small bundles (a sharded build's
 * shards) cost one stat, open, read and close after the other: the engine
 * then waited on kobuild, about 1.4 ms a file. The next few are looked up and
 * read while one is sent; the pack still takes one entry at a time, at the
 * pace the engine takes the bytes.
 */
async function addBundles(pack: tar.Pack, files: readonly string[], hash: Hash) {
  const lookUp = async (file: string): Promise<ReadAhead> => {
    const stat = await fs.promises.stat(file);
    return { stat, bytes: stat.size <= SMALL_FILE ? await fs.promises.readFile(file) : null };
  };
  const ahead: Promise<ReadAhead>[] = [];
  let next = 0;
  const fillAhead = () => {
    while (ahead.length < READ_AHEAD && next < files.length) {
      const looked = lookUp(files[next++]!);
      // Awaited in turn below; a build that stops early must not leave a rejection unheard.
      looked.catch(() => undefined);
      ahead.push(looked);
    }
  };
  for (const file of files) {
    fillAhead();
    const { stat, bytes } = await ahead.shift()!;
    const name = `bundles/${path.basename(file)}`;
    if (!bytes) {
      await addFile(pack, file, name, stat, hash);
      continue;
    }
    // The bytes read are what is sent: a file that changed since its stat keeps the tar whole.
    hash.update(`${name}\0${bytes.length}\0${stat.mtimeMs}\0${stat.mode}\0`);
    await entryDone(pack, { name, size: bytes.length, mode: stat.mode & 0o7777, mtime: stat.mtime }, bytes);
  }
}

async function addTree(pack: tar.Pack, dir: string, name: string, hash: Hash) {
  addDirectory(pack, name, await fs.promises.stat(dir));
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const entryName = `${name}/${entry.name}`;
    if (entry.isDirectory()) {
      await addTree(pack, full, entryName, hash);
    } else if (entry.isSymbolicLink()) {
      const stat = await fs.promises.lstat(full);
      const linkname = await fs.promises.readlink(full);
      hash.update(`${entryName}\0->${linkname}\0`);
      await entryDone(pack, { name: entryName, type: "symlink", linkname, mode: stat.mode & 0o7777, mtime: stat.mtime });
    } else if (entry.isFile()) {
      await addFile(pack, full, entryName, await fs.promises.stat(full), hash);
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

async function addFile(pack: tar.Pack, file: string, name: string, stat: fs.Stats, hash: Hash) {
  hash.update(`${name}\0${stat.size}\0${stat.mtimeMs}\0${stat.mode}\0`);
  // tar-stream writes one entry at a time; the pipeline waits for the engine to take the bytes.
  const entry = pack.entry({ name, size: stat.size, mode: stat.mode & 0o7777, mtime: stat.mtime });
  await pipeline(fs.createReadStream(file), entry);
}

/** A context that holds one file, `Dockerfile`: what image operations need (their Dockerfiles read nothing else). */
export function streamDockerfileContext(dockerfile: string): Readable {
  const pack = tar.pack();
  pack.entry({ name: "Dockerfile", mode: 0o644, mtime: new Date(0) }, dockerfile);
  pack.finalize();
  return Readable.from(pack, { objectMode: false });
}
