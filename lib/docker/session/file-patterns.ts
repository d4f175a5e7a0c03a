// The two kinds of path patterns an engine sends with a request for files,
// matched as the engine's own client matches them: Go's filepath.Match for
// the files a step needs (include patterns), and Docker's .dockerignore
// patterns, `**` and `!` exceptions included, for the files to leave out.

/** Go's path.Clean: `a//b/./c/..` is `a/b`, nothing is `.`. */
export function cleanPath(p: string): string {
  const rooted = p.startsWith("/");
  const parts: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length && parts[parts.length - 1] !== "..") parts.pop();
      else if (!rooted) parts.push("..");
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join("/");
  return rooted ? `/${joined}` : joined || ".";
}

const globCache = new Map<string, RegExp | null>();

/** Go's filepath.Match with `/` as the separator; a malformed pattern matches nothing, as Go's error does. */
export function globMatch(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    re = globRegExp(pattern);
    globCache.set(pattern, re);
  }
  return re !== null && re.test(name);
}

function globRegExp(pattern: string): RegExp | null {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += "[^/]";
    else if (ch === "\\") {
      if (++i >= pattern.length) return null;
      out += escapeChar(pattern[i]!);
    } else if (ch === "[") {
      const end = classEnd(pattern, i);
      if (end < 0) return null;
      out += classRegExp(pattern.slice(i + 1, end));
      i = end;
    } else out += escapeChar(ch);
  }
  try {
    return new RegExp(`${out}$`, "u");
  } catch {
    return null;
  }
}

/** The index of the `]` that closes the class opened at `start`, or -1. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i++;
  for (let first = true; i < pattern.length; i++, first = false) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]" && !first) return i;
  }
  return -1;
}

function classRegExp(body: string): string {
  const negated = body.startsWith("^");
  let out = "";
  const start = negated ? 1 : 0;
  for (let i = start; i < body.length; i++) {
    const escaped = body[i] === "\\";
    const ch = escaped ? body[++i]! : body[i]!;
    const range = ch === "-" && !escaped && i > start && i < body.length - 1;
    out += range ? "-" : ch === "-" ? "\\-" : escapeChar(ch);
  }
  return `[${negated ? "^" : ""}${out}]`;
}

const escapeChar = (ch: string) => ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");

/**
 * fsutil's include test: a pattern with more components than the path is cut
 * to the path's depth, and such a match is partial (a directory on the way
 * to what is included).
 */
export function matchPrefix(pattern: string, name: string): { matched: boolean; partial: boolean } {
  const depth = countOf(name, "/");
  let partial = false;
  if (countOf(pattern, "/") > depth) {
    pattern = pattern.split("/").slice(0, depth + 1).join("/");
    partial = true;
  }
  return { matched: globMatch(pattern, name), partial };
}

const countOf = (text: string, ch: string) => text.split(ch).length - 1;

type IgnorePattern = { text: string; exclusion: boolean; dirs: number; re: RegExp };

/** Docker's .dockerignore matcher (moby's fileutils.PatternMatcher). */
export class IgnoreMatcher {
  readonly patterns: IgnorePattern[] = [];
  readonly hasExclusions: boolean;

  constructor(patterns: string[]) {
    for (let raw of patterns) {
      raw = raw.trim();
      if (raw === "") continue;
      raw = cleanPath(raw);
      const exclusion = raw.startsWith("!");
      const text = exclusion ? raw.slice(1) : raw;
      if (exclusion && text === "") throw new Error('illegal exclusion pattern: "!"');
      if (globRegExp(text) === null) throw new Error(`malformed pattern: ${text}`);
      this.patterns.push({ text, exclusion, dirs: text.split("/").length, re: ignoreRegExp(text) });
    }
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  /** Whether `file` is left out: the last pattern that matches it, or one of its parents, decides. */
  matches(file: string): boolean {
    const parentDirs = file.includes("/") ? file.split("/").slice(0, -1) : null;
    let matched = false;
    for (const pattern of this.patterns) {
      let match = pattern.re.test(file);
      if (!match && parentDirs && pattern.dirs <= parentDirs.length) match = pattern.re.test(parentDirs.slice(0, pattern.dirs).join("/"));
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }
}

function ignoreRegExp(pattern: string): RegExp {
  let out = "^";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        out += i + 1 >= pattern.length ? ".*" : "(.*/)?";
      } else out += "[^/]*";
    } else if (ch === "?") out += "[^/]";
    else if (ch === "." || ch === "$") out += `\\${ch}`;
    else if (ch === "\\") out += i + 1 < pattern.length ? `\\${pattern[++i]}` : "\\\\";
    else out += ch;
  }
  try {
    return new RegExp(`${out}$`);
  } catch {
    // Go's regexp and JavaScript's differ in corners; a pattern JavaScript refuses matches only itself.
    return new RegExp(`^${pattern.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")}$`);
  }
}
