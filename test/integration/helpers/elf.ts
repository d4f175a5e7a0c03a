import { gunzipSync } from "node:zlib";

/** ELF e_machine values the driver checks care about. */
export const EM_X86_64 = 62;
export const EM_BPF = 247;
/** e_type of a relocatable object: both .ko and eBPF .o files are ET_REL. */
export const ET_REL = 1;

export interface ElfHeader {
  type: number;
  machine: number;
}

interface Section {
  name: string;
  offset: number;
  size: number;
}

function assertElf64(buf: Buffer): boolean {
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error("not an ELF file");
  if (buf[4] !== 2) throw new Error("not a 64-bit ELF file");
  return buf[5] === 1; // little endian
}

/** What `readelf -h` reports as Type and Machine. */
export function elfHeader(buf: Buffer): ElfHeader {
  const le = assertElf64(buf);
  return {
    type: le ? buf.readUInt16LE(16) : buf.readUInt16BE(16),
    machine: le ? buf.readUInt16LE(18) : buf.readUInt16BE(18),
  };
}

function sections(buf: Buffer): Section[] {
  const le = assertElf64(buf);
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const u64 = (o: number) => Number(le ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
  const shoff = u64(0x28);
  const shentsize = u16(0x3a);
  const shnum = u16(0x3c);
  const shstrndx = u16(0x3e);
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return { nameOffset: u32(at), offset: u64(at + 24), size: u64(at + 32) };
  });
  const names = raw[shstrndx];
  if (!names) throw new Error("ELF file without a section name table");
  return raw.map((s) => {
    const start = names.offset + s.nameOffset;
    const end = buf.indexOf(0, start);
    return { name: buf.toString("latin1", start, end), offset: s.offset, size: s.size };
  });
}

/** The key=value entries of a kernel module's .modinfo section, as `modinfo` lists them. */
export function modinfo(ko: Buffer): Map<string, string[]> {
  const section = sections(ko).find((s) => s.name === ".modinfo");
  if (!section) throw new Error("no .modinfo section: not a kernel module");
  const entries = new Map<string, string[]>();
  for (const entry of ko.toString("latin1", section.offset, section.offset + section.size).split("\0")) {
    const eq = entry.indexOf("=");
    if (eq <= 0) continue;
    const key = entry.slice(0, eq);
    entries.set(key, [...(entries.get(key) ?? []), entry.slice(eq + 1)]);
  }
  return entries;
}

export function sectionNames(buf: Buffer): string[] {
  return sections(buf).map((s) => s.name);
}

export function gunzipFile(gz: Buffer): Buffer {
  return gunzipSync(gz);
}
