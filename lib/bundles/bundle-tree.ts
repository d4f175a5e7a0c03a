import type { Header } from "tar-stream";
import { BundleError } from "./bundle-error";
import { normalizeEntryPath } from "./normalize-entry-path";
import { bundleFieldNames, parseBundleFields, type BundleFieldName, type BundleFields } from "./parse-bundle-fields";
import { resolveLinkTarget } from "./resolve-link-target";

export const maxFieldBytes = 4096;
/** PATH_MAX: a longer link target cannot be unpacked anywhere. */
const maxLinkTargetBytes = 4096;

// Every name is remembered: directories and links to check BUNDLE_BUILD_DIR
// and link chains at the end, the others to refuse a name given twice. A
// header tree needs a few megabytes of them, so a budget keeps a hostile
// archive from filling memory.
const maxRememberedBytes = 32 * 1024 ** 2;

const fieldNames: ReadonlySet<string> = new Set(bundleFieldNames);

/** What an archive's entries say about the tree they would unpack to, checked one header at a time. */
export class BundleTree {
  entries = 0;
  /** Offset just past the last entry's data in the tar stream. */
  dataEnd = 0;
  private readonly dirs = new Set<string>();
  private readonly links = new Map<string, string>();
  /** Files, hard links, devices: every name that is not a directory or a symbolic link. */
  private readonly others = new Set<string>();
  private readonly fields = new Map<BundleFieldName, string>();
  private remembered = 0;

  constructor(private readonly maxEntries: number) {}

  /** Checks one header; returns the BUNDLE_* field the entry holds, which the caller reads and passes to setField. */
  add(header: Header, offset: number): BundleFieldName | null {
    if (++this.entries > this.maxEntries) {
      throw new BundleError("too_many_entries", `the archive has more than ${this.maxEntries} entries`);
    }
    const name = normalizeEntryPath(header.name);
    this.refuseThroughLink(name);
    const size = header.type === "directory" ? 0 : header.size;
    this.dataEnd = offset + 512 + Math.ceil(size / 512) * 512;
    this.refuseDuplicate(name, header.type === "directory");
    this.rememberParents(name);
    switch (header.type) {
      case "directory":
        this.remember(this.dirs, name);
        return null;
      case "file":
      case "contiguous-file":
        if (name === "") throw new BundleError("unsafe_path", "a file entry has no name");
        this.remember(this.others, name);
        return this.fieldOf(name, size);
      case "symlink":
        this.addSymlink(name, header.linkname ?? "");
        return null;
      case "link":
        this.checkHardLink(name, header.linkname ?? "");
        this.remember(this.others, name);
        return null;
      case "character-device":
      case "block-device":
      case "fifo":
        throw new BundleError("special_file", `the entry ${JSON.stringify(name)} is a ${header.type}, which a header tree never holds`);
      default:
        throw new BundleError("special_file", `the entry ${JSON.stringify(name)} has an unsupported type`);
    }
  }

  setField(field: BundleFieldName, text: string): void {
    this.fields.set(field, text);
  }

  /** After the last entry: link chains, the BUNDLE_* values and the build directory. */
  finish(): BundleFields {
    for (const [name, target] of this.links) {
      if (resolveLinkTarget(this.links, parentOf(name), target) === null) {
        throw new BundleError("unsafe_link", `the link ${JSON.stringify(name)} -> ${JSON.stringify(target.slice(0, 200))} leads out of the archive`);
      }
    }
    const fields = parseBundleFields(this.fields);
    const dir = resolveLinkTarget(this.links, "", normalizeEntryPath(fields.buildDir, "BUNDLE_BUILD_DIR"));
    if (dir === null) throw new BundleError("unsafe_link", `BUNDLE_BUILD_DIR ${JSON.stringify(fields.buildDir)} leads out of the archive`);
    if (dir !== "" && !this.dirs.has(dir)) {
      throw new BundleError("bad_field", `BUNDLE_BUILD_DIR ${JSON.stringify(fields.buildDir)} is not a directory in the archive`);
    }
    return fields;
  }

  private fieldOf(name: string, size: number): BundleFieldName | null {
    if (!fieldNames.has(name)) return null;
    const field = name as BundleFieldName;
    if (size > maxFieldBytes) throw new BundleError("bad_field", `${field} is larger than ${maxFieldBytes} bytes`);
    this.fields.set(field, "");
    return field;
  }

