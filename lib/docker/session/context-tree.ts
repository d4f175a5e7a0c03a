import fs from "node:fs";
import path from "node:path";
import type { FileStat } from "./fsutil-packet";

/**
 * What a session offers the engine under one name: a directory made up of
 * directories and files on disk and files of the caller's own, without
 * copying any of them anywhere first.
 */
export type ContextTree = { entries: TreeEntry[] };

export type TreeEntry =
  /** A file, a symlink or a whole directory on disk, offered as it is. */
  | { name: string; disk: string }
  /** A file or directory on disk, the one a symlink leads to if the path is one. */
  | { name: string; followed: string }
  /** A directory made here, with the mode and time of `like` on disk. */
  | { name: string; like: string; entries: TreeEntry[] }
  /** A file whose bytes the caller holds. */
  | { name: string; content: Buffer };

/** Where a file's bytes come from, once the engine asks for them. */
export type FileSource = { disk: string } | { content: Buffer };

/** One entry of the walk: its stat as fsutil sends it, and its bytes' source if it is a regular file. */
export type WalkedEntry = { stat: FileStat; source: FileSource | null; isDir: boolean };

// Go's os.FileMode bits, which fsutil sends instead of st_mode.
const GO_DIR = 2 ** 31;
const GO_SYMLINK = 2 ** 27;
const GO_SETUID = 2 ** 23;
const GO_SETGID = 2 ** 22;
const GO_STICKY = 2 ** 20;

/** A file's mode as Go's os.FileMode: the type and the special bits move, the permissions stay. */
export function goFileMode(mode: number): number {
  let go = mode & 0o777;
  if (mode & 0o4000) go += GO_SETUID;
  if (mode & 0o2000) go += GO_SETGID;
  if (mode & 0o1000) go += GO_STICKY;
  const type = mode & fs.constants.S_IFMT;
  if (type === fs.constants.S_IFDIR) go += GO_DIR;
  else if (type === fs.constants.S_IFLNK) go += GO_SYMLINK;
  return go;
}

export const isGoDir = (mode: number) => mode >= GO_DIR;

/** A node of the tree as the walk sees it: a made directory, a held file, or a path on disk. */
export type TreeNode =
  | { kind: "made"; stat: fs.BigIntStats; entries: TreeEntry[] }
  | { kind: "content"; content: Buffer; stat: fs.BigIntStats }
  | { kind: "disk"; path: string; stat: fs.BigIntStats };

export function nodeOf(entry: TreeEntry): TreeNode | null {
  if ("entries" in entry) return { kind: "made", stat: fs.statSync(entry.like, { bigint: true }), entries: entry.entries };
  if ("content" in entry) return { kind: "content", content: entry.content, stat: CONTENT_STAT };
  if ("followed" in entry) return { kind: "disk", path: entry.followed, stat: fs.statSync(entry.followed, { bigint: true }) };
  const stat = fs.lstatSync(entry.disk, { bigint: true, throwIfNoEntry: false });
  return stat ? { kind: "disk", path: entry.disk, stat } : null;
}

/** Files of the caller's own: 0644, dated 1970, as in a tar context. */
const CONTENT_STAT = { mode: BigInt(fs.constants.S_IFREG | 0o644), mtimeNs: 0n, uid: 0n, gid: 0n } as fs.BigIntStats;

/** The tree's root: never sent itself (fsutil skips "."), only what it holds. */
export const rootOf = (tree: ContextTree): TreeNode => ({ kind: "made", stat: null as never, entries: tree.entries });

/** The children of a node that is a directory, by name as Go sorts them (bytewise), or null for any other node. */
export function childrenOf(node: TreeNode): Map<string, TreeEntry> | null {
  let entries: TreeEntry[];
  if (node.kind === "made") entries = node.entries;
  else if (node.kind === "disk" && node.stat.isDirectory()) entries = fs.readdirSync(node.path).map((name) => ({ name, disk: path.join(node.path, name) }));
  else return null;
  // Each name's bytes once, not once per comparison: a directory may hold thousands of bundles.
  const keyed = entries.map((entry) => ({ entry, bytes: Buffer.from(entry.name) }));
  keyed.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  return new Map(keyed.map(({ entry }) => [entry.name, entry]));
}

/** The stat fsutil sends for a node at `rel`; null for what a context never holds (sockets, fifos, devices). */
export function statOf(node: TreeNode, rel: string): WalkedEntry | null {
  const mode = Number(node.stat.mode);
  const type = mode & fs.constants.S_IFMT;
  const base = { path: rel, mode: goFileMode(mode), uid: Number(node.stat.uid), gid: Number(node.stat.gid), modTime: node.stat.mtimeNs };
  if (node.kind === "made" || type === fs.constants.S_IFDIR) return { stat: base, source: null, isDir: true };
  if (node.kind === "content") return { stat: { ...base, size: node.content.length }, source: { content: node.content }, isDir: false };
  if (type === fs.constants.S_IFLNK) {
    const linkname = fs.readlinkSync(node.path);
    return { stat: { ...base, size: Buffer.byteLength(linkname), linkname }, source: null, isDir: false };
  }
  if (type === fs.constants.S_IFREG) return { stat: { ...base, size: Number(node.stat.size) }, source: { disk: node.path }, isDir: false };
  return null;
}
