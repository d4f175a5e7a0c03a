import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import tar from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { filesInBundleStore } from "./helpers/bundle-store";
import { bundlesDir } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";

// Bundle sources against a real HTTP server on loopback and a real directory:
// what is new is fetched, checked as an upload is, and stored; what is wrong
// is refused with its reason, and nothing of it stays.

const dataDir = freshDataDir("bundle-sources");
// Small enough that a test file can pass it; every real sample bundle is below it.
const MAX_BUNDLE_BYTES = 6 * 1024 * 1024;
process.env.KOBUILD_MAX_BUNDLE_BYTES = String(MAX_BUNDLE_BYTES);

const sources = await import("@/app/api/bundle-sources/route");
const oneSource = await import("@/app/api/bundle-sources/[id]/route");
const pollRoute = await import("@/app/api/bundle-sources/[id]/poll/route");
const bundlesRoute = await import("@/app/api/bundles/route");

const real = fs.readdirSync(bundlesDir).filter((f) => f.endsWith(".tgz")).sort();
const none = { params: Promise.resolve({}) };
const idParams = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });

// Names no real kernel list has: the refusals are about content and size, not names.
const NOT_GZIP = "bundle-5.4.0-1055-gcp.tgz";
const DECLARED_TOO_LARGE = "bundle-5.4.0-9999-gcp.tgz";
const STREAMED_TOO_LARGE = "bundle-5.4.0-9998-gcp.tgz";

let server: http.Server;
let base = "";
let closedPort = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const url = new URL(request.url!, "http://127.0.0.1");
    if (url.pathname === "/kernels/") {
      const names = [...real, NOT_GZIP, DECLARED_TOO_LARGE, STREAMED_TOO_LARGE, "notes.txt"];
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<html><body><h1>Index of /kernels/</h1><ul>${names.map((n) => `<li><a href="${n}">${n}</a></li>`).join("\n")}</ul></body></html>`);
    } else if (url.pathname === "/kernels/" + NOT_GZIP) {
      response.end("this is not a gzip archive\n");
    } else if (url.pathname === "/kernels/" + DECLARED_TOO_LARGE) {
      response.writeHead(200, { "content-length": String(MAX_BUNDLE_BYTES + 1) });
      response.end(Buffer.alloc(MAX_BUNDLE_BYTES + 1));
    } else if (url.pathname === "/kernels/" + STREAMED_TOO_LARGE) {
      // No length said: the limit must hold while the bytes arrive. A real gzip of a tar whose one file
      // does not compress, so that nothing but the size can stop it.
      response.writeHead(200, { "content-type": "application/gzip" });
      const pack = tar.pack();
      const entry = pack.entry({ name: "linux-headers/huge", size: 64 * 1024 * 1024 }, () => pack.finalize());
      let sent = 0;
      const more = () => {
        while (sent < 64) {
          sent++;
          if (!entry.write(randomBytes(1024 * 1024))) return void entry.once("drain", more);
        }
        entry.end(Buffer.alloc(0));
      };
      more();
      const body = (pack as unknown as NodeJS.ReadableStream).pipe(zlib.createGzip({ level: 0 }));
      body.pipe(response);
      response.on("close", () => pack.destroy());
    } else if (url.pathname.startsWith("/kernels/") && real.includes(url.pathname.slice("/kernels/".length))) {
      const file = path.join(bundlesDir, url.pathname.slice("/kernels/".length));
      response.writeHead(200, { "content-length": String(fs.statSync(file).size), "content-type": "application/gzip" });
      fs.createReadStream(file).pipe(response);
    } else if (url.pathname === "/garbage/") {
      response.writeHead(200, { "content-type": "application/octet-stream" });
      response.end(Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    } else if (url.pathname === "/huge-listing/") {
      response.writeHead(200, { "content-type": "text/html", "content-length": String(9 * 1024 * 1024) });
      response.end(Buffer.alloc(9 * 1024 * 1024, 0x20));
    } else {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found\n");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port nothing listens on: taken, then given back.
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

type Source = { id: number; lastStatus: string | null; lastError: string | null; lastListed: number | null; lastStored: number | null; lastRefusals: { file: string; error: string }[] };
type Poll = { status: string; error: string | null; listed: number; stored: number; duplicates: number; refusals: { file: string; error: string }[] };

const add = async (body: unknown) => {
  const response = await sources.POST(new AdminRequest("http://127.0.0.1/api/bundle-sources", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), none);
  return { status: response.status, body: (await response.json()) as Source & { error?: string } };
};
const poll = async (id: number) => {
  const response = await pollRoute.POST(new AdminRequest(`http://127.0.0.1/api/bundle-sources/${id}/poll`, { method: "POST" }), idParams(id));
  return { status: response.status, body: (await response.json()) as Poll };
};
const listSources = async () => ((await (await sources.GET(new AdminRequest("http://127.0.0.1/api/bundle-sources"), none)).json()) as { sources: Source[] }).sources;
const storedKernels = async () =>
  ((await (await bundlesRoute.GET(new AdminRequest("http://127.0.0.1/api/bundles?perPage=200"), none)).json()) as { bundles: { kernel: string }[] }).bundles.map((b) => b.kernel).sort();
