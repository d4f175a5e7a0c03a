/** Replaces every occurrence of the given secret values with `***`. */
export function createSecretMasker(secrets: Array<string | undefined | null>) {
  // Longest first, so a secret that contains another is masked whole.
  const values = [...new Set(secrets.filter((s): s is string => !!s))].sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text: string) => text;
  return (text: string) => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join("***");
    return out;
  };
}
