import { describe, expect, it } from "vitest";
import { bundleFacets, chooseShown, chosenFromBuild, chosenFromEveryBundle, chosenSummary, filterBundles, NO_BUNDLE_FILTER, toggleChosen, type BundleChoice } from "./bundle-selection";

// Kernels as the sample and a RHEL 7 store hold them.
const bundles: BundleChoice[] = [
  { id: 1, kernel: "3.10.0-1160.el7.x86_64", uname: "3.10.0-1160.el7.x86_64", distro: "centos", version: 3, release: "3.10.0", builder: "rhel-7" },
  { id: 2, kernel: "6.1.0-55-amd64", uname: "6.1.0-55-amd64", distro: "debian", version: 6, release: "6.1.0", builder: "rhel-8" },
  { id: 3, kernel: "6.1.0-56-cloud-amd64", uname: "6.1.0-56-cloud-amd64", distro: "debian", version: 6, release: "6.1.0", builder: "rhel-8" },
  { id: 5, kernel: "6.12.57+deb12-amd64", uname: "6.12.57+deb12-amd64", distro: "debian", version: 6, release: "6.12.57", builder: "rhel-8" },
  { id: 8, kernel: "4.15.0-1098-gcp~16.04", uname: "4.15.0-1098-gcp", distro: "ubuntu", version: 4, release: "4.15.0", builder: "rhel-8" },
];

describe("filterBundles", () => {
  it("shows everything without a filter, and narrows by search, distro and version together", () => {
    expect(filterBundles(bundles, NO_BUNDLE_FILTER)).toHaveLength(5);
    expect(filterBundles(bundles, { search: " CLOUD ", distro: null, version: null }).map((b) => b.id)).toEqual([3]);
    expect(filterBundles(bundles, { search: "", distro: "debian", version: 6 }).map((b) => b.id)).toEqual([2, 3, 5]);
    expect(filterBundles(bundles, { search: "6.1.0", distro: "debian", version: null }).map((b) => b.id)).toEqual([2, 3]);
    // The uname counts too: the gcp bundle's uname lacks the ~16.04 of its id.
    expect(filterBundles(bundles, { search: "1098-gcp", distro: "ubuntu", version: 4 }).map((b) => b.id)).toEqual([8]);
    expect(filterBundles(bundles, { search: "", distro: "centos", version: 6 })).toEqual([]);
  });

  it("offers only the distros and versions stored, with their counts", () => {
    expect(bundleFacets(bundles)).toEqual({
      distros: [
        { distro: "centos", count: 1 },
        { distro: "debian", count: 3 },
        { distro: "ubuntu", count: 1 },
      ],
      versions: [
        { version: 3, count: 1 },
        { version: 4, count: 1 },
        { version: 6, count: 3 },
      ],
    });
  });
});

describe("choosing", () => {
  it("toggles one bundle, and adds every shown bundle to what was chosen before", () => {
    expect(toggleChosen([5, 2], 3)).toEqual([2, 3, 5]);
    expect(toggleChosen([2, 3, 5], 3)).toEqual([2, 5]);
    const cloud = filterBundles(bundles, { search: "cloud", distro: null, version: null });
    expect(chooseShown([1], cloud)).toEqual([1, 3]);
    expect(chooseShown([1, 3], cloud)).toEqual([1, 3]);
  });

  it("counts the chosen bundles out of all, and says how many the filter hides", () => {
    expect(chosenSummary([2, 3], 5, bundles)).toBe("2 of 5 bundles chosen");
    const ubuntu = filterBundles(bundles, { search: "", distro: "ubuntu", version: null });
    expect(chosenSummary([2, 3, 8], 5, ubuntu)).toBe("3 of 5 bundles chosen (2 not shown by the filter)");
    expect(chosenSummary([], 1, [])).toBe("0 of 1 bundle chosen");
  });
});

describe("chosenFromBuild", () => {
  it("keeps the ids that are still stored", () => {
    expect(chosenFromBuild([3, 2], ["6.1.0-55-amd64", "6.1.0-56-cloud-amd64"], bundles)).toEqual({ chosen: [2, 3], lost: 0, missing: [] });
  });

  it("finds a bundle stored again under a new id by its kernel, and names the kernels stored no more", () => {
    // Build sent ids 2, 40 and 41: 40 was 6.12.57 (now id 5), 41 a kernel deleted since.
    const result = chosenFromBuild([2, 40, 41], ["6.1.0-55-amd64", "6.12.57+deb12-amd64", "5.4.0-1055-aws"], bundles);
    expect(result).toEqual({ chosen: [2, 5], lost: 1, missing: ["5.4.0-1055-aws"] });
  });

  it("counts lost bundles of a build that never recorded what it sent", () => {
    expect(chosenFromBuild([2, 99], [], bundles)).toEqual({ chosen: [2], lost: 1, missing: [] });
  });
});

describe("chosenFromEveryBundle", () => {
  it("stays every bundle when nothing was stored since, or when the build recorded nothing", () => {
    expect(chosenFromEveryBundle(bundles.map((b) => b.kernel), bundles)).toBeNull();
    expect(chosenFromEveryBundle([], bundles)).toBeNull();
  });

  it("checks exactly the kernels the build sent when others were stored since, and names the ones gone", () => {
    // Sent when only the Debian bundles and one since deleted were stored.
    const sent = ["6.1.0-55-amd64", "6.1.0-56-cloud-amd64", "6.12.57+deb12-amd64", "5.4.0-1055-aws"];
    expect(chosenFromEveryBundle(sent, bundles)).toEqual({ chosen: [2, 3, 5], since: 2, missing: ["5.4.0-1055-aws"] });
  });
});
