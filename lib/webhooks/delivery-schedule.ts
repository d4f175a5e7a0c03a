// When a failed delivery is tried again: the delays (seconds) come from
// KOBUILD_WEBHOOK_RETRY_SECONDS, by default 1 s, 5 s, 30 s, 2 min and 10 min;
// the first attempt is at once, so there are delays + 1 attempts in all.

/** The most attempts a delivery gets with this schedule. */
export const maxAttempts = (delaysSeconds: readonly number[]) => delaysSeconds.length + 1;

/**
 * After `attempts` attempts that all failed, when the next one is due
 * (milliseconds from `now`), or null when the delivery is given up.
 */
export function nextAttemptAt(attempts: number, delaysSeconds: readonly number[], now: number): number | null {
  if (attempts < 1 || attempts >= maxAttempts(delaysSeconds)) return null;
  return now + delaysSeconds[attempts - 1]! * 1000;
}

/** A delivery's answer counts as received when its status is 2xx. */
export const isDelivered = (status: number) => status >= 200 && status < 300;
