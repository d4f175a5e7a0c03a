import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { streamedUploadRequest } from "./helpers/bundle-store";
import { runDocker } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";
import { readSampleRecord } from "../sample-record";

// A channel on the sample workspace, kept complete by the real engine: the
// first sync builds every stored bundle, an uploaded bundle brings a catch-up
// of that kernel alone, and a branch whose new module version fails where the
// published one built holds the channel at the gate.
const dataDir = freshDataDir("channels");
process.env.KOBUILD_CHANNEL_DEBOUNCE_SECONDS = "1";
const HOOK_SECRET = "a-shared-secret-of-the-push-hooks";
process.env.KOBUILD_GIT_HOOK_SECRET = HOOK_SECRET;

const { getDb } = await import("@/lib/db/client");
const { auditLog, buildBundles, builds, drivers, webhookDeliveries } = await import("@/lib/db/schema");
const { eq } = await import("drizzle-orm");
const { importSample } = await import("@/lib/workspace/import-sample");
const { runDueSchedules, startChannelTriggers } = await import("@/lib/channels/channel-triggers");
const channelsRoute = await import("@/app/api/channels/route");
const channelRoute = await import("@/app/api/channels/[id]/route");
const syncRoute = await import("@/app/api/channels/[id]/sync/route");
const publishRoute = await import("@/app/api/channels/[id]/publish/route");
const coverageRoute = await import("@/app/api/channels/[id]/coverage/route");
const bundlesRoute = await import("@/app/api/bundles/route");
const hooksRoute = await import("@/app/api/webhooks/route");
const gitHookRoute = await import("@/app/api/hooks/git/route");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { cancelBuild } = await import("@/lib/builds/build-queue");
const { waitForBuild } = await import("./helpers/wait-for-build");
const { metrics } = await import("@/lib/metrics/metrics");

