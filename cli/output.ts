import { EXIT } from "./exit-codes";

/**
 * Where a command writes: answers on stdout, notes and progress on stderr.
 * With --json, stdout holds JSON only, so the log of a followed build goes
 * to stderr.
 */
export type Output = {
  line(text: string): void;
  log(text: string): void;
  note(text: string): void;
  json(value: unknown): void;
  help(text: string): number;
};

export function consoleOutput(json: boolean): Output {
  return {
    line: (text) => process.stdout.write(`${text}\n`),
    log: (text) => (json ? process.stderr : process.stdout).write(`${text}\n`),
    note: (text) => process.stderr.write(`${text}\n`),
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    help: (text) => {
      process.stdout.write(`${text}\n`);
      return EXIT.ok;
    },
  };
}
