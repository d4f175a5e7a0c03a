// What a node reports (`uname -r`) against the kernel ids kobuild names
// bundles and drivers after. A bundle's id is its uname, or the uname followed
// by what tells builds of one release apart (lib/bundles/uname-matches-kernel.ts):
//
//   uname -r                 kernel id (bundle, driver file)
//   6.1.0-56-amd64           6.1.0-56-amd64
//   4.15.0-1098-gcp          4.15.0-1098-gcp~16.04      Ubuntu backport
//   5.10.68+                 5.10.68-16623.39.6-cos     Container-Optimized OS
//
// A stored bundle says its uname (BUNDLE_UNAME, the `uname` column); a kernel
// the image holds without a stored bundle gets the uname its id spells.

import { DomainError } from "@/lib/domain-error";
import { compareKernelKeys, kernelKey, sortKernels, type KernelKey } from "@/lib/coverage/kernel-order";

/** Longest kernel release a lookup takes. */
export const MAX_RELEASE_LENGTH = 200;
/** Most lines a lookup takes: a whole fleet's kernels. */
export const MAX_LOOKUP_LINES = 10_000;

const RELEASE = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;

/** Why `text` is not a kernel release, or null when it is one. */
export function releaseProblem(text: string): string | null {
  if (text === "") return "is empty";
  if (text.length > MAX_RELEASE_LENGTH) return `is longer than ${MAX_RELEASE_LENGTH} characters`;
  if (!RELEASE.test(text)) return "is not a kernel release as `uname -r` prints it (letters, digits and . _ + ~ - only, starting with a letter or digit)";
  return null;
}

const shown = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** One kernel release, checked: a DomainError (400) says what is wrong. */
export function checkRelease(text: string): string {
  const problem = releaseProblem(text);
  if (problem) throw new DomainError("bad_request", `kernel ${shown(text)} ${problem}`);
  return text;
}

/**
 * A fleet's lines, one `uname -r` per line: surrounding blanks are dropped,
 * blank lines skipped; a line that is not a kernel release refuses the whole
 * list (400), naming the line.
 */
export function checkReleaseLines(lines: readonly string[]): string[] {
  if (lines.length > MAX_LOOKUP_LINES) throw new DomainError("bad_request", `at most ${MAX_LOOKUP_LINES.toLocaleString("en")} kernels at once (${lines.length.toLocaleString("en")} given)`);
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (text === "") return;
    const problem = releaseProblem(text);
    if (problem) throw new DomainError("bad_request", `line ${i + 1}: kernel ${shown(text)} ${problem}`);
    out.push(text);
  });
  if (out.length === 0) throw new DomainError("bad_request", "no kernel given: paste one `uname -r` per line");
  return out;
}

const COS = /^(\d+\.\d+\.\d+)-[\d.]+-cos$/;

/** The `uname -r` a kernel id spells when no bundle says it: an Ubuntu backport drops `~<release>`, a COS id is `<version>+`. */
export function unameOfKernelId(kernel: string): string {
  const cos = COS.exec(kernel);
  if (cos) return `${cos[1]}+`;
  const tilde = kernel.indexOf("~");
  return tilde > 0 ? kernel.slice(0, tilde) : kernel;
}

export type ReleaseIndex = {
  /** The kernel ids a release names: by uname, and by the id itself. */
  kernelsOf(release: string): string[];
  /** The nearest kernels with a stored bundle, by kernel order. */
  nearestBundles(release: string, count?: number): { kernel: string; uname: string }[];
};

/**
 * An index of every kernel id known (the image's and the stored bundles'),
 * built once for a lookup: each release is then a map read, and the nearest
 * bundles a binary search in kernel order.
 */
export function indexReleases(kernelIds: Iterable<string>, bundleUnames: ReadonlyMap<string, string>): ReleaseIndex {
  const known = new Set<string>(kernelIds);
  for (const kernel of bundleUnames.keys()) known.add(kernel);
  const byUname = new Map<string, string[]>();
  for (const kernel of known) {
    const uname = bundleUnames.get(kernel) ?? unameOfKernelId(kernel);
    const list = byUname.get(uname);
    if (list) list.push(kernel);
    else byUname.set(uname, [kernel]);
  }
  const bundled = sortKernels(bundleUnames.keys()).map(kernelKey);
  return {
    kernelsOf(release) {
      const named = byUname.get(release) ?? [];
      const out = known.has(release) && !named.includes(release) ? [release, ...named] : named;
      return out.length > 1 ? sortKernels(out) : out;
    },
    nearestBundles(release, count = 3) {
      return nearestKeys(bundled, release, count).map((kernel) => ({ kernel, uname: bundleUnames.get(kernel)! }));
    },
  };
}

/**
 * The `count` entries of `sorted` (in kernel order) nearest to `release`:
 * from where it would stand, outwards, the nearer neighbour first on each
 * step (the one sharing a longer start with it; on a tie, the sides take turns,
 * the earlier first).
 */
export function nearestInOrder(sorted: readonly string[], release: string, count: number): string[] {
  return nearestKeys(sorted.map(kernelKey), release, count);
}

function nearestKeys(keys: readonly KernelKey[], release: string, count: number): string[] {
  const key = kernelKey(release);
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKernelKeys(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  let before = lo - 1;
  let after = lo;
  let lastAfter = true;
  while (out.length < count && (before >= 0 || after < keys.length)) {
    const b = before >= 0 ? keys[before]!.kernel : null;
    const a = after < keys.length ? keys[after]!.kernel : null;
    const sa = a === null ? -1 : sharedStart(a, release);
    const sb = b === null ? -1 : sharedStart(b, release);
    // A tie takes turns, so that neither side is walked to its end first.
    const takeAfter: boolean = sa > sb || (sa === sb && !lastAfter);
    if (takeAfter) {
      out.push(a!);
      after++;
    } else {
      out.push(b!);
      before--;
    }
    lastAfter = takeAfter;
  }
  return out;
}

function sharedStart(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
