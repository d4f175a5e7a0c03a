import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { BundleError } from "./bundle-error";
import { bundlePath } from "./bundle-path";
import { deleteBundle } from "./delete-bundle";
import { getBundle } from "./list-bundles";
import { storeBundle } from "./store-bundle";
import { gzipStream, validEntries } from "./testing/bundle-archive";

describe("deleteBundle", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-bundles-"));
    db = openDb(dataDir);
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const store = (kernel: string) =>
    storeBundle({ fileName: `bundle-${kernel}.tgz`, source: gzipStream(validEntries({ UNAME: kernel })), maxBytes: 1024 ** 2, db, dataDir });

  it("removes the row and the file, and leaves no trash", async () => {
    const { bundle } = await store("5.4.0-1055-gcp");
    const deleted = await deleteBundle(bundle.id, { db, dataDir });
    expect(deleted).toEqual(bundle);
    expect(getBundle(bundle.id, db)).toBeUndefined();
    expect(fs.existsSync(bundlePath(bundle.kernel, dataDir))).toBe(false);
    expect(fs.readdirSync(path.join(dataDir, "bundles", ".trash"))).toEqual([]);
  });

  it("deletes a row whose file is already gone", async () => {
    const { bundle } = await store("5.4.0-1056-gcp");
    fs.rmSync(bundlePath(bundle.kernel, dataDir));
    await deleteBundle(bundle.id, { db, dataDir });
    expect(getBundle(bundle.id, db)).toBeUndefined();
  });

  it("answers not_found (404) for an unknown id", async () => {
    const error = await deleteBundle(424_242, { db, dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).reason).toBe("not_found");
    expect((error as BundleError).code).toBe("not_found");
  });

  it("lets the same kernel be stored again afterwards", async () => {
    const first = await store("5.4.0-1057-gcp");
    await deleteBundle(first.bundle.id, { db, dataDir });
    const again = await store("5.4.0-1057-gcp");
    expect(again.duplicate).toBe(false);
    expect(fs.existsSync(bundlePath("5.4.0-1057-gcp", dataDir))).toBe(true);
  });
});
