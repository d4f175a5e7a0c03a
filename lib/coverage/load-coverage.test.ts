import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type Db } from "@/lib/db/client";
import { builds, bundles, drivers, failures, images, tasks } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { getComparisonView, getCoverageView } from "./coverage-view";
import { readWireCell } from "./coverage-wire";
import { getFailureView, listFailuresView } from "./list-failures";

// Rows as a sample build leaves them (real kernel names, a real failure log),
// in a real database.
const K310 = "3.10.0-1160.el7.x86_64";
const K55 = "6.1.0-55-amd64";
const KCLOUD = "6.1.0-56-cloud-amd64";
const K612 = "6.12.117+deb12-amd64";
const log310 = fs.readFileSync(path.join(__dirname, "..", "driver-images", "__fixtures__", "failure-logs", "3.10.0-1160.el7.x86_64-2.1.0-mod.log"), "utf8");

describe("coverage and failures from the database", () => {
  let dataDir: string;
  let db: Db;
  const ids = { bundles: [] as number[], image: 0, build: 0, twin: 0, lone: 0, queued: 0, failure: 0 };

  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-coverage-"));
    db = openDb(dataDir);
    for (const [kernel, distro, uname] of [
      [K310, "redhat", K310],
      [K55, "debian", K55],
      [KCLOUD, "debian", KCLOUD],
      [K612, "debian", K612],
    ] as const) {
      const row = { kernel, uname, distro, version: Number(kernel.split(".")[0]), major: 1, minor: 0, buildDir: ".", sha256: kernel, size: 1 };
      ids.bundles.push(db.insert(bundles).values(row).returning({ id: bundles.id }).get().id);
    }
    ids.image = db.insert(images).values({ ref: "kobuild/collector-drivers:build-1", dockerId: "sha256:aaa", readAt: new Date() }).returning({ id: images.id }).get().id;
    const twinImage = db.insert(images).values({ ref: "kobuild/collector-drivers:build-2", dockerId: "sha256:aaa", readAt: new Date() }).returning({ id: images.id }).get().id;
    const loneImage = db.insert(images).values({ ref: null, dockerId: "sha256:bbb", readAt: new Date() }).returning({ id: images.id }).get().id;
    for (const imageId of [ids.image, twinImage, loneImage]) {
      for (const kernel of [K55, KCLOUD]) {
        db.insert(drivers).values({ imageId, kernel, moduleVersion: "2.1.0", flavour: "mod", kind: "driver", path: `/kernel-modules/2.1.0/collector-${kernel}.ko.gz`, size: 1 }).run();
      }
      db.insert(drivers).values({ imageId, kernel: K310, moduleVersion: "2.1.0", flavour: "bpf", kind: "marker", path: `/kernel-modules/2.1.0/.collector-ebpf-${K310}.unavail`, size: 0 }).run();
      // Stored before kobuild signed failures: no signature yet.
      const f = db.insert(failures).values({ imageId, kernel: K310, moduleVersion: "2.1.0", flavour: "mod", path: `/FAILURES/${K310}/2.1.0/mod.log`, log: log310 }).returning({ id: failures.id }).get();
      if (imageId === ids.image) ids.failure = f.id;
    }
    // Build 1: three of the bundles; 6.1.0-55 came from its cache image, the cloud probe was blocklisted.
    ids.build = db
      .insert(builds)
      .values({ status: "succeeded", branch: "3.10.0", imageId: ids.image, options: { branch: "3.10.0", bundleIds: ids.bundles.slice(0, 3) }, startedAt: new Date() })
      .returning({ id: builds.id })
      .get().id;
    const t = (kernel: string, flavour: "mod" | "bpf", state: (typeof tasks.$inferInsert)["state"], rule?: [number, string]) =>
      db.insert(tasks).values({ buildId: ids.build, kernel, moduleVersion: "2.1.0", flavour, builder: kernel.startsWith("3") ? "rhel-7" : "rhel-8", state, blocklistFile: rule ? "kernel-modules/BLOCKLIST" : null, blocklistLine: rule?.[0], blocklistRule: rule?.[1] }).run();
    t(K55, "mod", "cached");
    t(KCLOUD, "mod", "built");
    t(KCLOUD, "bpf", "blocklisted", [7, "*-cloud-amd64 * bpf"]);
    t(K310, "mod", "failed");
    t(K310, "bpf", "unavailable");
    // Build 2: the engine reused every stage; same image id, no task lines. Build 3: the same but nobody printed a plan.
    ids.twin = db.insert(builds).values({ status: "succeeded", imageId: twinImage, options: { branch: "3.10.0", bundleIds: ids.bundles.slice(0, 3) } }).returning({ id: builds.id }).get().id;
    ids.lone = db.insert(builds).values({ status: "succeeded", imageId: loneImage, options: { branch: "3.10.0", useKernelsFile: true } }).returning({ id: builds.id }).get().id;
    ids.queued = db.insert(builds).values({ status: "queued", options: { branch: "3.10.0", bundleIds: null } }).returning({ id: builds.id }).get().id;
  });
  afterAll(() => {
    db.$client.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives a build's cells from its tasks and image, with its bundles' kernels and families", () => {
    const view = getCoverageView({ kind: "build", id: ids.build }, db);
    expect(view.subject).toMatchObject({ kind: "build", id: ids.build, branch: "3.10.0", image: { id: ids.image, ref: "kobuild/collector-drivers:build-1" } });
    expect(view.tasksOf).toBe(ids.build);
    expect(view.kernels).toEqual([
      { name: K310, family: "el7" },
      { name: K55, family: "debian" },
      { name: KCLOUD, family: "debian" },
    ]);
    expect(view.cells).toBe("FUC.BX");
    expect(readWireCell(view, K310, "2.1.0", "mod")).toEqual({ state: "failed", failureId: ids.failure, rule: null });
    expect(readWireCell(view, KCLOUD, "2.1.0", "bpf")).toEqual({ state: "blocklisted", failureId: null, rule: { file: "kernel-modules/BLOCKLIST", line: 7, text: "*-cloud-amd64 * bpf" } });
  });

  it("takes the tasks of the build that made the same image when the engine printed none", () => {
    const twin = getCoverageView({ kind: "build", id: ids.twin }, db);
    expect(twin.tasksOf).toBe(ids.build);
    expect(twin.cells).toBe("FUC.BX");
    const lone = getCoverageView({ kind: "build", id: ids.lone }, db);
    expect(lone.tasksOf).toBeNull();
    // Only what the image holds: the drivers are built, nothing is known to be cached or blocklisted.
    expect(lone.cells).toBe("FUB.B.");
  });

  it("gives a queued build the rows of every bundle, and an image its files only", () => {
    const queued = getCoverageView({ kind: "build", id: ids.queued }, db);
    expect(queued.kernels.map((k) => k.name)).toEqual([K310, K55, KCLOUD, K612]);
    expect(queued.moduleVersions).toEqual([]);
    expect(queued.cells).toBe("");
    const image = getCoverageView({ kind: "image", id: ids.image }, db);
    expect(image.subject).toEqual({ kind: "image", id: ids.image, ref: "kobuild/collector-drivers:build-1", dockerId: "sha256:aaa", readAt: expect.any(Date), builds: [ids.build] });
    expect(image.cells).toBe("FUB.B.");
  });

  it("compares a build with its image: the cells only the build can tell", () => {
    const view = getComparisonView({ kind: "build", id: ids.build }, { kind: "image", id: ids.image }, 10, db);
    expect(view.changes.map((c) => `${c.kind} ${c.kernel} ${c.flavour} ${c.from}->${c.to}`)).toEqual([`change ${K55} mod cached->built`, `change ${KCLOUD} bpf blocklisted->notPlanned`]);
    expect(getComparisonView({ kind: "build", id: ids.build }, { kind: "image", id: ids.image }, 1, db)).toMatchObject({ truncated: true, counts: { changes: 2 } });
  });

  it("groups failures by a signature worked out once, and filters them", () => {
    const view = listFailuresView({ kind: "build", id: ids.build }, {}, db);
    expect(view.total).toBe(1);
    expect(view.groups).toEqual([
      {
        signature: "main.c: fatal error: linux/errno.h: No such file or directory",
        count: 1,
        kernels: [K310],
        moduleVersions: ["2.1.0"],
        flavours: ["mod"],
        families: ["el7"],
        exampleFailureId: ids.failure,
        failures: [{ id: ids.failure, kernel: K310, family: "el7", moduleVersion: "2.1.0", flavour: "mod", signature: "main.c: fatal error: linux/errno.h: No such file or directory" }],
      },
    ]);
    expect(db.select({ s: failures.signature }).from(failures).where(eq(failures.id, ids.failure)).get()!.s).toBe("main.c: fatal error: linux/errno.h: No such file or directory");
    expect(listFailuresView({ kind: "build", id: ids.build }, { distro: "el7", flavour: "mod", moduleVersion: "2.1.0" }, db).total).toBe(1);
    expect(listFailuresView({ kind: "build", id: ids.build }, { distro: "debian" }, db).total).toBe(0);
    expect(listFailuresView({ kind: "build", id: ids.build }, { flavour: "bpf" }, db).total).toBe(0);
    expect(listFailuresView({ kind: "build", id: ids.build }, { moduleVersion: "2.2.0" }, db).groups).toEqual([]);
    expect(listFailuresView({ kind: "build", id: ids.queued }, {}, db)).toMatchObject({ total: 0, groups: [] });
  });

  it("gives one failure with its whole log and the line it is known by", () => {
    const view = getFailureView(ids.failure, db);
    expect(view).toMatchObject({ id: ids.failure, image: { id: ids.image }, builds: [ids.build], kernel: K310, family: "el7", flavour: "mod", source: "compiler" });
    expect(view.log).toBe(log310);
    expect(view.line).toMatch(/main\.c:6:10: fatal error: linux\/errno\.h/);
  });

  it("answers not_found for builds, images and failures that do not exist", () => {
    for (const call of [() => getCoverageView({ kind: "build", id: 999 }, db), () => getCoverageView({ kind: "image", id: 999 }, db), () => listFailuresView({ kind: "image", id: 999 }, {}, db), () => getFailureView(999, db)]) {
      expect(call).toThrow(DomainError);
      try {
        call();
      } catch (error) {
        expect((error as DomainError).code).toBe("not_found");
      }
    }
  });
});
