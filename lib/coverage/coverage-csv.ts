// A coverage grid as CSV (RFC 4180): one row per kernel, module version and
// flavour, the same columns as the Coverage page's export, so CI and people
// read the same file.

import { CELL_STATES, FLAVOURS, cellIndex, type Coverage } from "./coverage-model";

export const COVERAGE_CSV_HEADER = ["kernel", "family", "module_version", "flavour", "state", "failure_id", "blocklist_file", "blocklist_line", "blocklist_rule"] as const;

/** One field: quoted when it holds a comma, quote or line break; a field a spreadsheet would run as a formula gets a leading apostrophe. */
function csvField(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const row = (fields: readonly (string | number | null)[]) => `${fields.map(csvField).join(",")}\r\n`;

/** The whole grid, header first, kernels in version order. */
export function coverageCsv(coverage: Coverage): string {
  const out = [row(COVERAGE_CSV_HEADER)];
  const versions = coverage.moduleVersions.length;
  coverage.kernels.forEach((kernel, k) => {
    coverage.moduleVersions.forEach((moduleVersion, m) => {
      for (const flavour of FLAVOURS) {
        const cell = cellIndex(versions, k, m, flavour);
        const ruleIndex = coverage.ruleOfCell.get(cell);
        const rule = ruleIndex === undefined ? null : coverage.rules[ruleIndex]!;
        out.push(
          row([kernel.name, kernel.family, moduleVersion, flavour, CELL_STATES[coverage.cells[cell]!]!, coverage.failureIds.get(cell) ?? null, rule?.file ?? null, rule?.line ?? null, rule?.text ?? null]),
        );
      }
    });
  });
  return out.join("");
}
