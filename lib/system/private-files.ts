import fs from "node:fs";

// The data directory holds the database (sessions, token hashes, sealed
// registry passwords, build logs that may name credentials) and the key that
// seals them: only kobuild's own user may enter it.

/** Makes (or narrows) a directory to mode 0700. */
export function makePrivateDir(dir: string) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

/** Narrows each existing file to mode 0600; creates none. */
export function makePrivateFiles(files: string[]) {
  for (const file of files) {
    try {
      if ((fs.statSync(file).mode & 0o777) !== 0o600) fs.chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
}
