import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freshDataDir } from "./helpers/sample-data-dir";

// Retention on a real database and a real engine: builds (their rows written
// as a build writes them, the log by the builds' own LogWriter), image records
// (one read from the engine), a policy with a workspace's override; the dry
// run lists exactly what the prune then removes, in every table, and what is
// still used stays.
const dataDir = freshDataDir("retention");

const { getDb } = await import("@/lib/db/client");
const s = await import("@/lib/db/schema");
const { LogWriter } = await import("@/lib/builds/log-writer");
const { recordDriverImage } = await import("@/lib/driver-images/record-driver-image");
const { recordAudit, listAudit } = await import("@/lib/auth/audit");
const { setRetention, getRetentionSettings } = await import("@/lib/retention/retention-store");
const { pruneRecords } = await import("@/lib/retention/prune-records");
const { buildCheckoutDir } = await import("@/lib/workspace/workspace-dirs");

const DAY = 86_400_000;
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);
const db = getDb();

afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function workspace(name: string) {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  return db.insert(s.workspaces).values({ name, path: dir }).returning().get();
}

function image(ref: string | null, dockerId: string, days: number, extra: Partial<typeof s.images.$inferInsert> = {}) {
  const row = db.insert(s.images).values({ ref, dockerId, createdAt: ago(days), readAt: ago(days), ...extra }).returning().get();
  db.insert(s.drivers).values({ imageId: row.id, kernel: "6.1.0-1-amd64", moduleVersion: "2.9.0", flavour: "mod", kind: "driver", path: `/kernel-modules/2.9.0/x.ko`, size: 10 }).run();
  db.insert(s.failures).values({ imageId: row.id, kernel: "3.10.0", moduleVersion: "2.9.0", flavour: "bpf", path: "/FAILURES/x.log", log: "error: nope\n" }).run();
  return row.id;
}

/** A finished (or still running) build with every kind of row a build writes, and a log of `lines` lines. */
async function build(values: Partial<typeof s.builds.$inferInsert> & { status: (typeof s.builds.$inferInsert)["status"] }, lines: string[]) {
  const row = db.insert(s.builds).values({ branch: "master", ...values }).returning().get();
  db.insert(s.buildBundles).values({ buildId: row.id, kernel: "6.1.0-1-amd64", sha256: "a".repeat(64), size: 1 }).run();
  db.insert(s.stages).values({ buildId: row.id, name: "builder-rhel-8", position: 0, status: "done" }).run();
  db.insert(s.steps).values({ buildId: row.id, stage: "builder-rhel-8", key: "step-1", name: "RUN make", status: "done" }).run();
  db.insert(s.tasks).values({ buildId: row.id, kernel: "6.1.0-1-amd64", moduleVersion: "2.9.0", flavour: "mod", builder: "rhel-8", state: "built" }).run();
  const writer = new LogWriter(db, row.id);
  for (const text of lines) writer.write({ stage: "builder-rhel-8", step: "step-1", stream: 1, ts: now, text });
  writer.flush();
  fs.mkdirSync(buildCheckoutDir(row.id), { recursive: true });
  return row.id;
}

const rowsOf = (buildId: number) =>
  ["log_lines", "steps", "stages", "tasks", "build_bundles"].map((t) => (db.$client.prepare(`select count(*) as n from ${t} where build_id = ?`).get(buildId) as { n: number }).n);
const bytes = (lines: string[]) => lines.reduce((n, l) => n + Buffer.byteLength(l), 0);

