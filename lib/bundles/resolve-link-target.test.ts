import { describe, expect, it } from "vitest";
import { resolveLinkTarget } from "./resolve-link-target";

describe("resolveLinkTarget", () => {
  const none = new Map<string, string>();
  it("resolves relative to the link's directory", () => {
    expect(resolveLinkTarget(none, "usr/src/a", "../b/scripts")).toBe("usr/src/b/scripts");
    expect(resolveLinkTarget(none, "", "./x")).toBe("x");
  });
  it("refuses absolute targets and climbing above the root", () => {
    expect(resolveLinkTarget(none, "a", "/etc/passwd")).toBeNull();
    expect(resolveLinkTarget(none, "a", "../../x")).toBeNull();
  });
  it("follows links in the way, so a harmless-looking chain cannot escape", () => {
    const links = new Map([["s", "."]]);
    expect(resolveLinkTarget(links, "", "s/s/../x")).toBeNull();
    expect(resolveLinkTarget(new Map([["d", "a/b"]]), "", "d/../c")).toBe("a/c");
  });
  it("gives up on loops", () => {
    expect(resolveLinkTarget(new Map([["a", "b"], ["b", "a"]]), "", "a/x")).toBeNull();
  });
});
