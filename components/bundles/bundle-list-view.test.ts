import { describe, expect, it } from "vitest";
import { ariaSort, bundleListHref, bundleListView, isFiltered, sortHref } from "./bundle-list-view";

describe("the bundles page URL", () => {
  const plain = bundleListView({});

  it("is plain /bundles for the default view, and carries every filter otherwise", () => {
    expect(bundleListHref(plain)).toBe("/bundles");
    expect(bundleListHref(plain, { search: " cloud ", distro: "debian", version: 6 })).toBe("/bundles?search=cloud&distro=debian&version=6");
    expect(bundleListHref(bundleListView({ sort: "size" }))).toBe("/bundles?sort=size&order=desc");
    expect(bundleListHref(plain, { search: "6.12.117+deb12" })).toBe("/bundles?search=6.12.117%2Bdeb12");
  });

  it("drops a filter set back to nothing", () => {
    const filtered = bundleListView({ search: "el7", distro: "redhat", version: 3 });
    expect(bundleListHref(filtered, { distro: undefined })).toBe("/bundles?search=el7&version=3");
    expect(bundleListHref(filtered, { search: "", distro: undefined, version: undefined })).toBe("/bundles");
  });

  it("sorts a new column in its natural order and turns the current one around", () => {
    expect(sortHref(plain, "size")).toBe("/bundles?sort=size&order=desc");
    expect(sortHref(plain, "kernel")).toBe("/bundles?sort=kernel&order=asc");
    expect(sortHref(plain, "version")).toBe("/bundles?sort=version&order=desc");
    expect(sortHref(bundleListView({ sort: "size", order: "desc" }), "size")).toBe("/bundles?sort=size&order=asc");
  });

  it("keeps the filters when the sort changes", () => {
    expect(sortHref(bundleListView({ distro: "debian" }), "addedAt")).toBe("/bundles?distro=debian&sort=addedAt&order=desc");
  });

  it("tells assistive technology which column sorts and which way", () => {
    const bySize = bundleListView({ sort: "size" });
    expect([ariaSort(bySize, "size"), ariaSort(bySize, "kernel")]).toEqual(["descending", "none"]);
    expect(ariaSort(plain, "version")).toBe("ascending");
  });

  it("knows a filtered view from a sorted one", () => {
    expect(isFiltered(bundleListView({ sort: "size" }))).toBe(false);
    expect(isFiltered(bundleListView({ search: "  " }))).toBe(false);
    expect(isFiltered(bundleListView({ version: 3 }))).toBe(true);
  });
});
