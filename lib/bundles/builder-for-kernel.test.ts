import { describe, expect, it } from "vitest";
import { builderForKernel } from "./builder-for-kernel";

describe("builderForKernel", () => {
  it.each([
    ["3.10.0-1160.42.2.el7.x86_64", "rhel-7"],
    ["2.6.32-754.el6.x86_64", "rhel-7"],
    ["4.14.44-coreos-r1", "rhel-8"],
    ["5.10.68-16623.39.6-cos", "rhel-8"],
    ["4.15.0-1098-gcp~16.04", "rhel-8"],
    ["6.1.0-56-amd64", "rhel-8"],
    // The contract looks at the first character only.
    ["10.1.0-1-generic", "rhel-7"],
  ])("%s builds on %s", (kernel, builder) => {
    expect(builderForKernel(kernel)).toBe(builder);
  });

  it("refuses a kernel that does not start with a digit", () => {
    expect(() => builderForKernel("linux-5.4")).toThrow(/does not start with a digit/);
    expect(() => builderForKernel("")).toThrow(/does not start with a digit/);
  });
});
