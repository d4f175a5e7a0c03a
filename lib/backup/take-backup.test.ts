import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { takeBackup } from "./take-backup";

// A real SQLite database in WAL mode with a write the checkpoint has not
// reached yet, as the dashboard leaves it while it runs.
const dirs: string[] = [];
function dataDirWithDatabase() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-backup-unit-"));
  dirs.push(dataDir);
  const db = new Database(path.join(dataDir, "kobuild.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("wal_autocheckpoint = 0");
  db.exec("CREATE TABLE __drizzle_migrations (id INTEGER PRIMARY KEY, hash TEXT); INSERT INTO __drizzle_migrations (hash) VALUES ('a'), ('b');");
  db.exec("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('only in the WAL so far');");
  return { dataDir, db, outDir: path.join(dataDir, "..", `${path.basename(dataDir)}-out`) };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}-out`, { recursive: true, force: true });
  }
});

describe("takeBackup", () => {
  it("copies what the live database holds, the WAL's part too, into one file, and writes a configured key as the key file would hold it", async () => {
    const { dataDir, db, outDir } = dataDirWithDatabase();
    const key = randomBytes(32);
    const backup = await takeBackup({ dataDir, outDir, secretKey: key });
    db.close();
    expect(backup).toMatchObject({ keySource: "KOBUILD_SECRET_KEY", migrations: 2 });
    expect(fs.readdirSync(backup.dir).sort()).toEqual(["backup.json", "kobuild.db", "secret.key"]);
    expect(fs.readFileSync(path.join(backup.dir, "secret.key"), "utf8")).toBe(`${key.toString("hex")}\n`);
    const copy = new Database(path.join(backup.dir, "kobuild.db"), { readonly: true });
    expect(copy.prepare("SELECT text FROM notes").all()).toEqual([{ text: "only in the WAL so far" }]);
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    copy.close();
    const manifest = JSON.parse(fs.readFileSync(path.join(backup.dir, "backup.json"), "utf8")) as { files: { name: string }[] };
    expect(manifest.files.map((f) => f.name)).toEqual(["kobuild.db", "secret.key"]);
  });

  it("says there is no key when nothing was ever sealed, and leaves nothing behind when it cannot back up", async () => {
    const { dataDir, db, outDir } = dataDirWithDatabase();
    db.close();
    expect((await takeBackup({ dataDir, outDir, secretKey: null })).keySource).toBe("none");

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-backup-unit-"));
    dirs.push(empty);
    await expect(takeBackup({ dataDir: empty, outDir: `${empty}-out`, secretKey: null })).rejects.toThrow(/no database at .*kobuild\.db: is KOBUILD_DATA_DIR the dashboard's data directory\?/);

    // A copy that cannot be checked (no migrations table: not kobuild's database) is not kept, not even half.
    const stranger = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-backup-unit-"));
    dirs.push(stranger);
    new Database(path.join(stranger, "kobuild.db")).exec("CREATE TABLE t (x)");
    await expect(takeBackup({ dataDir: stranger, outDir: `${stranger}-out`, secretKey: null })).rejects.toThrow(/the database has no migrations table: it is not kobuild's database/);
    expect(fs.readdirSync(`${stranger}-out`)).toEqual([]);
  });
});
