import path from "node:path";
import { childrenOf, nodeOf, rootOf, statOf, type ContextTree, type TreeEntry, type TreeNode, type WalkedEntry } from "./context-tree";
import { cleanPath, IgnoreMatcher, matchPrefix } from "./file-patterns";

/** What the engine asked for with its request: fsutil's WalkOpt. */
export type WalkFilters = { includePatterns?: string[]; excludePatterns?: string[]; followPaths?: string[] };

/** The longest the walk stats files in a row before other work of the process gets its turn. */
const SLICE_MS = 2;

/**
 * Walks the tree as fsutil's Walk walks a directory: depth first, names in
 * Go's order, a directory before what it holds, and filtered the same way,
 * so that the engine compares what it gets with what it kept from the last
 * build exactly as it would with its own client. `visit` may wait (the
 * stream to the engine is full).
 */
export async function walkTree(tree: ContextTree, filters: WalkFilters, visit: (entry: WalkedEntry) => void | Promise<void>) {
  let include = filters.includePatterns?.map(cleanPath) ?? null;
  if (filters.followPaths?.length) include = [...(include ?? []), ...followedPaths(tree, filters.followPaths)];
  const ignore = filters.excludePatterns?.length ? new IgnoreMatcher(filters.excludePatterns) : null;
  let lastIncludedDir = "";
  let sliceStart = performance.now();

  const walkDir = async (node: TreeNode, dir: string) => {
    const children = childrenOf(node);
    if (!children) return;
    for (const [name, entry] of children) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
      const rel = dir ? `${dir}/${name}` : name;
      const child = nodeOf(entry);
      // Gone since its directory was read: as fsutil, walk on.
      if (!child) continue;
      const isDir = child.kind === "made" || (child.kind === "disk" && child.stat.isDirectory());
      if (include && !(lastIncludedDir && rel.startsWith(`${lastIncludedDir}/`))) {
        let matched = false;
        let partial = true;
        for (const pattern of include) {
          const m = matchPrefix(pattern, rel);
          if (!m.matched) continue;
          matched = true;
          if (!m.partial) {
            partial = false;
            break;
          }
        }
        if (!matched) continue;
        if (!partial && isDir) lastIncludedDir = rel;
      }
      if (ignore?.matches(rel) && !(isDir && reopensBelow(ignore, rel))) continue;
      const walked = statOf(child, rel);
      if (!walked) continue;
      await visit(walked);
      if (isDir) await walkDir(child, rel);
    }
  };
  await walkDir(rootOf(tree), "");
}

/** A left-out directory is still walked when an exception (`!dir/keep`) names something below it. */
function reopensBelow(ignore: IgnoreMatcher, dir: string): boolean {
  if (!ignore.hasExclusions) return false;
  return ignore.patterns.some((p) => p.exclusion && `${p.text}/`.startsWith(`${dir}/`));
}

/**
 * fsutil's FollowLinks: each path, and where a component of it is a symlink,
 * the path it leads to as well, so that a Dockerfile that is a link arrives
 * with what it links to.
 */
function followedPaths(tree: ContextTree, paths: string[]): string[] {
  const resolved = new Set<string>();
  const follow = (p: string, depth: number) => {
    if (depth > 40) return;
    const parts = cleanPath(p).split("/");
    for (let i = 0; i < parts.length; i++) {
      const current = parts.slice(0, i + 1).join("/");
      const node = lookup(tree, current);
      const rest = parts.slice(i + 1).join("/");
      if (node?.kind === "disk" && node.stat.isSymbolicLink()) {
        resolved.add(current);
        const link = statOf(node, current)?.stat.linkname ?? "";
        const target = link.startsWith("/") ? link.slice(1) : path.posix.join(path.posix.dirname(current), link);
        follow(rest ? `${target}/${rest}` : target, depth + 1);
        return;
      }
      if (!node || !rest) {
        resolved.add(current);
        return;
      }
    }
  };
  for (const p of paths) follow(p, 0);
  return [...resolved].sort();
}

function lookup(tree: ContextTree, rel: string): TreeNode | null {
  let node: TreeNode = rootOf(tree);
  for (const name of rel.split("/")) {
    if (name === "." || name === "") continue;
    const entry: TreeEntry | undefined = childrenOf(node)?.get(name);
    const next: TreeNode | null | undefined = entry && nodeOf(entry);
    if (!next) return null;
    node = next;
  }
  return node;
}
