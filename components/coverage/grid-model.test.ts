import { describe, expect, it } from "vitest";
import sample from "./__fixtures__/sample-coverage.json";
import { cellDetail, coveragePercent, EMPTY_FILTER, exportRows, filterFromParams, filterKernels, filterToParams, indexSideTables, summarize, toCsv, type GridData } from "./grid-model";

// A coverage as GET /api/builds/:id/coverage answered it for a sample build
// with a BLOCKLIST rule and the first build's image as cache.
const data = sample as unknown as GridData;
const names = (ks: number[]) => ks.map((k) => data.kernels[k]!.name);

describe("filterKernels", () => {
  it("keeps every kernel without a filter", () => {
    expect(filterKernels(data, EMPTY_FILTER)).toEqual(data.kernels.map((_, k) => k));
  });

  it("takes a whole uname -r as that kernel alone, and part of an id as a search", () => {
    expect(names(filterKernels(data, { ...EMPTY_FILTER, search: "6.1.0-55-amd64" }))).toEqual(["6.1.0-55-amd64"]);
    expect(names(filterKernels(data, { ...EMPTY_FILTER, search: "6.1" }))).toEqual(["6.1.0-55-amd64", "6.1.0-56-cloud-amd64", "6.12.117+deb12-amd64"]);
  });

  it("filters by family, major and state of the shown cells", () => {
    expect(names(filterKernels(data, { ...EMPTY_FILTER, families: ["el7"] }))).toEqual(["3.10.0-1160.el7.x86_64"]);
    expect(names(filterKernels(data, { ...EMPTY_FILTER, majors: ["6"] }))).toHaveLength(3);
    expect(names(filterKernels(data, { ...EMPTY_FILTER, states: ["failed"] }))).toEqual(["3.10.0-1160.el7.x86_64"]);
    // The failure is a mod cell: showing only bpf leaves no failed kernel.
    expect(filterKernels(data, { ...EMPTY_FILTER, states: ["failed"], flavours: ["bpf"] })).toEqual([]);
  });
});

describe("summarize and the side tables", () => {
  it("counts the shown cells per state and per module version and flavour", () => {
    const { total, columns } = summarize(data, filterKernels(data, EMPTY_FILTER), EMPTY_FILTER);
    expect(total).toEqual({ built: 2, cached: 2, failed: 1, unavailable: 1, blocklisted: 2, missing: 0, notPlanned: 0 });
    expect(columns.map((c) => [c.flavour, c.withDriver])).toEqual([
      ["mod", 2],
      ["bpf", 2],
    ]);
  });

  it("counts coverage out of the cells that could have a driver: blocklisted, unavailable and not planned ones are left out", () => {
    const { columns } = summarize(data, filterKernels(data, EMPTY_FILTER), EMPTY_FILTER);
    // mod: failed, cached, blocklisted, built: 2 drivers of 3 cells (the blocklisted one left out), not 2 of 4.
    // bpf: unavailable, cached, blocklisted, built: 2 of 2.
    expect(columns.map((c) => [c.flavour, c.counted, coveragePercent(c)])).toEqual([
      ["mod", 3, 66],
      ["bpf", 2, 100],
    ]);
    // Only blocklisted cells shown: nothing counts, so no percentage.
    const blocked = summarize(data, filterKernels(data, { ...EMPTY_FILTER, search: "cloud" }), EMPTY_FILTER);
    expect(blocked.columns.map(coveragePercent)).toEqual([null, null]);
  });

  it("gives a failed cell its failure id and a blocklisted cell its rule", () => {
    const side = indexSideTables(data);
    expect(cellDetail(data, side, 0, 0, 0)).toMatchObject({ state: "failed", failureId: 1, rule: null });
    expect(cellDetail(data, side, 2, 0, 1)).toMatchObject({ kernel: "6.1.0-56-cloud-amd64", state: "blocklisted", rule: { file: "kernel-modules/BLOCKLIST", line: 14, text: "*-cloud-amd64" } });
  });
});

describe("exports and the URL", () => {
  it("exports the shown cells as CSV, quoting what needs it", () => {
    const rows = exportRows(data, filterKernels(data, { ...EMPTY_FILTER, families: ["debian"], states: ["blocklisted"] }), { ...EMPTY_FILTER, states: ["blocklisted"] });
    expect(rows).toHaveLength(2);
    const csv = toCsv(rows).trim().split("\n");
    expect(csv[0]).toBe("kernel,family,module_version,flavour,state,failure_id,blocklist_file,blocklist_line,blocklist_rule");
    expect(csv[1]).toBe("6.1.0-56-cloud-amd64,debian,2.2.0,mod,blocklisted,,kernel-modules/BLOCKLIST,14,*-cloud-amd64");
  });

  it("keeps formulas out of spreadsheets", () => {
    expect(toCsv([{ kernel: "=HYPERLINK(1)", family: "x", moduleVersion: "1", flavour: "mod", state: "built", failureId: null, rule: null }])).toContain("'=HYPERLINK(1)");
  });

  it("round-trips a filter through URL parameters and drops unknown states", () => {
    const filter = { ...EMPTY_FILTER, families: ["el7", "debian"], states: ["failed" as const], flavours: ["bpf" as const], search: "6.1" };
    expect(filterFromParams(filterToParams(filter))).toEqual(filter);
    expect(filterFromParams(new URLSearchParams("state=failed,exploded")).states).toEqual(["failed"]);
  });
});
