import "server-only";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar, { type Header } from "tar-stream";

export type ContextSource = {
  /** The repository checkout, sent as `collector/`, .git included (the patcher checks out refs). */
  workspacePath: string;
  /** Bundle archives, sent as `bundles/<file name>`. */
  bundleFiles: string[];
};

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

async function fill(pack: tar.Pack, { workspacePath, bundleFiles }: ContextSource) {
  await addTree(pack, workspacePath, "collector");
  addDirectory(pack, "bundles", await fs.promises.stat(workspacePath));
  for (const file of bundleFiles) {
    await addFile(pack, file, `bundles/${path.basename(file)}`, await fs.promises.stat(file));
  }
}

async function addTree(pack: tar.Pack, dir: string, name: string) {
  addDirectory(pack, name, await fs.promises.stat(dir));
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const entryName = `${name}/${entry.name}`;
    if (entry.isDirectory()) {
      await addTree(pack, full, entryName);
    } else if (entry.isSymbolicLink()) {
      const stat = await fs.promises.lstat(full);
      await entryDone(pack, { name: entryName, type: "symlink", linkname: await fs.promises.readlink(full), mode: stat.mode & 0o7777, mtime: stat.mtime });
    } else if (entry.isFile()) {
      await addFile(pack, full, entryName, await fs.promises.stat(full));
    }
    // Sockets, fifos and devices have no place in a build context.
  }
}

function addDirectory(pack: tar.Pack, name: string, stat: fs.Stats) {
  pack.entry({ name, type: "directory", mode: stat.mode & 0o7777, mtime: stat.mtime });
}

function entryDone(pack: tar.Pack, header: Partial<Header> & { name: string }) {
  return new Promise<void>((resolve, reject) => pack.entry(header, (error) => (error ? reject(error) : resolve())));
}

async function addFile(pack: tar.Pack, file: string, name: string, stat: fs.Stats) {
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
