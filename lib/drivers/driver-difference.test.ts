import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { describeDriverDifference, elfSections } from "./driver-difference";

/** A minimal little-endian ELF64 relocatable file with the given sections (what a .ko is, in shape). */
function elf(sections: Record<string, string>): Buffer {
  const names = ["", ...Object.keys(sections), ".shstrtab"];
  const shstrtab = Buffer.from(`${names.join("\0")}\0`, "latin1");
  const nameOffsets = names.map((_, i) => names.slice(0, i).reduce((n, s) => n + s.length + 1, 0));
  const bodies = [Buffer.alloc(0), ...Object.values(sections).map((s) => Buffer.from(s, "latin1")), shstrtab];
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // 64-bit
  header[5] = 1; // little-endian
  header[6] = 1;
  header.writeUInt16LE(1, 0x10); // ET_REL
  header.writeUInt16LE(62, 0x12); // x86-64
  let offset = 64;
  const placed = bodies.map((b) => {
    const at = offset;
    offset += b.length;
    return at;
  });
  header.writeBigUInt64LE(BigInt(offset), 0x28);
  header.writeUInt16LE(64, 0x3a);
  header.writeUInt16LE(names.length, 0x3c);
  header.writeUInt16LE(names.length - 1, 0x3e);
  const table = Buffer.alloc(64 * names.length);
  names.forEach((_, i) => {
    table.writeUInt32LE(nameOffsets[i]!, i * 64);
    table.writeUInt32LE(i === 0 ? 0 : i === names.length - 1 ? 3 : 1, i * 64 + 4);
    table.writeBigUInt64LE(BigInt(placed[i]!), i * 64 + 0x18);
    table.writeBigUInt64LE(BigInt(bodies[i]!.length), i * 64 + 0x20);
  });
  return Buffer.concat([header, ...bodies, table]);
}

const kernelModule = (modinfo: string, text = "\x55\x48\x89\xe5") => elf({ ".text": text, ".modinfo": modinfo });
const gz = (b: Buffer, mtime = 0) => {
  const z = gzipSync(b);
  z.writeUInt32LE(mtime, 4);
  return z;
};

describe("describeDriverDifference", () => {
  it("finds nothing in identical files", () => {
    const file = gz(kernelModule("license=GPL\0vermagic=6.1.0-27-amd64 SMP\0"));
    expect(describeDriverDifference(file, Buffer.from(file))).toEqual([]);
  });

  it("names the gzip timestamp when only the header differs", () => {
    const inner = kernelModule("license=GPL\0");
    expect(describeDriverDifference(gz(inner, 0), gz(inner, 1764700000))).toEqual(["the gzip header: its timestamp (none and 2025-12-02T18:26:40.000Z: gzip without -n)"]);
  });

  it("names the .modinfo keys that changed, and other changed sections", () => {
    const a = gz(kernelModule("license=GPL\0srcversion=AAAA\0vermagic=6.1.0-27-amd64 SMP\0"));
    const b = gz(kernelModule("license=GPL\0srcversion=BBBB\0vermagic=6.1.0-27-amd64 SMP\0", "\x55\x48\x89\xe6"));
    expect(describeDriverDifference(a, b)).toEqual(["section .text", "section .modinfo (srcversion: AAAA → BBBB)"]);
  });

  it("says when the module inside is the same and only the compression differs", () => {
    const inner = kernelModule("license=GPL\0");
    const other = gzipSync(inner, { level: 1 });
    other.writeUInt32LE(0, 4);
    other[8] = gz(inner)[8]!;
    const differences = describeDriverDifference(gz(inner), other);
    expect(differences).toEqual(["the compressed streams (another gzip or compression level); the module inside is the same"]);
  });

  it("reads the sections of an ELF file and refuses what is not one", () => {
    expect(elfSections(kernelModule("a=b\0"))!.map((s) => s.name)).toEqual(["", ".text", ".modinfo", ".shstrtab"]);
    expect(elfSections(Buffer.from("not an elf file at all, just text that is long enough to look at............"))).toBeNull();
  });
});
