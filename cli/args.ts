import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./exit-codes";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  url: { type: "string" },
  "token-file": { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies OptionSpec;

export const COMMON_HELP = `Connection:
  --url URL             the dashboard (default: $KOBUILD_URL, else http://127.0.0.1:3000)
  --token-file FILE     read the API token from FILE (default: $KOBUILD_TOKEN)
  --json                print the answer as JSON, for programs
  -h, --help            this help`;

/** node:util's parser, with its errors turned into usage errors. */
export function parseCommand<O extends OptionSpec>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
}

/** A whole positive number given on the command line, or a usage error naming the option. */
export function positiveInteger(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value) || Number(value) < 1) throw new UsageError(`${option} must be a positive whole number, not "${value}"`);
  return Number(value);
}
