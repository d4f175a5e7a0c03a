import { describe, expect, it } from "vitest";
import { normalizeEntryPath } from "./normalize-entry-path";

describe("normalizeEntryPath", () => {
  it("makes names canonical", () => {
    expect(normalizeEntryPath("./")).toBe("");
    expect(normalizeEntryPath("./usr//src/./linux/")).toBe("usr/src/linux");
    expect(normalizeEntryPath("BUNDLE_UNAME")).toBe("BUNDLE_UNAME");
    expect(normalizeEntryPath("a/..b/c..")).toBe("a/..b/c..");
  });
  it.each(["/etc/passwd", "../x", "a/../../x", "a/..", "..\\x", "C:\\x", "a\u0000b", "a\nb", "x".repeat(5000)])("refuses %j", (name) => {
    expect(() => normalizeEntryPath(name)).toThrow(expect.objectContaining({ reason: "unsafe_path" }));
  });
});
