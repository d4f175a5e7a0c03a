import { describe, expect, it } from "vitest";
import { WEBHOOK_RETRY_SECONDS } from "@/lib/env";
import { isDelivered, maxAttempts, nextAttemptAt } from "./delivery-schedule";

describe("the retry schedule", () => {
  it("waits 1 s, 5 s, 30 s, 2 min and 10 min by default, then gives up after six attempts", () => {
    const now = 1_000_000;
    expect(maxAttempts(WEBHOOK_RETRY_SECONDS)).toBe(6);
    const waits = [1, 2, 3, 4, 5].map((attempts) => (nextAttemptAt(attempts, WEBHOOK_RETRY_SECONDS, now)! - now) / 1000);
    expect(waits).toEqual([1, 5, 30, 120, 600]);
    expect(nextAttemptAt(6, WEBHOOK_RETRY_SECONDS, now)).toBeNull();
  });

  it("follows a configured schedule, zero delays included", () => {
    expect(nextAttemptAt(1, [0, 2], 10)).toBe(10);
    expect(nextAttemptAt(2, [0, 2], 10)).toBe(2010);
    expect(nextAttemptAt(3, [0, 2], 10)).toBeNull();
    expect(nextAttemptAt(1, [], 10)).toBeNull();
  });

  it("counts only 2xx answers as delivered", () => {
    expect([200, 201, 204, 299].every(isDelivered)).toBe(true);
    expect([100, 301, 302, 400, 404, 500, 503].some(isDelivered)).toBe(false);
  });
});
