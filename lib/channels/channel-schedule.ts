import { CronExpressionParser } from "cron-parser";

// A channel's schedule is a cron line read in UTC: the timer asks, each
// tick, whether a run fell due since the last one it started.

/** Why a cron line does not parse, or null when it does. */
export function cronProblem(line: string): string | null {
  try {
    CronExpressionParser.parse(line, { tz: "UTC", strict: false });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The first run of `line` after `since`. */
export function nextRun(line: string, since: Date): Date {
  return CronExpressionParser.parse(line, { currentDate: since, tz: "UTC" }).next().toDate();
}

/** Whether a run fell due after `since` and by `now` (runs missed while the dashboard was down count once). */
export function runDue(line: string, since: Date, now: Date): boolean {
  return nextRun(line, since).getTime() <= now.getTime();
}
