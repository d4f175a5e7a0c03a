import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { gzipStream, validEntries } from "@/lib/bundles/testing/bundle-archive";
import { filesInBundleStore, streamedUploadRequest } from "./helpers/bundle-store";
import { freshDataDir } from "./helpers/sample-data-dir";

// The data directory is a 20 MiB tmpfs: an upload bigger than what is left
// fills it for real (ENOSPC from the kernel), as a full disk would.
const dataDir = freshDataDir("disk-full");
execFileSync("mount", ["-t", "tmpfs", "-o", "size=20m,mode=0750", "tmpfs", dataDir]);

const collection = await import("@/app/api/bundles/route");
const { getDb } = await import("@/lib/db/client");
const { bundles } = await import("@/lib/db/schema");

afterAll(() => {
  getDb().$client.close();
  execFileSync("umount", [dataDir]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const none = { params: Promise.resolve({}) };

const upload = streamedUploadRequest;

const filesInStore = () => filesInBundleStore(dataDir);

const freeBytes = () => {
  const s = fs.statfsSync(dataDir);
  return s.bavail * s.bsize;
};

describe("an upload that fills the disk", () => {
  it("is refused with 507 naming the full disk, its partial file removed, nothing in the database; the space comes back", async () => {
    getDb(); // the database is on the small disk too, created before the upload
    const free = freeBytes();
    expect(free).toBeLessThan(20 * 1024 ** 2);
    // Random bytes do not compress: the upload is bigger than the space left.
    const big = gzipStream(validEntries({}, [{ name: "./include/noise.bin", content: randomBytes(free + 8 * 1024 ** 2) }]), 1);

    const response = await collection.POST(upload("bundle-5.4.0-1055-gcp.tgz", big), none);
    const body = (await response.json()) as { error: string; results: { status: string; httpStatus: number }[] };
    expect(response.status).toBe(507);
    expect(body.error).toBe("bundle-5.4.0-1055-gcp.tgz: the disk is full; the bundle was not stored (disk_full)");
    expect(body.results).toMatchObject([{ status: "rejected", httpStatus: 507 }]);
    expect(filesInStore()).toEqual([]);
    expect(getDb().select().from(bundles).all()).toEqual([]);
    // The partial file's space is given back: nearly all of it is free again.
    expect(freeBytes()).toBeGreaterThan(free - 1024 ** 2);

    // And a bundle that fits is stored as usual.
    const small = await collection.POST(upload("bundle-5.4.0-1055-gcp.tgz", gzipStream(validEntries())), none);
    expect(small.status).toBe(201);
    expect(filesInStore()).toEqual(["bundle-5.4.0-1055-gcp.tgz"]);
    expect(getDb().select({ kernel: bundles.kernel }).from(bundles).all()).toEqual([{ kernel: "5.4.0-1055-gcp" }]);
  }, 120_000);
});
