import { describe, expect, it } from "vitest";
import { lineHash, parseLogTarget, sectionHash } from "./log-target";
import { RESULT_SECTION, START_SECTION } from "./log-store";

describe("log targets in the URL", () => {
  it("read lines and sections back from what they write", () => {
    expect(parseLogTarget(lineHash(123))).toEqual({ kind: "line", seq: 123 });
    for (const key of ["rhel-8-builder", "stage-7", START_SECTION, RESULT_SECTION]) {
      expect(parseLogTarget(sectionHash(key))).toEqual({ kind: "section", key });
    }
  });
  it("ignore anything else", () => {
    for (const hash of ["", "#", "#L", "#L0", "#L12a", "#main", "#stage-%E0%A4%A"]) expect(parseLogTarget(hash), hash).toBeNull();
  });
});
