import { describe, expect, it } from "vitest";
import { formatClock, formatDuration, formatElapsed } from "./format-time";

describe("formatDuration", () => {
  it("reads as seconds under a minute, then minutes and hours", () => {
    expect(formatDuration(36)).toBe("0.0 s");
    expect(formatDuration(4864)).toBe("4.8 s");
    expect(formatDuration(59_999)).toBe("59.9 s");
    expect(formatDuration(65_000)).toBe("1m 05s");
    expect(formatDuration(3_725_000)).toBe("1h 02m");
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatClock and formatElapsed", () => {
  it("show a line's UTC time and its time since the build started", () => {
    expect(formatClock(Date.parse("2026-11-25T23:32:27.355Z"))).toBe("23:32:27.355");
    expect(formatElapsed(4864)).toBe("+00:04.864");
    expect(formatElapsed(3_723_004)).toBe("+1:02:03.004");
    expect(formatElapsed(-20)).toBe("-00:00.020");
  });
});
