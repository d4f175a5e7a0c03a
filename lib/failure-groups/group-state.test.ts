import { describe, expect, it } from "vitest";
import { compareGroups, groupState, type GroupHistory } from "./group-state";

// Histories as the digests of a workspace's builds leave them (builds by id).
const seen = (first: number, last: number, clear: number | null = null): GroupHistory => ({ firstBuildId: first, lastBuildId: last, lastClearBuildId: clear });

describe("groupState", () => {
  it("is new when the latest build is the first to fail this way", () => {
    expect(groupState(seen(12, 12), 12)).toBe("new");
  });

  it("is ongoing once a later build fails the same way, or when later builds did not plan its tasks", () => {
    expect(groupState(seen(10, 12), 12)).toBe("ongoing");
    // Build 11 built other kernels only: it says nothing, and 10's failure still stands.
    expect(groupState(seen(10, 10), 11)).toBe("ongoing");
  });

  it("is fixed when the latest build that planned its tasks had none fail this way", () => {
    expect(groupState(seen(10, 11, 12), 12)).toBe("fixed");
    // Fixed in 12, and build 13 (other kernels) does not undo that.
    expect(groupState(seen(10, 11, 12), 13)).toBe("fixed");
  });

  it("is ongoing again when it comes back after a fix", () => {
    expect(groupState(seen(10, 13, 12), 13)).toBe("ongoing");
  });

  it("orders new groups first, then ongoing, then fixed, the most recently seen first", () => {
    const groups = [
      { id: "fixed", state: "fixed" as const, lastBuildId: 13, builds: 1 },
      { id: "old", state: "ongoing" as const, lastBuildId: 9, builds: 5 },
      { id: "recent", state: "ongoing" as const, lastBuildId: 13, builds: 2 },
      { id: "new", state: "new" as const, lastBuildId: 13, builds: 1 },
    ];
    expect(groups.sort(compareGroups).map((g) => g.id)).toEqual(["new", "recent", "old", "fixed"]);
  });
});
