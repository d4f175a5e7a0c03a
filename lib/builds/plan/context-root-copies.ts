import { globToRegExpSource } from "@/lib/workspace/blocklist";

// Whether a Dockerfile could take a file that kobuild puts at its build
// context's root (beside collector/ and bundles/) into an image. Only when
// none of its COPY or ADD sources can reach that file may kobuild add one
// there without changing what the build makes.

/**
 * True when some COPY or ADD from the build context (not `--from` a stage or
 * image) names the context's root, a pattern that matches `fileName` there,
 * or a source built from variables, which cannot be known before the build.
 */
export function copiesFromContextRoot(dockerfile: string, fileName: string): boolean {
  return contextSources(dockerfile).some((source) => reaches(source, fileName));
}

/** The context sources of every COPY and ADD, heredocs and `--from` copies left out. */
function contextSources(dockerfile: string): string[] {
  const sources: string[] = [];
  // Continuation lines joined, so an instruction split over lines is seen whole.
  const joined = dockerfile.replace(/\\[ \t]*\r?\n/g, " ");
  for (const raw of joined.split(/\r?\n/)) {
    const m = /^\s*(?:COPY|ADD)\s+(.*)$/i.exec(raw);
    if (!m) continue;
    const words = instructionWords(m[1]!);
    const flags = words.filter((w) => w.startsWith("--"));
    if (flags.some((f) => /^--from=/i.test(f))) continue;
    const rest = words.filter((w) => !w.startsWith("--"));
    // The last word is the destination; a heredoc source (<<EOF) is text in the Dockerfile, not the context.
    for (const source of rest.slice(0, -1)) if (!source.startsWith("<<")) sources.push(source);
  }
  return sources;
}

/** The words of an instruction in either form: a JSON array, or separated by blanks. */
function instructionWords(args: string): string[] {
  const trimmed = args.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === "string")) return parsed as string[];
    } catch {
      // Not valid JSON: the engine reads it as words, and so does this.
    }
  }
  return trimmed.split(/\s+/).filter(Boolean);
}

function reaches(source: string, fileName: string): boolean {
  if (source.includes("$")) return true;
  const path = source.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
  if (path === "" || path === ".") return true;
  // A path with a directory part lies below the root: collector/... or bundles/....
  if (path.includes("/")) return false;
  // The engine matches sources as Go's filepath.Match does (`*`, `?`, `[...]`, backslash escapes), like the BLOCKLIST globs.
  return new RegExp(`^${globToRegExpSource(path)}$`).test(fileName);
}
