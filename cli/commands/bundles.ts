import fs from "node:fs";
import path from "node:path";
import { COMMON_HELP, parseCommand } from "../args";
import { apiClient } from "../api-client";
import { resolveConnection } from "../connection";
import { EXIT, UsageError } from "../exit-codes";
import type { Output } from "../output";
import { progressMeter } from "../progress";
import { multipartFile } from "../upload-body";

export const BUNDLES_UPLOAD_HELP = `Usage: kobuild bundles upload FILE... [--replace]

Uploads kernel header bundles (bundle-<kernel>.tgz) to the dashboard's store
(POST /api/bundles), one file at a time, streamed from disk. Each file is
checked there as an upload from the browser is, and its result printed:
stored, duplicate (the same content is stored), replaced, or rejected with
the reason. Progress goes to stderr when it is a terminal.

  --replace               replace a stored bundle of the same kernel with other content
${COMMON_HELP}

Exit status: 0 every file stored or already there, 1 some file rejected,
2 usage error, 3 refused by the dashboard, 4 dashboard unreachable.`;

export const BUNDLES_HELP = `Usage: kobuild bundles upload FILE... [options]

Commands:
  upload FILE...          upload header bundles (kobuild bundles upload --help)`;

type UploadResult = { file: string; status: "stored" | "duplicate" | "replaced" | "rejected"; error?: string; bundle?: { id: number; kernel: string; sha256: string; size: number } };

export async function bundlesCommand(argv: string[], output: Output): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") return output.help(BUNDLES_HELP);
  if (sub !== "upload") throw new UsageError(`unknown bundles command "${sub}": see kobuild bundles --help`);
  const { values, positionals } = parseCommand(rest, { replace: { type: "boolean", default: false } }, true);
  if (values.help) return output.help(BUNDLES_UPLOAD_HELP);
  if (positionals.length === 0) throw new UsageError("name at least one bundle file");
  for (const file of positionals) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
  }
  const client = apiClient(resolveConnection(values));
  const results: UploadResult[] = [];
  for (const file of positionals) {
    const meter = progressMeter(path.basename(file), fs.statSync(file).size);
    const { body, contentType } = multipartFile(file, meter.update);
    let answer: { results?: UploadResult[]; error?: string };
    try {
      // A refusal of every file comes with the per-file results too: read them, whatever the status.
      const response = await client.request(`/api/bundles${values.replace ? "?replace=1" : ""}`, { method: "POST", headers: { "content-type": contentType }, body, duplex: "half" }, [400, 409, 413, 415, 422, 507]);
      answer = (await response.json()) as typeof answer;
    } finally {
      meter.done();
    }
    const result = answer.results?.[0] ?? { file: path.basename(file), status: "rejected" as const, error: answer.error ?? "no result" };
    results.push(result);
    if (!values.json) output.line(describe(result));
  }
  if (values.json) output.json({ results });
  return results.some((r) => r.status === "rejected") ? EXIT.no : EXIT.ok;
}

function describe(r: UploadResult): string {
  if (r.status === "rejected") return `${r.file}: rejected: ${r.error}`;
  const b = r.bundle!;
  return `${r.file}: ${r.status} (kernel ${b.kernel}, bundle ${b.id}, ${b.size} bytes, sha256 ${b.sha256})`;
}
