import "server-only";
import path from "node:path";
import { env } from "@/lib/env";

// Where kobuild keeps what it makes of remote workspaces, in its data
// directory: one clone per remote workspace, and one checkout per build of
// one (removed when the build ends).

/** The clones of remote workspaces: `<data>/workspaces/remotes/<workspace id>`. */
export function clonesDir(dataDir = env().dataDir) {
  return path.join(dataDir, "workspaces", "remotes");
}

export function cloneDir(workspaceId: number, dataDir = env().dataDir) {
  return path.join(clonesDir(dataDir), String(workspaceId));
}

/** Per-build checkouts: `<data>/workspaces/builds/<build id>`. */
export function buildCheckoutsDir(dataDir = env().dataDir) {
  return path.join(dataDir, "workspaces", "builds");
}

export function buildCheckoutDir(buildId: number, dataDir = env().dataDir) {
  return path.join(buildCheckoutsDir(dataDir), String(buildId));
}

/** Whether `dir` is one of kobuild's own clones, which it may remove (never an admin's checkout). */
export function isOwnClone(dir: string, dataDir = env().dataDir) {
  const root = clonesDir(dataDir) + path.sep;
  return dir.startsWith(root) && !dir.slice(root.length).includes(path.sep);
}
