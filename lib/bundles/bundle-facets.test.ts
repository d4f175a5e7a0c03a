import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { bundleFacets } from "./bundle-facets";
import { deleteBundle } from "./delete-bundle";
import { storeBundle } from "./store-bundle";
import { gzipStream, validEntries, type FieldValues } from "./testing/bundle-archive";

const stored: [string, FieldValues][] = [
  ["3.10.0-1160.42.2.el7.x86_64", { UNAME: "3.10.0-1160.42.2.el7.x86_64", VERSION: "3", MAJOR: "10", MINOR: "0", DISTRO: "redhat" }],
  ["5.10.68-16623.39.6-cos", { UNAME: "5.10.68+", VERSION: "5", MAJOR: "10", MINOR: "68", DISTRO: "cos" }],
  ["6.1.0-55-amd64", { UNAME: "6.1.0-55-amd64", VERSION: "6", MAJOR: "1", MINOR: "0", DISTRO: "debian" }],
  ["6.1.0-56-amd64", { UNAME: "6.1.0-56-amd64", VERSION: "6", MAJOR: "1", MINOR: "0", DISTRO: "debian" }],
];

describe("bundleFacets", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-facets-"));
    db = openDb(dataDir);
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("has nothing to offer before any bundle is stored", () => {
    expect(bundleFacets(db)).toEqual({ total: 0, totalBytes: 0, distros: [], versions: [] });
  });

  it("offers each stored distribution and major version once, with counts and the total size", async () => {
    const sizes: number[] = [];
    for (const [kernel, fields] of stored) {
      const { bundle } = await storeBundle({ fileName: `bundle-${kernel}.tgz`, source: gzipStream(validEntries(fields)), maxBytes: 1024 ** 2, db, dataDir });
      sizes.push(bundle.size);
    }
    expect(bundleFacets(db)).toEqual({
      total: 4,
      totalBytes: sizes.reduce((a, b) => a + b, 0),
      distros: [
        { distro: "cos", count: 1 },
        { distro: "debian", count: 2 },
        { distro: "redhat", count: 1 },
      ],
      versions: [
        { version: 3, count: 1 },
        { version: 5, count: 1 },
        { version: 6, count: 2 },
      ],
    });
  });

  it("drops a value once its last bundle is deleted", async () => {
    const cos = db.$client.prepare("SELECT id FROM bundles WHERE distro = 'cos'").get() as { id: number };
    await deleteBundle(cos.id, { db, dataDir });
    const facets = bundleFacets(db);
    expect(facets.distros.map((d) => d.distro)).toEqual(["debian", "redhat"]);
    expect(facets.versions.map((v) => v.version)).toEqual([3, 6]);
    expect(facets.total).toBe(3);
  });
});
