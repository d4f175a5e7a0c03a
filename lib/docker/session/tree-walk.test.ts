import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanPath, globMatch, IgnoreMatcher, matchPrefix } from "./file-patterns";
import { walkTree, type WalkFilters } from "./tree-walk";
import { decodePacket, encodePacket, PacketType } from "./fsutil-packet";

let root = "";
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-walk-"));
  for (const file of ["a/b", "a-c", "a/z/deep.log", "a/z/keep.log", "b.txt", "Dockerfile", "real/target.txt"]) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), file);
  }
  fs.symlinkSync("real/target.txt", path.join(root, "link"));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function walked(filters: WalkFilters = {}) {
  const paths: string[] = [];
  await walkTree({ entries: [{ name: "ctx", followed: root }, { name: "extra", content: Buffer.from("x") }] }, filters, (entry) => void paths.push(entry.stat.path));
  return paths;
}

describe("walkTree", () => {
  it("walks as Go's filepath.Walk: a directory, then what it holds, names bytewise (so a/b before a-c)", async () => {
    expect(await walked()).toEqual(["ctx", "ctx/Dockerfile", "ctx/a", "ctx/a/b", "ctx/a/z", "ctx/a/z/deep.log", "ctx/a/z/keep.log", "ctx/a-c", "ctx/b.txt", "ctx/link", "ctx/real", "ctx/real/target.txt", "extra"]);
  });

  it("keeps only what include patterns reach, and the directories on the way", async () => {
    expect(await walked({ includePatterns: ["ctx/a/z", "ctx/*.txt"] })).toEqual(["ctx", "ctx/a", "ctx/a/z", "ctx/a/z/deep.log", "ctx/a/z/keep.log", "ctx/b.txt"]);
  });

  it("leaves out what exclude patterns name, and walks into a left-out directory an exception reopens", async () => {
    expect(await walked({ excludePatterns: ["ctx/a", "!ctx/a/z/keep.log", "**/*.txt", "extra"] })).toEqual(["ctx", "ctx/Dockerfile", "ctx/a", "ctx/a/z", "ctx/a/z/keep.log", "ctx/a-c", "ctx/link", "ctx/real"]);
  });

  it("follows a followed path that is a symlink to what it links to", async () => {
    expect(await walked({ followPaths: ["ctx/link"] })).toEqual(["ctx", "ctx/link", "ctx/real", "ctx/real/target.txt"]);
  });

  it("sends a symlink as one, with its target, and a directory with Go's directory bit", async () => {
    const stats = new Map<string, { mode: number; linkname?: string }>();
    await walkTree({ entries: [{ name: "ctx", followed: root }] }, {}, (entry) => void stats.set(entry.stat.path, entry.stat));
    expect(stats.get("ctx/link")).toMatchObject({ linkname: "real/target.txt", mode: 2 ** 27 + 0o777 });
    expect(stats.get("ctx/a")!.mode).toBe(2 ** 31 + (fs.statSync(path.join(root, "a")).mode & 0o777));
  });
});

describe("path patterns", () => {
  it("match as Go's filepath.Match: * and ? stop at /, classes and escapes work", () => {
    expect(globMatch("a/*.c", "a/x.c")).toBe(true);
    expect(globMatch("a/*", "a/b/c")).toBe(false);
    expect(globMatch("[a-c]?", "bz")).toBe(true);
    expect(globMatch("[^a-c]?", "bz")).toBe(false);
    expect(globMatch("\\*", "*")).toBe(true);
    expect(globMatch("[", "[")).toBe(false);
  });

  it("cut an include pattern to the path's depth, as a partial match", () => {
    expect(matchPrefix("a/b/c", "a")).toEqual({ matched: true, partial: true });
    expect(matchPrefix("a/b", "a/b")).toEqual({ matched: true, partial: false });
    expect(matchPrefix("x/b", "a")).toEqual({ matched: false, partial: true });
  });

  it("follow .dockerignore: ** spans directories, a parent's match counts, the last pattern decides", () => {
    const ignore = new IgnoreMatcher(["**/*.log", "!keep/*.log", "build"]);
    expect(ignore.matches("a/b/c.log")).toBe(true);
    expect(ignore.matches("keep/c.log")).toBe(false);
    expect(ignore.matches("build/out/x")).toBe(true);
    expect(ignore.matches("builder")).toBe(false);
    expect(() => new IgnoreMatcher(["!"])).toThrow(/illegal exclusion/);
  });

  it("clean paths as Go does", () => {
    expect(cleanPath("./a//b/../c/")).toBe("a/c");
    expect(cleanPath("")).toBe(".");
    expect(cleanPath("/a/..")).toBe("/");
  });
});

describe("fsutil packets", () => {
  it("round-trip a stat with a nanosecond time past 2^53, and a data packet", () => {
    const modTime = 1_764_990_000_123_456_789n;
    const stat = decodePacket(encodePacket({ type: PacketType.STAT, stat: { path: "a/b", mode: 2 ** 31 + 0o755, size: 0, modTime } }));
    expect(stat).toMatchObject({ type: PacketType.STAT, stat: { path: "a/b", mode: 2 ** 31 + 0o755, modTime } });
    const data = decodePacket(encodePacket({ type: PacketType.DATA, id: 7, data: Buffer.from("bytes") }));
    expect(data.id).toBe(7);
    expect(Buffer.from(data.data!).toString()).toBe("bytes");
  });
});
