import { describe, expect, it } from "vitest";
import { stageStatusOf } from "./stage-status";

describe("stageStatusOf", () => {
  it("is cached only when every step came from the cache", () => {
    expect(stageStatusOf([{ status: "cached", index: 1, total: 2 }, { status: "cached", index: 2, total: 2 }])).toBe("cached");
    expect(stageStatusOf([{ status: "cached", index: 1, total: 2 }, { status: "done", index: 2, total: 2 }])).toBe("done");
  });
  it("is not done before its last step, but is without steps another stage reported", () => {
    expect(stageStatusOf([{ status: "done", index: 1, total: 3 }])).toBe("running");
    expect(stageStatusOf([{ status: "cached", index: 3, total: 3 }])).toBe("cached");
  });
  it("fails with any failed step and waits with none", () => {
    expect(stageStatusOf([{ status: "done", index: 1, total: 2 }, { status: "failed", index: 2, total: 2 }])).toBe("failed");
    expect(stageStatusOf([])).toBe("waiting");
  });
});
