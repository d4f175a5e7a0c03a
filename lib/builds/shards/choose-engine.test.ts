import { describe, expect, it } from "vitest";
import { chooseRetryEngine } from "./choose-engine";

describe("chooseRetryEngine", () => {
  it("moves a shard to an engine that has not run it", () => {
    expect(chooseRetryEngine(["default", "b", "c"], ["b"], new Map([["default", 1]]))).toBe("c");
  });

  it("prefers the least loaded engine among those not tried", () => {
    expect(chooseRetryEngine(["default", "b", "c"], ["c"], new Map([["default", 2], ["b", 1]]))).toBe("b");
  });

  it("goes back to an engine tried before rather than to the one that just failed", () => {
    expect(chooseRetryEngine(["default", "b"], ["default", "b"], new Map())).toBe("default");
  });

  it("retries on the same engine only when it is the only one that answers", () => {
    expect(chooseRetryEngine(["b"], ["b"], new Map())).toBe("b");
  });

  it("has nothing to offer when no engine answers", () => {
    expect(chooseRetryEngine([], ["b"], new Map())).toBeNull();
  });
});
