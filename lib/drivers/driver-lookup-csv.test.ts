import { describe, expect, it } from "vitest";
import { csvField, lookupCsv } from "./driver-lookup-csv";
import { downloadUrl, type ReleaseAnswer } from "./driver-lookup-model";

describe("csvField", () => {
  it("quotes what RFC 4180 needs quoted, doubling quotes", () => {
    expect(csvField("6.1.0-56-amd64")).toBe("6.1.0-56-amd64");
    expect(csvField(12)).toBe("12");
    expect(csvField(null)).toBe("");
    expect(csvField('error: expected ";" before "}" token')).toBe('"error: expected "";"" before ""}"" token"');
    expect(csvField("a, b")).toBe('"a, b"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
  });

  it("keeps a spreadsheet from running a field as a formula", () => {
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-rf")).toBe("'-rf");
    expect(csvField("@sum")).toBe("'@sum");
  });
});

describe("lookupCsv", () => {
  const K56 = "6.1.0-56-amd64";
  const answers: ReleaseAnswer[] = [
    {
      release: K56,
      nodes: 3,
      verdict: "covered",
      kernels: [
        {
          kernel: K56,
          bundle: true,
          cells: [
            { moduleVersion: "2.2.0", flavour: "mod", state: "built", driver: { path: `/kernel-modules/2.2.0/collector-${K56}.ko.gz`, size: 4096, sha256: "ab".repeat(32), download: downloadUrl(7, K56, "2.2.0", "mod") } },
            { moduleVersion: "2.2.0", flavour: "bpf", state: "failed", failure: { id: 41, signature: "error: 'struct task_struct' has no member named \"state\"", groupId: 3, log: "/api/failures/41" } },
          ],
        },
      ],
      nearest: [],
    },
    { release: "5.4.0-1055-gcp", nodes: 1, verdict: "no-bundle", kernels: [], nearest: [{ kernel: "4.15.0-1098-gcp~16.04", uname: "4.15.0-1098-gcp" }] },
  ];

  it("writes one row per cell and one per release kobuild knows no kernel of", () => {
    const rows = lookupCsv(answers).split("\r\n");
    expect(rows).toEqual([
      "uname,nodes,verdict,kernel,bundle,module_version,flavour,state,detail,url",
      `${K56},3,covered,${K56},yes,2.2.0,mod,built,/kernel-modules/2.2.0/collector-${K56}.ko.gz 4096 bytes sha256:${"ab".repeat(32)},/api/images/7/driver/download?kernel=${K56}&moduleVersion=2.2.0&flavour=mod`,
      `${K56},3,covered,${K56},yes,2.2.0,bpf,failed,"error: 'struct task_struct' has no member named ""state""",/api/failures/41`,
      "5.4.0-1055-gcp,1,no-bundle,,no,,,no-bundle,nearest bundles: 4.15.0-1098-gcp~16.04,",
      "",
    ]);
  });
});
