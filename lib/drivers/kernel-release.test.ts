import { describe, expect, it } from "vitest";
import { unameMatchesKernel } from "@/lib/bundles/uname-matches-kernel";
import { DomainError } from "@/lib/domain-error";
import { checkRelease, checkReleaseLines, indexReleases, nearestInOrder, releaseProblem, unameOfKernelId } from "./kernel-release";

// Kernel ids as bundles are named, and the `uname -r` their nodes report.
const BACKPORT = "4.15.0-1098-gcp~16.04";
const COS = "5.10.68-16623.39.6-cos";
const DEBIAN = "6.1.0-56-amd64";
const CLOUD = "6.1.0-57-cloud-amd64";
const EL7 = "3.10.0-1160.el7.x86_64";

describe("unameOfKernelId", () => {
  it("spells a kernel id's uname as the bundle rules do", () => {
    expect(unameOfKernelId(BACKPORT)).toBe("4.15.0-1098-gcp");
    expect(unameOfKernelId(COS)).toBe("5.10.68+");
    expect(unameOfKernelId(DEBIAN)).toBe(DEBIAN);
    expect(unameOfKernelId(EL7)).toBe(EL7);
    expect(unameOfKernelId("6.12.118+deb12-amd64")).toBe("6.12.118+deb12-amd64");
    // Every derived uname is one a stored bundle of that id may carry.
    for (const kernel of [BACKPORT, COS, DEBIAN, CLOUD, EL7]) expect(unameMatchesKernel(unameOfKernelId(kernel), kernel), kernel).toBe(true);
  });
});

describe("releaseProblem and checkRelease", () => {
  it("takes real releases", () => {
    for (const r of ["4.15.0-1098-gcp", "5.10.68+", DEBIAN, EL7, "6.12.118+deb12-amd64", "5.4.17-2136.300.7.el8uek.x86_64"]) expect(releaseProblem(r), r).toBeNull();
  });

  it("refuses empty, spaced, shell and overlong strings with a DomainError (bad_request)", () => {
    for (const bad of ["", " 5.4.0-1055-gcp", "5.4.0 1055", "$(reboot)", "5.4.0;rm -rf /", "a`b`", "../etc/passwd", "-rf", "a".repeat(201)]) {
      expect(() => checkRelease(bad), bad).toThrow(DomainError);
    }
    expect(() => checkRelease("")).toThrow(/is empty/);
    expect(() => checkRelease("a".repeat(201))).toThrow(/longer than 200/);
    expect(() => checkRelease("5.4.0;ls")).toThrow(/uname -r/);
    expect(checkRelease("a".repeat(200))).toHaveLength(200);
  });

  it("reads a fleet's lines: trims, skips blank lines, names the bad line", () => {
    expect(checkReleaseLines([" 5.10.68+ ", "", "\t", DEBIAN, DEBIAN])).toEqual(["5.10.68+", DEBIAN, DEBIAN]);
    expect(() => checkReleaseLines([DEBIAN, "", "uname -r"])).toThrow(/^line 3: kernel "uname -r"/);
    expect(() => checkReleaseLines(["", "  "])).toThrow(/no kernel given/);
    expect(() => checkReleaseLines(Array.from({ length: 10_001 }, () => DEBIAN))).toThrow(/at most 10,000/);
    expect(checkReleaseLines(Array.from({ length: 10_000 }, () => DEBIAN))).toHaveLength(10_000);
  });
});

describe("indexReleases", () => {
  // The stored bundles say their uname; the image also holds a kernel whose bundle is gone.
  const bundleUnames = new Map([
    [BACKPORT, "4.15.0-1098-gcp"],
    [COS, "5.10.68+"],
    [DEBIAN, DEBIAN],
    [EL7, EL7],
  ]);
  const index = indexReleases([BACKPORT, DEBIAN, "5.10.68-16623.40.1-cos", "4.15.0-1100-aws~18.04"], bundleUnames);

  it("finds the kernel ids of a node's uname, and of a kernel id given as is", () => {
    expect(index.kernelsOf("4.15.0-1098-gcp")).toEqual([BACKPORT]);
    expect(index.kernelsOf(BACKPORT)).toEqual([BACKPORT]);
    expect(index.kernelsOf(DEBIAN)).toEqual([DEBIAN]);
    // Without a bundle the id spells the uname.
    expect(index.kernelsOf("4.15.0-1100-aws")).toEqual(["4.15.0-1100-aws~18.04"]);
    // Two COS builds of one release: both, in kernel order.
    expect(index.kernelsOf("5.10.68+")).toEqual([COS, "5.10.68-16623.40.1-cos"]);
  });

  it("matches whole releases only", () => {
    expect(index.kernelsOf("6.1.0-56")).toEqual([]);
    expect(index.kernelsOf("6.1.0-56-amd6")).toEqual([]);
    expect(index.kernelsOf("4.15.0-1098-gcp~16")).toEqual([]);
    expect(index.kernelsOf("5.10.68")).toEqual([]);
  });

  it("gives the 3 nearest kernels with a bundle, in kernel order", () => {
    expect(index.nearestBundles("6.1.0-55-amd64").map((n) => n.kernel)).toEqual([DEBIAN, COS, BACKPORT]);
    expect(index.nearestBundles("4.15.0-1099-gcp")[0]).toEqual({ kernel: BACKPORT, uname: "4.15.0-1098-gcp" });
    expect(index.nearestBundles("2.6.32-754.el6.x86_64").map((n) => n.kernel)).toEqual([EL7, BACKPORT, COS]);
  });
});

describe("nearestInOrder", () => {
  const sorted = ["5.4.0-1050-gcp", "5.4.0-1051-gcp", "5.4.0-1055-aws", "5.4.0-1055-gcp", "5.4.0-1060-gcp", "5.15.0-1001-gcp"];

  it("walks outwards from where the release would stand, the one sharing more of its start first", () => {
    expect(nearestInOrder(sorted, "5.4.0-1052-gcp", 3)).toEqual(["5.4.0-1051-gcp", "5.4.0-1055-aws", "5.4.0-1050-gcp"]);
    expect(nearestInOrder(sorted, "5.4.0-1055-azure", 2)).toEqual(["5.4.0-1055-aws", "5.4.0-1055-gcp"]);
    expect(nearestInOrder(sorted, "6.1.0-1-amd64", 3)).toEqual(["5.15.0-1001-gcp", "5.4.0-1060-gcp", "5.4.0-1055-gcp"]);
    expect(nearestInOrder(sorted, "2.6.32", 2)).toEqual(["5.4.0-1050-gcp", "5.4.0-1051-gcp"]);
    expect(nearestInOrder([], "5.4.0-1052-gcp", 3)).toEqual([]);
    expect(nearestInOrder(sorted.slice(0, 2), "5.4.0-1052-gcp", 3)).toHaveLength(2);
  });
});
