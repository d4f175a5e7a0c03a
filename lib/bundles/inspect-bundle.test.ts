import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import tar from "tar-stream";
import { describe, expect, it } from "vitest";
import { BundleError } from "./bundle-error";
import { inspectBundle } from "./inspect-bundle";
import { matchVersionPrefix } from "./match-version-prefix";
import { parseBundleFileName } from "./parse-bundle-name";
import { bytesOf, gzipOf, gzipStream, piecesOf, tarStream, validEntries } from "./testing/bundle-archive";

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BundleError) return error.reason;
    throw error;
  }
  return "accepted";
}

describe("inspectBundle", () => {
  it("reads the BUNDLE_* values and counts a generated bundle", async () => {
    const tarBytes = await bytesOf(tarStream(validEntries()));
    const info = await inspectBundle(gzipOf(tarBytes));
    expect(info).toEqual({
      uname: "5.4.0-1055-gcp",
      version: 5,
      major: 4,
      minor: 0,
      distro: "ubuntu",
      buildDir: ".",
      checksum: "3f8a1c0f2b6d4e5a9c7b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a",
      entries: 12,
      unpackedBytes: tarBytes.length,
    });
  });

  it("takes any async iterable, in pieces of any size", async () => {
    const bytes = await bytesOf(gzipStream(validEntries()));
    const info = await inspectBundle(piecesOf(bytes, 1));
    expect(info.uname).toBe("5.4.0-1055-gcp");
  });

  it("tolerates names without ./, a trailing newline, a missing BUILD_DIR and CHECKSUM", async () => {
    const entries = validEntries({ BUILD_DIR: null, CHECKSUM: null }).map((e) =>
      e.name.startsWith("./BUNDLE_") ? { ...e, name: e.name.slice(2), content: `${String(e.content)}\n` } : e,
    );
    const info = await inspectBundle(gzipStream(entries));
    expect(info).toMatchObject({ uname: "5.4.0-1055-gcp", major: 4, buildDir: ".", checksum: null });
  });

  it("accepts a build directory known only from its files, and links that stay inside", async () => {
    const entries = validEntries({ BUILD_DIR: "./usr/src/linux-headers-5.4.0-1055-gcp" }, [
      { name: "./usr/src/linux-headers-5.4.0-1055-gcp/Makefile", content: "all:\n" },
      { name: "./usr/src/linux-headers-5.4.0-1055-gcp/scripts", type: "symlink", linkname: "../linux-gcp-common/scripts" },
      { name: "./usr/src/linux-gcp-common/scripts/", type: "directory" },
      { name: "./build", type: "symlink", linkname: "usr/src/linux-headers-5.4.0-1055-gcp" },
      { name: "./include/generated/again.h", type: "link", linkname: "./include/generated/utsrelease.h" },
    ]);
    const info = await inspectBundle(gzipStream(entries));
    expect(info.buildDir).toBe("./usr/src/linux-headers-5.4.0-1055-gcp");
  });

  it("follows a build directory given as a link", async () => {
    const entries = validEntries({ BUILD_DIR: "./build" }, [
      { name: "./lib/modules/5.4.0/", type: "directory" },
      { name: "./build", type: "symlink", linkname: "lib/modules/5.4.0" },
    ]);
    expect((await inspectBundle(gzipStream(entries))).buildDir).toBe("./build");
  });

  it("accepts a distribution it does not know when the name is a plain token", async () => {
    expect((await inspectBundle(gzipStream(validEntries({ DISTRO: "amazonlinux2" })))).distro).toBe("amazonlinux2");
  });

  it("names the reason for a bad archive", async () => {
    expect(await reasonOf(inspectBundle(piecesOf(Buffer.alloc(0), 1)))).toBe("empty");
    expect(await reasonOf(inspectBundle(piecesOf(Buffer.from([0x1f]), 1)))).toBe("truncated");
    expect(await reasonOf(inspectBundle(piecesOf(Buffer.from("PK\u0003\u0004"), 1)))).toBe("not_gzip");
    expect(await reasonOf(inspectBundle(gzipOf(Buffer.alloc(0))))).toBe("empty");
    expect(await reasonOf(inspectBundle(gzipOf(Buffer.from("short text, not a tar"))))).toBe("not_tar");
  });
});

// Bundles made from real distribution packages, when some have been made.
const realDir = path.join(process.cwd(), "data", "cache", "bundles");
const realBundles = fs.existsSync(realDir) ? fs.readdirSync(realDir).filter((f) => /^bundle-.+\.tgz$/.test(f)) : [];

async function fieldsOf(file: string): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  const extract = tar.extract();
  fs.createReadStream(file).pipe(zlib.createGunzip()).pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const name = entry.header.name.replace(/^\.\//, "");
    if (/^BUNDLE_[A-Z_]+$/.test(name)) fields.set(name, (await bytesOf(entry)).toString("utf8").trim());
    else entry.resume();
  }
  return fields;
}

describe.skipIf(realBundles.length === 0)("inspectBundle on real bundles", () => {
  it.each(realBundles)("%s", async (name) => {
    const file = path.join(realDir, name);
    const expected = await fieldsOf(file);
    const info = await inspectBundle(fs.createReadStream(file));
    expect(info.uname).toBe(expected.get("BUNDLE_UNAME"));
    expect(String(info.version)).toBe(expected.get("BUNDLE_VERSION"));
    expect(String(info.major)).toBe(expected.get("BUNDLE_MAJOR"));
    expect(String(info.minor)).toBe(expected.get("BUNDLE_MINOR"));
    expect(info.distro).toBe(expected.get("BUNDLE_DISTRO"));
    expect(info.buildDir).toBe(expected.get("BUNDLE_BUILD_DIR") ?? ".");
    expect(info.checksum).toBe(expected.get("BUNDLE_CHECKSUM") ?? null);
    expect(info.entries).toBeGreaterThan(7);
    expect(matchVersionPrefix(parseBundleFileName(name), info.version, info.major)).toBe(true);
  });
});
