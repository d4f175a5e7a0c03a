import { BundleError } from "./bundle-error";

/**
 * The records of a pax extended header ("<length> <key>=<value>\n", the
 * length counting the whole record). Only the canonical form is taken: a
 * record GNU tar and another reader could split differently (a length with
 * leading zeros or spaces, no newline, a key given twice) is refused.
 */
export function parsePaxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const lengthText = space === -1 ? "" : data.toString("latin1", at, space);
    if (!/^[1-9][0-9]{0,5}$/.test(lengthText)) throw malformed("a record length is not a number");
    const end = at + Number(lengthText);
    if (end > data.length || data[end - 1] !== 0x0a) throw malformed("a record does not end where its length says");
    const equals = data.indexOf(0x3d, space + 1);
    if (equals === -1 || equals >= end - 1 || equals === space + 1) throw malformed("a record has no key=value");
    const key = utf8(data.subarray(space + 1, equals));
    if (records.has(key)) throw malformed(`the key ${JSON.stringify(key.slice(0, 100))} appears twice`);
    records.set(key, utf8(data.subarray(equals + 1, end - 1)));
    at = end;
  }
  return records;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function utf8(bytes: Buffer): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw malformed("a record is not UTF-8 text");
  }
}

function malformed(what: string): BundleError {
  return new BundleError("ambiguous_entry", `a pax extended header is malformed: ${what}`);
}
