import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { bundlePath } from "./bundle-path";
import { getBundle, listBundles } from "./list-bundles";
import { storeBundle } from "./store-bundle";
import { gzipStream, validEntries, type FieldValues } from "./testing/bundle-archive";

const stored: [string, FieldValues][] = [
  ["3.10.0-1160.42.2.el7.x86_64", { UNAME: "3.10.0-1160.42.2.el7.x86_64", VERSION: "3", MAJOR: "10", MINOR: "0", DISTRO: "redhat" }],
  ["4.14.44-coreos-r1", { UNAME: "4.14.44-coreos-r1", VERSION: "4", MAJOR: "14", MINOR: "44", DISTRO: "coreos" }],
  ["4.15.0-1098-gcp~16.04", { UNAME: "4.15.0-1098-gcp", VERSION: "4", MAJOR: "15", MINOR: "0", DISTRO: "ubuntu" }],
  ["5.10.68-16623.39.6-cos", { UNAME: "5.10.68+", VERSION: "5", MAJOR: "10", MINOR: "68", DISTRO: "cos" }],
  ["6.1.0-56-amd64", { UNAME: "6.1.0-56-amd64", VERSION: "6", MAJOR: "1", MINOR: "158", DISTRO: "debian" }],
];

describe("listBundles and getBundle", () => {
  let dataDir: string;
  let db: Db;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-bundles-"));
    db = openDb(dataDir);
    for (const [kernel, fields] of stored) {
      await storeBundle({ fileName: `bundle-${kernel}.tgz`, source: gzipStream(validEntries(fields)), maxBytes: 1024 ** 2, db, dataDir });
    }
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const kernels = (filter: Parameters<typeof listBundles>[0]) => listBundles(filter, db).map((b) => b.kernel);

  it("lists every bundle by kernel id", () => {
    expect(kernels({})).toEqual(stored.map(([k]) => k));
  });

  it("searches the kernel id and the uname, case-insensitively, taking % and _ literally", () => {
    expect(kernels({ search: "EL7" })).toEqual(["3.10.0-1160.42.2.el7.x86_64"]);
    expect(kernels({ search: "10.68+" })).toEqual(["5.10.68-16623.39.6-cos"]);
    expect(kernels({ search: "~16.04" })).toEqual(["4.15.0-1098-gcp~16.04"]);
    expect(kernels({ search: "%" })).toEqual([]);
    expect(kernels({ search: "el_" })).toEqual([]);
    expect(kernels({ search: "x86_" })).toEqual(["3.10.0-1160.42.2.el7.x86_64"]);
    expect(kernels({ search: "  " })).toHaveLength(stored.length);
  });

  it("filters by distribution and version", () => {
    expect(kernels({ distro: "cos" })).toEqual(["5.10.68-16623.39.6-cos"]);
    expect(kernels({ version: 4 })).toEqual(["4.14.44-coreos-r1", "4.15.0-1098-gcp~16.04"]);
    expect(kernels({ version: 4, distro: "ubuntu", search: "gcp" })).toEqual(["4.15.0-1098-gcp~16.04"]);
  });

  it("sorts by version numbers, not text, either way", () => {
    expect(kernels({ sort: "version", order: "desc" })).toEqual(["6.1.0-56-amd64", "5.10.68-16623.39.6-cos", "4.15.0-1098-gcp~16.04", "4.14.44-coreos-r1", "3.10.0-1160.42.2.el7.x86_64"]);
    expect(kernels({ sort: "distro" })[0]).toBe("4.14.44-coreos-r1");
  });

  it("gets one bundle by id, or nothing", () => {
    const first = listBundles({}, db)[0]!;
    expect(getBundle(first.id, db)).toEqual(first);
    expect(fs.existsSync(bundlePath(first.kernel, dataDir))).toBe(true);
    expect(getBundle(99_999, db)).toBeUndefined();
  });
});
