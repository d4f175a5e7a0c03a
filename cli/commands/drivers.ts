import { COMMON_HELP, parseCommand, positiveInteger } from "../args";
import { apiClient } from "../api-client";
import { resolveConnection } from "../connection";
import { EXIT, UsageError } from "../exit-codes";
import type { Output } from "../output";

export const DRIVERS_FIND_HELP = `Usage: kobuild drivers find KERNEL [options]

"This node runs kernel KERNEL (its uname -r): is there a driver?" Asks the
dashboard (GET /api/drivers) against a driver image: the newest one unless
--image names another. Prints the verdict and, per module version and
flavour, the driver (with its download address), the failure, or why there is
none; for a kernel without a bundle, the nearest kernels that have one.

  --image ID              the driver image record to ask (default: the newest)
  --module-version V      only this module version
  --format F              text (default), json or csv
${COMMON_HELP}

Exit status: 0 the kernel has a driver, 1 it has none, 2 usage error,
3 refused by the dashboard (404: no such image or module version),
4 dashboard unreachable.`;

export const DRIVERS_HELP = `Usage: kobuild drivers find KERNEL [options]

Commands:
  find KERNEL             is there a driver for this uname -r? (kobuild drivers find --help)`;

type Cell = {
  moduleVersion: string;
  flavour: string;
  state: string;
  driver?: { path: string; size: number; sha256: string | null; download: string };
  failure?: { id: number; signature: string | null };
  blocklist?: { file: string | null; line: number | null; text: string | null };
};
type Answer = { release: string; verdict: "covered" | "no-driver" | "no-bundle"; kernels: { kernel: string; bundle: boolean; cells: Cell[] }[]; nearest: { kernel: string }[] };
type Lookup = { image: { id: number; ref: string | null }; kernels: Answer[] };

const VERDICTS = { covered: "has a driver", "no-driver": "has no driver", "no-bundle": "has no driver, and kobuild has no header bundle for it" } as const;

export async function driversCommand(argv: string[], output: Output): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") return output.help(DRIVERS_HELP);
  if (sub !== "find") throw new UsageError(`unknown drivers command "${sub}": see kobuild drivers --help`);
  const { values, positionals } = parseCommand(rest, { image: { type: "string" }, "module-version": { type: "string" }, format: { type: "string" } }, true);
  if (values.help) return output.help(DRIVERS_FIND_HELP);
  if (positionals.length !== 1) throw new UsageError("name exactly one kernel, as uname -r prints it");
  const format = values.json ? "json" : (values.format ?? "text");
  if (!["text", "json", "csv"].includes(format)) throw new UsageError(`--format must be text, json or csv, not "${format}"`);
  const query = new URLSearchParams({ kernel: positionals[0]! });
  const imageId = positiveInteger(values.image, "--image");
  if (imageId !== undefined) query.set("imageId", String(imageId));
  if (values["module-version"]) query.set("moduleVersion", values["module-version"]);
  const client = apiClient(resolveConnection(values));
  const lookup = await client.getJson<Lookup>(`/api/drivers?${query}`);
  const answer = lookup.kernels[0]!;
  if (format === "csv") {
    query.set("format", "csv");
    process.stdout.write(await (await client.request(`/api/drivers?${query}`)).text());
  } else if (format === "json") {
    output.json(lookup);
  } else {
    output.line(`${answer.release} ${VERDICTS[answer.verdict]} in image ${lookup.image.id}${lookup.image.ref ? ` (${lookup.image.ref})` : ""}`);
    for (const k of answer.kernels) {
      if (k.kernel !== answer.release) output.line(`  as kernel ${k.kernel}`);
      for (const c of k.cells) output.line(`  ${c.moduleVersion} ${c.flavour}: ${describeCell(c, client.url)}`);
    }
    if (answer.nearest.length > 0) output.line(`  nearest kernels with a bundle: ${answer.nearest.map((n) => n.kernel).join(", ")}`);
  }
  return answer.verdict === "covered" ? EXIT.ok : EXIT.no;
}

function describeCell(c: Cell, base: string): string {
  if (c.state === "built" && c.driver) return `built, ${c.driver.path} (${c.driver.size} bytes${c.driver.sha256 ? `, sha256 ${c.driver.sha256}` : ""}) ${base}${c.driver.download}`;
  if (c.state === "failed") return `failed: ${c.failure?.signature ?? "see its log"}${c.failure ? ` ${base}/api/failures/${c.failure.id}` : ""}`;
  if (c.state === "blocklisted") return `blocklisted${c.blocklist ? ` by ${c.blocklist.file ?? "BLOCKLIST"}${c.blocklist.line != null ? `:${c.blocklist.line}` : ""} ${c.blocklist.text ?? ""}`.trimEnd() : ""}`;
  if (c.state === "unavailable") return "unavailable (the image holds a marker: no driver can be built for it)";
  return "not in the image";
}
