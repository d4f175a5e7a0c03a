import { describe, expect, it } from "vitest";
import { SignInThrottle } from "./sign-in-throttle";

describe("SignInThrottle", () => {
  it("lets a few failures through, then locks the name for 30 s, doubling up to 15 minutes", () => {
    let now = 0;
    const throttle = new SignInThrottle({ name: { free: 3 } }, () => now);
    const keys = ["name:eve"];
    for (let i = 0; i < 3; i++) expect(throttle.fail(keys).lockedMs).toBe(0);
    expect(throttle.waitMs(keys)).toBe(0);
    expect(throttle.fail(keys)).toEqual({ failures: 4, lockedMs: 30_000 });
    expect(throttle.waitMs(keys)).toBe(30_000);
    now += 30_000;
    expect(throttle.waitMs(keys)).toBe(0);
    expect(throttle.fail(keys).lockedMs).toBe(60_000);
    for (let i = 0; i < 10; i++) throttle.fail(keys);
    expect(throttle.waitMs(keys)).toBe(15 * 60_000);
    expect(throttle.waitMs(["name:other"])).toBe(0);
  });

  it("forgets a name after a quiet quarter of an hour, and at once after a right password", () => {
    let now = 0;
    const throttle = new SignInThrottle({ name: { free: 1 } }, () => now);
    throttle.fail(["name:a", "address:10.0.0.1"]);
    now += 16 * 60_000;
    expect(throttle.fail(["name:a"])).toEqual({ failures: 1, lockedMs: 0 });
    throttle.succeed("name:a");
    expect(throttle.fail(["name:a"])).toEqual({ failures: 1, lockedMs: 0 });
  });

  it("locks every key of an attempt: an address that tries many names is held too", () => {
    const throttle = new SignInThrottle({ name: { free: 5 }, address: { free: 2 } }, () => 0);
    throttle.fail(["name:a", "address:192.0.2.7"]);
    throttle.fail(["name:b", "address:192.0.2.7"]);
    expect(throttle.fail(["name:c", "address:192.0.2.7"])).toEqual({ failures: 1, lockedMs: 30_000 });
    expect(throttle.waitMs(["name:d", "address:192.0.2.7"])).toBe(30_000);
    expect(throttle.waitMs(["name:d", "address:192.0.2.8"])).toBe(0);
  });
});
