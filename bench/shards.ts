// One build on one engine against the same build sharded over two engines on
// this machine (the default engine and a second dockerd with its own data
// root), with one compile job per builder in both: the ratio of their times
// and the tasks per second each reached.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { privateEngine } from "../test/integration/helpers/private-engine";
import { startTestRegistry } from "../test/integration/helpers/registry";
import { auth, benchPort, cacheDir, percentile, postJson, repoRoot, startServer, tempDir, waitForEnd } from "./support";

type Result = Record<string, number | string>;
type Run = { seconds: number; tasks: number; stages: string; compileSeconds: number };

const RUNS = Number(process.env.KOBUILD_BENCH_RUNS ?? 3);

export async function benchShards(): Promise<Result> {
  const dataDir = tempDir("shards");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { importSample } = await import("../lib/workspace/import-sample");
  const { getDb } = await import("../lib/db/client");
  const { tasks } = await import("../lib/db/schema");
  const { eq, sum } = await import("drizzle-orm");
  // The builders' own time for every task (a sharded build holds its shards' results): what two engines at once cost each task.
  const compileSeconds = (buildId: number) => Number(getDb().select({ ms: sum(tasks.seconds) }).from(tasks).where(eq(tasks.buildId, buildId)).get()?.ms ?? 0) / 1000;
  execFileSync("bash", [path.join(repoRoot, "scripts/sample-workspace.sh")], { env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: "ignore" });
  const samplePath = path.join(dataDir, "workspaces", "sample");
  const sample = await importSample({ workspacePath: samplePath, bundleDir: path.join(cacheDir, "bundles") });

  const engine = privateEngine("bench-shard");
  const registry = await startTestRegistry();
  await engine.start();
  const server = await startServer(dataDir, benchPort + 3);
  try {
    const { id: registryId } = (await postJson(`${server.url}/api/registries`, { name: "bench", url: registry.url, username: registry.username, password: registry.password })) as { id: number };
    await postJson(`${server.url}/api/engines`, { name: "second", url: engine.host, concurrency: 1 });
    const probe = path.join(samplePath, "kernel-modules/probe/main.c");
    const original = fs.readFileSync(probe, "utf8");
    let n = 0;
    const build = async (extra: Record<string, unknown>): Promise<Run> => {
      // A change of its own: every task compiles, none comes from the engine's cache.
      fs.writeFileSync(probe, `${original}/* bench ${process.pid} ${Date.now()} ${n++} */\n`);
      const started = Date.now();
      const created = (await postJson(`${server.url}/api/builds`, { workspaceId: sample.workspace.id, branch: "master", checkoutBeforePatching: false, legacyProbes: true, buildJobs: 1, ...extra })) as { id: number };
      await waitForEnd(server, created.id);
      const seconds = (Date.now() - started) / 1000;
      type Timed = { name?: string; startedAt: string | null; finishedAt: string | null };
      const view = (await (await fetch(`${server.url}/api/builds/${created.id}`, { headers: auth })).json()) as Timed & {
        plan: { done: number };
        stages: Timed[];
        shards: { index: number; attempts: (Timed & { stages: Timed[] })[] }[] | null;
      };
      // Where the time went, in seconds from the build's start: [start, end] of each stage and shard.
      const at = (t: string | null) => (t ? ((Date.parse(t) - Date.parse(view.startedAt!)) / 1000).toFixed(1) : "?");
      const spans = [
        ...view.stages.map((s) => `${s.name} ${at(s.startedAt)}-${at(s.finishedAt)}`),
        ...(view.shards ?? []).map((s) => {
          const last = s.attempts.at(-1)!;
          // The shard's own stages say what a shard costs beyond its builders.
          return `shard ${s.index} ${at(last.startedAt)}-${at(last.finishedAt)} (${last.stages.map((t) => `${t.name} ${at(t.startedAt)}-${at(t.finishedAt)}`).join(", ")})`;
        }),
        `end ${at(view.finishedAt)}`,
      ];
      return { seconds, tasks: view.plan.done, stages: spans.join(", "), compileSeconds: compileSeconds(created.id) };
    };
    const sharded = { sharding: { engines: 2, registryId } };
    // Once each first: the second engine gets the base images and both warm their base stages.
    await build(sharded);
    await build({});
    const one: Run[] = [];
    const two: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternated, so that neither always runs on a warmer machine.
      if (i % 2 === 0) {
        one.push(await build({}));
        two.push(await build(sharded));
      } else {
        two.push(await build(sharded));
        one.push(await build({}));
      }
    }
    fs.writeFileSync(probe, original);
    const median = (runs: Run[]) => runs.find((r) => r.seconds === percentile(runs.map((x) => x.seconds), 50))!;
    const a = median(one);
    const b = median(two);
    return {
      [`one engine, median of ${RUNS} (s)`]: round(a.seconds),
      [`sharded over two engines, median of ${RUNS} (s)`]: round(b.seconds),
      "one engine / sharded (speed-up)": round(a.seconds / b.seconds, 2),
      "tasks per second, one engine": round(a.tasks / a.seconds, 2),
      "tasks per second, sharded": round(b.tasks / b.seconds, 2),
      "tasks per build": a.tasks,
      "builders' seconds summed over all tasks, one engine (median run)": round(a.compileSeconds, 1),
      "builders' seconds summed over all tasks, sharded (median run)": round(b.compileSeconds, 1),
      "all runs, one engine (s)": one.map((r) => round(r.seconds)).join(", "),
      "all runs, sharded (s)": two.map((r) => round(r.seconds)).join(", "),
      "timeline of the median one-engine build (s from its start)": a.stages,
      "timeline of the median sharded build (s from its start)": b.stages,
    };
  } finally {
    await server.stop();
    await engine.destroy();
    await registry.stop();
  }
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
