import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { parseBlocklist } from "@/lib/workspace/blocklist";
import { parseKernelVersions } from "@/lib/workspace/read-workspace-files";
import type { BlocklistFile } from "./explain-plan";

/**
 * The BLOCKLIST files a task master may apply, in the order the seed's build
 * applies them; a workspace has either, both or none.
 */
export const BLOCKLIST_FILES = ["kernel-modules/BLOCKLIST", "kernel-modules/dockerized/BLOCKLIST"] as const;
export const KERNEL_VERSIONS_FILE = "kernel-modules/KERNEL_VERSIONS";

async function readOptional(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return null;
    throw error;
  }
}

/**
 * A file of a workspace's checkout: data read at run time, which the server
 * build must not try to trace (or it would ship the whole project).
 */
const checkoutFile = (sourceDir: string, file: string) => path.join(/* turbopackIgnore: true */ sourceDir, file);

/** The BLOCKLIST files of the checkout the build context carries. */
export async function readBlocklistFiles(sourceDir: string): Promise<BlocklistFile[]> {
  const found: BlocklistFile[] = [];
  for (const file of BLOCKLIST_FILES) {
    const text = await readOptional(checkoutFile(sourceDir, file));
    if (text !== null) found.push({ file, rules: parseBlocklist(text) });
  }
  return found;
}

/** The kernels of KERNEL_VERSIONS in the checkout the build context carries; null without the file. */
export async function readKernelsFile(sourceDir: string): Promise<string[] | null> {
  const text = await readOptional(checkoutFile(sourceDir, KERNEL_VERSIONS_FILE));
  return text === null ? null : parseKernelVersions(text).map((line) => line.split(/\s+/)[0]!);
}
