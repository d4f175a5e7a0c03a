// `npm run backup -- [--out DIR]`: a consistent copy of the live database and
// the secret key (see README, "Backup and restore"). Safe while the dashboard runs.
import path from "node:path";
import { parseArgs } from "node:util";
import { loadEnvOrExit } from "../lib/env";
import { takeBackup } from "../lib/backup/take-backup";

const HELP = `Usage: npm run backup -- [--out DIR]

Copies the database of KOBUILD_DATA_DIR (SQLite's online backup: consistent while
the dashboard runs), its secret key and installation id into a new directory
DIR/kobuild-backup-<time> (default DIR: ./backups), mode 0700, files 0600.`;

async function run() {
  let values: { out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (error) {
    process.stderr.write(`backup: ${(error as Error).message}\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const { dataDir, secretKey } = loadEnvOrExit();
  const backup = await takeBackup({ dataDir, outDir: path.resolve(values.out ?? "backups"), secretKey });
  process.stdout.write(`backup written to ${backup.dir}\n`);
  for (const f of backup.files) process.stdout.write(`  ${f.name}  ${f.bytes} bytes  sha256 ${f.sha256}\n`);
  process.stdout.write(`  backup.json  what the backup holds\n`);
  const key = { "key file": "the data directory's secret.key", KOBUILD_SECRET_KEY: "KOBUILD_SECRET_KEY, written as secret.key", none: "none: nothing sealed yet, no key file" }[backup.keySource];
  process.stdout.write(`secret key: ${key}\ndatabase: ${backup.migrations} migrations, integrity check ok\nnot in the backup: bundles/ (the bundle files), workspaces/ (clones and checkouts), cache/ (see README, "Backup and restore")\n`);
  return 0;
}

run().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`backup: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
