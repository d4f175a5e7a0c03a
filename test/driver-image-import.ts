import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import tar from "tar-stream";

// Driver images made without a registry or a base image: a tar written by
// tar-stream, streamed into `docker import` (files may be generated as they
// are written: nothing is held whole in memory).

export type ImageFile = { name: string; content: Buffer | string } | { name: string; size: number; fill: (i: number) => Buffer };

/** Imports `files` as the image `ref`; answers its id and how many files it holds. */
export async function importDriverImage(ref: string, files: Iterable<ImageFile>): Promise<{ ref: string; id: string; files: number }> {
  const child = spawn("/usr/bin/docker", ["import", "-", ref], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  const pack = tar.pack();
  pack.pipe(child.stdin);
  const dirs = new Set<string>();
  let count = 0;
  const add = (header: Partial<tar.Header> & { name: string }, body: Buffer | string) =>
    new Promise<void>((resolve, reject) => {
      pack.entry(header, body, (err) => (err ? reject(err) : resolve()));
    });
  for (const file of files) {
    const parts = file.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (!dirs.has(dir)) {
        dirs.add(dir);
        await add({ name: `${dir}/`, type: "directory", mode: 0o755 }, "");
      }
    }
    if ("content" in file) {
      await add({ name: file.name, mode: 0o644 }, file.content);
    } else {
      const sink = pack.entry({ name: file.name, size: file.size, mode: 0o644 });
      const written = new Promise<void>((resolve, reject) => sink.once("finish", () => resolve()).once("error", reject));
      for (let i = 0, left = file.size; left > 0; i++) {
        const chunk = file.fill(i).subarray(0, left);
        left -= chunk.length;
        if (!sink.write(chunk)) await new Promise<void>((r) => sink.once("drain", () => r()));
      }
      sink.end(undefined);
      await written;
    }
    count++;
  }
  pack.finalize();
  const code = await exited;
  if (code !== 0) throw new Error(`docker import failed (${code}): ${stderr}`);
  return { ref, id: stdout.trim(), files: count };
}

/** A large driver image: 5,000 small drivers (each file's bytes are its own name) and one of 16 MiB. */
export const LARGE_IMAGE = { drivers: 5000, bigBytes: 16 * 1024 * 1024, bigKernel: "6.1.0-56-cloud-amd64" } as const;

/** The i-th small driver's kernel, cycling through real id shapes. */
export const largeImageKernel = (i: number) => [`5.4.0-${1000 + i}-gcp`, `3.10.0-${i}.el7.x86_64`, `4.15.0-${i}-aws~16.04`, `5.10.${i}+`][i % 4]!;

/** The large image's files; `onBigBlock` sees each block of the big driver as it is written. */
export function* largeImageFiles(onBigBlock: (block: Buffer) => void = () => undefined): Generator<ImageFile> {
  for (let i = 0; i < LARGE_IMAGE.drivers; i++) {
    const mv = ["2.2.0", "2.1.0", "2.0.1", "1.6.0"][i % 4]!;
    const name = `kernel-modules/${mv}/collector-${i % 2 ? "ebpf-" : ""}${largeImageKernel(i)}${i % 2 ? ".o.gz" : ".ko.gz"}`;
    yield { name, content: name };
  }
  yield {
    name: `kernel-modules/2.2.0/collector-${LARGE_IMAGE.bigKernel}.ko.gz`,
    size: LARGE_IMAGE.bigBytes,
    fill: (i) => {
      // A fresh buffer each time: the tar stream may still hold the previous one.
      const block = Buffer.alloc(64 * 1024, i % 251);
      onBigBlock(block);
      return block;
    },
  };
}

/** A file, directory or whiteout (`.wh.<name>`, `.wh..wh..opq`) of one layer of an image made by loadLayeredImage. */
export type LayerEntry = { name: string; content?: Buffer | string; type?: "file" | "directory" };

/**
 * Loads an image of several layers with `docker load` of an archive written
 * here (manifest.json, the config with each layer's diff id, one tar per
 * layer): how the engine stacks layers, whiteouts included, without a base
 * image, a shell or a registry.
 */
export async function loadLayeredImage(ref: string, layers: LayerEntry[][]): Promise<{ ref: string; id: string }> {
  const layerTars: Buffer[] = [];
  for (const entries of layers) layerTars.push(await tarOf(entries.map((e) => ({ header: { name: e.type === "directory" ? `${e.name}/` : e.name, type: e.type ?? "file", mode: e.type === "directory" ? 0o755 : 0o644 }, body: e.content ?? "" }))));
  const diffIds = layerTars.map((t) => createHash("sha256").update(t).digest("hex"));
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", config: {}, rootfs: { type: "layers", diff_ids: diffIds.map((d) => `sha256:${d}`) } }));
  const configName = `${createHash("sha256").update(config).digest("hex")}.json`;
  const manifest = JSON.stringify([{ Config: configName, RepoTags: [ref], Layers: diffIds.map((d) => `${d}/layer.tar`) }]);
  const archive = await tarOf([
    ...layerTars.map((body, i) => ({ header: { name: `${diffIds[i]}/layer.tar`, mode: 0o644 }, body })),
    { header: { name: configName, mode: 0o644 }, body: config },
    { header: { name: "manifest.json", mode: 0o644 }, body: manifest },
  ]);
  const loaded = spawnSync("/usr/bin/docker", ["load"], { input: archive, encoding: "utf8" });
  if (loaded.status !== 0) throw new Error(`docker load failed: ${loaded.stderr}`);
  const id = spawnSync("/usr/bin/docker", ["image", "inspect", "--format", "{{.Id}}", ref], { encoding: "utf8" }).stdout.trim();
  return { ref, id };
}

async function tarOf(entries: { header: Partial<tar.Header> & { name: string }; body: Buffer | string }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => pack.on("end", resolve).on("error", reject));
  for (const { header, body } of entries) await new Promise<void>((resolve, reject) => pack.entry(header, body, (err) => (err ? reject(err) : resolve())));
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
