import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTarEntries, TarParser, wholeText, type ArchiveEntry } from "./tar-entries";

// Archives written by GNU tar in the formats an engine's tar (Go's archive/tar)
// uses: ustar, pax (long and non-ASCII names) and GNU (long names as 'L' entries).
let dir: string;
const files: Record<string, Buffer> = {};
const longDir = `kernel-modules/${"2.5.0-".padEnd(60, "x")}`;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-tar-"));
  const tree = path.join(dir, "tree");
  const put = (name: string, bytes: Buffer) => {
    fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
    fs.writeFileSync(path.join(tree, name), bytes);
    files[`/${name}`] = bytes;
  };
  put("kernel-modules/2.5.0/collector-6.1.0-56-amd64.ko.gz", Buffer.from("a".repeat(700)));
  put("kernel-modules/2.5.0/.collector-ebpf-6.1.0-56-amd64.unavail", Buffer.alloc(0));
  // 200 KiB: a body that spans many chunks and blocks.
  put("kernel-modules/2.5.0/collector-ebpf-6.1.0-56-amd64.o.gz", Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 7) % 251)));
  put(`${longDir}/collector-4.15.0-1098-gcp~16.04-with-a-name-longer-than-a-ustar-header-holds.ko.gz`, Buffer.from("long"));
  put("FAILURES/6.1.0-56-amd64/2.5.0/mod.log", Buffer.from("gcc: error: ünïcode\n"));
  fs.symlinkSync("collector-6.1.0-56-amd64.ko.gz", path.join(tree, "kernel-modules/2.5.0/latest.ko.gz"));
  // A target longer than a ustar header holds: pax writes it as linkpath, GNU as a 'K' entry.
  fs.mkdirSync(path.join(tree, "kernel-modules/links"));
  fs.symlinkSync(`../${longDir.slice("kernel-modules/".length)}/collector-4.15.0-1098-gcp~16.04-with-a-name-longer-than-a-ustar-header-holds.ko.gz`, path.join(tree, "kernel-modules/links/far.ko.gz"));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function archive(format: "pax" | "gnu" | "ustar-short") {
  const out = path.join(dir, `${format}.tar`);
  const names = format === "ustar-short" ? ["kernel-modules/2.5.0", "FAILURES"] : ["kernel-modules", "FAILURES"];
  execFileSync("tar", ["-C", path.join(dir, "tree"), `--format=${format === "ustar-short" ? "ustar" : format}`, "--sort=name", "-cf", out, ...names]);
  return fs.readFileSync(out);
}

/** Parses `bytes` fed in chunks of `size`, and returns every entry with its content's sha256. */
function parse(bytes: Buffer, size: number) {
  const seen: (ArchiveEntry & { sha256?: string })[] = [];
  const parser = new TarParser((entry) => {
    const record: ArchiveEntry & { sha256?: string } = { ...entry };
    seen.push(record);
    const hash = createHash("sha256");
    return { data: (chunk) => hash.update(chunk), end: () => (record.sha256 = hash.digest("hex")) };
  });
  for (let at = 0; at < bytes.length; at += size) parser.push(bytes.subarray(at, at + size));
  parser.end();
  return seen;
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("TarParser", () => {
  for (const format of ["pax", "gnu"] as const) {
    it(`reads every file of a ${format} archive whole, long and non-ASCII names included, in chunks of any size`, () => {
      const bytes = archive(format);
      for (const size of [1, 7, 512, 513, 65536, bytes.length]) {
        const entries = parse(bytes, size);
        const got = Object.fromEntries(entries.filter((e) => e.type === "file").map((e) => [e.pathInImage, e.sha256]));
        expect(got).toEqual(Object.fromEntries(Object.entries(files).map(([name, b]) => [name, sha(b)])));
        expect(entries.filter((e) => e.type === "file").map((e) => e.size)).toEqual(entries.filter((e) => e.type === "file").map((e) => files[e.pathInImage]!.length));
        expect(entries.find((e) => e.pathInImage === "/kernel-modules/2.5.0/latest.ko.gz")).toMatchObject({ type: "symlink", linkname: "collector-6.1.0-56-amd64.ko.gz" });
        expect(entries.find((e) => e.pathInImage === "/kernel-modules/links/far.ko.gz")?.linkname).toBe(fs.readlinkSync(path.join(dir, "tree/kernel-modules/links/far.ko.gz")));
        expect(entries.find((e) => e.pathInImage === "/kernel-modules/2.5.0")?.type).toBe("directory");
      }
    });
  }

  it("fails an archive cut short instead of returning fewer entries", () => {
    const bytes = archive("ustar-short");
    expect(() => parse(bytes, 4096)).not.toThrow();
    for (const cut of [100, 512, 812, bytes.length >> 1]) {
      expect(() => parse(bytes.subarray(0, cut), 4096), `cut at ${cut}`).toThrow(/ended in the middle of an entry/);
    }
  });

  it("fails a damaged header", () => {
    const bytes = Buffer.from(archive("ustar-short"));
    bytes[10] = bytes[10]! ^ 0x20;
    expect(() => parse(bytes, 4096)).toThrow(/checksum/);
  });

  it("reads a stream, and an abort ends the read with the signal's reason", async () => {
    const bytes = archive("gnu");
    const names: string[] = [];
    await readTarEntries(Readable.from([bytes.subarray(0, 3000), bytes.subarray(3000)]), (entry) => (names.push(entry.pathInImage), null));
    expect(names).toContain("/FAILURES/6.1.0-56-amd64/2.5.0/mod.log");

    const controller = new AbortController();
    const endless = new Readable({ read() {} });
    endless.push(bytes.subarray(0, 1024));
    const reading = readTarEntries(endless, () => null, controller.signal);
    controller.abort(new Error("the build was cancelled"));
    await expect(reading).rejects.toThrow("the build was cancelled");
  });
});

describe("wholeText", () => {
  it("gives an entry's chunks as one text, and refuses one that passes its limit", () => {
    let text = "";
    const sink = wholeText(8, "too large", (t) => (text = t));
    sink.data(Buffer.from("6.1 "));
    sink.data(Buffer.from("mod"));
    sink.end();
    expect(text).toBe("6.1 mod");
    const big = wholeText(8, "the task file is too large", () => undefined);
    big.data(Buffer.from("12345678"));
    expect(() => big.data(Buffer.from("9"))).toThrow("the task file is too large");
  });
});
