import fs from "node:fs";
import { UsageError } from "./exit-codes";

export type Connection = { url: string; token: string };

/**
 * Where the dashboard is and the token to show it: `--url` or KOBUILD_URL,
 * and the token from `--token-file` or KOBUILD_TOKEN (never an option's
 * value, which would land in the shell's history and in `ps`).
 */
export function resolveConnection(options: { url?: string; "token-file"?: string }, environment: Readonly<Record<string, string | undefined>> = process.env): Connection {
  const raw = options.url ?? environment.KOBUILD_URL ?? "http://127.0.0.1:3000";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be the dashboard's address, such as http://127.0.0.1:3000, not "${raw}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--url must be an http:// or https:// address, not "${raw}"`);
  if (url.username || url.password) throw new UsageError("--url must not carry a user name or password: give the token with KOBUILD_TOKEN or --token-file");
  let token: string;
  if (options["token-file"] !== undefined) {
    try {
      token = fs.readFileSync(options["token-file"], "utf8").trim();
    } catch (error) {
      throw new UsageError(`cannot read the token file ${options["token-file"]}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (!token) throw new UsageError(`the token file ${options["token-file"]} is empty`);
  } else {
    token = (environment.KOBUILD_TOKEN ?? "").trim();
    if (!token) throw new UsageError("no API token: set KOBUILD_TOKEN or give --token-file (an admin makes tokens on Settings)");
  }
  if (/[\s\x00-\x1f]/.test(token)) throw new UsageError("the API token holds spaces or control characters: is it the right file?");
  return { url: url.toString().replace(/\/+$/, ""), token };
}
