import "server-only";
import { pruneRecords } from "./prune-records";
import { log } from "@/lib/log/logger";

const EVERY_MS = 60 * 60_000;
const FIRST_AFTER_MS = 5 * 60_000;

const holder = globalThis as unknown as { kobuildRetentionTimer?: NodeJS.Timeout };

/** Applies the retention policy five minutes after start-up, then every hour; each prune that removes something is in the audit log. */
export function startRetentionTimer() {
  if (holder.kobuildRetentionTimer) return;
  const run = () => {
    try {
      const plan = pruneRecords({ dryRun: false, actor: "kobuild (retention schedule)", quietWhenEmpty: true });
      const t = plan.totals;
      if (t.builds + t.logLines + t.failures + t.images + t.auditRows > 0) log().info({ builds: t.builds, logBytes: t.logBytes, failures: t.failures, images: t.images, auditRows: t.auditRows }, "retention removed old records");
    } catch (error) {
      log().error({ err: error }, "the scheduled retention prune failed");
    }
  };
  const first = setTimeout(() => {
    run();
    holder.kobuildRetentionTimer = setInterval(run, EVERY_MS);
    holder.kobuildRetentionTimer.unref();
  }, FIRST_AFTER_MS);
  first.unref();
  holder.kobuildRetentionTimer = first;
}
