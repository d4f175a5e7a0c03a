import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngineClient } from "@/lib/docker/engine";
import { DomainError } from "@/lib/domain-error";
import { importDriverImage, LARGE_IMAGE, largeImageFiles, loadLayeredImage, type ImageFile } from "@/test/driver-image-import";
import { FAILURE_LOG_MAX_BYTES, readDriverImage } from "./read-driver-image";

// Real images made here with `docker import` of a tar written by tar-stream:
// no registry, no base image, no shell inside. How fast a large one is read
// is measured by `npm run bench -- image`.

const THROUGH = ["layers", "container"] as const;
const engine = createEngineClient({ dockerHost: "unix:///var/run/docker.sock" });
const run = `${process.pid}-${Date.now().toString(36)}`;
const made: string[] = [];

async function importImage(suffix: string, files: Iterable<ImageFile>): Promise<{ ref: string; id: string }> {
  const image = await importDriverImage(`kobuild-test/drivers:${run}-${suffix}`, files);
  made.push(image.ref);
  return image;
}

async function containersFrom(imageId: string) {
  return engine.listContainers({ all: true, filters: { ancestor: [imageId] } });
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const gz = (s: string) => gzipSync(Buffer.from(s));

afterAll(async () => {
  for (const ref of made) await engine.getImage(ref).remove({ force: true }).catch(() => undefined);
}, 60_000);

describe.each(THROUGH)("readDriverImage through %s on a full driver image", (through) => {
  const mod22 = gz("kernel module 5.4.0-1055-gcp for 2.2.0");
  const bpf22 = gz("ebpf probe 5.4.0-1055-gcp for 2.2.0");
  const modBackport = gz("kernel module 4.15.0-1098-gcp~16.04");
  const modCos = gz("kernel module cos 2.1.0");
  const bpfCos = gz("ebpf probe cos 2.1.0");
  const modPlus = gz("kernel module 6.12.117+deb12-amd64");
  const longLog = "x".repeat(FAILURE_LOG_MAX_BYTES + 1000);
  let image: { ref: string; id: string };

  beforeAll(async () => {
    image = await importImage(`full-${through}`, [
      { name: "kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", content: mod22 },
      { name: "kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.o.gz", content: bpf22 },
      { name: "kernel-modules/2.2.0/collector-4.15.0-1098-gcp~16.04.ko.gz", content: modBackport },
      { name: "kernel-modules/2.2.0/.collector-ebpf-3.10.0-1160.42.2.el7.x86_64.unavail", content: "" },
      { name: "kernel-modules/2.1.0/collector-ebpf-3.10.0-514.2.2.el7.x86_64.unavail", content: "" },
      { name: "kernel-modules/2.1.0/collector-5.10.68-16623.39.6-cos.ko.gz", content: modCos },
      { name: "kernel-modules/2.1.0/collector-ebpf-5.10.68-16623.39.6-cos.o.gz", content: bpfCos },
      { name: "kernel-modules/2.0.1/collector-6.12.117+deb12-amd64.ko.gz", content: modPlus },
      { name: "kernel-modules/2.0.1/README.txt", content: "not a driver" },
      { name: "FAILURES/5.14.12-100.fc33.x86_64/2.2.0/mod.log", content: "make: *** [Makefile:12] Error 2\n" },
      { name: "FAILURES/2.1.0/4.18.0-305.19.1.el8_4.x86_64/bpf.log", content: "clang: error: unknown argument\n" },
      { name: "FAILURES/5.15.0-1-cloud-amd64/2.2.0/bpf.log", content: longLog },
      { name: "FAILURES/summary.txt", content: "stray" },
    ]);
  }, 60_000);

  it("lists drivers with their hashes, markers in both spellings, failures in both layouts", async () => {
    const progress: number[] = [];
    const content = await readDriverImage(engine, image.ref, { through,  onProgress: (n) => progress.push(n) });
    expect(content.imageId).toBe(image.id);
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect([...content.drivers].sort(byPath)).toEqual(
      [
        { path: "/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "mod", kind: "driver", size: mod22.length, sha256: sha256(mod22) },
        { path: "/kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.o.gz", kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "bpf", kind: "driver", size: bpf22.length, sha256: sha256(bpf22) },
        { path: "/kernel-modules/2.2.0/collector-4.15.0-1098-gcp~16.04.ko.gz", kernel: "4.15.0-1098-gcp~16.04", moduleVersion: "2.2.0", flavour: "mod", kind: "driver", size: modBackport.length, sha256: sha256(modBackport) },
        { path: "/kernel-modules/2.2.0/.collector-ebpf-3.10.0-1160.42.2.el7.x86_64.unavail", kernel: "3.10.0-1160.42.2.el7.x86_64", moduleVersion: "2.2.0", flavour: "bpf", kind: "marker", size: 0, sha256: null },
        { path: "/kernel-modules/2.1.0/collector-ebpf-3.10.0-514.2.2.el7.x86_64.unavail", kernel: "3.10.0-514.2.2.el7.x86_64", moduleVersion: "2.1.0", flavour: "bpf", kind: "marker", size: 0, sha256: null },
        { path: "/kernel-modules/2.1.0/collector-5.10.68-16623.39.6-cos.ko.gz", kernel: "5.10.68-16623.39.6-cos", moduleVersion: "2.1.0", flavour: "mod", kind: "driver", size: modCos.length, sha256: sha256(modCos) },
        { path: "/kernel-modules/2.1.0/collector-ebpf-5.10.68-16623.39.6-cos.o.gz", kernel: "5.10.68-16623.39.6-cos", moduleVersion: "2.1.0", flavour: "bpf", kind: "driver", size: bpfCos.length, sha256: sha256(bpfCos) },
        { path: "/kernel-modules/2.0.1/collector-6.12.117+deb12-amd64.ko.gz", kernel: "6.12.117+deb12-amd64", moduleVersion: "2.0.1", flavour: "mod", kind: "driver", size: modPlus.length, sha256: sha256(modPlus) },
      ].sort(byPath),
    );
    expect(content.unknown.sort()).toEqual(["/FAILURES/summary.txt", "/kernel-modules/2.0.1/README.txt"]);

    const failures = [...content.failures].sort(byPath);
    expect(failures.map(({ log, ...f }) => ({ ...f, logLength: log.length }))).toEqual(
      [
        { path: "/FAILURES/5.14.12-100.fc33.x86_64/2.2.0/mod.log", kernel: "5.14.12-100.fc33.x86_64", moduleVersion: "2.2.0", flavour: "mod", logLength: 32 },
        { path: "/FAILURES/2.1.0/4.18.0-305.19.1.el8_4.x86_64/bpf.log", kernel: "4.18.0-305.19.1.el8_4.x86_64", moduleVersion: "2.1.0", flavour: "bpf", logLength: 31 },
        { path: "/FAILURES/5.15.0-1-cloud-amd64/2.2.0/bpf.log", kernel: "5.15.0-1-cloud-amd64", moduleVersion: "2.2.0", flavour: "bpf", logLength: expect.any(Number) },
      ].sort(byPath),
    );
    expect(failures.find((f) => f.flavour === "mod")?.log).toBe("make: *** [Makefile:12] Error 2\n");
    const cut = failures.find((f) => f.path.includes("5.15.0"))!.log;
    expect(cut.startsWith("x".repeat(FAILURE_LOG_MAX_BYTES) + "\n[kobuild: log cut at")).toBe(true);
    expect(cut).toContain(`the file has ${FAILURE_LOG_MAX_BYTES + 1000} bytes`);

    expect(progress.at(-1)).toBe(13);
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);

  it("reads the same image by its id", async () => {
    const content = await readDriverImage(engine, image.id, { through });
    expect(content.drivers).toHaveLength(8);
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);
});

describe.each(THROUGH)("readDriverImage through %s on images missing parts", (through) => {
  it("reads an image without /FAILURES as having no failures", async () => {
    const ko = gz("only module");
    const image = await importImage(`no-failures-${through}`, [{ name: "kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", content: ko }]);
    const content = await readDriverImage(engine, image.ref, { through });
    expect(content.failures).toEqual([]);
    expect(content.unknown).toEqual([]);
    expect(content.drivers).toEqual([
      { path: "/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "mod", kind: "driver", size: ko.length, sha256: sha256(ko) },
    ]);
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);

  it("refuses an image without /kernel-modules, leaving no container", async () => {
    const image = await importImage(`no-modules-${through}`, [{ name: "etc/hostname", content: "x\n" }]);
    await expect(readDriverImage(engine, image.ref, { through })).rejects.toThrow(`not a driver image: no /kernel-modules in ${image.ref}`);
    await expect(readDriverImage(engine, image.ref, { through })).rejects.toMatchObject({ code: "unprocessable" });
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);

  it("says which image does not exist", async () => {
    const ref = `kobuild-test/drivers:${run}-missing`;
    const error = await readDriverImage(engine, ref, { through }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "not_found", message: `no such image ${ref}` });
  });

  it("refuses a bad reference before asking the engine", async () => {
    await expect(readDriverImage(engine, "Kobuild/Drivers:1", { through })).rejects.toMatchObject({ code: "bad_request" });
    await expect(readDriverImage(engine, "kobuild/drivers:1 --all", { through })).rejects.toThrow(/whitespace/);
  });
});

describe.each(THROUGH)("readDriverImage through %s on a large image", (through) => {
  const COUNT = LARGE_IMAGE.drivers;
  let image: { ref: string; id: string };
  const bigHash = createHash("sha256");

  beforeAll(async () => {
    image = await importImage(`many-${through}`, largeImageFiles((block) => bigHash.update(block)));
  }, 60_000);

  it(`streams ${COUNT} drivers and a ${LARGE_IMAGE.bigBytes >> 20} MiB one, reporting progress as it goes`, async () => {
    const progress: number[] = [];
    const content = await readDriverImage(engine, image.ref, { through,  onProgress: (n) => progress.push(n) });
    expect(content.drivers).toHaveLength(COUNT + 1);
    expect(content.unknown).toEqual([]);
    const sample = content.drivers.find((d) => d.path === "/kernel-modules/2.1.0/collector-ebpf-3.10.0-4997.el7.x86_64.o.gz");
    const name = "kernel-modules/2.1.0/collector-ebpf-3.10.0-4997.el7.x86_64.o.gz";
    expect(sample).toMatchObject({ flavour: "bpf", kind: "driver", size: name.length, sha256: sha256(Buffer.from(name)) });
    const big = content.drivers.find((d) => d.kernel === LARGE_IMAGE.bigKernel);
    expect(big).toMatchObject({ size: LARGE_IMAGE.bigBytes, sha256: bigHash.digest("hex") });
    // Progress came in steps while the archive streamed, not once at the end.
    expect(progress.length).toBeGreaterThanOrEqual(COUNT / 250);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(COUNT + 1);
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);

  it("stops on abort and still removes its container", async () => {
    const controller = new AbortController();
    const error = await readDriverImage(engine, image.ref, { through, 
      signal: controller.signal,
      onProgress: (n) => {
        if (n >= 1000) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(await containersFrom(image.id)).toEqual([]);
  }, 60_000);
});

describe("readDriverImage on an image of several layers", () => {
  const first = gz("kernel module as the first layer built it");
  const second = gz("kernel module as the second layer rebuilt it");
  const kept = gz("ebpf probe only the first layer has");

  async function load(suffix: string, layers: Parameters<typeof loadLayeredImage>[1]) {
    const image = await loadLayeredImage(`kobuild-test/drivers:${run}-${suffix}`, layers);
    made.push(image.ref);
    return image;
  }

  it("sees what the engine sees: upper files replace lower ones, whiteouts and opaque directories hide them", async () => {
    // A layer the image has twice is written once in the engine's archive, the second time as a symlink;
    // the second layer removes what it holds, and its second time brings it back.
    const again = gz("kernel module of a layer the image has twice");
    const twice = [
      { name: "kernel-modules", type: "directory" as const },
      { name: "kernel-modules/2.0.0", type: "directory" as const },
      { name: "kernel-modules/2.0.0/collector-4.18.0-1.el8.x86_64.ko.gz", content: again },
    ];
    const image = await load("layers", [
      twice,
      [
        { name: "kernel-modules", type: "directory" },
        { name: "kernel-modules/2.2.0", type: "directory" },
        { name: "kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", content: first },
        { name: "kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.o.gz", content: kept },
        { name: "kernel-modules/2.2.0/collector-6.1.0-9-amd64.ko.gz", content: first },
        { name: "kernel-modules/2.1.0", type: "directory" },
        { name: "kernel-modules/2.1.0/collector-6.1.0-9-amd64.ko.gz", content: first },
        { name: "FAILURES", type: "directory" },
        { name: "FAILURES/6.1.0-9-amd64", type: "directory" },
        { name: "FAILURES/6.1.0-9-amd64/2.2.0", type: "directory" },
        { name: "FAILURES/6.1.0-9-amd64/2.2.0/bpf.log", content: "an old failure\n" },
      ],
      [
        { name: "kernel-modules", type: "directory" },
        { name: "kernel-modules/2.2.0", type: "directory" },
        { name: "kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", content: second },
        { name: "kernel-modules/2.2.0/.wh.collector-6.1.0-9-amd64.ko.gz" },
        { name: "kernel-modules/.wh.2.1.0" },
        { name: "kernel-modules/.wh.2.0.0" },
        { name: "FAILURES", type: "directory" },
        { name: "FAILURES/.wh..wh..opq" },
        { name: "FAILURES/5.4.0-1055-gcp", type: "directory" },
        { name: "FAILURES/5.4.0-1055-gcp/2.2.0", type: "directory" },
        { name: "FAILURES/5.4.0-1055-gcp/2.2.0/mod.log", content: "a new failure\n" },
      ],
      twice,
    ]);
    const summary = (content: Awaited<ReturnType<typeof readDriverImage>>) => ({
      drivers: content.drivers.map((d) => `${d.path} ${d.sha256}`).sort(),
      failures: content.failures.map((f) => `${f.path} ${f.log}`).sort(),
      unknown: content.unknown,
    });
    const expected = {
      drivers: [
        `/kernel-modules/2.0.0/collector-4.18.0-1.el8.x86_64.ko.gz ${sha256(again)}`,
        `/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz ${sha256(second)}`,
        `/kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.o.gz ${sha256(kept)}`,
      ],
      failures: ["/FAILURES/5.4.0-1055-gcp/2.2.0/mod.log a new failure\n"],
      unknown: [],
    };
    // The container's archives are the engine's own view of the stacked layers.
    expect(summary(await readDriverImage(engine, image.ref, { through: "container" }))).toEqual(expected);
    expect(summary(await readDriverImage(engine, image.ref, { through: "layers" }))).toEqual(expected);
    expect(summary(await readDriverImage(engine, image.ref))).toEqual(expected);
  }, 60_000);

  it("refuses an image whose upper layer removed /kernel-modules, either way", async () => {
    const image = await load("removed", [
      [
        { name: "kernel-modules", type: "directory" },
        { name: "kernel-modules/2.2.0", type: "directory" },
        { name: "kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", content: first },
      ],
      [{ name: ".wh.kernel-modules" }, { name: "etc", type: "directory" }, { name: "etc/hostname", content: "x\n" }],
    ]);
    for (const through of THROUGH) await expect(readDriverImage(engine, image.ref, { through })).rejects.toThrow(`not a driver image: no /kernel-modules in ${image.ref}`);
  }, 60_000);
});
