/** Paths of the inputs' driver files that the result lacks, in the inputs' order, each once. */
export function findMissingDrivers(inputs: Iterable<string>[], result: Iterable<string>): { missing: string[]; inputTotal: number } {
  const have = new Set(result);
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const input of inputs) {
    for (const p of input) {
      if (seen.has(p)) continue;
      seen.add(p);
      if (!have.has(p)) missing.push(p);
    }
  }
  return { missing, inputTotal: seen.size };
}

const EXAMPLES = 3;

/** A warning a person can act on: how many, out of how many, and a few of them. */
export function describeMissingDrivers(missing: string[], inputTotal: number, result: string): string {
  const shown = missing.slice(0, EXAMPLES).join(", ");
  const more = missing.length > EXAMPLES ? ` and ${missing.length - EXAMPLES} more` : "";
  return `${missing.length} of the inputs' ${inputTotal} driver file(s) are missing from ${result}: ${shown}${more}`;
}
