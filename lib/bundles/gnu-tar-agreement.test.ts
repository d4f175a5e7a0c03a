import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BundleError } from "./bundle-error";
import type { SeenEntry } from "./bundle-tree";
import { inspectBundle, type BundleInfo } from "./inspect-bundle";
import { hostileCorpus } from "./testing/hostile-corpus";

// One reading of an archive: whatever the inspection accepts, GNU tar (as the
// builders run it: tar -xzf bundle -C dir --no-same-owner) must unpack to
// exactly the files, directories and links the inspection saw, and to
// nothing the README says is refused.

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-gnu-tar-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

type Made = Record<string, string>;

async function inspect(bytes: Buffer): Promise<{ info: BundleInfo | null; reason: string; seen: Made }> {
  const seen: Made = {};
  const note = (entry: SeenEntry) => {
    if (entry.path === "") return;
    // Its parents, deepest first, up to one already seen.
    for (let cut = entry.path.lastIndexOf("/"); cut > 0 && seen[entry.path.slice(0, cut)] === undefined; cut = entry.path.lastIndexOf("/", cut - 1)) {
      seen[entry.path.slice(0, cut)] = "directory";
    }
    // A hard link is one more name of a file.
    seen[entry.path] = entry.kind === "symlink" ? `symlink -> ${entry.target}` : entry.kind === "link" ? "file" : entry.kind;
  };
  try {
    const info = await inspectBundle(
      (async function* () {
        yield bytes;
      })(),
      { onSeen: note },
    );
    return { info, reason: "accepted", seen };
  } catch (error) {
    if (error instanceof BundleError) return { info: null, reason: error.reason, seen };
    throw error;
  }
}

/** What GNU tar made: every path under `root` with its type, links with their targets. */
function walk(root: string, dir = ""): Made {
  const made: Made = {};
  for (const name of fs.readdirSync(path.join(root, dir))) {
    const rel = dir === "" ? name : `${dir}/${name}`;
    const stat = fs.lstatSync(path.join(root, rel));
    if (stat.isSymbolicLink()) made[rel] = `symlink -> ${fs.readlinkSync(path.join(root, rel))}`;
    else if (stat.isDirectory()) Object.assign(made, { [rel]: "directory" }, walk(root, rel));
    else if (stat.isFile()) made[rel] = "file";
    else made[rel] = stat.isFIFO() ? "fifo" : "device or socket";
  }
  return made;
}

function extract(bytes: Buffer, label: string): { root: string; status: number | null; stderr: string } {
  const file = path.join(scratch, `${label}.tgz`);
  const root = path.join(scratch, label);
  fs.writeFileSync(file, bytes);
  fs.mkdirSync(root);
  const run = spawnSync("tar", ["-xzf", file, "-C", root, "--no-same-owner"], { encoding: "utf8" });
  fs.rmSync(file);
  return { root, status: run.status, stderr: run.stderr };
}

/** What the README promises about any accepted bundle, checked on what GNU tar made. */
function expectNothingRefused(root: string, made: Made, info: BundleInfo) {
  for (const [rel, type] of Object.entries(made)) {
    expect(["file", "directory"].includes(type) || type.startsWith("symlink -> "), `${rel} is a ${type}`).toBe(true);
    if (!type.startsWith("symlink -> ")) continue;
    expect(type.startsWith("symlink -> /"), `${rel} is an absolute symlink`).toBe(false);
    const real = fs.existsSync(path.join(root, rel)) ? fs.realpathSync(path.join(root, rel)) : null;
    if (real !== null) expect(real === root || real.startsWith(`${root}/`), `${rel} leads to ${real}`).toBe(true);
  }
  expect(made.BUNDLE_UNAME).toBe("file");
  expect(fs.readFileSync(path.join(root, "BUNDLE_UNAME"), "utf8").trim()).toBe(info.uname);
}

const realDir = path.join(process.cwd(), "data", "cache", "bundles");
const realBundles = fs.existsSync(realDir) ? fs.readdirSync(realDir).filter((f) => /^bundle-.+\.tgz$/.test(f)) : [];

describe("the inspection and GNU tar read an archive the same way", () => {
  it("has a corpus of archives each kind: read two ways, costly, plain", () => {
    const kinds = new Set(hostileCorpus.map((c) => c.kind));
    expect([...kinds].sort()).toEqual(["ambiguous", "costly", "plain"]);
    expect(hostileCorpus.filter((c) => c.outcome === "accepted").length).toBeGreaterThanOrEqual(10);
  });

  it.each(hostileCorpus.map((c, i) => ({ ...c, label: `corpus-${i}` })))("$what: $outcome", async (c) => {
    const bytes = await c.bytes();
    const { info, reason, seen } = await inspect(bytes);
    expect(reason).toBe(c.outcome);
    if (info === null) return;
    const { root, status, stderr } = extract(bytes, c.label);
    expect({ status, stderr: stderr.replace(/^tar: (Ignoring unknown extended header keyword .*|Extracting contiguous files as regular files)\n/gm, "") }).toEqual({ status: 0, stderr: "" });
    const made = walk(root);
    expect(made).toEqual(seen);
    expectNothingRefused(root, made, info);
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);

  it.skipIf(realBundles.length === 0).each(realBundles)("the real bundle %s", async (name) => {
    const bytes = fs.readFileSync(path.join(realDir, name));
    const { info, reason, seen } = await inspect(bytes);
    expect(reason).toBe("accepted");
    const { root, status, stderr } = extract(bytes, name);
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    const made = walk(root);
    expect(made).toEqual(seen);
    expectNothingRefused(root, made, info!);
    fs.rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
