import "server-only";
import type { Db } from "@/lib/db/client";
import { operationOptionsIn } from "@/lib/build-options";
import { operationInputs } from "@/lib/images/operation-inputs";
import type { RetentionPolicy, RetentionRule, WorkspaceRetention } from "./retention-schemas";
import type { RetentionSettings } from "./retention-store";

export type PruneReason = "age" | "count";

/** What a prune removes (a dry run: would remove), record by record. */
export type PrunePlan = {
  at: string;
  builds: { id: number; kind: string; status: string; workspace: string | null; createdAt: string; finishedAt: string | null; reason: PruneReason; shards: number[]; logLines: number; logBytes: number }[];
  /** Logs of builds that are kept. */
  logs: { buildId: number; createdAt: string; reason: PruneReason; lines: number; bytes: number }[];
  /** Failure logs of images that are kept. */
  failures: { imageId: number; ref: string | null; reason: PruneReason; count: number; bytes: number }[];
  images: { id: number; ref: string | null; dockerId: string; createdAt: string; reason: PruneReason; drivers: number; failures: number }[];
  /** Images the policy would remove that something still uses. */
  keptImages: { id: number; ref: string | null; why: string }[];
  audit: { rows: number; oldest: string | null; newest: string | null };
  totals: { builds: number; logLines: number; logBytes: number; failures: number; images: number; auditRows: number };
};

const DAY = 86_400_000;
const ACTIVE = new Set(["queued", "running"]);

type BuildRow = { id: number; kind: string; status: string; workspace_id: number | null; workspace_name: string | null; parent_id: number | null; image_id: number | null; tag: string | null; options: string; created_at: number; finished_at: number | null };
type ImageRow = { id: number; ref: string | null; docker_id: string; pushed_at: number | null; created_at: number };

/** Why a record goes under `rule`, given its age and its place among its kind (0: the newest), or null when it stays. */
export function ruleVerdict(rule: RetentionRule, ageMs: number, rank: number): PruneReason | null {
  if (rule.maxAgeDays !== null && ageMs > rule.maxAgeDays * DAY) return "age";
  if (rule.maxCount !== null && rank >= rule.maxCount) return "count";
  return null;
}

