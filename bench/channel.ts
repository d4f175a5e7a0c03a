// Channels (README, Channels): how long a newly stored bundle takes to reach
// the published image, and what the catch-up costs kobuild when the channel
// already holds thousands of kernels.
//   (a) the sample workspace and the sample's real bundles: the channel is up
//       to date with all but the newest kernel; that kernel's bundle is
//       uploaded; seconds until the published image holds its drivers.
//   (b) the stand-in workspace (bench/fixtures) and 6,000 tiny bundles: the
//       channel is up to date (its first publish built every task), then one
//       new kernel's bundle (a real, full-size one) is uploaded: the catch-up's
//       plan, its context, every stage, and the coverage answer after it.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { auth, benchPort, cacheDir, postJson, repoRoot, startServer, tempDir, type Server } from "./support";
import { getJson, measureContext, prepareScale, round, until, uploadBundle } from "./fixtures/scale";
import { spreadKernels } from "./fixtures/tiny-bundles";
import { inChild } from "./in-child";

type Result = Record<string, number | string>;
type Timed = { name?: string; startedAt: string | null; finishedAt: string | null };
type ChannelView = {
  id: number;
  state: string;
  reason: string | null;
  currentBuildId: number | null;
  published: { at: string; dockerId: string } | null;
  pending: { bundles: unknown[] };
  timeToDriver: { latest: { buildId: number; seconds: number; kernels: number }[] };
};
type BuildView = Timed & { stages: Timed[]; shards: { index: number; attempts: (Timed & { stages: Timed[] })[] }[] | null; plan: { done: number; total?: number } };

const debounce = { KOBUILD_CHANNEL_DEBOUNCE_SECONDS: "0" };

export async function benchChannel(): Promise<Result> {
  const parts = (process.env.KOBUILD_CHANNEL_PARTS ?? "a,b").split(",");
  return {
    ...(parts.includes("a") ? await inChild("channel", "sampleTimeToDriver") : {}),
    ...(parts.includes("b") ? await inChild("channel", "orchestrationAtScale") : {}),
  };
}

/** Runs `act` and waits until the channel has published again; answers the channel and the seconds from `act` to the publication seen. */
async function publishAfter(server: Server, channelId: number, act: () => Promise<unknown>, timeoutSeconds: number) {
  const before = (await getJson<ChannelView>(server, `/api/channels/${channelId}`)).published?.at ?? null;
  const started = Date.now();
  await act();
  const channel = await until(
    `channel ${channelId} publishes`,
    async () => {
      const c = await getJson<ChannelView>(server, `/api/channels/${channelId}`);
      if (c.state === "held" || c.state === "failed") throw new Error(`channel ${channelId} ${c.state}: ${c.reason}`);
      return c.published && c.published.at !== before && c.currentBuildId === null ? c : null;
    },
    timeoutSeconds,
  );
  return { channel, seconds: (Date.now() - started) / 1000 };
}

/** Where the catch-up's time went, in seconds from its start: every stage, and each shard's own stages. */
function timeline(view: BuildView) {
  const at = (t: string | null) => (t ? ((Date.parse(t) - Date.parse(view.startedAt!)) / 1000).toFixed(1) : "?");
  return [
    ...view.stages.map((s) => `${s.name} ${at(s.startedAt)}-${at(s.finishedAt)}`),
    ...(view.shards ?? []).map((s) => {
      const last = s.attempts.at(-1)!;
      return `shard ${s.index} (${last.stages.map((t) => `${t.name} ${at(t.startedAt)}-${at(t.finishedAt)}`).join(", ")})`;
    }),
    `end ${at(view.finishedAt)}`,
  ].join(", ");
}

const stageSeconds = (view: BuildView, name: string) => {
  const s = view.stages.find((t) => t.name === name);
  return s?.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : NaN;
};

/** The images the run made on the default engine, from its database: removed at the end (the machine's disk is shared). */
async function removeImages(refs: string[]) {
  const { getDb } = await import("../lib/db/client");
  const { images } = await import("../lib/db/schema");
  const ids = getDb().select({ dockerId: images.dockerId }).from(images).all().map((i) => i.dockerId);
  for (const ref of [...refs, ...ids]) {
    try {
      execFileSync("/usr/bin/docker", ["rmi", "-f", ref], { stdio: "ignore" });
    } catch {
      /* already gone, or still used by another tag of the run */
    }
  }
}

