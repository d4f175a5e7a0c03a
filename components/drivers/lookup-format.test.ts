import { describe, expect, it } from "vitest";
import type { ReleaseAnswer } from "@/lib/drivers/driver-lookup-model";
import { orderAnswers, pastedLines, summarySentence } from "./lookup-format";

describe("summarySentence", () => {
  it("says nodes covered, kernels without a driver and of those without a bundle", () => {
    expect(summarySentence({ nodes: 9_600, kernels: 420, coveredNodes: 9_412, coveredKernels: 383, kernelsWithoutDriver: 37, nodesWithoutDriver: 188, kernelsWithoutBundle: 12 })).toBe(
      "9,412 nodes covered, 37 kernels without a driver (188 nodes), of which 12 have no bundle",
    );
    expect(summarySentence({ nodes: 2, kernels: 2, coveredNodes: 1, coveredKernels: 1, kernelsWithoutDriver: 1, nodesWithoutDriver: 1, kernelsWithoutBundle: 1 })).toBe(
      "1 node covered, 1 kernel without a driver (1 node), of which 1 has no bundle",
    );
    expect(summarySentence({ nodes: 3, kernels: 2, coveredNodes: 1, coveredKernels: 1, kernelsWithoutDriver: 1, nodesWithoutDriver: 2, kernelsWithoutBundle: 0 })).toBe(
      "1 node covered, 1 kernel without a driver (2 nodes), none without a bundle",
    );
    expect(summarySentence({ nodes: 3, kernels: 1, coveredNodes: 3, coveredKernels: 1, kernelsWithoutDriver: 0, nodesWithoutDriver: 0, kernelsWithoutBundle: 0 })).toBe("3 nodes covered: every kernel has a driver");
  });
});

describe("orderAnswers and pastedLines", () => {
  const answer = (release: string, verdict: ReleaseAnswer["verdict"], nodes: number): ReleaseAnswer => ({ release, verdict, nodes, kernels: [], nearest: [] });

  it("puts kernels without a driver first, the most nodes first", () => {
    const ordered = orderAnswers([answer("6.1.0-57-amd64", "covered", 40), answer("5.4.0-1055-gcp", "no-bundle", 9), answer("3.10.0-1160.el7.x86_64", "no-driver", 2), answer("6.1.0-56-amd64", "no-driver", 5)]);
    expect(ordered.map((a) => a.release)).toEqual(["6.1.0-56-amd64", "3.10.0-1160.el7.x86_64", "5.4.0-1055-gcp", "6.1.0-57-amd64"]);
  });

  it("reads pasted lines as uname -r output: trimmed, blank ones dropped", () => {
    expect(pastedLines(" 6.1.0-57-amd64\r\n\n5.10.68+  \n\t\n")).toEqual(["6.1.0-57-amd64", "5.10.68+"]);
  });
});
