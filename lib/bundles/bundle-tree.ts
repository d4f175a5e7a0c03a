import { BundleError } from "./bundle-error";
import { entryPathParts, hasControlCharacter } from "./normalize-entry-path";
import { bundleFieldNames, parseBundleFields, type BundleFieldName, type BundleFields } from "./parse-bundle-fields";
import { LinkResolver, staysInside } from "./resolve-link-target";
import type { TarEntry } from "./tar-reader";
import { TreeNode } from "./tree-node";

export const maxFieldBytes = 4096;
/** PATH_MAX: a longer link target cannot be unpacked anywhere. */
const maxLinkTargetBytes = 4096;

// Every name is remembered, to refuse a name given twice and to follow link
// chains at the end. A header tree needs a few megabytes of them, so a
// budget keeps a hostile archive from filling memory.
const maxRememberedBytes = 32 * 1024 ** 2;

const fieldNames: ReadonlySet<string> = new Set(bundleFieldNames);

export type TreeLimits = {
  /** Bytes of entry names and link targets read, all entries together: the work of checking them. */
  maxNameBytes: number;
};

/** One entry as the tree took it, for comparing with what an extractor made. */
export type SeenEntry = { path: string; kind: TarEntry["kind"]; target: string };

/** What an archive's entries say about the tree they would unpack to, checked one entry at a time. */
export class BundleTree {
  private readonly root = new TreeNode(null, "", "directory");
  private readonly links: TreeNode[] = [];
  private readonly fields = new Map<BundleFieldName, string>();
  private remembered = 0;
  private nameBytes = 0;

  constructor(
    private readonly limits: TreeLimits,
    /** Told every entry accepted, as its canonical path. */
    private readonly onSeen?: (entry: SeenEntry) => void,
  ) {}

  /** Checks one entry; returns the BUNDLE_* field it holds, whose text the caller reads and passes to setField. */
  add(entry: TarEntry): BundleFieldName | null {
    this.nameBytes += entry.name.length + entry.linkname.length;
    if (this.nameBytes > this.limits.maxNameBytes) {
      throw new BundleError("too_costly", `the archive's entry names and link targets add up to more than ${this.limits.maxNameBytes} bytes`);
    }
    const parts = entryPathParts(entry.name);
    const parent = this.parentOf(parts);
    const last = parts[parts.length - 1];
    const name = parts.join("/");
    this.onSeen?.({ path: name, kind: entry.kind, target: entry.kind === "symlink" || entry.kind === "link" ? entry.linkname : "" });
    if (last === undefined) {
      if (entry.kind !== "directory") throw new BundleError("unsafe_path", `a ${entry.kind === "file" ? "file" : "link"} entry has no name`);
      return null;
    }
    const existing = parent.child(last);
    if (entry.kind === "directory") {
      if (existing === undefined) this.remember(parent, last, "directory");
      else if (existing.kind !== "directory") throw twice(name);
      return null;
    }
    if (existing !== undefined) {
      if (fieldNames.has(name) && existing.kind !== "directory") throw new BundleError("bad_field", `${name} appears twice`);
      throw twice(name);
    }
    switch (entry.kind) {
      case "file":
        this.remember(parent, last, "file");
        return this.fieldOf(name, entry.size);
      case "symlink":
        this.addSymlink(parent, parts.length - 1, name, entry.linkname);
        return null;
      case "link":
        this.addHardLink(parent, name, entry.linkname);
        return null;
    }
  }

  setField(field: BundleFieldName, text: string): void {
    this.fields.set(field, text);
  }

  /** After the last entry: link chains, the BUNDLE_* values and the build directory. */
  finish(): BundleFields {
    const resolver = new LinkResolver();
    for (const link of this.links) {
      if (resolver.resolveLink(link) === null) throw leadsOut(link.path(), link.target);
    }
    const fields = parseBundleFields(this.fields);
    const landing = resolver.resolve(this.root, entryPathParts(fields.buildDir, "BUNDLE_BUILD_DIR").join("/"));
    if (landing === null) throw new BundleError("unsafe_link", `BUNDLE_BUILD_DIR ${JSON.stringify(fields.buildDir)} leads out of the archive`);
    if (landing.beyond > 0 || landing.node.kind !== "directory") {
      throw new BundleError("bad_field", `BUNDLE_BUILD_DIR ${JSON.stringify(fields.buildDir)} is not a directory in the archive`);
    }
    return fields;
  }

