import { describe, expect, it } from "vitest";
import { formatLimit } from "./format-limit";

describe("formatLimit", () => {
  it("shows a round binary limit in binary units, anything else in decimal ones", () => {
    expect(formatLimit(536870912)).toBe("512 MiB");
    expect(formatLimit(4 * 1024 ** 3)).toBe("4 GiB");
    expect(formatLimit(1536 * 1024 ** 2)).toBe("1536 MiB");
    expect(formatLimit(1024)).toBe("1 KiB");
    expect(formatLimit(1_000_000_000)).toBe("1.0 GB");
  });
});