const kernelOf = (file: string) => file.slice("bundle-".length, -".tgz".length);

describe("bundle sources", () => {
  it("refuses a source that cannot work, saying why, and stores none of them", async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ kind: "http", location: "ftp://127.0.0.1/kernels/" }, 400, /http or https/],
      [{ kind: "http", location: "not a url" }, 400, /not a URL/],
      [{ kind: "http", location: `http://user:secret@127.0.0.1:1/kernels/` }, 400, /user name or password/],
      [{ kind: "directory", location: "relative/bundles" }, 400, /absolute path/],
      [{ kind: "directory", location: path.join(dataDir, "no-such-directory") }, 422, /not a directory kobuild can read/],
      [{ kind: "s3", location: "https://127.0.0.1/" }, 400, /kind/],
      [{ kind: "http", location: `${base}/kernels/`, pollMinutes: 0 }, 400, /pollMinutes/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await add(body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.error).toMatch(message);
    }
    expect(await listSources()).toEqual([]);
  });

  it("stores a directory's new bundles, and on the next poll has nothing new to do", async () => {
    const dir = path.join(dataDir, "dropbox");
    fs.mkdirSync(dir);
    for (const name of real.slice(0, 2)) fs.copyFileSync(path.join(bundlesDir, name), path.join(dir, name));
    fs.writeFileSync(path.join(dir, "README"), "not a bundle");
    const source = await add({ kind: "directory", location: dir });
    expect(source.status).toBe(201);
    expect((await add({ kind: "directory", location: dir })).status).toBe(409);

    const first = await poll(source.body.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "ok", listed: 2, stored: 2, refusals: [] });
    expect(await storedKernels()).toEqual(real.slice(0, 2).map(kernelOf).sort());
    const again = await poll(source.body.id);
    expect(again.body).toMatchObject({ status: "ok", listed: 2, stored: 0 });
  });

  it("fetches what an index page lists and the store lacks, refuses a broken and an oversized file by name, and leaves no part of them", async () => {
    const source = await add({ kind: "http", location: `${base}/kernels/`, pollMinutes: 5 });
    expect(source.status).toBe(201);
    const result = await poll(source.body.id);
    expect(result.status).toBe(200);
    expect(result.body.status).toBe("partial");
    // notes.txt is no bundle; the two the directory brought are not fetched again.
    expect(result.body.listed).toBe(real.length + 3);
    expect(result.body.stored).toBe(real.length - 2);
    const refused = Object.fromEntries(result.body.refusals.map((r) => [r.file, r.error]));
    expect(Object.keys(refused).sort()).toEqual([NOT_GZIP, STREAMED_TOO_LARGE, DECLARED_TOO_LARGE].sort());
    expect(refused[NOT_GZIP]).toMatch(/not_gzip/);
    expect(refused[DECLARED_TOO_LARGE]).toMatch(/KOBUILD_MAX_BUNDLE_BYTES/);
    expect(refused[STREAMED_TOO_LARGE]).toMatch(/\(too_large\)$/);
    expect(await storedKernels()).toEqual(real.map(kernelOf).sort());
    expect(filesInBundleStore(dataDir).filter((f) => !f.endsWith(".tgz") || f.includes(".incoming"))).toEqual([]);

    // The source keeps what its last poll found, for the page.
    const kept = (await (await oneSource.GET(new AdminRequest(`http://127.0.0.1/api/bundle-sources/${source.body.id}`), idParams(source.body.id))).json()) as Source;
    expect(kept).toMatchObject({ lastStatus: "partial", lastListed: real.length + 3, lastStored: real.length - 2 });
    expect(kept.lastRefusals.map((r) => r.file).sort()).toEqual(Object.keys(refused).sort());
  });

  it("records a listing that cannot be read as a failed poll with its reason", async () => {
    const expectations: [string, RegExp][] = [
      [`${base}/garbage/`, /application\/octet-stream, not an index page or bucket listing/],
      [`${base}/gone/`, /answered 404/],
      [`${base}/huge-listing/`, /larger than 8 MiB/],
      [`http://127.0.0.1:${closedPort}/kernels/`, /failed \(ECONNREFUSED\)/],
    ];
    for (const [location, reason] of expectations) {
      const source = await add({ kind: "http", location });
      const result = await poll(source.body.id);
      expect(result.body, location).toMatchObject({ status: "failed", stored: 0 });
      expect(result.body.error).toMatch(reason);
      const kept = (await listSources()).find((s) => s.id === source.body.id)!;
      expect(kept.lastStatus).toBe("failed");
      expect(kept.lastError).toMatch(reason);
    }
  });

  it("forgets a source and keeps its bundles; an unknown source is 404", async () => {
    const [first] = await listSources();
    const removed = await oneSource.DELETE(new AdminRequest(`http://127.0.0.1/api/bundle-sources/${first!.id}`, { method: "DELETE" }), idParams(first!.id));
    expect(removed.status).toBe(200);
    expect((await oneSource.GET(new AdminRequest(`http://127.0.0.1/api/bundle-sources/${first!.id}`), idParams(first!.id))).status).toBe(404);
    expect((await poll(first!.id)).status).toBe(404);
    expect(await storedKernels()).toEqual(real.map(kernelOf).sort());
  });
});
