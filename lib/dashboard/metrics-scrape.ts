import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { checkRole, principalOf } from "@/lib/auth/guard";
import { runningBuildsByEngine } from "@/lib/builds/build-queue";
import { getDb } from "@/lib/db/client";
import { builds } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { listEnginesWithHealth } from "@/lib/engines/engine-health";
import { DEFAULT_ENGINE_ID } from "@/lib/engines/engine-store";
import { env } from "@/lib/env";
import { metrics } from "@/lib/metrics/metrics";

/**
 * Who may read /metrics. With KOBUILD_METRICS_TOKEN set, only a scraper that
 * sends it as `Authorization: Bearer` (Prometheus' `authorization` or
 * `bearer_token` setting); without it, anyone kobuild lets read its pages: a
 * signed-in viewer, or a viewer's API token as the bearer.
 */
export function authorizeScrape(headers: Headers) {
  const expected = env().metricsToken;
  if (expected === null) {
    checkRole(principalOf(headers), "viewer");
    return;
  }
  const given = /^Bearer (\S+)$/i.exec(headers.get("authorization") ?? "")?.[1] ?? "";
  // Digests are compared, in constant time: neither the length nor a prefix of the token leaks.
  if (!timingSafeEqual(digest(given), digest(expected))) throw new DomainError("unauthorized", "send the metrics token (KOBUILD_METRICS_TOKEN) as Authorization: Bearer <token>");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The metrics in Prometheus' text format, with the state gauges read now. */
export async function scrapeMetrics(): Promise<{ contentType: string; text: string }> {
  const m = metrics();
  const engines = await listEnginesWithHealth();
  const queued = new Map(
    getDb()
      .select({ engineId: builds.engineId, count: sql<number>`count(*)` })
      .from(builds)
      .where(eq(builds.status, "queued"))
      .groupBy(builds.engineId)
      .all()
      .map((r) => [r.engineId ?? DEFAULT_ENGINE_ID, r.count]),
  );
  const running = runningBuildsByEngine();
  // Every engine has a series (0 when idle), and so does one removed meanwhile whose builds still wait or run.
  const ids = new Set([...engines.map((e) => e.row.id), ...queued.keys(), ...running.keys()]);
  m.engineUp.reset();
  m.queuedBuilds.reset();
  m.runningBuilds.reset();
  for (const { row, health } of engines) m.engineUp.set({ engine: row.id }, health.reachable ? 1 : 0);
  for (const id of ids) {
    m.queuedBuilds.set({ engine: id }, queued.get(id) ?? 0);
    m.runningBuilds.set({ engine: id }, running.get(id) ?? 0);
  }
  return { contentType: m.registry.contentType, text: await m.registry.metrics() };
}
