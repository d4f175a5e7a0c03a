import { COMMON_HELP, parseCommand, positiveInteger } from "../args";
import { apiClient } from "../api-client";
import { resolveConnection } from "../connection";
import { EXIT, UsageError } from "../exit-codes";
import type { Output } from "../output";

export const COVERAGE_HELP = `Usage: kobuild coverage (--build N | --image N) [--format text|csv|json]

A build's or a driver image's coverage: every kernel x module version x
flavour and its state (built, cached, failed, unavailable, blocklisted,
missing, notPlanned).

  --build N               the build
  --image N               the driver image record (instead of a build)
  --format F              text (default: counts per module version and flavour),
                          csv (one row per cell, as the Coverage page exports it)
                          or json (the API's packed grid)
${COMMON_HELP}

Exit status: 0 answered, 2 usage error, 3 refused by the dashboard (404: no
such build or image), 4 dashboard unreachable.`;

type Counts = Record<string, number>;
type CoverageView = { subject: unknown; kernels: unknown[]; moduleVersions: string[]; counts: Counts; perModuleVersion: { moduleVersion: string; mod: Counts; bpf: Counts }[] };

const WITH_DRIVER = ["built", "cached"];
const LEFT_OUT = ["blocklisted", "unavailable", "notPlanned"];

/** Cells with a driver out of the cells that could have one, rounded down (the Coverage page's rule). */
function percentage(counts: Counts): string {
  const total = Object.entries(counts).reduce((sum, [state, n]) => (LEFT_OUT.includes(state) ? sum : sum + n), 0);
  if (total === 0) return "nothing to build";
  const withDriver = WITH_DRIVER.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  return `${Math.floor((withDriver / total) * 100)}% (${withDriver}/${total})`;
}

export async function coverageCommand(argv: string[], output: Output): Promise<number> {
  const { values } = parseCommand(argv, { build: { type: "string" }, image: { type: "string" }, format: { type: "string" } });
  if (values.help) return output.help(COVERAGE_HELP);
  const build = positiveInteger(values.build, "--build");
  const image = positiveInteger(values.image, "--image");
  if ((build === undefined) === (image === undefined)) throw new UsageError("give --build N or --image N (one of them)");
  const format = values.json ? "json" : (values.format ?? "text");
  if (!["text", "json", "csv"].includes(format)) throw new UsageError(`--format must be text, csv or json, not "${format}"`);
  const client = apiClient(resolveConnection(values));
  const base = build !== undefined ? `/api/builds/${build}/coverage` : `/api/images/${image}/coverage`;
  if (format === "csv") {
    const response = await client.request(`${base}?format=csv`);
    // Streamed through: a grid of many thousand kernels need not be held here.
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) process.stdout.write(chunk);
    return EXIT.ok;
  }
  const view = await client.getJson<CoverageView>(base);
  if (format === "json") {
    output.json(view);
    return EXIT.ok;
  }
  output.line(`${build !== undefined ? `build ${build}` : `image ${image}`}: ${view.kernels.length} kernels, module versions ${view.moduleVersions.join(", ") || "none"}`);
  for (const m of view.perModuleVersion) {
    for (const flavour of ["mod", "bpf"] as const) {
      const counts = m[flavour];
      const states = Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(", ");
      output.line(`  ${m.moduleVersion} ${flavour}: ${percentage(counts)}${states ? ` — ${states}` : ""}`);
    }
  }
  return EXIT.ok;
}
