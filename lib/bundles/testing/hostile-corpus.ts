import zlib from "node:zlib";
import type { BundleErrorReason } from "../bundle-error";
import { endOfArchive, gnuLongEntry, padded, paxEntry, paxRecords, rawEntry, rawHeader } from "./raw-tar";

// Archives that a validator and GNU tar could read two ways, and archives
// that are cheap to send and costly to read, all made by code. Each says
// what kobuild does with it: the reason it is refused, or "accepted" (then
// GNU tar must unpack exactly what the inspection saw).

export type CorpusArchive = {
  what: string;
  /** ambiguous: GNU tar and a lax reader disagree; costly: little to send, much to read; plain: both agree. */
  kind: "ambiguous" | "costly" | "plain";
  outcome: BundleErrorReason | "accepted";
  /** The gzip-compressed archive. */
  bytes: () => Promise<Buffer>;
};

export const corpusUname = "5.4.0-1055-gcp";
export const corpusFileName = `bundle-${corpusUname}.tgz`;

const fieldValues: [string, string][] = [
  ["UNAME", corpusUname],
  ["VERSION", "5"],
  ["MAJOR", "4"],
  ["MINOR", "0"],
  ["DISTRO", "ubuntu"],
  ["BUILD_DIR", "."],
  ["CHECKSUM", "3f8a1c0f2b6d4e5a"],
];

/** The entries every archive starts with: a valid little bundle. */
export function bundleHead(): Buffer[] {
  return [
    rawEntry({ name: "./", type: "5" }),
    ...fieldValues.map(([key, value]) => rawEntry({ name: `./BUNDLE_${key}` }, `${value}\n`)),
    rawEntry({ name: "./Makefile" }, "VERSION = 5\nPATCHLEVEL = 4\n"),
    rawEntry({ name: "./include/", type: "5" }),
    rawEntry({ name: "./include/generated/", type: "5" }),
    rawEntry({ name: "./include/generated/utsrelease.h" }, `#define UTS_RELEASE "${corpusUname}"\n`),
  ];
}

/** Gzip of a bundle made of the head, `pieces` and the end marker; pieces may be generated lazily. */
async function bundle(pieces: Iterable<Buffer>, level = 6): Promise<Buffer> {
  return gzipAll([...bundleHead(), ...pieces, endOfArchive()], level);
}

async function gzipAll(pieces: Iterable<Buffer>, level = 6): Promise<Buffer> {
  const gzip = zlib.createGzip({ level });
  const out: Buffer[] = [];
  gzip.on("data", (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => gzip.on("end", resolve).on("error", reject));
  // Written a megabyte at a time: many small writes cost more than the compression.
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = async () => {
    if (!gzip.write(Buffer.concat(batch))) await new Promise<void>((resolve) => gzip.once("drain", resolve));
    batch = [];
    batched = 0;
  };
  for (const piece of pieces) {
    batch.push(piece);
    batched += piece.length;
    if (batched >= 1024 ** 2) await flush();
  }
  await flush();
  gzip.end();
  await done;
  return Buffer.concat(out);
}

const fifo = (name: string) => rawEntry({ name, type: "6" });

function* times<T>(count: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < count; i++) yield make(i);
}

