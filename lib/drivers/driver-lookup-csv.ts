// A driver lookup as CSV (RFC 4180): one row per release, kernel id, module
// version and flavour; one row for a release kobuild knows no kernel of.

import type { ReleaseAnswer } from "./driver-lookup-model";

export const CSV_HEADER = ["uname", "nodes", "verdict", "kernel", "bundle", "module_version", "flavour", "state", "detail", "url"] as const;

/**
 * One field: quoted when it holds a comma, quote, or line break (quotes
 * doubled); a field a spreadsheet would run as a formula (= + - @, tab, CR
 * first) is quoted with a leading apostrophe.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (fields: readonly (string | number | null | undefined)[]) => `${fields.map(csvField).join(",")}\r\n`;

/** The whole lookup as one CSV text, header first. */
export function lookupCsv(answers: readonly ReleaseAnswer[]): string {
  const out: string[] = [csvRow(CSV_HEADER)];
  for (const a of answers) {
    if (a.kernels.length === 0) {
      const nearest = a.nearest.map((n) => n.kernel).join(" ");
      out.push(csvRow([a.release, a.nodes, a.verdict, "", "no", "", "", "no-bundle", nearest ? `nearest bundles: ${nearest}` : "no bundle stored", ""]));
      continue;
    }
    for (const k of a.kernels) {
      if (k.cells.length === 0) out.push(csvRow([a.release, a.nodes, a.verdict, k.kernel, k.bundle ? "yes" : "no", "", "", "", "", ""]));
      for (const c of k.cells) {
        const [detail, url] =
          c.state === "built"
            ? [c.driver ? `${c.driver.path} ${c.driver.size} bytes sha256:${c.driver.sha256 ?? "unknown"}` : "", c.driver?.download ?? ""]
            : c.state === "failed"
              ? [c.failure?.signature ?? "", c.failure?.log ?? ""]
              : c.state === "blocklisted"
                ? [c.blocklist ? `${c.blocklist.file ?? "BLOCKLIST"}${c.blocklist.line != null ? `:${c.blocklist.line}` : ""} ${c.blocklist.text ?? ""}`.trim() : "", ""]
                : ["", ""];
        out.push(csvRow([a.release, a.nodes, a.verdict, k.kernel, k.bundle ? "yes" : "no", c.moduleVersion, c.flavour, c.state, detail, url]));
      }
    }
  }
  return out.join("");
}
