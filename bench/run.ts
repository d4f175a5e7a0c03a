// `npm run bench`: runs the benchmarks on this machine and prints one table;
// the figures go into BENCHMARKS.md with the machine they were measured on.
// `npm run bench -- upload` (or `engine`, `inspection`, `coverage`, `shards`, `model`, `image`, `trends`, `follow`,
// `logpage`, `rebuild`, `buildkit-loss`, `channel`, `rehearsal`) runs only that one.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchBuildKitLoss } from "./buildkit-loss";
import { benchChannel } from "./channel";
import { benchCoverage } from "./coverage-grid";
import { benchDriverImage } from "./driver-image";
import { benchEngine } from "./engine";
import { benchFollow } from "./follow";
import { benchInspection } from "./inspection";
import { benchLogPage } from "./log-page";
import { benchModel } from "./model";
import { benchRebuild } from "./rebuild";
import { benchRehearsal } from "./rehearsal";
import { benchShards } from "./shards";
import { benchTrends } from "./trends";
import { repoRoot } from "./support";
import { benchUpload } from "./upload";

const benches = { engine: benchEngine, upload: benchUpload, inspection: benchInspection, coverage: benchCoverage, shards: benchShards, model: benchModel, image: benchDriverImage, trends: benchTrends, follow: benchFollow, logpage: benchLogPage, rebuild: benchRebuild, "buildkit-loss": benchBuildKitLoss, channel: benchChannel, rehearsal: benchRehearsal } as const;
/** Benchmarks that need neither the built dashboard nor a server of their own. */
const withoutDashboard = new Set<string>(["model", "image", "buildkit-loss"]);

async function main() {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(name in benches));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(", ")}; there are ${Object.keys(benches).join(", ")}`);
  const chosen = (asked.length > 0 ? asked : Object.keys(benches)) as (keyof typeof benches)[];
  if (chosen.some((name) => !withoutDashboard.has(name)) && !fs.existsSync(path.join(repoRoot, ".next", "BUILD_ID"))) {
    execFileSync("npx", ["next", "build"], { cwd: repoRoot, stdio: "inherit" });
  }
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${execFileSync("/usr/bin/docker", ["version", "--format", "Docker {{.Server.Version}}"], { encoding: "utf8" }).trim()}`;
  console.log(`machine: ${machine}`);
  const results: Record<string, number | string> = {};
  for (const name of chosen) Object.assign(results, await benches[name]());
  for (const [name, value] of Object.entries(results)) console.log(`| ${name} | ${value} |`);
  fs.mkdirSync(path.join(repoRoot, "bench", "results"), { recursive: true });
  fs.writeFileSync(path.join(repoRoot, "bench", "results", "latest.json"), JSON.stringify({ machine, date: new Date().toISOString(), results }, null, 2));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
