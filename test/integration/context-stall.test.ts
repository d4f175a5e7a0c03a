import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { importBusybox, privateEngine, stallingProxy } from "./helpers/private-engine";
import { freshDataDir } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";
import { waitForBuild } from "./helpers/wait-for-build";

// An engine that stops reading a build's context: a private engine behind a
// loopback proxy that, when told, forwards only the first MiB of a build's
// body (the classic builder's tar) or of its session (BuildKit's files) and
// leaves the rest unread on both sides. With a stall limit of 2 s
// the build must end failed, saying so; with the proxy forwarding all, a
// step silent for longer than the limit must not trip it.

const STALL_SECONDS = 2;
const engine = privateEngine("stall");
const proxy = await stallingProxy(engine.socket);
process.env.DOCKER_HOST = proxy.host;
process.env.KOBUILD_CONTEXT_STALL_SECONDS = String(STALL_SECONDS);
const dataDir = freshDataDir("context-stall");
const BASE_IMAGE = "kobuild-stall/busybox:1";
const STALL_MESSAGE = `the engine took no bytes of the build context for ${STALL_SECONDS} s (KOBUILD_CONTEXT_STALL_SECONDS): it may be wedged (check the engine, e.g. restart dockerd)`;
// Far beyond what the kernel's socket buffers on both sides of the proxy hold (32 + 4 MiB at most).
const CONTEXT_BYTES = 96 * 1024 * 1024;

const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { engineContextOf } = await import("@/lib/builds/build-context");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { getDefaultEngine } = await import("@/lib/docker/engine");
const { buildImageQuietly } = await import("@/lib/docker/build-image-quietly");
const { ContextStalled } = await import("@/lib/docker/context-watchdog");
const buildRoute = await import("@/app/api/builds/[id]/route");

/** A checkout with a Dockerfile whose first stage copies a large file (BuildKit fetches only what a step copies) and sleeps past the limit. */
function bigWorkspace(name: string): string {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    [`FROM ${BASE_IMAGE} AS base`, "COPY collector/blob.bin /blob.bin", `RUN sleep ${STALL_SECONDS * 2}`, "FROM base", "RUN mkdir -p /kernel-modules /FAILURES", ""].join("\n"),
  );
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", "Dockerfile");
  git("commit", "-qm", name);
  // Left out of git: the context holds it once, not twice.
  execFileSync("head", ["-c", String(CONTEXT_BYTES), "/dev/urandom"], { stdio: ["ignore", fs.openSync(path.join(dir, "blob.bin"), "w"), "pipe"] });
  return dir;
}

let workspaceId = 0;
let workspaceDir = "";

beforeAll(async () => {
  await engine.start();
  await importBusybox(getDefaultEngine(), BASE_IMAGE);
  workspaceDir = bigWorkspace("big");
  workspaceId = (await registerWorkspace({ name: "big", path: workspaceDir, dockerfile: "Dockerfile", network: "none" })).id;
}, 120_000);

afterAll(async () => {
  await proxy.close();
  await engine.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe("an engine that stops taking a build's context", () => {
  it.each(["buildkit", "classic"] as const)("%s builder: the build fails saying the engine took no bytes of its context, its first stage failed, and its engine connection is closed", async (builder) => {
    proxy.stallBuilds = 1024 * 1024;
    try {
      const build = await createBuild(createBuildBodySchema.parse({ workspaceId, builder }));
      // The proxy holds the build's request: the engine has what it got and waits for more.
      await until("the build's request held by the proxy", () => proxy.held, (held) => held === 1, 60_000);
      const failed = await waitForBuild(build.id, undefined, 60_000);
      expect(failed.status).toBe("failed");
      expect(failed.error).toBe(STALL_MESSAGE);
      expect(failed.failedStep).toBe("send the build context to the engine");
      expect(failed.stages.map((s) => [s.name, s.status])).toEqual([
        ["base", "failed"],
        ["stage-1", "skipped"],
      ]);

      // The page reads the same, and the log ends with the reason.
      const view = await buildRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}`), { params: Promise.resolve({ id: String(build.id) }) });
      expect(view.status).toBe(200);
      expect(await view.json()).toMatchObject({ status: "failed", error: STALL_MESSAGE, failedStep: "send the build context to the engine" });
      const texts = readLogLines(build.id, { limit: 10_000 }).map((l) => l.text);
      expect(texts[texts.length - 1]).toBe(`kobuild: ${STALL_MESSAGE}`);

      // kobuild closed the request: once the proxy reads again it sees the end, and closes the engine's side.
      proxy.letGo();
      await until("the held request closed", () => proxy.held, (held) => held === 0);
    } finally {
      proxy.stallBuilds = null;
    }
  }, 180_000);

  it("a plan's quiet build fails with the same reason", async () => {
    proxy.stallBuilds = 1024 * 1024;
    try {
      const sent = buildImageQuietly(getDefaultEngine(), {
        context: engineContextOf({ workspacePath: workspaceDir, bundleFiles: [] }, "plan"),
        dockerfile: "collector/Dockerfile",
        target: "base",
        buildargs: {},
        network: "none",
        useBuildKit: true,
      });
      const error = await sent.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContextStalled);
      expect((error as Error).message).toBe(STALL_MESSAGE);
      proxy.letGo();
      await until("the held request closed", () => proxy.held, (held) => held === 0);
    } finally {
      proxy.stallBuilds = null;
    }
  }, 180_000);
});

describe("an engine that takes the whole context", () => {
  it.each(["buildkit", "classic"] as const)("%s builder: a step silent for twice the stall limit does not trip it", async (builder) => {
    const build = await createBuild(createBuildBodySchema.parse({ workspaceId, builder, noCache: true }));
    const done = await waitForBuild(build.id, undefined, 300_000);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect(done.stages.map((s) => [s.name, s.status])).toEqual([
      ["base", "done"],
      ["stage-1", "done"],
    ]);
  }, 360_000);
});
