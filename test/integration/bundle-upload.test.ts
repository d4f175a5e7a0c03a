import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";

const dataDir = freshDataDir("upload");
const collection = await import("@/app/api/bundles/route");
const single = await import("@/app/api/bundles/[id]/route");

const none = { params: Promise.resolve({}) };
const real = fs.readdirSync(bundlesDir).filter((f) => f.endsWith(".tgz")).sort();

function upload(files: { name: string; bytes: Buffer }[]) {
  const form = new FormData();
  for (const f of files) form.append("bundle", new Blob([new Uint8Array(f.bytes)]), f.name);
  return collection.POST(new AdminRequest("http://127.0.0.1/api/bundles", { method: "POST", body: form }), none);
}
const sample = (name: string) => ({ name, bytes: fs.readFileSync(path.join(bundlesDir, name)) });
const leftovers = () => {
  const dir = path.join(dataDir, "bundles");
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(".part") || f.endsWith(".tgz")) : [];
};

describe("POST /api/bundles (multipart)", () => {
  it("stores several real bundles in one upload, and reports the same content again as a duplicate", async () => {
    const first = await upload([sample(real[0]!), sample(real[1]!)]);
    expect(first.status).toBe(201);
    const body = (await first.json()) as { results: { file: string; status: string; bundle: { kernel: string; sha256: string } }[] };
    expect(body.results.map((r) => [r.file, r.status])).toEqual([
      [real[0], "stored"],
      [real[1], "stored"],
    ]);
    expect(leftovers().sort()).toEqual([real[0], real[1]].sort());

    const again = await upload([sample(real[0]!)]);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { results: { status: string }[] }).results[0]!.status).toBe("duplicate");
    expect(leftovers()).toHaveLength(2);
  });

  it("rejects a bad file by name and reason, leaves nothing of it, and still stores the good one", async () => {
    const bad = { name: "bundle-5.4.0-1055-gcp.tgz", bytes: Buffer.from("this is not a gzip archive\n") };
    const mixed = await upload([bad, sample(real[2]!)]);
    expect(mixed.status).toBe(201);
    const results = ((await mixed.json()) as { results: { file: string; status: string; error?: string }[] }).results;
    expect(results[0]).toMatchObject({ file: bad.name, status: "rejected" });
    expect(results[0]!.error).toMatch(/^bundle-5\.4\.0-1055-gcp\.tgz: .*\(not_gzip\)$/);
    expect(results[1]).toMatchObject({ file: real[2], status: "stored" });

    const onlyBad = await upload([bad]);
    expect(onlyBad.status).toBe(422);
    expect(((await onlyBad.json()) as { error: string }).error).toMatch(/not_gzip/);
    expect(leftovers()).not.toContain(bad.name);
  });

  it("ends an upload cut off midway (a cancelled browser upload) with nothing stored and no partial file", async () => {
    const name = real[3]!;
    const bytes = fs.readFileSync(path.join(bundlesDir, name));
    const boundary = "----kobuild-cut-off";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="${name}"\r\nContent-Type: application/gzip\r\n\r\n`);
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new Error("aborted"));
        sent = true;
        controller.enqueue(new Uint8Array(Buffer.concat([head, bytes.subarray(0, bytes.length >> 1)])));
      },
    });
    const request = new AdminRequest("http://127.0.0.1/api/bundles", { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, duplex: "half" } as RequestInit);
    const response = await collection.POST(request, none);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/cut off: aborted/);
    expect(leftovers().filter((f) => f.endsWith(".part"))).toEqual([]);
    expect(leftovers()).not.toContain(name);
    // Before, the request waited forever for the rest of the file.
  }, 30_000);

  it("refuses a body that is not multipart, and an upload without files", async () => {
    const json = await collection.POST(new AdminRequest("http://127.0.0.1/api/bundles", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }), none);
    expect(json.status).toBe(400);
    const empty = new FormData();
    empty.append("note", "no file here");
    const noFile = await collection.POST(new AdminRequest("http://127.0.0.1/api/bundles", { method: "POST", body: empty }), none);
    expect(noFile.status).toBe(400);
  });
});

describe("DELETE /api/bundles/:id", () => {
  it("removes the bundle's file and row, and answers 404 afterwards", async () => {
    const list = (await (await collection.GET(new AdminRequest("http://127.0.0.1/api/bundles"), none)).json()) as { bundles: { id: number; kernel: string }[] };
    const victim = list.bundles[0]!;
    const params = { params: Promise.resolve({ id: String(victim.id) }) };
    expect((await single.DELETE(new AdminRequest("http://127.0.0.1/api/bundles/x", { method: "DELETE" }), params)).status).toBe(200);
    expect(leftovers()).not.toContain(`bundle-${victim.kernel}.tgz`);
    expect((await single.DELETE(new AdminRequest("http://127.0.0.1/api/bundles/x", { method: "DELETE" }), params)).status).toBe(404);
  });
});
