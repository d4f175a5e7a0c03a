import "server-only";
import { pruneRecords } from "./prune-records";

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
      if (t.builds + t.logLines + t.failures + t.images + t.auditRows > 0) console.log(`kobuild: retention removed ${t.builds} build(s), ${t.logBytes} bytes of logs, ${t.failures} failure log(s), ${t.images} image record(s), ${t.auditRows} audit row(s)`);
    } catch (error) {
      console.error("kobuild: the scheduled retention prune failed", error);
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
