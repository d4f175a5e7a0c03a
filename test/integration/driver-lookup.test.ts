// "Node X runs kernel Y: is there a driver?" against a driver image kobuild
// read from the engine: the sample's bundles stored (all but the 6.12 one),
// an image made here with /kernel-modules and /FAILURES laid out as the
// dockerized build leaves them, read by POST /api/images/inspect. What each
// answer must say is read from the sample's record and the image's rows.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importDriverImage, type ImageFile } from "../driver-image-import";
import { readSampleRecord } from "../sample-record";
import { AdminRequest } from "./helpers/admin-request";
import { docker } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";

const dataDir = freshDataDir("driver-lookup");

const { getDb } = await import("@/lib/db/client");
const { auditLog, bundles, drivers, failures, images } = await import("@/lib/db/schema");
const { storeBundle } = await import("@/lib/bundles/store-bundle");
const { sortKernels } = await import("@/lib/coverage/kernel-order");
const { eq, sql } = await import("drizzle-orm");
const inspectRoute = await import("@/app/api/images/inspect/route");
const driversRoute = await import("@/app/api/drivers/route");
const lookupRoute = await import("@/app/api/drivers/lookup/route");

type Lookup = import("@/lib/drivers/lookup-drivers").DriverLookup;
type Answer = Lookup["kernels"][number];

const MV = "2.2.0";
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const REF = `kobuild-driver-lookup-test/collector-drivers:${RUN}`;
const record = readSampleRecord();
const older = record.byRole("older").kernel;
const newest = record.byRole("newest").kernel;
const flavour = record.byRole("flavour").kernel;
const failing = record.byRole("failing").kernel;
const series = record.byRole("series").kernel;
/** A release of the newest kernel's series that nobody published: kobuild has neither its bundle nor a driver. */
const unknown = newest.replace(/-(\d+)-/, (_, abi: string) => `-${Number(abi) + 9000}-`);
const ERROR_LINE = "/kobuild-tmp/driver/main.c:12:10: fatal error: linux/version.h: No such file or directory";

let imageId = 0;

const url = (p: string) => `http://127.0.0.1${p}`;
const none = { params: Promise.resolve({}) };
async function json<T>(response: Response, status = 200): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body).slice(0, 500)).toBe(status);
  return body;
}
const getDrivers = (query: string) => driversRoute.GET(new AdminRequest(url(`/api/drivers?${query}`)), none);
const postLookup = (body: unknown, query = "") =>
  lookupRoute.POST(new AdminRequest(url(`/api/drivers/lookup${query}`), { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }), none);

function imageFiles(): ImageFile[] {
  const gz = (name: string) => ({ name, content: Buffer.from(`driver ${name}\n`) });
  return [
    gz(`kernel-modules/${MV}/collector-${older}.ko.gz`),
    { name: `kernel-modules/${MV}/.collector-ebpf-${older}.unavail`, content: "" },
    gz(`kernel-modules/${MV}/collector-${newest}.ko.gz`),
    gz(`kernel-modules/${MV}/collector-ebpf-${newest}.o.gz`),
    gz(`kernel-modules/${MV}/collector-${series}.ko.gz`),
    { name: `kernel-modules/${MV}/.collector-ebpf-${failing}.unavail`, content: "" },
    { name: `FAILURES/${failing}/${MV}/mod.log`, content: `make -C /kobuild-tmp/build M=/kobuild-tmp/driver\n${ERROR_LINE}\ncompilation terminated.\n` },
  ];
}

beforeAll(async () => {
  expect(new Set([older, newest, flavour, failing, series, unknown]).size).toBe(6);
  for (const b of record.bundles.filter((b) => b.kernel !== series)) {
    await storeBundle({ fileName: b.file, source: fs.createReadStream(record.fileOf(b)), maxBytes: 256 * 1024 * 1024 });
  }
  await importDriverImage(REF, imageFiles());
  const image = await json<{ id: number }>(
    await inspectRoute.POST(new AdminRequest(url("/api/images/inspect"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ref: REF }) }), none),
    201,
  );
  imageId = image.id;
}, 300_000);

