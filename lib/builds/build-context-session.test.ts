import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createEngineClient } from "@/lib/docker/engine";
import { postBuild, sendBuildContext } from "@/lib/docker/send-build-context";
import type { SentFiles } from "@/lib/docker/session/file-sync";
import { engineContextOf } from "./build-context";

// A workspace's builds through BuildKit sessions on the real engine: what
// each one sends depends on what the engine kept from the last build of the
// same workspace with the same bundles.

const engine = createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
const root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-context-session-"));
const checkout = path.join(root, `checkout-${randomUUID().slice(0, 8)}`);
const tags: string[] = [];
const bundles = ["bundle-6.1.0-1-amd64.tgz", "bundle-6.1.0-2-amd64.tgz"].map((name) => path.join(root, name));

fs.mkdirSync(path.join(checkout, "kernel-modules"), { recursive: true });
fs.writeFileSync(path.join(checkout, "kernel-modules", "MODULE_VERSION"), "2.2.0\n");
fs.writeFileSync(path.join(checkout, "README.md"), "a driver\n");
for (const [i, bundle] of bundles.entries()) fs.writeFileSync(bundle, Buffer.alloc(200_000 + i, i + 1));

afterAll(async () => {
  for (const tag of tags) await engine.getImage(tag).remove().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

async function build(bundleFiles: string[]): Promise<SentFiles> {
  const tag = `kobuild-test/context-session:${path.basename(checkout)}-${tags.length}`;
  tags.push(tag);
  let sent: SentFiles = { files: -1, bytes: -1 };
  const context = engineContextOf({ workspacePath: checkout, bundleFiles, extraFiles: [{ name: "Dockerfile", content: "FROM scratch\nCOPY collector/ /collector/\nCOPY bundles/ /bundles/\n" }] }, "build");
  await sendBuildContext(engine, context, { useBuildKit: true, stallSeconds: 60, onSessionSent: (s) => (sent = { ...s }) }, async (delivery, signal) => {
    let tail = "";
    for await (const chunk of await postBuild(engine, delivery, signal, { dockerfile: "Dockerfile", t: tag, version: "2", networkmode: "none" })) tail = (tail + String(chunk)).slice(-4096);
    expect(tail).toContain("moby.image.id");
  });
  return sent;
}

describe("a workspace's builds through BuildKit sessions", () => {
  it("send only what changed while the bundles stay the same, and everything once they differ", async () => {
    // The Dockerfile, two checkout files and two bundles.
    expect((await build(bundles)).files).toBe(5);
    fs.writeFileSync(path.join(checkout, "README.md"), "a driver, changed\n");
    expect(await build(bundles)).toEqual({ files: 1, bytes: "a driver, changed\n".length });
    // One bundle fewer, as a channel's catch-up of a single kernel: a fresh start, not the last build's files changed.
    expect((await build(bundles.slice(0, 1))).files).toBe(4);
    // The same set in another order is the same set.
    expect((await build([...bundles].reverse())).files).toBe(0);
  }, 120_000);
});
