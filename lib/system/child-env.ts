// Programs kobuild starts (git, ssh) get only the variables they need, never
// kobuild's own secrets (KOBUILD_ADMIN_TOKEN, KOBUILD_SECRET_KEY) nor anything
// else the dashboard's environment happens to hold.

/** What any program needs to run as kobuild's user: where programs are, who and where home is, the locale, temporary files. */
const BASE = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR"];

/** The base variables and `more` from kobuild's environment (those that are set), then `extra`. */
export function childEnv(more: readonly string[] = [], extra: Record<string, string> = {}, source: Record<string, string | undefined> = process.env): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const name of [...BASE, ...more]) if (source[name] !== undefined) env[name] = source[name];
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}
