import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import type { InspectLimits } from "./archive-meters";
import { BUNDLE_ERROR_REASONS, BundleError, type BundleErrorReason } from "./bundle-error";
import { storeBundle } from "./store-bundle";
import { bytesOf, gzipOf, gzipStream, noise, piecesOf, tarStream, validEntries, type FixtureEntry } from "./testing/bundle-archive";

const kernel = "5.4.0-1055-gcp";
const fileName = `bundle-${kernel}.tgz`;
const maxBytes = 64 * 1024 ** 2;

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-bundles-"));
}

/** Every file under bundles/, .incoming/ and .trash/ included. */
function filesUnder(dataDir: string): string[] {
  const root = path.join(dataDir, "bundles");
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(root, p)).isFile()).sort();
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("storeBundle", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(() => {
    dataDir = tempDir();
    db = openDb(dataDir);
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores a valid bundle: its file, its row, the sha256 of its bytes", async () => {
    const bytes = await bytesOf(gzipStream(validEntries({}, [{ name: "./include/noise.bin", content: noise(200_000) }])));
    const { bundle, duplicate } = await storeBundle({ fileName, source: piecesOf(bytes, 65_536), maxBytes, db, dataDir });
    expect(duplicate).toBe(false);
    expect(bundle).toMatchObject({ kernel, uname: kernel, distro: "ubuntu", version: 5, major: 4, minor: 0, buildDir: ".", size: bytes.length, sha256: sha256(bytes) });
    const stored = path.join(dataDir, "bundles", fileName);
    expect(sha256(fs.readFileSync(stored))).toBe(sha256(bytes));
    // 0640 at most: the umask may take more away, never add.
    expect(fs.statSync(stored).mode & 0o777 & ~0o640).toBe(0);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("takes the same bytes again as a duplicate: one file, one row", async () => {
    const before = db.select().from(bundles).all();
    const bytes = fs.readFileSync(path.join(dataDir, "bundles", fileName));
    const { bundle, duplicate } = await storeBundle({ fileName, source: piecesOf(bytes, 1000), maxBytes, db, dataDir });
    expect(duplicate).toBe(true);
    expect(bundle.id).toBe(before[0]?.id);
    expect(db.select().from(bundles).all()).toEqual(before);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("refuses the same kernel with other content as duplicate_kernel (409) and keeps the first", async () => {
    const before = fs.readFileSync(path.join(dataDir, "bundles", fileName));
    const error = await storeBundle({ fileName, source: gzipStream(validEntries({ MINOR: "1" })), maxBytes, db, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).reason).toBe("duplicate_kernel");
    expect((error as BundleError).status).toBe(409);
    expect((error as BundleError).message).toContain(fileName);
    expect(fs.readFileSync(path.join(dataDir, "bundles", fileName)).equals(before)).toBe(true);
    expect(db.select().from(bundles).all()).toHaveLength(1);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("stores kernels whose id and uname differ, as Ubuntu backports and COS do", async () => {
    const ubuntu = await storeBundle({ fileName: "bundle-4.15.0-1098-gcp~16.04.tgz", source: gzipStream(validEntries({ UNAME: "4.15.0-1098-gcp", VERSION: "4", MAJOR: "15" })), maxBytes, db, dataDir });
    const cos = await storeBundle({ fileName: "bundle-5.10.68-16623.39.6-cos.tgz", source: gzipStream(validEntries({ UNAME: "5.10.68+", VERSION: "5", MAJOR: "10", MINOR: "68", DISTRO: "cos" })), maxBytes, db, dataDir });
    expect(ubuntu.bundle).toMatchObject({ kernel: "4.15.0-1098-gcp~16.04", uname: "4.15.0-1098-gcp" });
    expect(cos.bundle).toMatchObject({ kernel: "5.10.68-16623.39.6-cos", uname: "5.10.68+", distro: "cos" });
    expect(filesUnder(dataDir)).toEqual(["bundle-4.15.0-1098-gcp~16.04.tgz", "bundle-5.10.68-16623.39.6-cos.tgz", fileName]);
  });

  it("reads a web stream, as a route's request.body is", async () => {
    const bytes = await bytesOf(gzipStream(validEntries({ UNAME: "5.4.0-1056-gcp" })));
    const body = new Response(new Uint8Array(bytes)).body;
    if (!body) throw new Error("no body");
    const { bundle } = await storeBundle({ fileName: "bundle-5.4.0-1056-gcp.tgz", source: body, maxBytes, db, dataDir });
    expect(bundle).toMatchObject({ kernel: "5.4.0-1056-gcp", sha256: sha256(bytes), size: bytes.length });
  });

  it("lets go of its source when it refuses an archive midway, so its owner can read the rest of the upload", async () => {
    const bomb = await bytesOf(gzipOf(tarStream(validEntries({}, [{ name: "./include/zeros", zeros: 64 * 1024 ** 2 }])), 9));
    // A request body: the refused file's first part has arrived, the next comes a little later.
    const source = new PassThrough();
    source.write(bomb.subarray(0, 32 * 1024));
    const later = setTimeout(() => source.write(bomb.subarray(32 * 1024, 33 * 1024)), 300);
    const error = await storeBundle({ fileName, source, maxBytes, db, dataDir }).catch((e: unknown) => e);
    clearTimeout(later);
    expect((error as BundleError).reason).toBe("ratio");
    // Before, the tee's reader was still attached here: resume() then did nothing and a multipart request hung.
    expect(source.listenerCount("readable")).toBe(0);
    source.resume();
    source.end(Buffer.alloc(4096));
    const ended = await Promise.race([once(source, "end").then(() => true), new Promise((r) => setTimeout(() => r(false), 2000))]);
    expect(ended).toBe(true);
    expect(filesUnder(dataDir).filter((f) => f.startsWith(".incoming"))).toEqual([]);
  });

  it("settles concurrent uploads of one kernel: one stored, the rest duplicates or conflicts", async () => {
    const name = "bundle-6.1.0-56-amd64.tgz";
    const fields = { UNAME: "6.1.0-56-amd64", VERSION: "6", MAJOR: "1", MINOR: "158", DISTRO: "debian" };
    const same = await bytesOf(gzipStream(validEntries(fields)));
    const other = await bytesOf(gzipStream(validEntries({ ...fields, CHECKSUM: "00" })));
    const results = await Promise.allSettled([same, same, other].map((bytes) => storeBundle({ fileName: name, source: piecesOf(bytes, 100), maxBytes, db, dataDir })));
    const stored = results.filter((r) => r.status === "fulfilled").map((r) => r.value);
    const refused = results.filter((r) => r.status === "rejected").map((r) => (r.reason as BundleError).reason);
    expect(stored.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(stored.length + refused.length).toBe(3);
    expect(refused.every((r) => r === "duplicate_kernel")).toBe(true);
    const rows = db.select().from(bundles).all().filter((r) => r.kernel === "6.1.0-56-amd64");
    expect(rows).toHaveLength(1);
    expect(sha256(fs.readFileSync(path.join(dataDir, "bundles", name)))).toBe(rows[0]?.sha256);
    expect(filesUnder(dataDir).filter((f) => f.startsWith(".incoming"))).toEqual([]);
  });
});

type Hostile = {
  what: string;
  reason: BundleErrorReason;
  source: () => Promise<AsyncIterable<Uint8Array> | Readable> | AsyncIterable<Uint8Array> | Readable;
  fileName?: string;
  maxBytes?: number;
  limits?: Partial<InspectLimits>;
};

const withExtra = (extra: FixtureEntry[]) => () => gzipStream(validEntries({}, extra));

async function validTarBytes(): Promise<Buffer> {
  return bytesOf(tarStream(validEntries({}, [{ name: "./include/big.h", content: noise(3000) }])));
}

const hostile: Hostile[] = [
  { what: "an entry climbing out with ../", reason: "unsafe_path", source: withExtra([{ name: "../evil.sh", content: "x" }]) },
  { what: "an entry climbing out through a directory", reason: "unsafe_path", source: withExtra([{ name: "./include/../../evil.sh", content: "x" }]) },
  { what: "an absolute path", reason: "unsafe_path", source: withExtra([{ name: "/etc/cron.d/evil", content: "x" }]) },
  { what: "a symlink to /etc/passwd", reason: "unsafe_link", source: withExtra([{ name: "./include/passwd", type: "symlink", linkname: "/etc/passwd" }]) },
  { what: "a symlink to ../../x", reason: "unsafe_link", source: withExtra([{ name: "./include/x", type: "symlink", linkname: "../../x" }]) },
  {
    what: "a chain of symlinks that each look inside",
    reason: "unsafe_link",
    source: withExtra([
      { name: "./s", type: "symlink", linkname: "." },
      { name: "./t", type: "symlink", linkname: "s/s/../x" },
    ]),
  },
  {
    what: "a file written through a symlink",
    reason: "unsafe_path",
    source: withExtra([
      { name: "./l", type: "symlink", linkname: "include" },
      { name: "./l/evil.h", content: "x" },
    ]),
  },
  { what: "a hard link outside", reason: "unsafe_link", source: withExtra([{ name: "./shadow", type: "link", linkname: "../../etc/shadow" }]) },
  { what: "a hard link to an absolute path", reason: "unsafe_link", source: withExtra([{ name: "./shadow", type: "link", linkname: "/etc/shadow" }]) },
  { what: "a link target longer than PATH_MAX", reason: "unsafe_link", source: withExtra([{ name: "./include/long", type: "symlink", linkname: "./".repeat(3000) }]) },
  { what: "a file given twice", reason: "duplicate_entry", source: withExtra([{ name: "./Makefile", content: "all:\n\trm -rf /\n" }]) },
  { what: "a directory given again as a symlink", reason: "duplicate_entry", source: withExtra([{ name: "./include", type: "symlink", linkname: "include/generated" }]) },
  { what: "a file used as a directory", reason: "duplicate_entry", source: withExtra([{ name: "./Makefile/evil.h", content: "x" }]) },
  { what: "a pax header over 4 MiB", reason: "huge_header", source: withExtra([{ name: "./include/x.h", content: "x", pax: { comment: "x".repeat(5 * 1024 ** 2) } }]) },
  { what: "a character device", reason: "special_file", source: withExtra([{ name: "./dev/null", type: "character-device" }]) },
  { what: "a block device", reason: "special_file", source: withExtra([{ name: "./dev/sda", type: "block-device" }]) },
  { what: "a fifo", reason: "special_file", source: withExtra([{ name: "./pipe", type: "fifo" }]) },
  {
    what: "too many entries",
    reason: "too_many_entries",
    limits: { maxEntries: 20 },
    source: withExtra(Array.from({ length: 20 }, (_, i) => ({ name: `./include/f${i}.h`, content: "x" }))),
  },
  {
    what: "more unpacked bytes than allowed",
    reason: "too_large_unpacked",
    limits: { maxUnpackedBytes: 1024 ** 2, maxRatio: 1e9 },
    source: withExtra([{ name: "./include/zeros", zeros: 8 * 1024 ** 2 }]),
  },
  { what: "a zip bomb: a run of zeros", reason: "ratio", source: withExtra([{ name: "./include/zeros", zeros: 256 * 1024 ** 2 }]) },
  { what: "plain text", reason: "not_gzip", source: () => piecesOf(Buffer.from("this is a kernel header bundle, honest\n"), 7) },
  { what: "gzip of garbage", reason: "not_tar", source: () => gzipOf(noise(8192)) },
  {
    what: "a truncated gzip",
    reason: "truncated",
    source: async () => {
      const bytes = await bytesOf(gzipOf(await validTarBytes()));
      return piecesOf(bytes.subarray(0, bytes.length - 100), 512);
    },
  },
  {
    what: "a damaged gzip (wrong CRC)",
    reason: "corrupt",
    source: async () => {
      const bytes = await bytesOf(gzipOf(await validTarBytes()));
      bytes[bytes.length - 8] = (bytes[bytes.length - 8] ?? 0) ^ 0xff;
      return piecesOf(bytes, 512);
    },
  },
  {
    what: "a tar cut inside an entry",
    reason: "truncated",
    source: async () => {
      const tarBytes = await validTarBytes();
      return gzipOf(tarBytes.subarray(0, tarBytes.length - 1024 - 700));
    },
  },
  {
    what: "a tar without its end-of-archive blocks",
    reason: "truncated",
    source: async () => {
      const tarBytes = await validTarBytes();
      return gzipOf(tarBytes.subarray(0, tarBytes.length - 1024));
    },
  },
  { what: "no BUNDLE_UNAME", reason: "missing_field", source: () => gzipStream(validEntries({ UNAME: null })) },
  { what: "no BUNDLE_DISTRO", reason: "missing_field", source: () => gzipStream(validEntries({ DISTRO: null })) },
  { what: "BUNDLE_MAJOR not a number", reason: "bad_field", source: () => gzipStream(validEntries({ MAJOR: "four" })) },
  { what: "BUNDLE_DISTRO not a token", reason: "bad_field", source: () => gzipStream(validEntries({ DISTRO: "Ubuntu Linux" })) },
  { what: "BUNDLE_UNAME over 4 KiB", reason: "bad_field", source: () => gzipStream(validEntries({ UNAME: `5.4.${"0".repeat(5000)}` })) },
  { what: "BUNDLE_UNAME twice", reason: "bad_field", source: withExtra([{ name: "BUNDLE_UNAME", content: "5.4.1-evil" }]) },
  {
    what: "BUNDLE_UNAME as a link",
    reason: "bad_field",
    source: () => gzipStream([...validEntries({ UNAME: null }), { name: "./BUNDLE_UNAME", type: "symlink", linkname: "include/generated/utsrelease.h" }]),
  },
  { what: "a file name that is not bundle-*.tgz", reason: "bad_name", fileName: "linux-headers.tar.gz", source: () => gzipStream(validEntries()) },
  { what: "a file name with a slash", reason: "bad_name", fileName: "../bundle-5.4.0-1055-gcp.tgz", source: () => gzipStream(validEntries()) },
  { what: "a kernel id not starting with VERSION.MAJOR", reason: "name_mismatch", fileName: "bundle-5.40.0-1-gcp.tgz", source: () => gzipStream(validEntries()) },
  { what: "a uname not starting with VERSION.MAJOR", reason: "name_mismatch", source: () => gzipStream(validEntries({ UNAME: "4.4.0-1-gcp" })) },
  { what: "a uname of another kernel of the same series", reason: "name_mismatch", source: () => gzipStream(validEntries({ UNAME: "5.4.0-1056-gcp" })) },
  { what: "an empty file", reason: "empty", source: () => piecesOf(Buffer.alloc(0), 1) },
  { what: "an empty tar", reason: "empty", source: () => gzipOf(Buffer.alloc(10240)) },
  { what: "an upload over maxBytes", reason: "too_large", maxBytes: 4096, source: withExtra([{ name: "./include/noise.bin", content: noise(64 * 1024) }]) },
  {
    what: "an endless upload, stopped at maxBytes",
    reason: "too_large",
    maxBytes: 32 * 1024,
    limits: { maxRatio: 1e9, maxUnpackedBytes: 2 ** 50 },
    source: withExtra([{ name: "./include/zeros", zeros: 2 ** 40 }]),
  },
  { what: "a BUILD_DIR escaping with ..", reason: "unsafe_path", source: () => gzipStream(validEntries({ BUILD_DIR: "./../outside" })) },
  { what: "an absolute BUILD_DIR", reason: "unsafe_path", source: () => gzipStream(validEntries({ BUILD_DIR: "/usr/src/linux" })) },
  { what: "a BUILD_DIR that does not exist", reason: "bad_field", source: () => gzipStream(validEntries({ BUILD_DIR: "./usr/src/linux-headers-5.4.0" })) },
  { what: "a BUILD_DIR that is a file", reason: "bad_field", source: () => gzipStream(validEntries({ BUILD_DIR: "./Makefile" })) },
  {
    what: "data after the end-of-archive marker, which GNU tar would never read",
    reason: "ambiguous_entry",
    source: async () => gzipOf(Buffer.concat([await bytesOf(tarStream(validEntries())), Buffer.from("#!/bin/sh\necho hidden\n".padEnd(512, " "))])),
  },
  { what: "names past the inspection's name budget", reason: "too_costly", limits: { maxNameBytes: 100 }, source: () => gzipStream(validEntries()) },
];

describe("storeBundle refuses hostile uploads and leaves nothing behind", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(() => {
    dataDir = tempDir();
    db = openDb(dataDir);
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(hostile)("$what: $reason", async (c) => {
    const source = await c.source();
    const error = await storeBundle({ fileName: c.fileName ?? fileName, source, maxBytes: c.maxBytes ?? maxBytes, db, dataDir, limits: c.limits }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect({ reason: (error as BundleError).reason, message: (error as BundleError).message }).toEqual({ reason: c.reason, message: expect.stringContaining(c.reason) });
    expect((error as BundleError).status).toBe(c.reason === "too_large" ? 413 : 422);
    expect(filesUnder(dataDir)).toEqual([]);
    expect(db.select().from(bundles).all()).toEqual([]);
  });

  it("proves above every refusal an upload's name or content can get", () => {
    // The others are the store's or the disk's: duplicate_kernel and disk_full have their own tests, not_found is for deleting.
    const elsewhere = new Set(["duplicate_kernel", "disk_full", "not_found"]);
    expect(new Set(hostile.map((c) => c.reason))).toEqual(new Set(BUNDLE_ERROR_REASONS.filter((r) => !elsewhere.has(r))));
  });
});

// A real ENOSPC needs a small file system; only root can mount one here.
function mountSmallDisk(dir: string): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("storeBundle on a full disk", () => {
  let dataDir: string;
  let mounted = false;
  let dbDir: string;
  let db: Db;

  // Mounted in a hook, not while tests are collected: a run that filters this test out would leave the mount behind.
  beforeAll(() => {
    dataDir = tempDir();
    mounted = mountSmallDisk(dataDir);
    dbDir = tempDir();
    db = openDb(dbDir);
  });
  afterAll(() => {
    db.$client.close();
    if (mounted) execFileSync("umount", [dataDir]);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(dbDir, { recursive: true, force: true });
  });

  it("says the disk is full and removes the partial file", async (context) => {
    if (!mounted) context.skip("mounting a small file system needs root on Linux");
    const source = gzipStream(validEntries({}, [{ name: "./include/noise.bin", content: noise(3 * 1024 ** 2) }]));
    const error = await storeBundle({ fileName, source, maxBytes, db, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).reason).toBe("disk_full");
    expect((error as BundleError).message).toContain("the disk is full");
    expect(filesUnder(dataDir)).toEqual([]);
    expect(db.select().from(bundles).all()).toEqual([]);
  });
});
