// Records real build responses of a Docker engine for the decoder tests.
//
//   npx tsx --conditions=react-server lib/docker/progress/__recordings__/record.ts
//
// Talks to DOCKER_HOST (default unix:///var/run/docker.sock). Needs no registry:
// the base image is made from a static busybox (Debian's busybox-static) with
// an import. Each recording is the response body exactly as the engine sent it,
// plus a sidecar <name>.json (RecordingInfo) with what the engine reported.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import tar from "tar-stream";
import { createEngineClient } from "@/lib/docker/engine";
import {
  BASE_IMAGE,
  FAILING_DOCKERFILE,
  FAILING_STAGES,
  MULTISTAGE_DOCKERFILE,
  MULTISTAGE_STAGES,
  PRINT_SCRIPT,
  type RecordingInfo,
} from "./fixture";

const HERE = path.dirname(new URL(import.meta.url).pathname);
/** Recordings above this are stored gzipped (the tests read both). */
const GZIP_ABOVE = 300 * 1024;
const BUSYBOX_CANDIDATES = ["/bin/busybox", "/usr/bin/busybox"];
const APPLETS = ["sh", "echo", "printf", "seq", "mkdir", "cat", "ls", "sleep", "true", "false", "env", "cp", "rm"];

type Recipe = { name: string; buildkit: boolean; dockerfile: string; stages: string[]; nocache: boolean };

const RECIPES: Recipe[] = [
  // nocache: the first build must run every step even when the engine built it before.
  { name: "buildkit-multistage", buildkit: true, dockerfile: MULTISTAGE_DOCKERFILE, stages: MULTISTAGE_STAGES, nocache: true },
  // Right after the one above: every step comes from BuildKit's cache.
  { name: "buildkit-multistage-cached", buildkit: true, dockerfile: MULTISTAGE_DOCKERFILE, stages: MULTISTAGE_STAGES, nocache: false },
  { name: "buildkit-failing", buildkit: true, dockerfile: FAILING_DOCKERFILE, stages: FAILING_STAGES, nocache: true },
  { name: "classic-multistage", buildkit: false, dockerfile: MULTISTAGE_DOCKERFILE, stages: MULTISTAGE_STAGES, nocache: true },
  { name: "classic-failing", buildkit: false, dockerfile: FAILING_DOCKERFILE, stages: FAILING_STAGES, nocache: true },
];

async function main() {
  const engine = createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
  const version = await engine.version();
  await ensureBaseImage(engine);
  const only = process.argv.slice(2);
  for (const recipe of RECIPES) {
    if (only.length && !only.includes(recipe.name)) continue;
    const info = await record(engine, recipe, { version: version.Version, apiVersion: version.ApiVersion });
    console.log(`${info.file}: ${info.bytes} bytes, image ${info.imageId ?? "(none: build failed)"}`);
  }
}

async function record(engine: Docker, recipe: Recipe, engineInfo: RecordingInfo["engine"]): Promise<RecordingInfo> {
  const tag = `kobuild-test/progress:${recipe.name}`;
  // A stale tag would make a failing build look as if it had produced an image.
  await engine.getImage(tag).remove({ force: true }).catch(() => undefined);

  // networkmode none: engines started with --bridge=none have no default network for RUN.
  const options: Record<string, unknown> = { t: tag, nocache: recipe.nocache, rm: true, forcerm: true, networkmode: "none" };
  if (recipe.buildkit) options.version = "2"; // dockerode opens the BuildKit session itself
  const response = (await engine.buildImage(contextOf(recipe.dockerfile), options)) as unknown as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(Buffer.from(chunk as Buffer));
  const raw = Buffer.concat(chunks);

  const imageId = await engine
    .getImage(tag)
    .inspect()
    .then((image) => image.Id)
    .catch(() => null);

  for (const stale of [`${recipe.name}.ndjson`, `${recipe.name}.ndjson.gz`]) fs.rmSync(path.join(HERE, stale), { force: true });
  const file = raw.length > GZIP_ABOVE ? `${recipe.name}.ndjson.gz` : `${recipe.name}.ndjson`;
  fs.writeFileSync(path.join(HERE, file), file.endsWith(".gz") ? zlib.gzipSync(raw, { level: 9 }) : raw);
  const info: RecordingInfo = {
    name: recipe.name,
    builder: recipe.buildkit ? "buildkit" : "classic",
    dockerfile: recipe.dockerfile,
    stages: recipe.stages,
    imageId,
    engine: engineInfo,
    file,
    bytes: raw.length,
  };
  fs.writeFileSync(path.join(HERE, `${recipe.name}.json`), `${JSON.stringify(info, null, 2)}\n`);
  return info;
}

/** The build context: the Dockerfile and the print script, packed in memory. */
function contextOf(dockerfile: string): NodeJS.ReadableStream {
  const pack = tar.pack();
  pack.entry({ name: "Dockerfile" }, dockerfile);
  pack.entry({ name: "print-lines.sh", mode: 0o755 }, PRINT_SCRIPT);
  pack.finalize();
  return asNodeStream(pack);
}

/** Imports a one-binary busybox root filesystem as BASE_IMAGE unless the engine already has it. */
async function ensureBaseImage(engine: Docker) {
  const exists = await engine
    .getImage(BASE_IMAGE)
    .inspect()
    .then(() => true)
    .catch(() => false);
  if (exists) return;
  const busybox = BUSYBOX_CANDIDATES.find((p) => fs.existsSync(p) && isStatic(p));
  if (!busybox) throw new Error("no static busybox found: apt-get install -y busybox-static");

  const pack = tar.pack();
  for (const dir of ["bin", "etc", "tmp", "root", "proc", "sys", "dev"]) {
    pack.entry({ name: dir, type: "directory", mode: dir === "tmp" ? 0o1777 : 0o755 });
  }
  pack.entry({ name: "bin/busybox", mode: 0o755 }, fs.readFileSync(busybox));
  for (const applet of APPLETS) pack.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  pack.entry({ name: "etc/passwd" }, "root:x:0:0:root:/root:/bin/sh\n");
  pack.finalize();

  const [repo, tagName] = BASE_IMAGE.split(":") as [string, string];
  const response = (await engine.importImage(asNodeStream(pack), { repo, tag: tagName })) as unknown as Readable;
  let body = "";
  for await (const chunk of response) body += String(chunk);
  if (body.includes('"error"')) throw new Error(`could not import ${BASE_IMAGE}: ${body}`);
}

/** tar-stream packs are streamx streams: dockerode pipes them fine, its typings only know Node's. */
function asNodeStream(pack: tar.Pack) {
  return pack as unknown as NodeJS.ReadableStream;
}

/** A dynamically linked busybox would not run in an image without a libc: look for an ELF interpreter. */
function isStatic(file: string) {
  const elf = fs.readFileSync(file);
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false; // 64-bit ELF only
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    if (elf.readUInt32LE(phoff + i * phentsize) === 3) return false; // PT_INTERP
  }
  return true;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
