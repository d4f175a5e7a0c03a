import { describe, expect, it } from "vitest";
import { compareVersions, newestVersionFirst } from "./compare-versions";

describe("compareVersions", () => {
  it("orders release tags numerically, pre-releases before their release", () => {
    const tags = ["3.11.0", "3.9.0", "v3.10.1", "3.10.0", "3.11.0-rc10", "3.11.0-rc2", "3.10", "10.0.0", "3.9.0-1"];
    expect([...tags].sort(compareVersions)).toEqual(["3.9.0-1", "3.9.0", "3.10", "3.10.0", "v3.10.1", "3.11.0-rc2", "3.11.0-rc10", "3.11.0", "10.0.0"]);
  });

  it("lists versions newest first, then other names", () => {
    expect(["nightly", "3.9.0", "latest", "3.10.0"].sort(newestVersionFirst)).toEqual(["3.10.0", "3.9.0", "latest", "nightly"]);
  });
});
