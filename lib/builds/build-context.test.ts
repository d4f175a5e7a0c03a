import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import { afterAll, describe, expect, it } from "vitest";
import { streamBuildContext, type ContextSource } from "./build-context";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-context-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function workspace() {
  const dir = path.join(root, "checkout");
  fs.mkdirSync(path.join(dir, "kernel-modules", "probe"), { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel-modules", "probe", "main.c"), "int main(void) { return 0; }\n");
  fs.writeFileSync(path.join(dir, "README.md"), "a driver\n");
  fs.symlinkSync("README.md", path.join(dir, "LINK"));
  const bundle = path.join(root, "bundle-6.1.0-1-amd64.tgz");
  fs.writeFileSync(bundle, Buffer.alloc(300_000, 7));
  return { workspacePath: dir, bundleFiles: [bundle] };
}

async function digestOf(source: ContextSource) {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of streamBuildContext(source)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { digest: hash.digest("hex"), bytes };
}

describe("streamBuildContext", () => {
  const source = workspace();
  const planFile = [{ name: "kobuild-plan.Dockerfile", content: "FROM scratch AS kobuild-plan\n" }];

  // The plan's build is cheap only when it sends the build's bytes again (BuildKit keeps a tar context by its digest).
  it("sends the very same bytes for the same files, twice", async () => {
    const first = await digestOf({ ...source, extraFiles: planFile });
    const second = await digestOf({ ...source, extraFiles: planFile });
    expect(second).toEqual(first);
    expect(first.bytes).toBeGreaterThan(300_000);
  });

  it("sends other bytes when a file changed, and keeps kobuild's own files out of the fingerprint", async () => {
    const before = { value: "" };
    const withoutPlan = { value: "" };
    const first = await digestOf({ ...source, extraFiles: planFile, fingerprint: before });
    await digestOf({ ...source, fingerprint: withoutPlan });
    expect(withoutPlan.value).toBe(before.value);

    const file = path.join(source.workspacePath, "README.md");
    fs.writeFileSync(file, "a changed driver\n");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const after = { value: "" };
    const changed = await digestOf({ ...source, extraFiles: planFile, fingerprint: after });
    expect(changed.digest).not.toBe(first.digest);
    expect(after.value).not.toBe(before.value);
  });
});

describe("streamBuildContext with many bundles", () => {
  // Small bundles are read whole, large ones streamed in large chunks: every one must still arrive whole, in order.
  it("sends every bundle, small and large, whole and in the order given", async () => {
    const dir = path.join(root, "many");
    fs.mkdirSync(dir);
    const bundleFiles = Array.from({ length: 30 }, (_, i) => {
      const file = path.join(dir, `bundle-6.1.0-${i}-amd64.tgz`);
      fs.writeFileSync(file, Buffer.alloc(i % 7 === 0 ? 400_000 : 100 + i, i));
      return file;
    });
    const extract = tar.extract();
    const seen: { name: string; bytes: Buffer }[] = [];
    extract.on("entry", (header, body, next) => {
      const chunks: Buffer[] = [];
      body.on("data", (c: unknown) => chunks.push(c as Buffer));
      body.on("end", () => {
        if (header.name.startsWith("bundles/") && header.type === "file") seen.push({ name: header.name, bytes: Buffer.concat(chunks) });
        next();
      });
    });
    await pipeline(streamBuildContext({ workspacePath: path.join(root, "checkout"), bundleFiles }), extract);
    expect(seen.map((s) => s.name)).toEqual(bundleFiles.map((f) => `bundles/${path.basename(f)}`));
    for (const [i, s] of seen.entries()) expect(s.bytes.equals(fs.readFileSync(bundleFiles[i]!))).toBe(true);
  });
});

describe("streamBuildContext when it cannot be whole", () => {
  it("ends with the error of a bundle that cannot be read", async () => {
    const source = { workspacePath: path.join(root, "checkout"), bundleFiles: [path.join(root, "no-such-bundle.tgz")] };
    await expect(digestOf(source)).rejects.toThrow(/ENOENT/);
  });

  it("stops reading when its reader goes away", async () => {
    const dir = path.join(root, "large");
    fs.mkdirSync(dir);
    const bundle = path.join(dir, "bundle-6.1.0-9-amd64.tgz");
    fs.writeFileSync(bundle, Buffer.alloc(8 * 1024 * 1024, 3));
    const context = streamBuildContext({ workspacePath: path.join(root, "checkout"), bundleFiles: [bundle] });
    let bytes = 0;
    for await (const chunk of context) {
      bytes += (chunk as Buffer).length;
      if (bytes > 1024 * 1024) break;
    }
    expect(context.destroyed).toBe(true);
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
  });
});