  private addSymlink(name: string, target: string): void {
    if (name === "") throw new BundleError("unsafe_path", "a link entry has no name");
    if (fieldNames.has(name)) throw new BundleError("bad_field", `${name} is a link, not a file`);
    checkTargetLength(name, target);
    // Cheap early answer for the common attacks; finish() follows chains.
    if (target === "" || resolveLinkTarget(new Map(), parentOf(name), target) === null) {
      throw new BundleError("unsafe_link", `the link ${JSON.stringify(name)} -> ${JSON.stringify(target.slice(0, 200))} leads out of the archive`);
    }
    this.remember(this.links, name, target);
  }

  private checkHardLink(name: string, target: string): void {
    if (name === "") throw new BundleError("unsafe_path", "a link entry has no name");
    if (fieldNames.has(name)) throw new BundleError("bad_field", `${name} is a link, not a file`);
    checkTargetLength(name, target);
    // A hard link's target is a path from the archive root, like an entry name.
    let resolved: string;
    try {
      resolved = normalizeEntryPath(target, "the hard link target");
    } catch (error) {
      if (error instanceof BundleError) throw new BundleError("unsafe_link", `the hard link ${JSON.stringify(name)}: ${error.detail}`);
      throw error;
    }
    if (resolved === "") throw new BundleError("unsafe_link", `the hard link ${JSON.stringify(name)} points at the archive root`);
  }

  /**
   * Two entries with one name unpack to whichever comes last, so what was
   * checked (a BUNDLE_* value, a directory, a harmless file) may not be what
   * the build reads. A directory named again as a directory changes nothing.
   */
  private refuseDuplicate(name: string, isDirectory: boolean): void {
    if (name === "") return;
    const seenAsDirectory = this.dirs.has(name);
    if (!this.others.has(name) && !this.links.has(name) && (!seenAsDirectory || isDirectory)) return;
    if (fieldNames.has(name) && !seenAsDirectory) throw new BundleError("bad_field", `${name} appears twice`);
    throw new BundleError("duplicate_entry", `the entry ${JSON.stringify(name.slice(0, 200))} appears twice; unpacking would keep only the last one`);
  }

  /** Writing a/b/x after a symlink a/b would write wherever a/b points. */
  private refuseThroughLink(name: string): void {
    if (this.links.size === 0) return;
    for (let i = name.indexOf("/"); i !== -1; i = name.indexOf("/", i + 1)) {
      const parent = name.slice(0, i);
      if (this.links.has(parent)) {
        throw new BundleError("unsafe_path", `the entry ${JSON.stringify(name.slice(0, 200))} is written through the link ${JSON.stringify(parent)}`);
      }
    }
  }

  private rememberParents(name: string): void {
    for (let i = name.lastIndexOf("/"); i > 0; i = name.lastIndexOf("/", i - 1)) {
      const parent = name.slice(0, i);
      if (this.dirs.has(parent)) return;
      if (this.others.has(parent)) {
        throw new BundleError("duplicate_entry", `the entry ${JSON.stringify(name.slice(0, 200))} is inside ${JSON.stringify(parent.slice(0, 200))}, which the archive also holds as a file`);
      }
      this.remember(this.dirs, parent);
    }
  }

  private remember(into: Set<string>, name: string): void;
  private remember(into: Map<string, string>, name: string, target: string): void;
  private remember(into: Set<string> | Map<string, string>, name: string, target = ""): void {
    if (name === "" || (into instanceof Set && into.has(name))) return;
    this.remembered += name.length + target.length;
    if (this.remembered > maxRememberedBytes) {
      throw new BundleError("too_many_entries", `the archive's entry names take more than ${maxRememberedBytes} bytes`);
    }
    if (into instanceof Map) into.set(name, target);
    else into.add(name);
  }
}

function checkTargetLength(name: string, target: string): void {
  if (Buffer.byteLength(target) > maxLinkTargetBytes) {
    throw new BundleError("unsafe_link", `the link ${JSON.stringify(name.slice(0, 200))} has a target longer than ${maxLinkTargetBytes} bytes`);
  }
}

function parentOf(name: string): string {
  const slash = name.lastIndexOf("/");
  return slash === -1 ? "" : name.slice(0, slash);
}
