/**
 * Whether a kernel string begins with `<version>.<major>` as a whole number
 * pair: 5.4.0-1055-gcp matches 5.4, 5.40.1 does not.
 */
export function matchVersionPrefix(text: string, version: number, major: number): boolean {
  const prefix = `${version}.${major}`;
  if (!text.startsWith(prefix)) return false;
  const next = text.charAt(prefix.length);
  return next === "" || !/[0-9]/.test(next);
}
