/** Where a BLOCKLIST rule stands, as a person reads it: "kernel-modules/BLOCKLIST line 14". */
export function ruleLocation(rule: { file: string | null; line: number | null }): string {
  const file = rule.file ?? "BLOCKLIST";
  return rule.line ? `${file} line ${rule.line}` : file;
}
