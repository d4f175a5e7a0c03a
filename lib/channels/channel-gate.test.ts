import { describe, expect, it } from "vitest";
import { gateCells, type ImageFacts } from "./channel-gate";

const cell = (text: string) => {
  const [kernel, moduleVersion, flavour] = text.split(" ") as [string, string, string];
  return { kernel, moduleVersion, flavour };
};
const facts = (drivers: string[], failures: string[] = []): ImageFacts => ({ drivers: drivers.map(cell), failures: failures.map(cell) });

describe("the channel gate", () => {
  it("is open when the candidate keeps every driver and adds some", () => {
    expect(gateCells(facts(["6.1.0 2.2.0 mod"]), facts(["6.1.0 2.2.0 mod", "6.12.0 2.2.0 mod"], ["3.10.0 2.2.0 mod"]))).toEqual([]);
  });

  it("names a driver that is gone and one that now fails", () => {
    expect(gateCells(facts(["a 2.2.0 mod", "b 2.2.0 bpf", "c 2.2.0 mod"]), facts(["c 2.2.0 mod"], ["b 2.2.0 bpf"]))).toEqual(["a 2.2.0 mod: built -> gone", "b 2.2.0 bpf: built -> failed"]);
  });

  it("holds a new module version that fails where the one it follows built, not one that fails where nothing built", () => {
    const published = facts(["6.1 2.2.0 bpf", "6.1 2.2.0 mod"], ["3.10 2.2.0 bpf"]);
    const candidate = facts(["6.1 2.2.0 bpf", "6.1 2.2.0 mod", "6.1 2.3.0 mod"], ["3.10 2.2.0 bpf", "6.1 2.3.0 bpf", "3.10 2.3.0 bpf"]);
    expect(gateCells(published, candidate)).toEqual(["6.1 bpf: built in 2.2.0 -> failed in 2.3.0"]);
  });

  it("is open for a first image: nothing was published", () => {
    expect(gateCells(facts([]), facts(["a 1.0.0 mod"], ["b 1.0.0 mod"]))).toEqual([]);
  });
});
