import "server-only";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { KEY_FILE_NAME } from "@/lib/auth/secret-box";
import { makePrivateDir } from "@/lib/host/private-files";

// A backup is what kobuild cannot make again: the database (users, token
// hashes, sealed secrets, builds, logs, images' records) and the key that
// opens its sealed secrets, plus the installation's id (its images' default
// tags carry it). Bundles, checkouts and caches are files kobuild or its users
// can bring back; they are left out and the README says how to copy them.

export const DATABASE_FILE = "kobuild.db";
export const INSTANCE_ID_FILE = "instance-id";
export const MANIFEST_FILE = "backup.json";

export type BackupFile = { name: string; bytes: number; sha256: string };
export type Backup = { dir: string; files: BackupFile[]; keySource: "key file" | "KOBUILD_SECRET_KEY" | "none"; migrations: number };

/**
 * Copies the live database with SQLite's online backup (a consistent copy,
 * page by page, while the dashboard keeps writing), the secret key and the
 * installation id into a new directory under `outDir`: written under a
 * temporary name, checked, then renamed, so a backup directory either is
 * whole or does not exist. Directories are 0700, files 0600.
 */
export async function takeBackup({ dataDir, outDir, secretKey, now = new Date() }: { dataDir: string; outDir: string; secretKey: Buffer | null; now?: Date }): Promise<Backup> {
  const database = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(database)) throw new Error(`no database at ${database}: is KOBUILD_DATA_DIR the dashboard's data directory?`);
  makePrivateDir(outDir);
  const name = `kobuild-backup-${now.toISOString().replace(/[:.]/g, "-")}`;
  const final = path.join(outDir, name);
  if (fs.existsSync(final)) throw new Error(`${final} exists already`);
  const work = path.join(outDir, `.${name}.partial-${randomBytes(4).toString("hex")}`);
  fs.mkdirSync(work, { mode: 0o700 });
  try {
    const copy = path.join(work, DATABASE_FILE);
    // The backup file is made before SQLite writes to it, so it is never readable by others, not even for a moment.
    fs.closeSync(fs.openSync(copy, "wx", 0o600));
    const live = new Database(database, { fileMustExist: true });
    try {
      live.pragma("busy_timeout = 5000");
      await live.backup(copy);
    } finally {
      live.close();
    }
    const migrations = checkCopy(copy);

    let keySource: Backup["keySource"] = "none";
    const keyFile = path.join(dataDir, KEY_FILE_NAME);
    if (secretKey) {
      // The configured key is written as the key file would hold it: the backup alone restores.
      writePrivate(path.join(work, KEY_FILE_NAME), `${secretKey.toString("hex")}\n`);
      keySource = "KOBUILD_SECRET_KEY";
    } else if (fs.existsSync(keyFile)) {
      writePrivate(path.join(work, KEY_FILE_NAME), fs.readFileSync(keyFile));
      keySource = "key file";
    }
    const instanceFile = path.join(dataDir, INSTANCE_ID_FILE);
    if (fs.existsSync(instanceFile)) writePrivate(path.join(work, INSTANCE_ID_FILE), fs.readFileSync(instanceFile));

    const files = fs
      .readdirSync(work)
      .sort()
      .map((file) => {
        const bytes = fs.readFileSync(path.join(work, file));
        return { name: file, bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
      });
    writePrivate(path.join(work, MANIFEST_FILE), `${JSON.stringify({ createdAt: now.toISOString(), dataDir, keySource, migrations, files }, null, 2)}\n`);
    syncDir(work);
    fs.renameSync(work, final);
    syncDir(outDir);
    return { dir: final, files, keySource, migrations };
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Makes the copy one self-contained file (the live database is in WAL mode,
 * and the copy inherits it: a copy with its own -wal beside it would be two
 * files to carry), then checks it opens on its own and passes SQLite's
 * integrity check; answers how many migrations it holds.
 */
function checkCopy(file: string): number {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new Error(`the copy of the database fails SQLite's integrity check: ${String(check)}`);
    const table = copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
    if (!table) throw new Error("the database has no migrations table: it is not kobuild's database");
    const row = copy.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    return row.n;
  } finally {
    copy.close();
  }
}

function writePrivate(file: string, content: string | Buffer) {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string) {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
