// Kernel ids in the order a person reads them: by version, numbers as
// numbers (5.4.0-1055 before 5.4.0-1098, 4.x before 5.x, 9 before 10).
//
// An id is cut into runs of digits and runs of letters; the characters
// between them (. - + ~ _) only separate. Runs compare pairwise: two numbers
// by value, two words by bytes, and a word before a number, as rpm compares
// releases (3.10.0-1160.el7 is the release before 3.10.0-1160.42.2.el7). An id
// that is a prefix of another comes first. Ids that tie (they differ only in
// separators or leading zeros) fall back to byte order, so the order is total.

type Run = string | number;

const RUNS = /\d+|[A-Za-z]+/g;

function runs(kernel: string): Run[] {
  const out: Run[] = [];
  for (const m of kernel.matchAll(RUNS)) {
    const text = m[0];
    // Digits beyond double precision compare as text of equal length (below).
    out.push(text.charCodeAt(0) <= 57 && text.length <= 15 ? Number(text) : text);
  }
  return out;
}

function compareRuns(a: Run[], b: Run[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const xNumber = typeof x === "number" || /^\d/.test(x);
    const yNumber = typeof y === "number" || /^\d/.test(y);
    if (xNumber !== yNumber) return xNumber ? 1 : -1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    const xs = String(x);
    const ys = String(y);
    if (xNumber && xs.length !== ys.length) return xs.length - ys.length;
    return xs < ys ? -1 : 1;
  }
  return a.length - b.length;
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Negative when kernel a comes before kernel b. */
export function compareKernels(a: string, b: string): number {
  return compareRuns(runs(a), runs(b)) || byteOrder(a, b);
}

/** A kernel id's sort key, for callers that compare one id with many (a binary search): compare keys with compareKernelKeys. */
export type KernelKey = { kernel: string; runs: Run[] };

export function kernelKey(kernel: string): KernelKey {
  return { kernel, runs: runs(kernel) };
}

/** compareKernels on keys made once. */
export function compareKernelKeys(a: KernelKey, b: KernelKey): number {
  return compareRuns(a.runs, b.runs) || byteOrder(a.kernel, b.kernel);
}

/** A sorted copy, each id's runs worked out once (thousands of kernels sort in a few milliseconds). */
export function sortKernels(kernels: Iterable<string>): string[] {
  const keyed = [...kernels].map((kernel) => ({ kernel, runs: runs(kernel) }));
  keyed.sort((a, b) => compareRuns(a.runs, b.runs) || byteOrder(a.kernel, b.kernel));
  return keyed.map((k) => k.kernel);
}