export async function sampleTimeToDriver(): Promise<Result> {
  const dataDir = tempDir("channel-sample");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const { importSample } = await import("../lib/workspace/import-sample");
  execFileSync("bash", [path.join(repoRoot, "scripts/sample-workspace.sh")], { env: { ...process.env, KOBUILD_DATA_DIR: dataDir }, stdio: "ignore" });
  const record = JSON.parse(fs.readFileSync(path.join(cacheDir, "sample-bundles.json"), "utf8")) as { kernels: { role: string; file: string }[] };
  const newest = record.kernels.find((k) => k.role === "newest")!;
  // Every sample bundle but the newest kernel's is stored before the channel starts.
  const bundleDir = tempDir("channel-sample-bundles");
  for (const k of record.kernels) if (k !== newest) fs.copyFileSync(path.join(cacheDir, "bundles", k.file), path.join(bundleDir, k.file));
  const sample = await importSample({ workspacePath: path.join(dataDir, "workspaces", "sample"), bundleDir });
  const image = `kobuild-bench/channel-sample:${process.pid}`;
  const server = await startServer(dataDir, benchPort + 10, debounce);
  try {
    const channel = (await postJson(`${server.url}/api/channels`, { name: "sample", workspaceId: sample.workspace.id, branch: "master", image, legacyProbes: true })) as { id: number };
    const first = await publishAfter(server, channel.id, () => postJson(`${server.url}/api/channels/${channel.id}/sync`, {}), 900);
    const next = await publishAfter(server, channel.id, () => uploadBundle(server, path.join(cacheDir, "bundles", newest.file)), 900);
    const latest = next.channel.timeToDriver.latest[0]!;
    const view = await getJson<BuildView>(server, `/api/builds/${latest.buildId}`);
    return {
      "(a) sample: first publish of the channel, 4 bundles (s)": round(first.seconds, 1),
      "(a) sample: one more kernel's bundle uploaded -> its drivers published, as the bench saw it (s)": `${round(next.seconds, 1)} (goal < 60: ${next.seconds < 60 ? "met" : "not met"})`,
      "(a) sample: time to driver as the channel records it (s)": round(latest.seconds, 1),
      "(a) sample: the catch-up's timeline (s from its start)": timeline(view),
    };
  } finally {
    await server.stop();
    await removeImages([image]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(bundleDir, { recursive: true, force: true });
  }
}

export async function orchestrationAtScale(): Promise<Result> {
  const stored = Number(process.env.KOBUILD_CHANNEL_KERNELS ?? 6000);
  const dataDir = tempDir("channel-scale");
  process.env.KOBUILD_DATA_DIR = dataDir;
  const kernels = spreadKernels(stored);
  const { workspace, workspacePath, storeSeconds } = await prepareScale(dataDir, kernels);
  // The new kernel: a real bundle of full size (the sample's newest Debian kernel), as a new kernel would be.
  const record = JSON.parse(fs.readFileSync(path.join(cacheDir, "sample-bundles.json"), "utf8")) as { kernels: { role: string; file: string }[] };
  const newFile = path.join(cacheDir, "bundles", record.kernels.find((k) => k.role === "newest")!.file);
  const image = `kobuild-bench/channel-scale:${process.pid}`;
  const server = await startServer(dataDir, benchPort + 11, debounce);
  try {
    const channel = (await postJson(`${server.url}/api/channels`, { name: "scale", workspaceId: workspace.id, branch: "master", image, legacyProbes: true })) as { id: number };
    const first = await publishAfter(server, channel.id, () => postJson(`${server.url}/api/channels/${channel.id}/sync`, {}), 3600);
    const firstBuild = await getJson<BuildView>(server, `/api/builds/${first.channel.timeToDriver.latest[0]!.buildId}`);
    const next = await publishAfter(server, channel.id, () => uploadBundle(server, newFile), 1800);
    const latest = next.channel.timeToDriver.latest[0]!;
    const view = await getJson<BuildView>(server, `/api/builds/${latest.buildId}`);
    const context = await measureContext(workspacePath, [newFile]);
    const checkout = await measureContext(workspacePath, []);
    const bundleBytes = fs.statSync(newFile).size;
    const coverageStarted = Date.now();
    const coverage = await fetch(`${server.url}/api/channels/${channel.id}/coverage`, { headers: auth });
    const coverageBytes = (await coverage.arrayBuffer()).byteLength;
    const coverageSeconds = (Date.now() - coverageStarted) / 1000;
    if (!coverage.ok) throw new Error(`coverage: ${coverage.status}`);
    const plan = stageSeconds(view, "plan");
    const planAndContext = plan + context.seconds;
    return {
      [`(b) ${stored} tiny bundles stored in-process (s)`]: round(storeSeconds, 1),
      "(b) first publish: every task built and published (s)": round(first.seconds, 1),
      "(b) first publish's timeline (s from its start)": timeline(firstBuild),
      "(b) one new kernel's bundle uploaded -> its drivers published (s)": round(next.seconds, 1),
      "(b) time to driver as the channel records it (s)": round(latest.seconds, 1),
      "(b) the catch-up's plan stage, its context sent (s)": round(plan, 2),
      "(b) the catch-up's context: bytes (the checkout alone; the new bundle)": `${context.bytes} (${checkout.bytes}; ${bundleBytes})`,
      "(b) context / the new bundle's size": `${round(context.bytes / bundleBytes, 3)} (goal < 2: ${context.bytes < 2 * bundleBytes ? "met" : "not met"})`,
      "(b) the context streamed again in this process (s)": round(context.seconds, 3),
      "(b) plan stage + context (s)": `${round(planAndContext, 2)} (goal < 10: ${planAndContext < 10 ? "met" : "not met"})`,
      "(b) the catch-up's timeline (s from its start)": timeline(view),
      "(b) GET /api/channels/:id/coverage after it: seconds, bytes": `${round(coverageSeconds, 2)}, ${coverageBytes}`,
    };
  } finally {
    await server.stop();
    await removeImages([image]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
