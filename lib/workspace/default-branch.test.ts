import { describe, expect, it } from "vitest";
import { pickDefaultBranch } from "./default-branch";

const branches = (...names: string[]) => names.map((name) => ({ name }));

describe("pickDefaultBranch", () => {
  it("is the branch the checkout is on", () => {
    expect(pickDefaultBranch({ head: "main", branches: branches("main", "master") }, null)).toBe("main");
    expect(pickDefaultBranch({ head: "release-3.9", branches: branches("release-3.9", "main") }, "refs/remotes/origin/main")).toBe("release-3.9");
  });

  it("with HEAD detached: origin's HEAD, then main, master, then the newest branch", () => {
    expect(pickDefaultBranch({ head: null, branches: branches("feature", "develop", "main") }, "refs/remotes/origin/develop")).toBe("develop");
    expect(pickDefaultBranch({ head: null, branches: branches("feature", "master", "main") }, "refs/remotes/origin/gone")).toBe("main");
    expect(pickDefaultBranch({ head: null, branches: branches("feature", "master") }, null)).toBe("master");
    expect(pickDefaultBranch({ head: null, branches: branches("feature", "old") }, null)).toBe("feature");
    expect(pickDefaultBranch({ head: null, branches: [] }, null)).toBeNull();
  });
});