describe("retention", async () => {
  const alpha = workspace("alpha");
  const beta = workspace("beta");
  // Read from the engine as POST /api/images/inspect does; a build names it as its cache.
  const cached = (await recordDriverImage({ ref: "kobuild/collector-drivers:empty" })).image!.id;
  db.update(s.images).set({ createdAt: ago(400) }).where((await import("drizzle-orm")).eq(s.images.id, cached)).run();

  const oldResult = image("kobuild-retention/collector-drivers:old", "sha256:" + "1".repeat(64), 20);
  const pushed = image("kobuild-retention/collector-drivers:pushed", "sha256:" + "2".repeat(64), 20, { pushedAt: ago(19) });
  const usedByRunning = image("kobuild-retention/collector-drivers:running", "sha256:" + "3".repeat(64), 20);
  const keptResult = image("kobuild-retention/collector-drivers:kept", "sha256:" + "4".repeat(64), 20);

  const oldLog = ["make: Entering directory", "  CC [M]  driver.o", "✓ built 6.1.0-1-amd64 (µs)"];
  const a1 = await build({ workspaceId: alpha.id, workspaceName: "alpha", status: "succeeded", createdAt: ago(10), finishedAt: ago(10), imageId: oldResult }, oldLog);
  const shard = await build({ workspaceId: alpha.id, status: "failed", parentId: a1, shard: 1, attempt: 1, createdAt: ago(10), finishedAt: ago(10) }, ["shard line"]);
  const a2 = await build({ workspaceId: alpha.id, workspaceName: "alpha", status: "failed", createdAt: ago(5), finishedAt: ago(5) }, ["a2"]);
  const a3 = await build({ workspaceId: alpha.id, workspaceName: "alpha", status: "succeeded", createdAt: ago(2), finishedAt: ago(2), imageId: keptResult }, ["a3 line"]);
  const b1 = await build({ workspaceId: beta.id, workspaceName: "beta", status: "cancelled", createdAt: ago(60), finishedAt: ago(60), options: { branch: "master", cacheRepo: "kobuild", cacheTag: "empty" } }, ["b1"]);
  const running = await build({ workspaceId: beta.id, workspaceName: "beta", status: "running", createdAt: ago(90), startedAt: ago(90), tag: "kobuild-retention/collector-drivers:running" }, ["still going"]);
  const queued = await build({ workspaceId: beta.id, workspaceName: "beta", status: "queued", createdAt: ago(80) }, []);

  for (let i = 0; i < 5; i++) recordAudit({ actor: "someone", action: `change ${i}` });

  // Alpha keeps its newest build; everything else is kept 30 days; image records a day unless used; two audit rows.
  setRetention({ default: { builds: { maxAgeDays: 30, maxCount: null }, logs: { maxAgeDays: null, maxCount: null }, failures: { maxAgeDays: null, maxCount: null }, images: { maxAgeDays: 1, maxCount: null }, audit: { maxAgeDays: null, maxCount: 2 } } }, "admin");
  setRetention({ workspaceId: alpha.id, override: { builds: { maxAgeDays: null, maxCount: 1 }, logs: { maxAgeDays: null, maxCount: null } } }, "admin");

  it("stores the default and the workspace's override", () => {
    const settings = getRetentionSettings();
    expect(settings.default.builds.maxAgeDays).toBe(30);
    expect(settings.workspaces.find((w) => w.name === "alpha")?.override?.builds.maxCount).toBe(1);
    expect(settings.workspaces.find((w) => w.name === "beta")?.override).toBeNull();
  });

  it("lists in a dry run exactly what would go, and removes nothing", () => {
    const plan = pruneRecords({ dryRun: true, actor: "admin" });
    expect(plan.builds.map((b) => [b.id, b.reason, b.shards])).toEqual([
      [a2, "count", []],
      [a1, "count", [shard]],
      [b1, "age", []],
    ]);
    expect(plan.builds.find((b) => b.id === a1)?.logBytes).toBe(bytes(oldLog) + bytes(["shard line"]));
    expect(plan.images.map((i) => i.id)).toEqual([oldResult]);
    expect(Object.fromEntries(plan.keptImages.map((i) => [i.id, i.why]))).toEqual({
      [cached]: `the cache of build ${b1}`,
      [pushed]: "pushed to a registry",
      [usedByRunning]: `used by running build ${running}`,
      [keptResult]: `the result of build ${a3}, which is kept`,
    });
    expect(plan.audit.rows).toBe(3);
    expect(plan.totals).toMatchObject({ builds: 4, images: 1, auditRows: 3, failures: 1 });
    expect(rowsOf(a1)).toEqual([3, 1, 1, 1, 1]);
    expect(listAudit()).toHaveLength(5);
  });

  it("prunes what the dry run listed in every table, keeps what is used or still running, and audits it", () => {
    const plan = pruneRecords({ dryRun: false, actor: "admin" });
    for (const id of [a1, shard, a2, b1]) {
      expect(rowsOf(id), `rows of build ${id}`).toEqual([0, 0, 0, 0, 0]);
      expect(fs.existsSync(buildCheckoutDir(id))).toBe(false);
    }
    const left = db.select({ id: s.builds.id }).from(s.builds).all().map((b) => b.id).sort((x, y) => x - y);
    expect(left).toEqual([a3, running, queued].sort((x, y) => x - y));
    expect(rowsOf(running)[0]).toBe(1);
    const images = db.select({ id: s.images.id }).from(s.images).all().map((i) => i.id);
    expect(images.sort()).toEqual([cached, pushed, usedByRunning, keptResult].sort());
    expect((db.$client.prepare("select count(*) as n from drivers where image_id = ?").get(oldResult) as { n: number }).n).toBe(0);
    const audit = listAudit();
    expect(audit.map((a) => a.action)).toEqual(["prune retention", "change 4", "change 3"]);
    expect(audit[0]!.target).toContain(`4 build(s) (${a2}, ${a1}, ${b1})`);
    expect(audit[0]!.target).toContain(`${plan.totals.logBytes} bytes`);
    // Next time: the prune's own row is the third; the cache image goes once no build names it any more.
    const next = pruneRecords({ dryRun: true, actor: "admin" });
    expect(next.totals).toEqual({ builds: 0, logLines: 0, logBytes: 0, failures: 0, images: 1, auditRows: 1 });
    expect(next.images.map((i) => i.id)).toEqual([cached]);
  });

  it("removes nothing when one delete fails: no build is left half-deleted", async () => {
    const c1 = await build({ workspaceId: beta.id, workspaceName: "beta", status: "failed", createdAt: ago(70), finishedAt: ago(70) }, ["c1 one", "c1 two"]);
    const c2 = await build({ workspaceId: beta.id, workspaceName: "beta", status: "failed", createdAt: ago(71), finishedAt: ago(71) }, ["c2"]);
    const auditRows = listAudit().length;
    // The database refuses the second build's delete, after the first build's rows went in the same transaction.
    db.$client.exec(`create temp trigger refuse_delete before delete on builds when old.id = ${c2} begin select raise(abort, 'refused for the test'); end`);
    try {
      expect(() => pruneRecords({ dryRun: false, actor: "admin" })).toThrow("refused for the test");
    } finally {
      db.$client.exec("drop trigger refuse_delete");
    }
    for (const id of [c1, c2]) {
      expect(rowsOf(id), `rows of build ${id}`).toEqual([id === c1 ? 2 : 1, 1, 1, 1, 1]);
      expect(fs.existsSync(buildCheckoutDir(id))).toBe(true);
    }
    expect(listAudit()).toHaveLength(auditRows);
    const plan = pruneRecords({ dryRun: false, actor: "admin" });
    expect(plan.builds.map((b) => b.id).sort()).toEqual([c1, c2].sort());
    expect(rowsOf(c1)).toEqual([0, 0, 0, 0, 0]);
  });
});
