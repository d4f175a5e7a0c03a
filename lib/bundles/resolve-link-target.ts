import type { TreeNode } from "./tree-node";

// Symbolic links are followed while resolving, because a chain of links that
// each look harmless (s -> ., then t -> s/s/../x) can still leave the tree.
// Linux gives up after 40 nested links; so does this.
const maxDepth = 40;

/** Where a path lands: a node of the archive's tree, and how many components past it name nothing in the archive. */
export type Landing = { node: TreeNode; beyond: number };

/**
 * Resolves paths inside an archive's finished tree, following its symbolic
 * links. Each link is resolved once and remembered, so checking every link
 * costs time linear in the targets' lengths, however the links chain.
 */
export class LinkResolver {
  private readonly landed = new Map<TreeNode, Landing | null | "resolving">();

  /** Where a link leads, or null when it leaves the archive, is absolute or loops. */
  resolveLink(link: TreeNode, depth = 0): Landing | null {
    const known = this.landed.get(link);
    if (known === "resolving") return null;
    if (known !== undefined) return known;
    if (depth > maxDepth || link.parent === null) return null;
    this.landed.set(link, "resolving");
    const landing = this.resolve(link.parent, link.target, depth + 1);
    this.landed.set(link, landing);
    return landing;
  }

  /** `target` seen from the directory `from`; null when it leaves the archive. */
  resolve(from: TreeNode, target: string, depth = 0): Landing | null {
    if (target.startsWith("/")) return null;
    let node = from;
    let beyond = 0;
    for (const part of target.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (beyond > 0) beyond--;
        else if (node.parent === null) return null;
        else node = node.parent;
        continue;
      }
      if (beyond > 0) {
        beyond++;
        continue;
      }
      const next = node.child(part);
      if (next === undefined || next.kind === "file") {
        // Not in the archive (or through a file): only .. can come back from there, never above `node`.
        beyond = 1;
      } else if (next.kind === "symlink") {
        const landing = this.resolveLink(next, depth);
        if (landing === null) return null;
        ({ node, beyond } = landing);
      } else {
        node = next;
      }
    }
    return { node, beyond };
  }
}

/**
 * Whether a link target stays inside the archive read as plain text, from a
 * link `depth` directories below the root: the cheap first answer, before
 * the whole tree is known.
 */
export function staysInside(depth: number, target: string): boolean {
  if (target === "" || target.startsWith("/")) return false;
  let level = depth;
  for (const part of target.split("/")) {
    if (part === "..") level--;
    else if (part !== "" && part !== ".") level++;
    if (level < 0) return false;
  }
  return true;
}
