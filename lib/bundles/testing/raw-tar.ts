// Tar archives written block by block, for tests and the benchmark: unlike
// tar-stream's packer this writes any header a hostile uploader could (a
// link with data, a global pax path, a sparse type, a bad checksum...).

export type RawHeader = {
  name: string;
  /** The typeflag character: "0" file, "1" hard link, "2" symlink, "5" directory, "x" pax, "g" global pax, "L" GNU long name... */
  type?: string;
  size?: number;
  linkname?: string;
  mode?: number;
  /** The ustar prefix field (prepended to the name with a slash by readers of the ustar format). */
  prefix?: string;
  /** `ustar` (POSIX, the default), `gnu` (GNU tar's own) or `v7` (no magic). */
  format?: "ustar" | "gnu" | "v7";
  /** Stored as is instead of the computed checksum. */
  checksum?: number;
  /** Raw text for the size field instead of the octal number. */
  sizeField?: string;
};

const block = 512;

/** One 512-byte header block. */
export function rawHeader(h: RawHeader): Buffer {
  const buf = Buffer.alloc(block);
  buf.write(h.name, 0, 100, "utf8");
  writeOctal(buf, 100, 8, h.mode ?? (h.type === "5" ? 0o755 : 0o644));
  writeOctal(buf, 108, 8, 0);
  writeOctal(buf, 116, 8, 0);
  if (h.sizeField !== undefined) buf.write(h.sizeField.padEnd(12, "\0").slice(0, 12), 124, 12, "latin1");
  else writeOctal(buf, 124, 12, h.size ?? 0);
  writeOctal(buf, 136, 12, 1_700_000_000);
  buf.write(h.type ?? "0", 156, 1, "latin1");
  if (h.linkname) buf.write(h.linkname, 157, 100, "utf8");
  const format = h.format ?? "ustar";
  if (format === "ustar") buf.write("ustar\u000000", 257, 8, "latin1");
  if (format === "gnu") buf.write("ustar  \u0000", 257, 8, "latin1");
  if (h.prefix) buf.write(h.prefix, 345, 155, "utf8");
  buf.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of buf) sum += byte;
  writeOctal(buf, 148, 7, h.checksum ?? sum);
  buf[155] = 0x20;
  return buf;
}

function writeOctal(buf: Buffer, at: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, "0"), at, width - 1, "latin1");
  buf[at + width - 1] = 0;
}

/** Bytes padded with zeros to whole blocks. */
export function padded(data: Buffer): Buffer {
  const rest = data.length % block;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(block - rest)]);
}

/** A header and its data. */
export function rawEntry(h: RawHeader, data: Buffer | string = Buffer.alloc(0)): Buffer {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  return Buffer.concat([rawHeader({ size: bytes.length, ...h }), padded(bytes)]);
}

/** pax records as POSIX writes them: "<length> <key>=<value>\n", the length counting itself. */
export function paxRecords(records: [string, string][]): Buffer {
  return Buffer.concat(
    records.map(([key, value]) => {
      const body = ` ${key}=${value}\n`;
      const bodyBytes = Buffer.byteLength(body);
      let length = bodyBytes + 1;
      while (String(length).length + bodyBytes !== length) length++;
      return Buffer.from(`${length}${body}`);
    }),
  );
}

/** A local ("x") or global ("g") pax header with its records. */
export function paxEntry(records: [string, string][], type: "x" | "g" = "x"): Buffer {
  return rawEntry({ name: type === "g" ? "pax_global_header" : "PaxHeaders/entry", type }, paxRecords(records));
}

/** A GNU long name ("L") or long link target ("K") header, as GNU tar writes one: the name and a NUL. */
export function gnuLongEntry(type: "L" | "K", name: string): Buffer {
  return rawEntry({ name: "././@LongLink", type, format: "gnu" }, Buffer.concat([Buffer.from(name), Buffer.alloc(1)]));
}

/** The end-of-archive marker: two zero blocks. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * block);
}

/** A whole archive of the given pieces and the end marker. */
export function rawTar(pieces: Buffer[]): Buffer {
  return Buffer.concat([...pieces, endOfArchive()]);
}
