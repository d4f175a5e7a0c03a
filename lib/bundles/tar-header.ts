import { BundleError } from "./bundle-error";

/** One 512-byte tar header as GNU tar would read it, before pax or GNU long names apply. */
export type TarHeader = {
  /** The name field, with the ustar prefix when the format has one; raw bytes, decoded later. */
  name: Buffer;
  linkname: Buffer;
  /** The typeflag byte as a character; "\0" is an old regular file. */
  typeflag: string;
  size: number;
};

export const tarBlock = 512;

const ustarMagic = Buffer.from("ustar\u000000", "latin1");
const gnuMagic = Buffer.from("ustar  \u0000", "latin1");

/**
 * Decodes a header block, refusing anything two readers could take two ways:
 * a checksum only GNU tar's signed sum would accept, a number with stray
 * characters (GNU tar errors, tar-stream reads the digits before them), a
 * pre-POSIX header without magic. `first` says whether it is the archive's
 * first block, which decides between not_tar and corrupt.
 */
export function decodeTarHeader(block: Buffer, first: boolean): TarHeader {
  const fail = (what: string) => new BundleError(first ? "not_tar" : "corrupt", first ? "the gzip data is not a tar archive" : `a tar header is damaged: ${what}`);
  const stored = number(block, 148, 8);
  if (stored === null || stored !== checksum(block)) throw fail("its checksum does not match");
  const magic = block.subarray(257, 265);
  const ustar = magic.equals(ustarMagic);
  if (!ustar && !magic.equals(gnuMagic)) throw fail("it is neither a POSIX nor a GNU tar header");
  for (const [at, width, field] of [[100, 8, "mode"], [108, 8, "uid"], [116, 8, "gid"], [136, 12, "mtime"]] as const) {
    if (number(block, at, width) === null) throw fail(`its ${field} is not a number`);
  }
  const size = number(block, 124, 12);
  if (size === null) throw fail("its size is not a number");
  const name = cString(block, 0, 100);
  // GNU tar joins the prefix only in the POSIX format; its own format keeps other fields there.
  const prefix = ustar ? cString(block, 345, 155) : Buffer.alloc(0);
  return {
    name: prefix.length > 0 ? Buffer.concat([prefix, Buffer.from("/"), name]) : name,
    linkname: cString(block, 157, 100),
    typeflag: String.fromCharCode(block[156] ?? 0),
    size,
  };
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The checksum with its own field counted as spaces, as POSIX defines it (the unsigned sum). */
function checksum(block: Buffer): number {
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += block[i]!;
  for (let i = 156; i < tarBlock; i++) sum += block[i]!;
  return sum;
}

/**
 * An octal field (leading spaces, digits, then only spaces or NULs) or a
 * positive base-256 one; null for anything else, blanks included, which GNU
 * tar reports as an error.
 */
function number(block: Buffer, at: number, width: number): number | null {
  const end = at + width;
  if (block[at] === 0x80) {
    let value = 0;
    for (let i = at + 1; i < end; i++) value = value * 256 + block[i]!;
    return Number.isSafeInteger(value) ? value : null;
  }
  let i = at;
  while (i < end && block[i] === 0x20) i++;
  let value = 0;
  let digits = 0;
  for (; i < end && block[i]! >= 0x30 && block[i]! <= 0x37; i++, digits++) value = value * 8 + (block[i]! - 0x30);
  if (digits === 0) return null;
  for (; i < end; i++) if (block[i] !== 0x20 && block[i] !== 0) return null;
  return value;
}

function cString(block: Buffer, at: number, width: number): Buffer {
  const nul = block.indexOf(0, at);
  return block.subarray(at, nul === -1 || nul > at + width ? at + width : nul);
}
