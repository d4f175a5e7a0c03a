// The words of the Find a driver page: the summary sentence, each verdict and
// state as text (colour only repeats it), the rows in the order a reader
// needs them. Pure, for the page and its unit tests.
import type { DriverCell, LookupSummary, ReleaseAnswer, ReleaseVerdict } from "@/lib/drivers/driver-lookup-model";

const n = (value: number) => value.toLocaleString("en");
const plural = (count: number, one: string, many: string) => `${n(count)} ${count === 1 ? one : many}`;

/** "9,412 nodes covered, 37 kernels without a driver, of which 12 have no bundle". */
export function summarySentence(s: LookupSummary): string {
  const covered = `${plural(s.coveredNodes, "node", "nodes")} covered`;
  if (s.kernelsWithoutDriver === 0) return `${covered}: every kernel has a driver`;
  const without = `${plural(s.kernelsWithoutDriver, "kernel", "kernels")} without a driver (${plural(s.nodesWithoutDriver, "node", "nodes")})`;
  const noBundle = s.kernelsWithoutBundle === 0 ? "none without a bundle" : `of which ${n(s.kernelsWithoutBundle)} ${s.kernelsWithoutBundle === 1 ? "has" : "have"} no bundle`;
  return `${covered}, ${without}, ${noBundle}`;
}

export const VERDICT_LOOK: Record<ReleaseVerdict, { label: string; symbol: string; className: string }> = {
  covered: { label: "driver available", symbol: "✓", className: "text-emerald-800 dark:text-emerald-300" },
  "no-driver": { label: "no driver", symbol: "✗", className: "text-red-800 dark:text-red-300" },
  "no-bundle": { label: "no bundle", symbol: "?", className: "text-amber-800 dark:text-amber-300" },
};

export const STATE_LABEL: Record<DriverCell["state"], string> = {
  built: "built",
  failed: "failed",
  unavailable: "unavailable (marker)",
  blocklisted: "blocklisted",
  missing: "not in this image",
};

export const flavourLabel = (flavour: DriverCell["flavour"]) => (flavour === "mod" ? "kernel module" : "eBPF probe");

/** Rows without a driver first (no bundle last among them), then covered ones; most nodes first within each. */
export function orderAnswers(answers: readonly ReleaseAnswer[]): ReleaseAnswer[] {
  const rank: Record<ReleaseVerdict, number> = { "no-driver": 0, "no-bundle": 1, covered: 2 };
  return answers
    .map((a, i) => ({ a, i }))
    .sort((x, y) => rank[x.a.verdict] - rank[y.a.verdict] || y.a.nodes - x.a.nodes || x.i - y.i)
    .map((x) => x.a);
}

/** The pasted text as lines for the lookup: blank lines dropped, each trimmed (the server checks each). */
export function pastedLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
}