  /**
   * The directory an entry goes in, made as extracting would make it. Writing
   * a/b/x after a symlink a/b would write wherever a/b points; under a file
   * it would replace the file.
   */
  private parentOf(parts: string[]): TreeNode {
    let node = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      const part = parts[i]!;
      const next = node.child(part);
      if (next === undefined) {
        node = this.remember(node, part, "directory");
      } else if (next.kind === "symlink") {
        throw new BundleError("unsafe_path", `the entry ${JSON.stringify(parts.join("/").slice(0, 200))} is written through the link ${JSON.stringify(next.path())}`);
      } else if (next.kind === "file") {
        throw new BundleError("duplicate_entry", `the entry ${JSON.stringify(parts.join("/").slice(0, 200))} is inside ${JSON.stringify(next.path().slice(0, 200))}, which the archive also holds as a file`);
      } else {
        node = next;
      }
    }
    return node;
  }

  private fieldOf(name: string, size: number): BundleFieldName | null {
    if (!fieldNames.has(name)) return null;
    const field = name as BundleFieldName;
    if (size > maxFieldBytes) throw new BundleError("bad_field", `${field} is larger than ${maxFieldBytes} bytes`);
    this.fields.set(field, "");
    return field;
  }

  private addSymlink(parent: TreeNode, depth: number, name: string, target: string): void {
    if (fieldNames.has(name)) throw new BundleError("bad_field", `${name} is a link, not a file`);
    checkTarget(name, target);
    // Cheap early answer for the common attacks; finish() follows chains.
    if (!staysInside(depth, target)) throw leadsOut(name, target);
    this.links.push(this.remember(parent, name.slice(name.lastIndexOf("/") + 1), "symlink", target));
  }

  /**
   * A hard link's target is a path from the archive root, and must be a file
   * unpacked before it: GNU tar links whatever is there then, and a hard
   * link to a symbolic link is that symbolic link again, read from another
   * directory.
   */
  private addHardLink(parent: TreeNode, name: string, target: string): void {
    if (fieldNames.has(name)) throw new BundleError("bad_field", `${name} is a link, not a file`);
    checkTarget(name, target);
    let parts: string[];
    try {
      parts = entryPathParts(target, "the hard link target");
    } catch (error) {
      if (error instanceof BundleError) throw new BundleError("unsafe_link", `the hard link ${JSON.stringify(name)}: ${error.detail}`);
      throw error;
    }
    if (parts.length === 0) throw new BundleError("unsafe_link", `the hard link ${JSON.stringify(name)} points at the archive root`);
    let node: TreeNode | undefined = this.root;
    for (const part of parts) node = node?.kind === "directory" ? node.child(part) : undefined;
    if (node?.kind !== "file" || target.endsWith("/")) {
      throw new BundleError("unsafe_link", `the hard link ${JSON.stringify(name)} points at ${JSON.stringify(target.slice(0, 200))}, which is not a file earlier in the archive`);
    }
    this.remember(parent, name.slice(name.lastIndexOf("/") + 1), "file");
  }

  private remember(parent: TreeNode, name: string, kind: TreeNode["kind"], target = ""): TreeNode {
    this.remembered += name.length + target.length;
    if (this.remembered > maxRememberedBytes) {
      throw new BundleError("too_many_entries", `the archive's entry names take more than ${maxRememberedBytes} bytes`);
    }
    return parent.add(name, kind, target);
  }
}

function checkTarget(name: string, target: string): void {
  if (Buffer.byteLength(target) > maxLinkTargetBytes) {
    throw new BundleError("unsafe_link", `the link ${JSON.stringify(name.slice(0, 200))} has a target longer than ${maxLinkTargetBytes} bytes`);
  }
  if (hasControlCharacter(target)) throw new BundleError("unsafe_link", `the link ${JSON.stringify(name.slice(0, 200))} has a control character in its target`);
}

function leadsOut(name: string, target: string): BundleError {
  return new BundleError("unsafe_link", `the link ${JSON.stringify(name)} -> ${JSON.stringify(target.slice(0, 200))} leads out of the archive`);
}

function twice(name: string): BundleError {
  return new BundleError("duplicate_entry", `the entry ${JSON.stringify(name.slice(0, 200))} appears twice; unpacking would keep only the last one`);
}
