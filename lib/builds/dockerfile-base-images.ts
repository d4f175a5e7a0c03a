/**
 * The images a Dockerfile's FROM lines name, with `${ARG}` and `${ARG:-default}`
 * resolved from the global ARGs (before the first FROM) and the build
 * arguments; stages of the same file and `scratch` are not images. An engine
 * must hold these (or reach a registry that does) before the build can start.
 */
export function dockerfileBaseImages(text: string, buildArgs: Record<string, string>): string[] {
  const stages = new Set<string>();
  const found: string[] = [];
  for (const { from, name } of fromLines(text, buildArgs)) {
    if (from !== "scratch" && !stages.has(from.toLowerCase()) && !found.includes(from)) found.push(from);
    if (name) stages.add(name);
  }
  return found;
}

/**
 * The image a stage starts from, following stages built on stages
 * (`rhel-8-builder` FROM `rhel-8-base` FROM the toolchain): the compiler a
 * builder stage ran. Null for a stage the file does not name or one FROM scratch.
 */
export function stageBaseImage(text: string, buildArgs: Record<string, string>, stage: string): string | null {
  const parents = new Map<string, string>();
  for (const { from, name } of fromLines(text, buildArgs)) if (name && !parents.has(name)) parents.set(name, from);
  let current = stage.toLowerCase();
  for (let hops = 0; hops <= parents.size; hops++) {
    const from = parents.get(current);
    if (from === undefined) return null;
    if (!parents.has(from.toLowerCase())) return from === "scratch" ? null : from;
    current = from.toLowerCase();
  }
  return null;
}

/** Each FROM line's image (ARGs expanded) and the stage name it gives, lower-cased. */
function fromLines(text: string, buildArgs: Record<string, string>): { from: string; name: string | null }[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  const defaults: Record<string, string> = {};
  const lines: { from: string; name: string | null }[] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?\s*$/i.exec(line);
    if (arg && lines.length === 0) {
      const value = arg[2]?.replace(/^"(.*)"$/, "$1");
      if (value !== undefined) defaults[arg[1]!] = value;
      continue;
    }
    const from = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (!from) continue;
    lines.push({ from: expand(from[1]!, (name) => buildArgs[name] ?? defaults[name]), name: from[2]?.toLowerCase() ?? null });
  }
  return lines;
}

function expand(text: string, lookup: (name: string) => string | undefined): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const value = lookup((braced ?? bare)!);
    if (value) return value;
    return fallback !== undefined ? expand(fallback, lookup) : "";
  });
}
