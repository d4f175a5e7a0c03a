import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scaleKernelNames } from "@/test/coverage-at-scale";
import { compareKernels, sortKernels } from "./kernel-order";

const sampleKernels = fs
  .readFileSync(path.join(__dirname, "..", "..", "sample", "collector", "kernel-modules", "KERNEL_VERSIONS"), "utf8")
  .split("\n")
  .filter(Boolean);

describe("compareKernels", () => {
  it.each([
    ["5.4.0-1055-gcp", "5.4.0-1098-gcp"],
    ["5.4.0-100-generic", "5.4.0-1055-gcp"],
    ["4.19.0-18-amd64", "5.4.0-1055-gcp"],
    ["4.9.0-13-amd64", "4.19.0-18-amd64"],
    ["5.9.16-1-default", "5.10.0-9-cloud-amd64"],
    ["3.10.0-514.2.2.el7.x86_64", "3.10.0-1160.el7.x86_64"],
    // The GA release before its updates, as rpm orders them.
    ["3.10.0-1160.el7.x86_64", "3.10.0-1160.42.2.el7.x86_64"],
    ["4.18.0-305.el8.x86_64", "4.18.0-305.19.1.el8_4.x86_64"],
    ["6.1.0-55-amd64", "6.1.0-56-amd64"],
    ["6.1.0-56-amd64", "6.1.0-56-cloud-amd64"],
    ["6.1.0-56-cloud-amd64", "6.12.117+deb12-amd64"],
    ["6.12.117+deb12-amd64", "6.12.118+deb12-amd64"],
    ["5.10.68+", "5.10.68-16623.39.6-cos"],
    ["4.15.0-1098-gcp", "4.15.0-1098-gcp~16.04"],
    ["5.11.0-1020-gcp~20.04", "5.11.0-1021-gcp"],
    ["2.6.32-754.35.1.el6.x86_64", "3.10.0-123.el7.x86_64"],
    ["9.0.0-1-amd64", "10.0.0-1-amd64"],
  ])("%s before %s", (a, b) => {
    expect(compareKernels(a, b)).toBeLessThan(0);
    expect(compareKernels(b, a)).toBeGreaterThan(0);
  });

  it("is a total order: ids that differ only in separators or leading zeros still get a place", () => {
    expect(compareKernels("5.4.0-1055-gcp", "5.4.0-1055-gcp")).toBe(0);
    expect(compareKernels("5.4.0-1055-gcp", "5.4.0.1055.gcp")).not.toBe(0);
    expect(Math.sign(compareKernels("5.4.0-01055-gcp", "5.4.0-1055-gcp"))).toBe(-Math.sign(compareKernels("5.4.0-1055-gcp", "5.4.0-01055-gcp")));
  });

  it("compares numbers too long for a double by their digits", () => {
    expect(compareKernels("5.4.0-12345678901234567890", "5.4.0-12345678901234567891")).toBeLessThan(0);
    expect(compareKernels("5.4.0-9", "5.4.0-12345678901234567890")).toBeLessThan(0);
  });
});

describe("sortKernels", () => {
  it("orders the sample's KERNEL_VERSIONS by version, not by bytes", () => {
    expect(sortKernels(sampleKernels)).toEqual([
      "3.10.0-514.2.2.el7.x86_64",
      "3.10.0-1160.el7.x86_64",
      "3.10.0-1160.42.2.el7.x86_64",
      "4.14.44-coreos-r1",
      "4.15.0-1098-gcp~16.04",
      "4.18.0-305.19.1.el8_4.x86_64",
      "5.4.0-1055-gcp",
      "5.10.68-16623.39.6-cos",
      "5.11.0-1020-gcp~20.04",
      "5.14.12-100.fc33.x86_64",
      "5.15.0-1-cloud-amd64",
      "6.1.0-55-amd64",
      "6.1.0-56-amd64",
      "6.1.0-56-cloud-amd64",
      "6.12.117+deb12-amd64",
    ]);
  });

  it("sorts 6,000 kernels as compareKernels orders them, keeping repeated ids", () => {
    const many = scaleKernelNames();
    const sorted = sortKernels(many);
    expect(sorted).toEqual([...many].sort(compareKernels));
  });
});
