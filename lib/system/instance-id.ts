import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { env } from "@/lib/env";

let cached: { dir: string; id: string } | null = null;

/**
 * A short id of this kobuild installation (its data directory), made once.
 * Default image tags carry it: build ids restart at 1 in every data
 * directory, and two installations on one engine must not overwrite each
 * other's `build-1`.
 */
export function instanceId(): string {
  const dir = env().dataDir;
  if (cached?.dir === dir) return cached.id;
  const file = path.join(dir, "instance-id");
  let id: string;
  try {
    id = fs.readFileSync(file, "utf8").trim();
    if (!/^[0-9a-f]{6}$/.test(id)) throw new Error("malformed");
  } catch {
    fs.mkdirSync(dir, { recursive: true });
    id = randomBytes(3).toString("hex");
    // wx: when two processes race, the first file wins and both read it.
    try {
      fs.writeFileSync(file, `${id}\n`, { flag: "wx" });
    } catch {
      id = fs.readFileSync(file, "utf8").trim();
    }
  }
  cached = { dir, id };
  return id;
}
