// Orders release tags (3.9.0 < 3.10.0 < 3.11.0-rc1 < 3.11.0). A leading "v"
// is ignored. Numbers compare as numbers; a version with a pre-release suffix
// comes before the same version without one, as in semver. Names that do not
// start with a version come after all versions, in name order.

const VERSION = /^v?(\d+(?:\.\d+)*)(.*)$/;

function compareSuffix(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  return a.localeCompare(b, "en", { numeric: true });
}

/** Negative when a comes before b, in ascending version order. */
export function compareVersions(a: string, b: string): number {
  const ma = VERSION.exec(a);
  const mb = VERSION.exec(b);
  if (!ma || !mb) {
    if (ma) return -1;
    if (mb) return 1;
    return a.localeCompare(b);
  }
  const na = ma[1]!.split(".").map(Number);
  const nb = mb[1]!.split(".").map(Number);
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const d = (na[i] ?? 0) - (nb[i] ?? 0);
    if (d !== 0) return d;
  }
  return compareSuffix(ma[2]!, mb[2]!) || a.localeCompare(b);
}

/** For listing tags: versions newest first, then names that are no version, in name order. */
export function newestVersionFirst(a: string, b: string): number {
  const va = VERSION.test(a);
  const vb = VERSION.test(b);
  if (va !== vb) return va ? -1 : 1;
  return va ? compareVersions(b, a) : a.localeCompare(b);
}
