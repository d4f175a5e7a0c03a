// One line of build output is kept up to MAX_LINE_BYTES: a program that
// prints hundreds of megabytes without a newline must not make the dashboard
// hold them (or fail to make a string of them). The rest of such a line is
// dropped, and the line says so.

export const MAX_LINE_BYTES = 64 * 1024;
export const LINE_CUT_MARKER = ` … [kobuild: line cut at ${MAX_LINE_BYTES / 1024} KiB]`;

/** The longest start of `bytes` that is at most `max` bytes and ends on a whole UTF-8 character. */
export function utf8Prefix(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}
