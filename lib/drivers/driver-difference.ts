import { gunzipSync } from "node:zlib";

// Where two builds of one driver file differ, in words a reviewer can act on:
// the gzip header (a timestamp, a file name), the compression alone, or the
// ELF sections of the module or probe inside (and for .modinfo, its keys).

const GZIP_FLAGS = { FNAME: 0x08 } as const;

export function describeDriverDifference(expected: Buffer, actual: Buffer): string[] {
  if (expected.equals(actual)) return [];
  const differences: string[] = [];
  const header = gzipHeaderDifference(expected, actual);
  if (header) differences.push(header);
  let a: Buffer;
  let b: Buffer;
  try {
    a = gunzipSync(expected);
    b = gunzipSync(actual);
  } catch {
    return [...differences, `the files differ from byte ${firstDifference(expected, actual)} (one is not gzip)`];
  }
  if (a.equals(b)) {
    if (!header) differences.push("the compressed streams (another gzip or compression level); the module inside is the same");
    return differences;
  }
  const sections = elfSectionDifferences(a, b);
  if (sections) differences.push(...sections);
  else differences.push(`the uncompressed files differ from byte ${firstDifference(a, b)} (${a.length} and ${b.length} bytes)`);
  return differences;
}

function gzipHeaderDifference(a: Buffer, b: Buffer): string | null {
  if (a.length < 10 || b.length < 10 || a[0] !== 0x1f || a[1] !== 0x8b || b[0] !== 0x1f || b[1] !== 0x8b) return null;
  const parts: string[] = [];
  const mtimeA = a.readUInt32LE(4);
  const mtimeB = b.readUInt32LE(4);
  if (mtimeA !== mtimeB) parts.push(`its timestamp (${stamp(mtimeA)} and ${stamp(mtimeB)}: gzip without -n)`);
  if ((a[3]! & GZIP_FLAGS.FNAME) !== (b[3]! & GZIP_FLAGS.FNAME)) parts.push("whether it names the original file (gzip without -n)");
  if (a[9] !== b[9]) parts.push(`the operating system byte (${a[9]} and ${b[9]})`);
  return parts.length ? `the gzip header: ${parts.join(", ")}` : null;
}

const stamp = (seconds: number) => (seconds === 0 ? "none" : new Date(seconds * 1000).toISOString());

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

type Section = { name: string; data: Buffer };

/** The sections of a little-endian ELF64 file (kernel modules and eBPF objects on x86_64), or null for anything else. */
export function elfSections(file: Buffer): Section[] | null {
  if (file.length < 64 || file.readUInt32BE(0) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) return null;
  const shoff = Number(file.readBigUInt64LE(0x28));
  const shentsize = file.readUInt16LE(0x3a);
  const shnum = file.readUInt16LE(0x3c);
  const shstrndx = file.readUInt16LE(0x3e);
  if (shentsize < 64 || shoff + shnum * shentsize > file.length || shstrndx >= shnum) return null;
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    const type = file.readUInt32LE(at + 4);
    const offset = Number(file.readBigUInt64LE(at + 0x18));
    const size = Number(file.readBigUInt64LE(at + 0x20));
    // NOBITS (.bss) takes no room in the file.
    const data = type === 8 || offset + size > file.length ? Buffer.alloc(0) : file.subarray(offset, offset + size);
    raw.push({ nameOffset: file.readUInt32LE(at), data });
  }
  const names = raw[shstrndx]!.data;
  return raw.map((s) => ({ name: names.toString("latin1", s.nameOffset, Math.max(s.nameOffset, names.indexOf(0, s.nameOffset))), data: s.data }));
}

function elfSectionDifferences(a: Buffer, b: Buffer): string[] | null {
  const left = elfSections(a);
  const right = elfSections(b);
  if (!left || !right) return null;
  const byName = (sections: Section[]) => new Map(sections.filter((s) => s.name).map((s) => [s.name, s.data]));
  const l = byName(left);
  const r = byName(right);
  const out: string[] = [];
  const only = (x: Map<string, Buffer>, y: Map<string, Buffer>) => [...x.keys()].filter((k) => !y.has(k));
  const missing = only(l, r);
  const added = only(r, l);
  if (missing.length) out.push(`sections only in the published file: ${missing.join(", ")}`);
  if (added.length) out.push(`sections only in the reproduction: ${added.join(", ")}`);
  const changed = [...l.keys()].filter((k) => r.has(k) && !l.get(k)!.equals(r.get(k)!));
  for (const name of changed) {
    if (name === ".modinfo") {
      const keys = modinfoDifferences(l.get(name)!, r.get(name)!);
      out.push(`section .modinfo${keys.length ? ` (${keys.join(", ")})` : ""}`);
    } else out.push(`section ${name}`);
  }
  // Same sections with the same bytes: the layout (offsets, headers, padding) differs.
  if (out.length === 0) out.push(`the ELF layout: every section is the same, the files differ from byte ${firstDifference(a, b)}`);
  return out;
}

/** The .modinfo keys whose values differ (vermagic, srcversion, a version string...). */
function modinfoDifferences(a: Buffer, b: Buffer): string[] {
  const read = (buf: Buffer) => {
    const entries = new Map<string, string[]>();
    for (const item of buf.toString("latin1").split("\0").filter(Boolean)) {
      const eq = item.indexOf("=");
      const key = eq === -1 ? item : item.slice(0, eq);
      entries.set(key, [...(entries.get(key) ?? []), eq === -1 ? "" : item.slice(eq + 1)]);
    }
    return entries;
  };
  const x = read(a);
  const y = read(b);
  const keys = [...new Set([...x.keys(), ...y.keys()])];
  return keys.filter((k) => JSON.stringify(x.get(k) ?? []) !== JSON.stringify(y.get(k) ?? [])).map((k) => {
    const [before, after] = [x.get(k)?.join(","), y.get(k)?.join(",")];
    return `${k}: ${before ?? "absent"} → ${after ?? "absent"}`;
  });
}
