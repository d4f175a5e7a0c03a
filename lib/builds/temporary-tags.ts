import "server-only";
import { randomBytes } from "node:crypto";
import { instanceId } from "@/lib/system/instance-id";
import type { BuildSession } from "./build-session";

/** Where an operation's result waits until it has been checked: never a name a user picks. */
export function temporaryRef(kind: string, buildId: number) {
  return `kobuild-tmp/${kind}:build-${buildId}-${instanceId()}`;
}

/** A temporary name of one reader's own, where results of the same inputs are the same image (the plan): never shared. */
export function readerRef(kind: string) {
  return `kobuild-tmp/${kind}:${instanceId()}-${randomBytes(6).toString("hex")}`;
}

/** Removes a tag kobuild made; the image itself goes only when no other tag holds it. */
export async function removeTag(session: BuildSession, ref: string) {
  try {
    await session.engine.getImage(ref).remove();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) session.note(`could not remove the temporary tag ${ref}: ${(error as Error).message}`);
  }
}