const run = `${process.pid}-${Date.now().toString(36)}`;
const image = `kobuild-test/channel-${run}/collector-drivers:stable`;
const none = { params: Promise.resolve({}) };
const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const request = (method: string, body?: unknown) =>
  new AdminRequest("http://127.0.0.1/api/channels", { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

// Kernels of the sample, as it picked them: the older ABI is stored before the
// channel exists, the newest is uploaded later and the flavour kernel on a schedule.
const sample = readSampleRecord();
const first = sample.byRole("older");
const later = sample.byRole("newest");
const scheduled = sample.byRole("flavour");
const [FIRST, LATER, SCHEDULED] = [first.kernel, later.kernel, scheduled.kernel];
let workspaceId = 0;
let workspacePath = "";
let channelId = 0;

type ChannelJson = {
  id: number;
  state: string;
  reason: string | null;
  heldCells: string[];
  published: { ref: string; imageId: number; dockerId: string; commit: string; layers: number | null; squashed: boolean | null } | null;
  policy: { squashAboveLayers: number; squashAboveLayersIsDefault: boolean };
  pending: { bundles: string[]; commit: string | null };
  builds: { id: number; trigger: string; kernels: string[]; outcome: string | null }[];
  timeToDriver: { latest: { seconds: number }[] };
};

async function channel(): Promise<ChannelJson> {
  return (await (await channelRoute.GET(request("GET"), idParams(channelId))).json()) as ChannelJson;
}
/** Until the channel's catch-up has ended and gone through the gate. */
function settled(buildsBefore: number) {
  return until("the channel's catch-up to settle", channel, (c) => c.builds.length > buildsBefore && c.builds[0]!.outcome !== null && c.state !== "building", 900_000, 500);
}
/** The image's layers as the engine counts them. */
async function engineLayers(ref: string) {
  return Number((await runDocker(["image", "inspect", "--format", "{{len .RootFS.Layers}}", ref])).output.trim());
}
function kernelsWithDrivers(imageId: number) {
  return new Set(getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all().filter((d) => d.kind === "driver").map((d) => d.kernel));
}
function sentKernels(buildId: number) {
  // A catch-up is a build of one shard: the shard's context is what was sent to the engine.
  const shard = getDb().select().from(builds).where(eq(builds.parentId, buildId)).all();
  return [buildId, ...shard.map((s) => s.id)].map((id) => getDb().select().from(buildBundles).where(eq(buildBundles.buildId, id)).all().map((b) => b.kernel).sort());
}

beforeAll(async () => {
  workspacePath = makeSampleWorkspace(dataDir);
  const firstOnly = fs.mkdtempSync(path.join(dataDir, "first-bundle-"));
  fs.copyFileSync(sample.fileOf(first), path.join(firstOnly, `bundle-${FIRST}.tgz`));
  workspaceId = (await importSample({ workspacePath, bundleDir: firstOnly })).workspace.id;
  const hook = await hooksRoute.POST(
    new AdminRequest("http://127.0.0.1/api/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "http://127.0.0.1:9/hook", events: ["channel.held", "channel.published", "channel.recovered"], secret: "a-secret-of-the-channels-test" }),
    }),
    none,
  );
  expect(hook.status).toBe(201);
  startChannelTriggers();
}, 300_000);

afterAll(async () => {
  // The channel's tag, its working name as a cache, and every build's result: this engine is shared.
  const { instanceId } = await import("@/lib/system/instance-id");
  const refs = [image, ...getDb().select({ tag: builds.tag }).from(builds).all().flatMap((b) => (b.tag ? [b.tag] : []))];
  for (const id of [1, 2, 3]) refs.push(`kobuild/collector-drivers:channel-${id}-${instanceId()}`);
  for (const ref of refs) await runDocker(["rmi", ref]);
});

describe("channel input", () => {
  it("refuses what does not exist or does not parse, and stores nothing", async () => {
    const good = { name: "refused", workspaceId, branch: "master", image: "kobuild-test/refused/collector-drivers:stable" };
    const cases: [unknown, number, RegExp][] = [
      [{ ...good, workspaceId: 9999 }, 422, /no workspace with id 9999/],
      [{ ...good, branch: "no-such-branch" }, 422, /has no branch or tag no-such-branch/],
      [{ ...good, registryId: 4242 }, 422, /no registry with id 4242/],
      [{ ...good, image: "Not An Image" }, 400, /image/],
      [{ ...good, image: "kobuild-test/refused/collector-drivers" }, 400, /must name its tag/],
      [{ ...good, branch: "bad..name" }, 400, /branch/],
      [{ ...good, unknown: true }, 400, /unknown|unrecognized/i],
      [{ ...good, triggers: { schedule: "0 25 * * *" } }, 400, /not a cron line/],
      [{ ...good, policy: { squashAboveLayers: 500 } }, 400, /squashAboveLayers.*at most 120/],
      [{ ...good, policy: { squashAboveLayers: 0 } }, 400, /squashAboveLayers.*at least 1/],
    ];
    for (const [body, status, message] of cases) {
      const response = await channelsRoute.POST(request("POST", body), none);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect(((await (await channelsRoute.GET(request("GET"), none)).json()) as { channels: unknown[] }).channels).toEqual([]);
  });
});

describe("a channel kept complete", () => {
  it("first sync: every stored bundle, published under the channel's image, left unsquashed below its threshold", async () => {
    const created = await channelsRoute.POST(request("POST", { name: "stable", workspaceId, branch: "master", image, policy: { squashAboveLayers: 120 } }), none);
    expect(created.status).toBe(201);
    const made = (await created.json()) as ChannelJson;
    expect(made.policy).toEqual({ squashAboveLayers: 120, squashAboveLayersIsDefault: false });
    channelId = made.id;
    expect((await channel()).pending.bundles).toEqual([FIRST]);
    const duplicate = await channelsRoute.POST(request("POST", { name: "stable", workspaceId, branch: "master", image: `${image}-2` }), none);
    expect(duplicate.status).toBe(409);

    const synced = await syncRoute.POST(request("POST"), idParams(channelId));
    expect(synced.status).toBe(201);
    const after = await settled(0);
    expect(after.state, after.reason ?? "").toBe("up-to-date");
    expect(after.published!.ref).toBe(image);
    expect(after.pending.bundles).toEqual([]);
    expect([...kernelsWithDrivers(after.published!.imageId)]).toEqual([FIRST]);
    // The tag names the published image on the engine.
    const inspected = await runDocker(["image", "inspect", "--format", "{{.Id}}", image]);
    expect(inspected.output.trim()).toBe(after.published!.dockerId);
    // Far below 120 layers: the shard's image is published as built, not squashed into two layers.
    const layers = await engineLayers(image);
    expect(after.published!.squashed).toBe(false);
    expect(after.published!.layers).toBe(layers);
    expect(layers).toBeGreaterThan(2);
    const grid = (await (await coverageRoute.GET(request("GET"), idParams(channelId))).json()) as { kernels: { name: string }[] };
    expect(grid.kernels.map((k) => k.name)).toEqual([FIRST]);
    // Nothing lacking: a second sync starts nothing.
    const again = await syncRoute.POST(request("POST"), idParams(channelId));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { sync: { status: string } }).sync.status).toBe("up-to-date");
  }, 900_000);

  it("an uploaded bundle brings a catch-up of that kernel alone, merged onto the published image and squashed above the threshold", async () => {
    const patched = await channelRoute.PATCH(request("PATCH", { policy: { squashAboveLayers: 1 } }), idParams(channelId));
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as ChannelJson).policy.squashAboveLayers).toBe(1);
    const before = await channel();
    const upload = await bundlesRoute.POST(streamedUploadRequest(`bundle-${LATER}.tgz`, fs.createReadStream(sample.fileOf(later))), none);
    expect(upload.status).toBe(201);
    const after = await settled(before.builds.length);
    expect(after.state, after.reason ?? "").toBe("up-to-date");
    const catchUp = after.builds[0]!;
    expect(catchUp.trigger).toBe("bundle");
    expect(catchUp.kernels).toEqual([LATER]);
    const sent = sentKernels(catchUp.id);
    expect(sent.some((kernels) => kernels.length > 0)).toBe(true);
    expect([...new Set(sent.flat())]).toEqual([LATER]);
    expect([...kernelsWithDrivers(after.published!.imageId)].sort()).toEqual([FIRST, LATER].sort());
    expect(after.published!.dockerId).not.toBe(before.published!.dockerId);
    // The merge stacked layers onto the published image; above one layer, the result is squashed into two.
    expect(after.published!.squashed).toBe(true);
    expect(await engineLayers(image)).toBe(2);
    expect(after.published!.layers).toBe(2);
    expect(after.timeToDriver.latest.length).toBeGreaterThan(0);
    // The same figure reaches Prometheus: one observation of a bundle-triggered catch-up, as long as the page says.
    const observed = (await metrics().channelTimeToDriver.get()).values;
    const count = observed.find((v) => v.metricName === "kobuild_channel_time_to_driver_seconds_count" && v.labels.trigger === "bundle");
    const sum = observed.find((v) => v.metricName === "kobuild_channel_time_to_driver_seconds_sum" && v.labels.trigger === "bundle");
    expect(count?.value).toBe(1);
    expect(Math.abs(sum!.value - after.timeToDriver.latest[0]!.seconds)).toBeLessThanOrEqual(1);
  }, 900_000);

  it("holds the channel when the new module version fails where the published one built, and an admin may publish anyway", async () => {
    const before = await channel();
    const patched = await channelRoute.PATCH(request("PATCH", { branch: "bpf-ringbuf" }), idParams(channelId));
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as ChannelJson).pending.commit).not.toBeNull();
    expect((await syncRoute.POST(request("POST"), idParams(channelId))).status).toBe(201);
    const held = await settled(before.builds.length);
    expect(held.state, held.reason ?? "").toBe("held");
    // The sample's 2.3.0 probe needs Linux 6.2: both 6.1 kernels' eBPF probes, built in 2.2.0, fail in 2.3.0.
    expect(held.heldCells).toEqual([FIRST, LATER].sort().map((k) => `${k} bpf: built in 2.2.0 -> failed in 2.3.0`));
    expect(held.published!.dockerId).toBe(before.published!.dockerId);
    expect((await runDocker(["image", "inspect", "--format", "{{.Id}}", image])).output.trim()).toBe(before.published!.dockerId);

    const refused = await publishRoute.POST(request("POST", {}), idParams(channelId));
    expect(refused.status).toBe(400);
    const published = await publishRoute.POST(request("POST", { reason: "2.3.0 is for 6.2+ nodes only" }), idParams(channelId));
    expect(published.status).toBe(200);
    const after = (await published.json()) as ChannelJson;
    expect(after.state).toBe("up-to-date");
    expect(after.published!.dockerId).not.toBe(before.published!.dockerId);
    expect(after.builds[0]!.outcome).toBe("published anyway");
    expect(getDb().select().from(auditLog).all().some((a) => a.action === "publish channel anyway" && a.target?.includes("2.3.0 is for 6.2+ nodes only"))).toBe(true);
    const events = getDb().select().from(webhookDeliveries).all().map((d) => d.event);
    expect(events).toEqual(expect.arrayContaining(["channel.published", "channel.held", "channel.recovered"]));
  }, 900_000);

  it("a schedule catches up what the bundle trigger was told to leave", async () => {
    const patched = await channelRoute.PATCH(request("PATCH", { triggers: { bundleStored: false, schedule: "0 3 * * *" } }), idParams(channelId));
    expect(patched.status).toBe(200);
    const before = (await patched.json()) as ChannelJson & { triggers: { schedule: string; nextScheduledAt: string } };
    expect(before.triggers.schedule).toBe("0 3 * * *");
    expect(new Date(before.triggers.nextScheduledAt).getUTCHours()).toBe(3);
    const upload = await bundlesRoute.POST(streamedUploadRequest(`bundle-${SCHEDULED}.tgz`, fs.createReadStream(sample.fileOf(scheduled))), none);
    expect(upload.status).toBe(201);
    expect((await channel()).pending.bundles).toEqual([SCHEDULED]);
    // Not due before 03:00 UTC; due once a day has passed.
    expect(await runDueSchedules(new Date())).toEqual([]);
    expect(await runDueSchedules(new Date(Date.now() + 25 * 3600_000))).toEqual([channelId]);
    const after = await settled(before.builds.length);
    expect(after.builds[0]!.trigger).toBe("schedule");
    expect(after.builds[0]!.kernels).toEqual([SCHEDULED]);
    expect(after.state, after.reason ?? "").toBe("up-to-date");
    expect(after.pending.bundles).toEqual([]);
  }, 900_000);

  it("a push hook proved by the shared secret catches up the channels that follow the pushed branch", async () => {
    const remoteUrl = `file://${workspacePath}`;
    const remote = await registerWorkspace({ name: "sample-remote", url: remoteUrl, network: "none" });
    const created = await channelsRoute.POST(request("POST", { name: "pushed", workspaceId: remote.id, branch: "master", image: `kobuild-test/channel-${run}/collector-drivers:pushed` }), none);
    expect(created.status).toBe(201);
    const pushedId = ((await created.json()) as ChannelJson).id;
    const hook = (body: string, headers: Record<string, string>) =>
      gitHookRoute.POST(new Request("http://127.0.0.1/api/hooks/git", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }), none);
    const push = (branch: string) => JSON.stringify({ ref: `refs/heads/${branch}`, repository: { clone_url: `${remoteUrl}.git`, html_url: `${remoteUrl}/` } });
    const sign = (body: string, secret = HOOK_SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

    expect((await hook(push("master"), {})).status).toBe(401);
    expect((await hook(push("master"), { "x-hub-signature-256": sign(push("master"), "not-the-secret-at-all") })).status).toBe(401);
    expect((await hook(push("master"), { "x-gitlab-token": "not-the-secret-at-all" })).status).toBe(401);
    const otherBranch = await hook(push("bpf-ringbuf"), { "x-gitlab-token": HOOK_SECRET, "x-gitlab-event": "Push Hook" });
    expect(otherBranch.status).toBe(202);
    expect(((await otherBranch.json()) as { channels: unknown[] }).channels).toEqual([]);
    const notPush = await hook(JSON.stringify({ zen: "hello" }), { "x-hub-signature-256": sign(JSON.stringify({ zen: "hello" })), "x-github-event": "push" });
    expect(notPush.status).toBe(400);

    const answered = await hook(push("master"), { "x-hub-signature-256": sign(push("master")), "x-github-event": "push" });
    expect(answered.status).toBe(202);
    const result = (await answered.json()) as { branch: string; channels: { id: number; sync: { status: string; buildId: number } }[] };
    expect(result.branch).toBe("master");
    expect(result.channels.map((c) => [c.id, c.sync.status])).toEqual([[pushedId, "started"]]);
    const link = ((await (await channelRoute.GET(request("GET"), idParams(pushedId))).json()) as ChannelJson).builds[0]!;
    expect(link).toMatchObject({ id: result.channels[0]!.sync.buildId, trigger: "branch" });
    // The whole build is the earlier tests' business: this one stops it.
    cancelBuild(link.id);
    expect(["cancelled", "failed"]).toContain((await waitForBuild(link.id)).status);
  }, 900_000);
});