const ambiguous: CorpusArchive[] = [
  {
    what: "a symlink carrying data that hides a fifo",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([rawEntry({ name: "./include/l", type: "2", linkname: "generated" }, padded(fifo("./include/pipe")))]),
  },
  {
    what: "a hard link carrying data that hides a device",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([rawEntry({ name: "./include/h", type: "1", linkname: "./Makefile" }, padded(rawEntry({ name: "./include/mem", type: "3" })))]),
  },
  {
    what: "a directory carrying data that hides a second BUNDLE_UNAME",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([rawEntry({ name: "./scripts/", type: "5" }, padded(rawEntry({ name: "./BUNDLE_UNAME" }, "6.6.6-evil\n")))]),
  },
  {
    what: "a global pax path, which GNU tar gives every later entry",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([paxEntry([["path", "BUNDLE_UNAME"]], "g"), rawEntry({ name: "./include/x.h" }, "6.6.6-evil\n")]),
  },
  {
    what: "a global pax linkpath",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([paxEntry([["linkpath", "/etc/shadow"]], "g"), rawEntry({ name: "./include/l", type: "2", linkname: "generated" })]),
  },
  {
    what: "a global pax size that turns a file's data into an absolute symlink",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([paxEntry([["size", "0"]], "g"), rawEntry({ name: "./include/x.h" }, padded(rawEntry({ name: "./include/root", type: "2", linkname: "/" })))]),
  },
  {
    what: "a local pax size of 0 whose file data is an absolute symlink (read as GNU tar does)",
    kind: "ambiguous",
    outcome: "unsafe_link",
    bytes: () => bundle([paxEntry([["size", "0"]]), rawEntry({ name: "./include/x.h" }, padded(rawEntry({ name: "./include/root", type: "2", linkname: "/" })))]),
  },
  {
    what: "a GNU sparse file (tar type S)",
    kind: "ambiguous",
    outcome: "special_file",
    bytes: () => bundle([rawEntry({ name: "./include/sparse.h", type: "S", format: "gnu" }, "x")]),
  },
  {
    what: "a pax GNU sparse file whose real name is another",
    kind: "ambiguous",
    outcome: "special_file",
    bytes: () =>
      bundle([
        paxEntry([
          ["GNU.sparse.major", "1"],
          ["GNU.sparse.minor", "0"],
          ["GNU.sparse.name", "BUNDLE_UNAME"],
          ["GNU.sparse.realsize", "11"],
        ]),
        rawEntry({ name: "./GNUSparseFile.0/x" }, padded(Buffer.from("1\n0\n11\n6.6.6-evil\n"))),
      ]),
  },
  { what: "a file named with a trailing slash", kind: "ambiguous", outcome: "ambiguous_entry", bytes: () => bundle([rawEntry({ name: "./include/t/" }, "data")]) },
  {
    what: "two pax headers for one entry",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([paxEntry([["path", "include/a.h"]]), paxEntry([["path", "BUNDLE_UNAME"]]), rawEntry({ name: "./include/b.h" }, "x")]),
  },
  {
    what: "a GNU long name and a pax path for one entry",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([gnuLongEntry("L", "include/a.h"), paxEntry([["path", "include/b.h"]]), rawEntry({ name: "./include/c.h" }, "x")]),
  },
  {
    what: "a lone zero block followed by more entries",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: () => bundle([Buffer.alloc(512), fifo("./include/pipe")]),
  },
  {
    what: "a second gzip member with more entries after the end marker",
    kind: "ambiguous",
    outcome: "ambiguous_entry",
    bytes: async () => Buffer.concat([await bundle([]), await gzipAll([fifo("./include/pipe"), endOfArchive()])]),
  },
  {
    what: "a hard link to a symlink, which would point elsewhere from its own directory",
    kind: "ambiguous",
    outcome: "unsafe_link",
    bytes: () => bundle([rawEntry({ name: "./include/generated/up", type: "2", linkname: "../.." }), rawEntry({ name: "./up", type: "1", linkname: "include/generated/up" })]),
  },
  { what: "a hard link to a directory", kind: "ambiguous", outcome: "unsafe_link", bytes: () => bundle([rawEntry({ name: "./inc", type: "1", linkname: "include" })]) },
  {
    what: "a hard link to a file that comes later",
    kind: "ambiguous",
    outcome: "unsafe_link",
    bytes: () => bundle([rawEntry({ name: "./early", type: "1", linkname: "late" }), rawEntry({ name: "./late" }, "x")]),
  },
  {
    what: "a hard link through a symlinked directory",
    kind: "ambiguous",
    outcome: "unsafe_link",
    bytes: () => bundle([rawEntry({ name: "./gen", type: "2", linkname: "include/generated" }), rawEntry({ name: "./h", type: "1", linkname: "gen/utsrelease.h" })]),
  },
  {
    what: "a NUL in a pax link target, where GNU tar cuts it",
    kind: "ambiguous",
    outcome: "unsafe_link",
    bytes: () => bundle([paxEntry([["linkpath", "..\u0000/include"]]), rawEntry({ name: "./include/up", type: "2", linkname: "x" })]),
  },
  {
    what: "a NUL in a pax path",
    kind: "ambiguous",
    outcome: "unsafe_path",
    bytes: () => bundle([paxEntry([["path", "BUNDLE_UNAME\u0000.txt"]]), rawEntry({ name: "./include/x.h" }, "6.6.6-evil\n")]),
  },
  { what: "a name that is not UTF-8", kind: "ambiguous", outcome: "unsafe_path", bytes: () => bundle([latin1Name("./include/caf\u00e9.h")]) },
  { what: "a header without ustar magic (pre-POSIX)", kind: "ambiguous", outcome: "corrupt", bytes: () => bundle([rawEntry({ name: "./include/v7.h", format: "v7" }, "x")]) },
  { what: "a header with a bad checksum", kind: "ambiguous", outcome: "corrupt", bytes: () => bundle([rawEntry({ name: "./include/bad.h", checksum: 1234 }, "x"), fifo("./include/pipe")]) },
  {
    what: "a size with stray characters after its digits",
    kind: "ambiguous",
    outcome: "corrupt",
    bytes: () => bundle([Buffer.concat([rawHeader({ name: "./include/x.h", sizeField: "0000000001x" }), padded(Buffer.from("x"))])]),
  },
  { what: "a Solaris extended header (tar type X)", kind: "ambiguous", outcome: "special_file", bytes: () => bundle([rawEntry({ name: "./include/x", type: "X" }, paxRecords([["path", "BUNDLE_UNAME"]]))]) },
  { what: "a pax GNU dump directory", kind: "ambiguous", outcome: "ambiguous_entry", bytes: () => bundle([paxEntry([["GNU.dumpdir", "Yx"]]), rawEntry({ name: "./include/d/", type: "5" })]) },
];

