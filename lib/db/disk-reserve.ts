import "server-only";
import fs from "node:fs";
import path from "node:path";

// Space held beside the database for the last words of a build when the disk
// fills: a failed write does not reliably free enough for the next one, and a
// build whose outcome cannot be written stays "running" for ever.
const RESERVE_BYTES = 1024 * 1024;

const reservePath = (databaseFile: string) => path.join(path.dirname(databaseFile), "kobuild.reserve");

/** Holds the reserve beside the database file, if the disk has room for it (a full disk simply goes without until space returns). */
export function keepDiskReserve(databaseFile: string) {
  const file = reservePath(databaseFile);
  try {
    if (fs.statSync(file).size === RESERVE_BYTES) return;
  } catch {
    // Not there yet.
  }
  try {
    // Real bytes, not a hole: a sparse file would hold no space at all.
    fs.writeFileSync(file, Buffer.alloc(RESERVE_BYTES), { mode: 0o600 });
  } catch {
    fs.rmSync(file, { force: true });
  }
}

/** Gives the reserve back to the disk; true when there was one. */
export function releaseDiskReserve(databaseFile: string): boolean {
  const file = reservePath(databaseFile);
  if (!fs.existsSync(file)) return false;
  fs.rmSync(file, { force: true });
  return true;
}
