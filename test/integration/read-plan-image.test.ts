import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { docker } from "./helpers/driver-build";

// The plan is read from a small image FROM scratch through the engine's
// archive of it (no container): what the task master and the patcher left
// must come out whole, over layers that each add part of it, and the image
// must be gone afterwards.
const { getDefaultEngine } = await import("@/lib/docker/engine");
const { readPlanImage } = await import("@/lib/builds/plan/read-plan-image");
const { readImageLayers } = await import("@/lib/docker/image/image-layer-entries");

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-plan-image-"));
const tag = `kobuild-test/plan-image:${process.pid}`;
afterAll(async () => {
  await docker(["image", "rm", "-f", tag]).catch(() => undefined);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A plan image as kobuild's plan stage makes one: the patcher's versions in one layer, /build-tasks in the next. */
async function buildPlanImage(tasks: string) {
  fs.mkdirSync(path.join(dir, "versions-src/2.2.0/bpf"), { recursive: true });
  fs.mkdirSync(path.join(dir, "versions-src/1.0.0/driver"), { recursive: true });
  fs.writeFileSync(path.join(dir, "versions-src/1.0.0/driver/main.c"), "int x;\n");
  fs.writeFileSync(path.join(dir, "build-tasks"), tasks);
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    ["FROM scratch", "COPY versions-src/ /kobuild-plan/versions-src/", "COPY build-tasks /kobuild-plan/build-tasks", ""].join("\n"),
  );
  await docker(["build", "-q", "--network", "none", "-t", tag, dir]);
  return (await docker(["image", "inspect", "--format", "{{.Id}}", tag])).trim();
}

describe("reading a plan image without a container", () => {
  it("gives every file of every layer with its bytes", async () => {
    // 40,000 tasks: a task file of the real project's size spans many tar records.
    const lines = Array.from({ length: 40_000 }, (_, i) => `6.1.0-${i}-amd64 2.2.0 ${i % 2 ? "bpf" : "mod"}`);
    const id = await buildPlanImage(`${lines.join("\n")}\n`);
    const files = new Map<string, string>();
    const layers = await readImageLayers(getDefaultEngine(), id, (_layer, entry) => {
      if (entry.type !== "file") return null;
      const chunks: Buffer[] = [];
      return { data: (chunk) => chunks.push(chunk), end: () => files.set(entry.pathInImage, Buffer.concat(chunks).toString("utf8")) };
    });
    expect(layers).toHaveLength(2);
    expect(files.get("/kobuild-plan/versions-src/1.0.0/driver/main.c")).toBe("int x;\n");
    expect(files.get("/kobuild-plan/build-tasks")?.split("\n").length).toBe(40_001);
  });

  it("reads the tasks and the module versions, which have an eBPF probe, and removes the image", async () => {
    const id = await buildPlanImage("6.1.0-56-amd64 2.2.0 mod\n6.1.0-56-amd64 2.2.0 bpf\n3.10.0-1160.el7.x86_64 1.0.0 mod\n");
    const facts = await readPlanImage(getDefaultEngine(), id);
    expect(facts.tasks).toEqual([
      { kernel: "6.1.0-56-amd64", moduleVersion: "2.2.0", flavour: "mod" },
      { kernel: "6.1.0-56-amd64", moduleVersion: "2.2.0", flavour: "bpf" },
      { kernel: "3.10.0-1160.el7.x86_64", moduleVersion: "1.0.0", flavour: "mod" },
    ]);
    expect([...facts.moduleVersions].sort((a, b) => a.moduleVersion.localeCompare(b.moduleVersion))).toEqual([
      { moduleVersion: "1.0.0", bpf: false },
      { moduleVersion: "2.2.0", bpf: true },
    ]);
    await expect(getDefaultEngine().getImage(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("leaves the image to a second reader's tag, and removes it with the last", async () => {
    const id = await buildPlanImage("6.1.0-56-amd64 2.2.0 mod\n");
    const first = `kobuild-test/plan-reader:a-${process.pid}`;
    const second = `kobuild-test/plan-reader:b-${process.pid}`;
    await docker(["tag", id, first]);
    await docker(["tag", id, second]);
    await docker(["image", "rm", tag]);
    expect((await readPlanImage(getDefaultEngine(), first)).tasks).toHaveLength(1);
    expect((await readPlanImage(getDefaultEngine(), second)).tasks).toHaveLength(1);
    await expect(getDefaultEngine().getImage(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("says so when the image holds no plan", async () => {
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nCOPY build-tasks /elsewhere\n");
    await docker(["build", "-q", "--network", "none", "-t", tag, dir]);
    const id = (await docker(["image", "inspect", "--format", "{{.Id}}", tag])).trim();
    await expect(readPlanImage(getDefaultEngine(), id)).rejects.toThrow(/no \/kobuild-plan/);
  });
});
