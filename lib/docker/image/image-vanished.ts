/**
 * The engine's ways of saying that an image it had a moment ago is gone: 404
 * for a name or id it no longer knows, and Docker's 500 "failed to get
 * digest … no such file or directory" for a name whose image was deleted
 * under it (also what a build ends with when its result is deleted before
 * the engine tags it).
 */
export function imageVanished(error: unknown): boolean {
  if ((error as { statusCode?: number } | null)?.statusCode === 404) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /failed to get digest [^\n]*no such file or directory|no such image/i.test(message);
}