const plain: CorpusArchive[] = [
  { what: "a global pax comment, as git archive writes", kind: "plain", outcome: "accepted", bytes: () => gzipAll([paxEntry([["comment", "3f8a1c0f2b6d4e5a9c7b1d2e3f4a5b6c7d8e9f0a"]], "g"), ...bundleHead(), endOfArchive()]) },
  {
    what: "GNU long names and link targets",
    kind: "plain",
    outcome: "accepted",
    bytes: () =>
      bundle([
        gnuLongEntry("L", `./include/${"n".repeat(200)}/${"m".repeat(200)}.h`),
        rawEntry({ name: "./include/placeholder", format: "gnu" }, "x"),
        gnuLongEntry("K", `generated/${"../generated/".repeat(20)}utsrelease.h`),
        gnuLongEntry("L", `./include/${"l".repeat(200)}`),
        rawEntry({ name: "./include/l", type: "2", format: "gnu" }),
      ]),
  },
  {
    what: "pax paths and link targets",
    kind: "plain",
    outcome: "accepted",
    bytes: () => bundle([paxEntry([["path", `include/${"p".repeat(250)}/${"q".repeat(250)}.h`]]), rawEntry({ name: "./include/short.h" }, "x"), paxEntry([["path", "include/pl"], ["linkpath", `generated/${"./".repeat(100)}utsrelease.h`]]), rawEntry({ name: "./include/pl0", type: "2", linkname: "x" })]),
  },
  { what: "a name split into the ustar prefix", kind: "plain", outcome: "accepted", bytes: () => bundle([rawEntry({ name: "deep.h", prefix: `./include/${"d".repeat(60)}/${"e".repeat(60)}` }, "x")]) },
  {
    what: "a GNU-format header with bytes where POSIX keeps the prefix",
    kind: "plain",
    outcome: "accepted",
    bytes: () => bundle([rawEntry({ name: "./include/gnu.h", prefix: "ignored-by-gnu-format", format: "gnu" }, "x")]),
  },
  { what: "contiguous and old-style regular files", kind: "plain", outcome: "accepted", bytes: () => bundle([rawEntry({ name: "./include/c.h", type: "7" }, "x"), rawEntry({ name: "./include/o.h", type: "\u0000" }, "y")]) },
  { what: "a name with a component over 255 bytes, which no file system takes", kind: "ambiguous", outcome: "unsafe_path", bytes: () => bundle([paxEntry([["path", `include/${"n".repeat(256)}.h`]]), rawEntry({ name: "./include/x.h" }, "x")]) },
  { what: "a size in base-256", kind: "plain", outcome: "accepted", bytes: () => bundle([base256Sized("./include/b.h", "base-256\n")]) },
  { what: "odd spellings of names", kind: "plain", outcome: "accepted", bytes: () => bundle([rawEntry({ name: "include//generated/./odd.h" }, "x"), rawEntry({ name: "./include/./", type: "5" })]) },
  {
    what: "pax keys GNU tar ignores or only records",
    kind: "plain",
    outcome: "accepted",
    bytes: () => bundle([paxEntry([["hdrcharset", "BINARY"], ["mtime", "1700000000.5"], ["SCHILY.xattr.user.x", "y"], ["LIBARCHIVE.creationtime", "1"], ["comment", "hello"]]), rawEntry({ name: "./include/k.h" }, "x")]),
  },
  {
    what: "hard links to earlier files and symlink chains that stay inside",
    kind: "plain",
    outcome: "accepted",
    bytes: () =>
      bundle([
        rawEntry({ name: "./include/again.h", type: "1", linkname: "./include/generated/utsrelease.h" }),
        rawEntry({ name: "./s", type: "2", linkname: "." }),
        rawEntry({ name: "./t", type: "2", linkname: "s/s/include/../include/generated" }),
        rawEntry({ name: "./include/generated/top", type: "2", linkname: "../../t/utsrelease.h" }),
      ]),
  },
  { what: "a pax size that overrides the header's", kind: "plain", outcome: "accepted", bytes: () => bundle([paxEntry([["size", "5"]]), Buffer.concat([rawHeader({ name: "./include/five.h", size: 0 }), padded(Buffer.from("five\n"))])]) },
];

