/**
 * The images a Dockerfile's FROM lines name, with `${ARG}` and `${ARG:-default}`
 * resolved from the global ARGs (before the first FROM) and the build
 * arguments; stages of the same file and `scratch` are not images. An engine
 * must hold these (or reach a registry that does) before the build can start.
 */
export function dockerfileBaseImages(text: string, buildArgs: Record<string, string>): string[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  const defaults: Record<string, string> = {};
  const stages = new Set<string>();
  const found: string[] = [];
  let seenFrom = false;
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?\s*$/i.exec(line);
    if (arg && !seenFrom) {
      const value = arg[2]?.replace(/^"(.*)"$/, "$1");
      if (value !== undefined) defaults[arg[1]!] = value;
      continue;
    }
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (!from) continue;
    seenFrom = true;
    const image = expand(from[1]!, (name) => buildArgs[name] ?? defaults[name]);
    if (image !== "scratch" && !stages.has(image.toLowerCase()) && !found.includes(image)) found.push(image);
    if (from[2]) stages.add(from[2].toLowerCase());
  }
  return found;
}

function expand(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = lookup((braced ?? bare)!);
    if (value) return value;
    return fallback !== undefined ? expand(fallback, lookup) : "";
  });
}
