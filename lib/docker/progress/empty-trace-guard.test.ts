import { describe, expect, it } from "vitest";
import { createEmptyTraceGuard } from "./empty-trace-guard";

describe("createEmptyTraceGuard", () => {
  it("closes only after the build ended and nothing but empty messages came for a while", () => {
    let t = 0;
    const guard = createEmptyTraceGuard(1000, () => t);
    const empty = { id: "moby.buildkit.trace", aux: "" };
    expect(guard.see(empty)).toBe(false);
    t = 5000;
    expect(guard.shouldClose()).toBe(false); // the build has not ended: keep reading
    guard.buildEnded();
    expect(guard.see({ id: "moby.buildkit.trace", aux: "CgQ=" })).toBe(true);
    t = 5500;
    guard.see(empty);
    expect(guard.shouldClose()).toBe(false);
    t = 6100;
    expect(guard.shouldClose()).toBe(true);
  });
});
