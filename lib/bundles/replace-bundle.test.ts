import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { bundles } from "@/lib/db/schema";
import type { BundleError } from "./bundle-error";
import { KernelTakenError } from "./replace-bundle";
import { storeBundle } from "./store-bundle";
import { bytesOf, gzipStream, piecesOf, validEntries } from "./testing/bundle-archive";

const kernel = "5.4.0-1055-gcp";
const fileName = `bundle-${kernel}.tgz`;
const maxBytes = 64 * 1024 ** 2;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Every file under bundles/, .incoming/ and .trash/ included. */
function filesUnder(dataDir: string): string[] {
  const root = path.join(dataDir, "bundles");
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(root, p)).isFile()).sort();
}

describe("replacing a stored bundle", () => {
  let dataDir: string;
  let db: Db;
  let first: Buffer;
  let second: Buffer;
  const stored = () => fs.readFileSync(path.join(dataDir, "bundles", fileName));

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-replace-"));
    db = openDb(dataDir);
    first = await bytesOf(gzipStream(validEntries({})));
    second = await bytesOf(gzipStream(validEntries({ MINOR: "1", CHECKSUM: "11" })));
    await storeBundle({ fileName, source: piecesOf(first, 4096), maxBytes, db, dataDir });
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses other content for a stored kernel without replace, naming both sha256", async () => {
    const error = (await storeBundle({ fileName, source: piecesOf(second, 4096), maxBytes, db, dataDir }).catch((e: unknown) => e)) as KernelTakenError;
    expect(error).toBeInstanceOf(KernelTakenError);
    expect(error.code).toBe("conflict");
    expect(error).toMatchObject({ kernel, storedSha256: sha256(first), sha256: sha256(second), file: fileName });
    expect(error.message).toContain(`another bundle for kernel ${kernel} is stored (sha256 ${sha256(first)})`);
    expect(stored().equals(first)).toBe(true);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("keeps the stored bundle when the replacement is refused by the checks", async () => {
    const before = db.select().from(bundles).all();
    const bad = await bytesOf(gzipStream(validEntries({ UNAME: "5.4.0-1056-gcp" })));
    const error = (await storeBundle({ fileName, source: piecesOf(bad, 4096), maxBytes, db, dataDir, replace: true }).catch((e: unknown) => e)) as BundleError;
    expect(error.reason).toBe("name_mismatch");
    expect(db.select().from(bundles).all()).toEqual(before);
    expect(stored().equals(first)).toBe(true);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("puts the old file back when the row cannot change", async () => {
    const before = db.select().from(bundles).all();
    // A real SQLite refusal at the moment of the update.
    db.$client.exec("CREATE TRIGGER refuse_update BEFORE UPDATE ON bundles BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    try {
      const error = (await storeBundle({ fileName, source: piecesOf(second, 4096), maxBytes, db, dataDir, replace: true }).catch((e: unknown) => e)) as Error;
      expect(error.message).toContain("refused by the test");
    } finally {
      db.$client.exec("DROP TRIGGER refuse_update");
    }
    expect(db.select().from(bundles).all()).toEqual(before);
    expect(stored().equals(first)).toBe(true);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("replaces file and row together when asked: same id, new sha256, size and fields", async () => {
    const [old] = db.select().from(bundles).all();
    const { bundle, duplicate, replaced } = await storeBundle({ fileName, source: piecesOf(second, 4096), maxBytes, db, dataDir, replace: true });
    expect(duplicate).toBe(false);
    expect(replaced).toEqual(old);
    expect(bundle).toMatchObject({ id: old!.id, kernel, minor: 1, checksum: "11", sha256: sha256(second), size: second.length });
    expect(db.select().from(bundles).all()).toEqual([bundle]);
    expect(stored().equals(second)).toBe(true);
    expect(filesUnder(dataDir)).toEqual([fileName]);
  });

  it("takes the stored content again as a duplicate, even with replace", async () => {
    const { duplicate, replaced } = await storeBundle({ fileName, source: piecesOf(second, 4096), maxBytes, db, dataDir, replace: true });
    expect(duplicate).toBe(true);
    expect(replaced).toBeUndefined();
  });

  it("stores a kernel not stored yet as a plain upload when replace is asked", async () => {
    const other = await bytesOf(gzipStream(validEntries({ UNAME: "5.4.0-1056-gcp" })));
    const { bundle, replaced } = await storeBundle({ fileName: "bundle-5.4.0-1056-gcp.tgz", source: piecesOf(other, 4096), maxBytes, db, dataDir, replace: true });
    expect(replaced).toBeUndefined();
    expect(bundle.kernel).toBe("5.4.0-1056-gcp");
  });
});
