import { describe, expect, it } from "vitest";
import { buildCoverage, type TaskFact } from "./coverage-model";
import { COVERAGE_CSV_HEADER, coverageCsv } from "./coverage-csv";

const K310 = "3.10.0-1160.el7.x86_64";
const K55 = "6.1.0-55-amd64";

/** The CSV back into records, the way a spreadsheet would read it (quoted fields may hold commas and quotes). */
function parse(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  for (const line of text.split("\r\n").filter(Boolean)) {
    const fields: string[] = [];
    for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
      fields.push(m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!);
      if (m[2] === "") break;
    }
    rows.push(fields);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

describe("coverageCsv", () => {
  const tasks: TaskFact[] = [
    { kernel: K55, moduleVersion: "2.2.0", flavour: "mod", state: "built" },
    { kernel: K55, moduleVersion: "2.2.0", flavour: "bpf", state: "planned" },
    { kernel: K310, moduleVersion: "2.2.0", flavour: "mod", state: "failed" },
    { kernel: K310, moduleVersion: "2.2.0", flavour: "bpf", state: "blocklisted", blocklistFile: "kernel-modules/BLOCKLIST", blocklistLine: 3, blocklistRule: '=3.10.*, "el7"' },
  ];
  const coverage = buildCoverage({
    tasks,
    hasImage: true,
    drivers: [{ kernel: K55, moduleVersion: "2.2.0", flavour: "mod", kind: "driver" }],
    failures: [{ id: 7, kernel: K310, moduleVersion: "2.2.0", flavour: "mod" }],
  });

  it("gives one row per kernel, module version and flavour with its state, failure and rule", () => {
    const text = coverageCsv(coverage);
    expect(text.split("\r\n")[0]).toBe(COVERAGE_CSV_HEADER.join(","));
    expect(parse(text)).toEqual([
      { kernel: K310, family: "el7", module_version: "2.2.0", flavour: "mod", state: "failed", failure_id: "7", blocklist_file: "", blocklist_line: "", blocklist_rule: "" },
      // The rule starts with "=": a spreadsheet must not run it.
      { kernel: K310, family: "el7", module_version: "2.2.0", flavour: "bpf", state: "blocklisted", failure_id: "", blocklist_file: "kernel-modules/BLOCKLIST", blocklist_line: "3", blocklist_rule: `'=3.10.*, "el7"` },
      { kernel: K55, family: "debian", module_version: "2.2.0", flavour: "mod", state: "built", failure_id: "", blocklist_file: "", blocklist_line: "", blocklist_rule: "" },
      { kernel: K55, family: "debian", module_version: "2.2.0", flavour: "bpf", state: "missing", failure_id: "", blocklist_file: "", blocklist_line: "", blocklist_rule: "" },
    ]);
  });
});
