// `kobuild`: the dashboard's HTTP API from a shell or a CI job.

import { ApiError, UnreachableError } from "./api-client";
import { buildCommand } from "./commands/build";
import { bundlesCommand } from "./commands/bundles";
import { coverageCommand } from "./commands/coverage";
import { driversCommand } from "./commands/drivers";
import { EXIT, UsageError } from "./exit-codes";
import { consoleOutput, type Output } from "./output";

export const MAIN_HELP = `Usage: kobuild COMMAND [options]

The kobuild dashboard from a shell or a CI job, over its HTTP API.

Commands:
  build                   start a driver build, and with --wait follow it to its end
  bundles upload FILE...  upload kernel header bundles
  drivers find KERNEL     is there a driver for this uname -r?
  coverage                a build's or an image's coverage, as text, CSV or JSON

Each command has --help. The dashboard is --url or $KOBUILD_URL
(default http://127.0.0.1:3000); the API token comes from $KOBUILD_TOKEN or
--token-file FILE (an admin makes tokens on Settings or with POST /api/tokens).

Exit status: 0 done, 1 the answer is no (a build failed, a bundle was
rejected, a kernel has no driver), 2 usage error, 3 refused by the dashboard
(a bad token, a role too small, an unknown id), 4 dashboard unreachable.`;

const COMMANDS: Record<string, (argv: string[], output: Output) => Promise<number>> = {
  build: buildCommand,
  bundles: bundlesCommand,
  drivers: driversCommand,
  coverage: coverageCommand,
};

/** Runs one command line and answers its exit status; every error is said on stderr in one line. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const output = consoleOutput(rest.includes("--json"));
  if (command === undefined || command === "--help" || command === "-h" || command === "help") return output.help(MAIN_HELP);
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    return await run(rest, output);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`kobuild: ${error.message}\nRun \`kobuild ${run ? `${command} ` : ""}--help\` for usage.\n`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      process.stderr.write(`kobuild: the dashboard refused: ${error.message}\n`);
      return EXIT.refused;
    }
    if (error instanceof UnreachableError) {
      process.stderr.write(`kobuild: ${error.message}\n`);
      return EXIT.unreachable;
    }
    process.stderr.write(`kobuild: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.unreachable;
  }
}

