import "server-only";
import { eq } from "drizzle-orm";
import { builds } from "@/lib/db/schema";
import type { BuildPlanRecord } from "@/lib/vocabulary";
import type { ContextFingerprint } from "../build-context";
import type { BuildSession } from "../build-session";
import { summarizePlan, type ExplainedPlan } from "./explain-plan";
import type { ModuleVersionSource } from "./read-plan-image";
import { PlanUnreadable, readBuildPlan, type BuildPlan, type PlanRequest } from "./read-build-plan";

const LEFT_OUT_SHOWN = 20;

/** Keeps how the plan was learnt on the build, and says it in the log. */
export function recordPlanOf(session: BuildSession, plan: ExplainedPlan & { moduleVersions: ModuleVersionSource[] }, contextChanged = false) {
  const summary = summarizePlan(plan);
  const record: BuildPlanRecord = {
    source: "build-tasks",
    moduleVersions: plan.moduleVersions,
    toBuild: summary.toBuild,
    fromCache: summary.fromCache,
    blocklisted: summary.blocklisted,
    notPlanned: plan.notPlanned,
    kernelsLeftOut: plan.kernelsLeftOut.slice(0, LEFT_OUT_SHOWN),
    contextChanged,
  };
  session.db.update(builds).set({ plan: record }).where(eq(builds.id, session.buildId)).run();
  session.note(
    `the plan, from /build-tasks: ${summary.toBuild} task(s) to build, ${summary.fromCache} from the cache, ${summary.blocklisted} blocklisted` +
      `${plan.notPlanned ? `, ${plan.notPlanned} not planned` : ""}; module version(s) ${plan.moduleVersions.map((v) => `${v.moduleVersion}${v.bpf ? "" : " (no eBPF probe)"}`).join(", ") || "none"}`,
  );
}

/**
 * Reads a build's plan beside the build: started once the build's own task
 * master is done (its stages then come from the engine's cache), so the plan
 * is known while the builders compile. What it learns goes to the build's
 * tasks and progress at once; a plan that cannot be read is a warning, never
 * a failure of the build.
 */
export function planReaderFor(session: BuildSession, request: Omit<PlanRequest, "engine" | "signal" | "db">, buildContext: ContextFingerprint) {
  let reading: Promise<void> | null = null;

  const apply = (plan: BuildPlan) => {
    const contextChanged = buildContext.value !== "" && plan.fingerprint.value !== buildContext.value;
    session.tasks.planTasks(plan);
    recordPlanOf(session, plan, contextChanged);
    if (contextChanged) session.warn("the workspace changed while the build ran: its plan was read from the changed files and may not be the plan the build followed");
  };

  const fail = (error: unknown) => {
    if (session.signal.aborted) return;
    const message = error instanceof PlanUnreadable ? error.message : `reading it failed: ${(error as Error).message}`;
    session.db.update(builds).set({ plan: { source: "unreadable", error: session.mask(message) } }).where(eq(builds.id, session.buildId)).run();
    session.warn(`kobuild could not read this build's plan (${message}); its coverage shows only what the image holds`);
  };

  return {
    /** Starts reading, once. */
    start() {
      reading ??= readBuildPlan({ ...request, engine: session.engine, signal: session.signal, db: session.db }).then(apply, fail).catch(fail);
    },
    get started() {
      return reading !== null;
    },
    /** Waits for the reading, if it started. */
    async done() {
      await reading;
    },
  };
}