afterAll(async () => {
  await docker(["rmi", "-f", REF]).catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

/** The image's own rows for one kernel: what a lookup must report. */
function rowsOf(kernel: string) {
  const db = getDb();
  return {
    drivers: db.select().from(drivers).where(eq(drivers.imageId, imageId)).all().filter((d) => d.kernel === kernel),
    failures: db.select().from(failures).where(eq(failures.imageId, imageId)).all().filter((f) => f.kernel === kernel),
  };
}

function stored() {
  const db = getDb();
  const count = (table: typeof images | typeof drivers | typeof failures | typeof bundles | typeof auditLog) => db.select({ n: sql<number>`count(*)` }).from(table).get()!.n;
  return { images: count(images), drivers: count(drivers), failures: count(failures), bundles: count(bundles), audit: count(auditLog) };
}

describe("a driver lookup against an image kobuild read", () => {
  it("gives a node's kernel its built drivers with the image's paths, sizes, checksums and download route", async () => {
    const lookup = await json<Lookup>(await getDrivers(`kernel=${encodeURIComponent(newest)}&imageId=${imageId}`));
    expect(lookup.image).toMatchObject({ id: imageId, ref: REF });
    expect(lookup.images.map((i) => i.id)).toContain(imageId);
    expect(lookup.moduleVersions).toEqual([MV]);
    const [answer] = lookup.kernels;
    expect(answer).toMatchObject({ release: newest, nodes: 1, verdict: "covered", nearest: [] });
    const rows = rowsOf(newest).drivers;
    expect(rows).toHaveLength(2);
    expect(answer!.kernels).toEqual([
      {
        kernel: newest,
        bundle: true,
        cells: ["mod", "bpf"].map((f) => {
          const row = rows.find((r) => r.flavour === f)!;
          return {
            moduleVersion: MV,
            flavour: f,
            state: "built",
            driver: { path: row.path, size: row.size, sha256: row.sha256, download: `/api/images/${imageId}/driver/download?${new URLSearchParams({ kernel: newest, moduleVersion: MV, flavour: f })}` },
          };
        }),
      },
    ]);
  });

  it("answers a fleet: failed with the log's signature, markers, a bundle never built, a driver without a bundle, and no bundle with the nearest", async () => {
    const fleet = [newest, newest, older, failing, flavour, series, unknown, newest, "", `  ${unknown}  `];
    const before = stored();
    const lookup = await json<Lookup>(await postLookup({ kernels: fleet, imageId }));
    const by = new Map<string, Answer>(lookup.kernels.map((a) => [a.release, a]));
    expect(lookup.kernels.map((a) => [a.release, a.nodes, a.verdict])).toEqual([
      [newest, 3, "covered"],
      [older, 1, "covered"],
      [failing, 1, "no-driver"],
      [flavour, 1, "no-driver"],
      [series, 1, "covered"],
      [unknown, 2, "no-bundle"],
    ]);
    expect(lookup.summary).toEqual({ nodes: 9, kernels: 6, coveredNodes: 5, coveredKernels: 3, kernelsWithoutDriver: 3, nodesWithoutDriver: 4, kernelsWithoutBundle: 1 });

    const olderCells = by.get(older)!.kernels[0]!.cells;
    expect(olderCells.map((c) => [c.flavour, c.state])).toEqual([
      ["mod", "built"],
      ["bpf", "unavailable"],
    ]);
    expect(rowsOf(older).drivers.map((d) => d.kind).sort()).toEqual(["driver", "marker"]);

    const failure = rowsOf(failing).failures;
    expect(failure).toHaveLength(1);
    expect(failure[0]!.signature).toMatch(/linux\/version\.h/);
    expect(by.get(failing)!.kernels[0]!.cells).toEqual([
      { moduleVersion: MV, flavour: "mod", state: "failed", failure: { id: failure[0]!.id, signature: failure[0]!.signature, groupId: null, log: `/api/failures/${failure[0]!.id}` } },
      { moduleVersion: MV, flavour: "bpf", state: "unavailable" },
    ]);
    // The log the answer points at is the one the image holds.
    const failureRoute = await import("@/app/api/failures/[id]/route");
    const log = await json<{ log: string }>(await failureRoute.GET(new AdminRequest(url(`/api/failures/${failure[0]!.id}`)), { params: Promise.resolve({ id: String(failure[0]!.id) }) }));
    expect(log.log).toContain(ERROR_LINE);

    expect(rowsOf(flavour)).toEqual({ drivers: [], failures: [] });
    expect(by.get(flavour)!.kernels).toEqual([{ kernel: flavour, bundle: true, cells: [{ moduleVersion: MV, flavour: "mod", state: "missing" }, { moduleVersion: MV, flavour: "bpf", state: "missing" }] }]);

    // The image holds 6.12's module though no bundle is stored for it: the node has its driver.
    expect(by.get(series)!.nearest).toHaveLength(3);
    expect(by.get(series)!.kernels[0]).toMatchObject({ kernel: series, bundle: false, cells: [{ flavour: "mod", state: "built" }, { flavour: "bpf", state: "missing" }] });

    const storedKernels = sortKernels(getDb().select({ kernel: bundles.kernel }).from(bundles).all().map((b) => b.kernel));
    const nearest = by.get(unknown)!.nearest.map((n) => n.kernel);
    expect(nearest).toHaveLength(3);
    for (const k of nearest) expect(storedKernels).toContain(k);
    // The unknown release is the newest kernel's series with another ABI: the nearest is of that series.
    expect(nearest[0]!.startsWith(`${newest.split("-")[0]}-`)).toBe(true);
    expect(by.get(unknown)!.kernels).toEqual([]);

    expect(stored()).toEqual(before);
  });

  it("exports the same answer as CSV", async () => {
    const response = await postLookup({ kernels: [newest, failing, unknown], imageId }, "?format=csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const rows = (await response.text()).split("\r\n");
    expect(rows[0]).toBe("uname,nodes,verdict,kernel,bundle,module_version,flavour,state,detail,url");
    expect(rows.filter((r) => r.startsWith(`${newest},1,covered,${newest},yes,${MV},`))).toHaveLength(2);
    expect(rows.find((r) => r.startsWith(`${failing},1,no-driver,${failing},yes,${MV},mod,failed,`))).toMatch(/linux\/version\.h.*,\/api\/failures\/\d+$/);
    expect(rows.find((r) => r.startsWith(`${unknown},1,no-bundle,`))).toMatch(/nearest bundles: /);
    const single = await getDrivers(`kernel=${encodeURIComponent(older)}&imageId=${imageId}&format=csv`);
    expect((await single.text()).split("\r\n").filter(Boolean)).toHaveLength(3);
  });

  it("refuses malformed kernels (400) and unknown images and module versions (404), storing nothing", async () => {
    const before = stored();
    for (const bad of ["", "5.4.0 1055", "$(reboot)", "a".repeat(201), "6.1.0-56-amd64;ls"]) {
      const answer = await json<{ code: string; error: string }>(await getDrivers(`kernel=${encodeURIComponent(bad)}`), 400);
      expect(answer.code, bad).toBe("bad_request");
    }
    expect((await json<{ error: string }>(await getDrivers("imageId=1"), 400)).error).toMatch(/^kernel: /);
    expect((await json<{ error: string }>(await postLookup({ kernels: [newest, "rm -rf /"] }), 400)).error).toMatch(/^line 2: kernel "rm -rf \/"/);
    expect((await json<{ error: string }>(await postLookup({ kernels: ["", " "] }), 400)).error).toMatch(/no kernel given/);
    expect((await json<{ code: string }>(await postLookup({ kernels: Array.from({ length: 10_001 }, () => newest) }), 400)).code).toBe("bad_request");
    expect((await json<{ code: string }>(await postLookup({ kernels: [newest], colour: "red" }), 400)).code).toBe("bad_request");
    expect((await json<{ code: string }>(await postLookup("{ not json"), 400)).code).toBe("bad_request");
    expect((await json<{ error: string }>(await getDrivers(`kernel=${newest}&imageId=999999`), 404)).error).toBe("no driver image with id 999999");
    expect((await json<{ code: string }>(await postLookup({ kernels: [newest], imageId: 999999 }), 404)).code).toBe("not_found");
    expect((await json<{ error: string }>(await getDrivers(`kernel=${newest}&imageId=${imageId}&moduleVersion=9.9.9`), 404)).error).toMatch(/holds no module version 9\.9\.9/);
    expect(stored()).toEqual(before);
  });
});
