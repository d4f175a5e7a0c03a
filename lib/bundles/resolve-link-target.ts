// Symbolic links are followed while resolving, because a chain of links that
// each look harmless (s -> ., then t -> s/s/../x) can still leave the tree.
const maxHops = 40;

/**
 * Resolves `target` seen from the directory `fromDir` (both archive-relative,
 * canonical), following the archive's own symbolic links. Returns the
 * resolved archive path, or null when it leaves the archive, is absolute or
 * loops.
 */
export function resolveLinkTarget(links: ReadonlyMap<string, string>, fromDir: string, target: string): string | null {
  const hops = { left: maxHops };
  const start = fromDir === "" ? [] : fromDir.split("/");
  const resolved = walk(links, start, target, hops);
  return resolved === null ? null : resolved.join("/");
}

function walk(links: ReadonlyMap<string, string>, start: string[], target: string, hops: { left: number }): string[] | null {
  if (target.startsWith("/")) return null;
  let parts = [...start];
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(part);
    const next = links.get(parts.join("/"));
    if (next === undefined) continue;
    if (--hops.left < 0) return null;
    parts.pop();
    const followed = walk(links, parts, next, hops);
    if (followed === null) return null;
    parts = followed;
  }
  return parts;
}
