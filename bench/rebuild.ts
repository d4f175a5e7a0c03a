// The sample build on its own result: the sample built once (made uncached by
// its own uncommitted change in the driver source, CHECKOUT_BEFORE_PATCHING
// false, as the engine benchmark does), then the same build, same options and
// sources, with the first build's image as its cache (CACHE_REPO/CACHE_TAG).
// The task master drops every task whose driver the cache holds; the goal is
// that nothing is built again. Reports what the second build planned and
// built, task by task, and its coverage states.
//
// The sample's task master (get-build-tasks.sh) drops a task when the cache
// holds its driver or its unavailability marker. A failed task leaves
// neither (its log goes to /FAILURES, which the final stage does not take
// from the cache): it is retried by design, so the sample's deliberately
// failing 3.10 kernel is planned again on every rebuild.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { auth, benchPort, cacheDir, goal, postJson, repoRoot, startServer, tempDir, waitForEnd, type Server } from "./support";

type Result = Record<string, number | string>;

type BuildFacts = { seconds: number; tag: string; planned: number; done: number; counts: Record<string, number>; tasks: string[] };

const round = (x: number) => Math.round(x * 100) / 100;

/** One build of the sample, POST to its end, with its plan, its coverage counts and the tasks its task master planned. */
async function build(server: Server, body: Record<string, unknown>): Promise<BuildFacts> {
  const started = Date.now();
  const { id } = (await postJson(`${server.url}/api/builds`, body)) as { id: number };
  await waitForEnd(server, id);
  const seconds = (Date.now() - started) / 1000;
  const view = (await (await fetch(`${server.url}/api/builds/${id}`, { headers: auth })).json()) as { tag: string; plan: { planned: number; done: number } };
  const coverage = (await (await fetch(`${server.url}/api/builds/${id}/coverage`, { headers: auth })).json()) as { counts: Record<string, number> };
  const log = await (await fetch(`${server.url}/api/builds/${id}/logs?stage=task-master`, { headers: auth })).text();
  const tasks = [...log.matchAll(/KOBUILD-PLAN kernel=(\S+) version=(\S+) flavour=(\S+)/g)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  return { seconds, tag: view.tag, planned: view.plan.planned, done: view.plan.done, counts: coverage.counts, tasks };
}

const states = (counts: Record<string, number>) =>
  Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${state} ${n}`)
    .join(", ");

export async function benchRebuild(): Promise<Result> {
  const dataDir = tempDir("rebuild");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { importSample } = await import("../lib/workspace/import-sample");
  execFileSync("bash", [path.join(repoRoot, "scripts/sample-workspace.sh")], { env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: "ignore" });
  const samplePath = path.join(dataDir, "workspaces", "sample");
  const sample = await importSample({ workspacePath: samplePath, bundleDir: path.join(cacheDir, "bundles") });
  // A change of this run only: the first build compiles every task, none of its stages come from the engine's cache.
  const probe = path.join(samplePath, "kernel-modules/probe/main.c");
  fs.appendFileSync(probe, `/* bench ${process.pid} ${Date.now()} */\n`);

  const server = await startServer(dataDir, benchPort + 6);
  try {
    const options = { workspaceId: sample.workspace.id, branch: "master", checkoutBeforePatching: false };
    const first = await build(server, options);
    // kobuild/collector-drivers:build-<id>-<instance>: the API takes the repository without "/collector-drivers".
    const cacheRepo = first.tag.slice(0, first.tag.lastIndexOf("/"));
    const cacheTag = first.tag.slice(first.tag.lastIndexOf(":") + 1);
    const again = await build(server, { ...options, cacheRepo, cacheTag });
    return {
      "rebuild: first build, uncached (s)": round(first.seconds),
      "rebuild: first build, tasks built (done of planned)": `${first.done} of ${first.planned}`,
      "rebuild: first build, coverage": states(first.counts),
      "rebuild: the same build on its own result as cache (s)": goal(round(again.seconds), "faster than the first", (s) => s < first.seconds),
      "rebuild: on its own result, tasks planned (built again)": goal(again.planned, "= 0: all cached", (n) => n === 0),
      "rebuild: on its own result, tasks done of planned": `${again.done} of ${again.planned}`,
      "rebuild: on its own result, coverage": states(again.counts),
      "rebuild: on its own result, the tasks planned": again.tasks.length ? again.tasks.join("; ") : "none",
    };
  } finally {
    await server.stop();
  }
}