function parseOptions(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** The image a build reads as its cache (CACHE_REPO/CACHE_TAG), as the build names it. */
function cacheRef(options: Record<string, unknown>): string | null {
  return typeof options.cacheRepo === "string" && typeof options.cacheTag === "string" ? `${options.cacheRepo}/collector-drivers:${options.cacheTag}` : null;
}

/** Every image a build may read or write: its result, cache, tag and an operation's inputs. */
function imagesOfBuild(b: BuildRow): { ids: number[]; refs: string[] } {
  const options = parseOptions(b.options);
  const refs = [cacheRef(options), b.tag].filter((r): r is string => r !== null);
  const operation = operationOptionsIn(options);
  if (operation) refs.push(...operationInputs(operation));
  const ids = [b.image_id, typeof options.inputImageId === "number" ? options.inputImageId : null].filter((i): i is number => i !== null);
  return { ids, refs };
}

/**
 * Reads what the policy removes now. Run inside the transaction that removes
 * it, so that nothing starts using a record between the plan and the delete.
 * Builds still queued or running (or with a shard that is) are never removed;
 * shards go with the build that planned them.
 */
export function planPrune(db: Db, settings: Pick<RetentionSettings, "default" | "workspaces">, now = Date.now()): PrunePlan {
  const sqlite = db.$client;
  const policy: RetentionPolicy = settings.default;
  const overrides = new Map(settings.workspaces.filter((w) => w.override).map((w) => [w.workspaceId, w.override!]));
  const rulesOf = (workspaceId: number | null): WorkspaceRetention => (workspaceId !== null ? overrides.get(workspaceId) : undefined) ?? policy;

  const all = sqlite.prepare("select id, kind, status, workspace_id, workspace_name, parent_id, image_id, tag, options, created_at, finished_at from builds order by created_at desc, id desc").all() as BuildRow[];
  const shardsOf = new Map<number, BuildRow[]>();
  for (const b of all) if (b.parent_id !== null) shardsOf.set(b.parent_id, [...(shardsOf.get(b.parent_id) ?? []), b]);
  const active = (b: BuildRow) => ACTIVE.has(b.status) || (shardsOf.get(b.id) ?? []).some((s) => ACTIVE.has(s.status));
  const logSize = sqlite.prepare("select count(*) as lines, coalesce(sum(length(cast(text as blob))), 0) as bytes from log_lines where build_id = ?");
  const sizeOf = (ids: number[]) =>
    ids.reduce((t, id) => {
      const s = logSize.get(id) as { lines: number; bytes: number };
      return { lines: t.lines + s.lines, bytes: t.bytes + s.bytes };
    }, { lines: 0, bytes: 0 });

  const plan: PrunePlan = { at: new Date(now).toISOString(), builds: [], logs: [], failures: [], images: [], keptImages: [], audit: { rows: 0, oldest: null, newest: null }, totals: { builds: 0, logLines: 0, logBytes: 0, failures: 0, images: 0, auditRows: 0 } };
  const rank = new Map<string, number>();
  const removed = new Set<number>();
  for (const b of all.filter((x) => x.parent_id === null)) {
    const group = String(b.workspace_id ?? "none");
    const place = rank.get(group) ?? 0;
    rank.set(group, place + 1);
    if (active(b)) continue;
    const rules = rulesOf(b.workspace_id);
    const age = now - (b.finished_at ?? b.created_at);
    const shards = (shardsOf.get(b.id) ?? []).map((s) => s.id);
    const buildVerdict = ruleVerdict(rules.builds, age, place);
    if (buildVerdict) {
      const size = sizeOf([b.id, ...shards]);
      removed.add(b.id);
      shards.forEach((s) => removed.add(s));
      plan.builds.push({ id: b.id, kind: b.kind, status: b.status, workspace: b.workspace_name, createdAt: new Date(b.created_at).toISOString(), finishedAt: b.finished_at ? new Date(b.finished_at).toISOString() : null, reason: buildVerdict, shards, logLines: size.lines, logBytes: size.bytes });
      continue;
    }
    const logVerdict = ruleVerdict(rules.logs, age, place);
    if (logVerdict) {
      const size = sizeOf([b.id, ...shards]);
      if (size.lines > 0) plan.logs.push({ buildId: b.id, createdAt: new Date(b.created_at).toISOString(), reason: logVerdict, lines: size.lines, bytes: size.bytes });
    }
  }

  // What still uses an image: a kept build's result, any build's cache, an active build's anything, a push.
  const keptBy = new Map<number, string>();
  const keptRefs = new Map<string, string>();
  for (const b of all) {
    const options = parseOptions(b.options);
    const cache = cacheRef(options);
    if (cache) keptRefs.set(cache, `the cache of build ${b.id}`);
    if (ACTIVE.has(b.status)) {
      const used = imagesOfBuild(b);
      used.ids.forEach((id) => keptBy.set(id, `used by ${b.status} build ${b.id}`));
      used.refs.forEach((ref) => keptRefs.set(ref, `used by ${b.status} build ${b.id}`));
    } else if (b.image_id !== null && !removed.has(b.id)) keptBy.set(b.image_id, `the result of build ${b.id}, which is kept`);
  }
  const imageRows = sqlite.prepare("select id, ref, docker_id, pushed_at, created_at from images order by created_at desc, id desc").all() as ImageRow[];
  const whyKept = new Map<number, string>();
  for (const i of imageRows) {
    const why = keptBy.get(i.id) ?? (i.ref !== null ? keptRefs.get(i.ref) : undefined) ?? (i.pushed_at !== null ? "pushed to a registry" : undefined);
    if (why) whyKept.set(i.id, why);
  }
  // One engine image may have several records (tags): what keeps one keeps all.
  const keptDockerIds = new Map(imageRows.filter((i) => whyKept.has(i.id)).map((i) => [i.docker_id, whyKept.get(i.id)!]));
  const countOf = sqlite.prepare("select (select count(*) from drivers where image_id = @id) as drivers, (select count(*) from failures where image_id = @id) as failures, (select coalesce(sum(length(cast(log as blob))), 0) from failures where image_id = @id) as bytes");
  imageRows.forEach((i, place) => {
    const age = now - i.created_at;
    const verdict = ruleVerdict(policy.images, age, place);
    const why = whyKept.get(i.id) ?? keptDockerIds.get(i.docker_id);
    const counts = countOf.get({ id: i.id }) as { drivers: number; failures: number; bytes: number };
    if (verdict && why) plan.keptImages.push({ id: i.id, ref: i.ref, why });
    if (verdict && !why) {
      plan.images.push({ id: i.id, ref: i.ref, dockerId: i.docker_id, createdAt: new Date(i.created_at).toISOString(), reason: verdict, drivers: counts.drivers, failures: counts.failures });
      return;
    }
    const failureVerdict = ruleVerdict(policy.failures, age, place);
    if (failureVerdict && counts.failures > 0) plan.failures.push({ imageId: i.id, ref: i.ref, reason: failureVerdict, count: counts.failures, bytes: counts.bytes });
  });

  plan.audit = planAudit(db, policy.audit, now);
  plan.totals = {
    builds: plan.builds.reduce((n, b) => n + 1 + b.shards.length, 0),
    logLines: [...plan.builds.map((b) => b.logLines), ...plan.logs.map((l) => l.lines)].reduce((a, b) => a + b, 0),
    logBytes: [...plan.builds.map((b) => b.logBytes), ...plan.logs.map((l) => l.bytes)].reduce((a, b) => a + b, 0),
    failures: [...plan.failures.map((f) => f.count), ...plan.images.map((i) => i.failures)].reduce((a, b) => a + b, 0),
    images: plan.images.length,
    auditRows: plan.audit.rows,
  };
  return plan;
}

/** The audit rows older than the rule's age or past its count: the oldest ones, by id. */
function planAudit(db: Db, rule: RetentionRule, now: number): PrunePlan["audit"] {
  const sqlite = db.$client;
  const cut = auditCutoff(db, rule, now);
  if (cut === null) return { rows: 0, oldest: null, newest: null };
  const row = sqlite.prepare("select count(*) as rows, min(created_at) as oldest, max(created_at) as newest from audit_log where id <= ?").get(cut) as { rows: number; oldest: number | null; newest: number | null };
  return { rows: row.rows, oldest: row.oldest ? new Date(row.oldest).toISOString() : null, newest: row.newest ? new Date(row.newest).toISOString() : null };
}

/** The highest audit id that goes, or null when none does. */
export function auditCutoff(db: Db, rule: RetentionRule, now: number): number | null {
  const sqlite = db.$client;
  const byAge = rule.maxAgeDays === null ? null : ((sqlite.prepare("select max(id) as id from audit_log where created_at < ?").get(now - rule.maxAgeDays * DAY) as { id: number | null }).id);
  const byCount = rule.maxCount === null ? null : ((sqlite.prepare("select id from audit_log order by id desc limit 1 offset ?").get(rule.maxCount) as { id: number } | undefined)?.id ?? null);
  const cut = Math.max(byAge ?? 0, byCount ?? 0);
  return cut > 0 ? cut : null;
}
