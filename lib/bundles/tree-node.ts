export type NodeKind = "directory" | "file" | "symlink";

/**
 * One name of the tree an archive unpacks to. Children are found by their
 * own name, so every check walks a path once, component by component,
 * instead of joining and looking up each of its prefixes.
 */
export class TreeNode {
  private children: Map<string, TreeNode> | null = null;

  constructor(
    readonly parent: TreeNode | null,
    readonly name: string,
    readonly kind: NodeKind,
    /** A symbolic link's target, as written. */
    readonly target = "",
  ) {}

  child(name: string): TreeNode | undefined {
    return this.children?.get(name);
  }

  add(name: string, kind: NodeKind, target = ""): TreeNode {
    const node = new TreeNode(this, name, kind, target);
    (this.children ??= new Map()).set(name, node);
    return node;
  }

  /** The archive path, for messages. */
  path(): string {
    if (this.parent === null) return "";
    return this.parent.parent === null ? this.name : `${this.parent.path()}/${this.name}`;
  }
}
