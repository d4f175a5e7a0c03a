import { describe, expect, it } from "vitest";
import { describeMissingDrivers, findMissingDrivers } from "./compare-drivers";
import { layerState, layerWarning } from "@/lib/driver-images/layer-limit";

const base = ["/kernel-modules/2.2.0/collector-6.1.0-1-amd64.ko.gz", "/kernel-modules/2.2.0/collector-ebpf-6.1.0-1-amd64.o.gz"];
const extra = ["/kernel-modules/2.2.0/collector-6.12.9-amd64.ko.gz", base[0]!];

describe("findMissingDrivers", () => {
  it("finds nothing missing when the result holds the union of the inputs", () => {
    expect(findMissingDrivers([base, extra], [...base, extra[0]!])).toEqual({ missing: [], inputTotal: 3 });
  });

  it("names each missing path once, in the inputs' order", () => {
    expect(findMissingDrivers([base, extra], [extra[0]!])).toEqual({ missing: base, inputTotal: 3 });
  });

  it("says how many of how many and shows a few", () => {
    const missing = Array.from({ length: 5 }, (_, i) => `/kernel-modules/2.2.0/collector-${i}.ko.gz`);
    const text = describeMissingDrivers(missing, 12, "kobuild/collector-drivers:all");
    expect(text).toBe(
      "5 of the inputs' 12 driver file(s) are missing from kobuild/collector-drivers:all: /kernel-modules/2.2.0/collector-0.ko.gz, /kernel-modules/2.2.0/collector-1.ko.gz, /kernel-modules/2.2.0/collector-2.ko.gz and 2 more",
    );
  });
});

describe("layer limit", () => {
  it("warns from 100 layers and says when the limit is passed", () => {
    expect(layerState(2)).toBe("ok");
    expect(layerState(null)).toBe("ok");
    expect(layerWarning("x", 99)).toBeNull();
    expect(layerState(100)).toBe("near-limit");
    expect(layerWarning("x", 127)).toMatch(/127 layers, near the engine's limit of 127/);
    expect(layerState(128)).toBe("over-limit");
    expect(layerWarning("x", 130)).toMatch(/more than the engine's limit/);
  });
});
