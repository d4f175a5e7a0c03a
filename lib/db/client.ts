import "server-only";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { env } from "@/lib/env";
import { makePrivateDir, makePrivateFiles } from "@/lib/host/private-files";
import { keepDiskReserve } from "./disk-reserve";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Opens (creating if needed) the database in a data directory and applies every pending migration. */
export function openDb(dataDir: string): Db {
  makePrivateDir(dataDir);
  const file = path.join(dataDir, "kobuild.db");
  // Created 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database's mode.
  fs.closeSync(fs.openSync(file, "a", 0o600));
  makePrivateFiles([file]);
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  makePrivateFiles([`${file}-wal`, `${file}-shm`]);
  sqlite.pragma("foreign_keys = ON");
  // Writers (the build runner's log batches) and readers share the file.
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: path.join(process.cwd(), "drizzle") });
  keepDiskReserve(file);
  return db;
}

// One connection per process; kept on globalThis so development reloads reuse it.
const holder = globalThis as unknown as { kobuildDb?: Db };

export function getDb(): Db {
  holder.kobuildDb ??= openDb(env().dataDir);
  return holder.kobuildDb;
}
