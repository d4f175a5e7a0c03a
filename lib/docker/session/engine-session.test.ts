import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineClient } from "@/lib/docker/engine";
import { readImageLayers } from "@/lib/docker/image/image-layer-entries";
import { postBuild, sendBuildContext, type EngineContext } from "@/lib/docker/send-build-context";
import type { SentFiles } from "./file-sync";

// Builds on the real engine whose files come through kobuild's BuildKit
// session: what the image holds, and what went over the wire to make it.

const engine = createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
const run = randomUUID().slice(0, 8);
let root = "";
const tags: string[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-session-"));
  const dir = path.join(root, "checkout");
  fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
  fs.writeFileSync(path.join(dir, "a.txt"), "a\n");
  fs.writeFileSync(path.join(dir, "ignored.txt"), "left out\n");
  fs.writeFileSync(path.join(dir, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "sub", "x.log"), "left out\n");
  fs.writeFileSync(path.join(dir, "sub", "keep.log"), "kept by an exception\n");
  fs.writeFileSync(path.join(dir, "sub", "y.txt"), "y\n");
  fs.writeFileSync(path.join(dir, "big.bin"), Buffer.alloc(3 * 1024 * 1024 + 5, 7));
  fs.symlinkSync("a.txt", path.join(dir, "link"));
});

afterAll(async () => {
  for (const tag of tags) await engine.getImage(tag).remove().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

/** The checkout under `checkout/`, with a Dockerfile and a .dockerignore of the test's own at the root. */
function contextOf(dockerfile: string, sharedKey: string): EngineContext {
  const tree = {
    entries: [
      { name: "Dockerfile", content: Buffer.from(dockerfile) },
      { name: ".dockerignore", content: Buffer.from("checkout/ignored.txt\ncheckout/sub/*.log\n!checkout/sub/keep.log\n") },
      { name: "checkout", followed: path.join(root, "checkout") },
    ],
  };
  return { tar: () => { throw new Error("a BuildKit engine with sessions must not be sent a tar"); }, tree: { name: "checkout", sharedKey, tree } };
}

/** Files every build reads before its steps: the Dockerfile, and .dockerignore for its patterns. */
const BUILD_READS = 2;

type Built = { files: Map<string, { type: string; text: string; linkname?: string }>; sent: SentFiles };

async function build(dockerfile: string, sharedKey: string): Promise<Built> {
  const tag = `kobuild-test/session:${run}-${tags.length}`;
  tags.push(tag);
  let sent: SentFiles = { files: -1, bytes: -1 };
  let tail = "";
  await sendBuildContext(engine, contextOf(dockerfile, sharedKey), { useBuildKit: true, stallSeconds: 60, onSessionSent: (s) => (sent = { ...s }) }, async (delivery, signal) => {
    expect(delivery).toHaveProperty("session");
    const response = await postBuild(engine, delivery, signal, { dockerfile: "Dockerfile", t: tag, version: "2", networkmode: "none" });
    for await (const chunk of response) tail = (tail + String(chunk)).slice(-4096);
  });
  expect(tail).toContain("moby.image.id");
  const files: Built["files"] = new Map();
  const id = (await engine.getImage(tag).inspect()).Id;
  await readImageLayers(engine, id, (_layer, entry) => {
    const file = { type: entry.type, text: "", ...(entry.linkname ? { linkname: entry.linkname } : {}) };
    files.set(entry.pathInImage, file);
    return { data: (chunk) => (file.text += chunk.length < 64 ? chunk.toString() : `<${chunk.length} bytes>`), end: () => undefined };
  });
  return { files, sent };
}

describe("a build whose context comes through kobuild's BuildKit session", () => {
  it("holds what the Dockerfile copies, less what .dockerignore leaves out, with symlinks and held files", async () => {
    const { files, sent } = await build("FROM scratch\nCOPY . /ctx/\n", `all-${run}`);
    expect(files.get("/ctx/checkout/a.txt")?.text).toBe("a\n");
    expect(files.get("/ctx/checkout/sub/y.txt")?.text).toBe("y\n");
    expect(files.get("/ctx/checkout/sub/keep.log")?.text).toBe("kept by an exception\n");
    expect(files.get("/ctx/checkout/link")).toMatchObject({ type: "symlink", linkname: "a.txt" });
    expect(files.get("/ctx/Dockerfile")?.text).toBe("FROM scratch\nCOPY . /ctx/\n");
    expect(files.has("/ctx/checkout/ignored.txt")).toBe(false);
    expect(files.has("/ctx/checkout/sub/x.log")).toBe(false);
    expect(files.has("/ctx/checkout/big.bin")).toBe(true);
    // The 5 files of the checkout the image holds, the Dockerfile and .dockerignore it copied, and
    // the two read first for the build itself (the Dockerfile, .dockerignore for its patterns).
    expect(sent.files).toBe(5 + 2 + BUILD_READS);
    expect(sent.bytes).toBeGreaterThan(3 * 1024 * 1024);
  }, 120_000);

  it("sends only what changed since the last session with the same shared key, and everything under a new key", async () => {
    const key = `again-${run}`;
    const first = await build("FROM scratch\nCOPY checkout/ /ctx/\n", key);
    expect(first.sent.files).toBe(5 + BUILD_READS);
    fs.writeFileSync(path.join(root, "checkout", "sub", "y.txt"), "y, changed\n");
    const second = await build("FROM scratch\nCOPY checkout/ /ctx/\n", key);
    expect(second.files.get("/ctx/sub/y.txt")?.text).toBe("y, changed\n");
    expect(second.sent).toEqual({ files: 1, bytes: "y, changed\n".length });
    const fresh = await build("FROM scratch\nCOPY checkout/ /ctx/\n", `fresh-${run}`);
    expect(fresh.sent.files).toBe(5 + BUILD_READS);
  }, 120_000);

  it("fetches only the files the steps copy", async () => {
    const { files, sent } = await build("FROM scratch\nCOPY checkout/sub /sub/\n", `sub-${run}`);
    expect([...files.keys()].filter((name) => name.startsWith("/sub/")).sort()).toEqual(["/sub/keep.log", "/sub/y.txt"]);
    expect(sent.files).toBe(2 + BUILD_READS);
  }, 120_000);
});
