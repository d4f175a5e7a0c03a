import { describe, expect, it } from "vitest";
import { parseBundleListParams } from "./bundle-schemas";

describe("parseBundleListParams", () => {
  it("reads every filter a bundles URL can carry", () => {
    expect(parseBundleListParams({ search: "cloud", distro: "debian", version: "6", sort: "size", order: "desc" })).toEqual({
      search: "cloud",
      distro: "debian",
      version: 6,
      sort: "size",
      order: "desc",
    });
  });

  it("drops only the values that do not fit, keeping the rest of a shared link", () => {
    expect(parseBundleListParams({ search: "el7", distro: "Red Hat", version: "six", sort: "builder", order: "sideways" })).toEqual({ search: "el7" });
    expect(parseBundleListParams({ version: "100", distro: "a".repeat(40), search: "x".repeat(201) })).toEqual({});
  });

  it("takes the first of repeated params and ignores empty and unknown ones", () => {
    expect(parseBundleListParams({ distro: ["redhat", "debian"], search: "", page: "2" })).toEqual({ distro: "redhat" });
  });
});