const costly: CorpusArchive[] = [
  { what: "600 symlinks with 3 KiB targets, 600 directories deep", kind: "costly", outcome: "accepted", bytes: () => deepSymlinkBundle(600) },
  { what: "1,500 such symlinks and no BUNDLE_UNAME: refused once every link is followed", kind: "costly", outcome: "missing_field", bytes: () => deepSymlinkBundle(1500, { uname: false }) },
  {
    what: "a global pax header over the cap",
    kind: "costly",
    outcome: "huge_header",
    bytes: () => gzipAll([paxEntry([["comment", "g".repeat(64 * 1024)]], "g"), ...bundleHead(), endOfArchive()]),
  },
  {
    what: "a global pax header near the cap and 50,000 local ones",
    kind: "costly",
    outcome: "accepted",
    bytes: () => gzipAll([paxEntry([["comment", "g".repeat(15 * 1024)]], "g"), ...bundleHead(), ...times(50_000, (i) => Buffer.concat([paxEntry([["path", `include/generated/p${i}.h`], ["comment", "c".repeat(300)]]), rawEntry({ name: "./p" })])), endOfArchive()]),
  },
  {
    what: "100,001 files each with a pax header: headers count as entries",
    kind: "costly",
    outcome: "too_many_entries",
    bytes: () => bundle(times(100_001, (i) => Buffer.concat([paxEntry([["mtime", String(i)]]), rawEntry({ name: `./include/generated/f${i}.h` })]))),
  },
  {
    what: "20,000 entries with 4 KiB GNU long names: refused for its ratio before its names add up",
    kind: "costly",
    outcome: "ratio",
    bytes: () => bundle(times(20_000, (i) => Buffer.concat([gnuLongEntry("L", `./include/${"n/".repeat(2000)}f${i}.h`), rawEntry({ name: "./f", format: "gnu" })]))),
  },
  { what: "a pax sparse map of 16 KiB", kind: "costly", outcome: "special_file", bytes: () => bundle([paxEntry([["GNU.sparse.map", "0,1,".repeat(4000)]]), rawEntry({ name: "./include/s.h" }, "x")]) },
  {
    what: "a gzip bomb of zeros after the end marker",
    kind: "costly",
    outcome: "ratio",
    bytes: () => gzipAll([...bundleHead(), endOfArchive(), ...times(64, () => Buffer.alloc(1024 ** 2))]),
  },
  {
    what: "a chain of 20,000 symlinks, each through the one before",
    kind: "costly",
    outcome: "accepted",
    bytes: () => bundle([rawEntry({ name: "./include/c0", type: "2", linkname: "generated" }), ...times(19_999, (i) => rawEntry({ name: `./include/c${i + 1}`, type: "2", linkname: `c${i}/../generated` }))]),
  },
  { what: "50,000 hard links to one file", kind: "costly", outcome: "accepted", bytes: () => bundle(times(50_000, (i) => rawEntry({ name: `./include/generated/h${i}.h`, type: "1", linkname: "./include/generated/utsrelease.h" }))) },
];

/**
 * `count` symbolic links 600 directories deep, each with a 3 KiB target back
 * down to a file there: what stalled the dashboard when links were followed
 * by joining every prefix of every target (a 540 KB upload, 38 s).
 */
export function deepSymlinkBundle(count: number, options: { uname?: boolean } = {}): Promise<Buffer> {
  const deep = `include/${"d/".repeat(600)}`;
  const link = (i: number) => Buffer.concat([paxEntry([["path", `${deep}l${i}`], ["linkpath", `${"../".repeat(601)}${deep}f`]]), rawEntry({ name: "./l", type: "2" })]);
  const head = options.uname === false ? bundleHead().filter((_, i) => i !== 1) : bundleHead();
  return gzipAll([...head, paxEntry([["path", `${deep}f`]]), rawEntry({ name: "./f" }, "x"), ...times(count, link), endOfArchive()]);
}

/** A file whose name is Latin-1, not UTF-8. */
function latin1Name(name: string): Buffer {
  const header = rawHeader({ name: "placeholder", size: 1 });
  header.fill(0, 0, 100);
  header.write(name, 0, 100, "latin1");
  return Buffer.concat([fixChecksum(header), padded(Buffer.from("x"))]);
}

function base256Sized(name: string, content: string): Buffer {
  const header = rawHeader({ name, size: 0 });
  header.fill(0, 124, 136);
  header[124] = 0x80;
  header.writeUInt32BE(Buffer.byteLength(content), 132);
  return Buffer.concat([fixChecksum(header), padded(Buffer.from(content))]);
}

function fixChecksum(header: Buffer): Buffer {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, "0"), 148, 6, "latin1");
  header[154] = 0;
  header[155] = 0x20;
  return header;
}

export const hostileCorpus: readonly CorpusArchive[] = [...ambiguous, ...plain, ...costly];
