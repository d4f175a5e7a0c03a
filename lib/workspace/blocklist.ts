// kernel-modules/BLOCKLIST: drivers the dockerized build never builds.
//
// One rule per line, up to three whitespace-separated patterns
// `<kernel> [<module-version>] [<mod|bpf>]`; a missing pattern means `*`;
// `#` starts a comment wherever it is. A pattern is a shell glob (`*`, `?`,
// `[...]` with `!` or `^` to negate), or a regular expression when it starts
// with `~`.
//
// Both kinds must match the whole field: a regular expression is anchored at
// both ends (`~5\.4\.` matches nothing; write `~5\.4\..*`). That makes a
// glob and a regex on the same line behave alike, and explicit `^`/`$` in a
// rule stay harmless. POSIX classes such as `[[:digit:]]` are understood in
// both kinds; the rest of a regex is JavaScript syntax, which agrees with
// POSIX extended regular expressions on what such rules use.

import type { Flavour } from "@/lib/docker/image/parse-driver-path";

export type BlocklistRule = {
  /** 1-based line number in the file. */
  line: number;
  /** The line as written, comment included. */
  text: string;
  kernel: string;
  moduleVersion: string;
  flavour: string;
  /** Why the rule cannot be used; an invalid rule never matches. */
  error: string | null;
};

export type BlocklistTask = { kernel: string; moduleVersion: string; flavour: Flavour };

const POSIX_CLASSES: Record<string, string> = {
  alnum: "A-Za-z0-9",
  alpha: "A-Za-z",
  digit: "0-9",
  lower: "a-z",
  upper: "A-Z",
  space: "\\s",
  blank: " \\t",
  xdigit: "0-9A-Fa-f",
  punct: "!-\\/:-@\\[-`{-~",
  word: "\\w",
};

function posixClasses(source: string): string {
  return source.replace(/\[:([a-z]+):\]/g, (whole, name: string) => {
    const range = POSIX_CLASSES[name];
    if (range === undefined) throw new Error(`unknown character class ${whole}`);
    return range;
  });
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** A glob's regex source: `*` any run, `?` one character, `[...]` a class; the rest literal. */
export function globToRegExpSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out += ".*";
    else if (c === "?") out += ".";
    else if (c === "\\" && i + 1 < glob.length) out += escapeRegExp(glob[++i]!);
    else if (c === "[") {
      let j = i + 1;
      const negate = glob[j] === "!" || glob[j] === "^";
      if (negate) j++;
      if (glob[j] === "]") j++; // a leading "]" is a member
      while (j < glob.length && glob[j] !== "]") {
        // A POSIX class's own "]" does not close the bracket.
        const close = glob.startsWith("[:", j) ? glob.indexOf(":]", j + 2) : -1;
        j = close > 0 ? close + 2 : j + 1;
      }
      if (j >= glob.length) {
        out += "\\["; // no closing "]": a literal "[", as in the shell
        continue;
      }
      const body = glob.slice(i + 1 + (negate ? 1 : 0), j).replace(/\\/g, "\\\\").replace(/^\]/, "\\]");
      out += `[${negate ? "^" : ""}${posixClasses(body)}]`;
      i = j;
    } else out += escapeRegExp(c);
  }
  return out;
}

/** The pattern as a whole-field RegExp; throws with the reason when it cannot be one. */
export function compileBlocklistPattern(pattern: string): RegExp {
  if (pattern.startsWith("~")) {
    const source = pattern.slice(1);
    if (source === "") throw new Error("empty regular expression after '~'");
    try {
      return new RegExp(`^(?:${posixClasses(source)})$`);
    } catch (error) {
      throw new Error(`bad regular expression ${JSON.stringify(source)}: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`);
    }
  }
  return new RegExp(`^${globToRegExpSource(pattern)}$`);
}

// Compiled patterns, kept beside the rules so these stay plain data (JSON-able).
const compiled = new WeakMap<BlocklistRule, RegExp[]>();

function compileRule(rule: BlocklistRule): RegExp[] {
  const patterns = [rule.kernel, rule.moduleVersion, rule.flavour].map(compileBlocklistPattern);
  if (!["mod", "bpf"].some((f) => patterns[2]!.test(f))) {
    throw new Error(`flavour ${JSON.stringify(rule.flavour)} matches neither mod nor bpf`);
  }
  return patterns;
}

export function parseBlocklist(text: string): BlocklistRule[] {
  const rules: BlocklistRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const hash = raw.indexOf("#");
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    const rule: BlocklistRule = {
      line: index + 1,
      text: raw,
      kernel: fields[0]!,
      moduleVersion: fields[1] ?? "*",
      flavour: fields[2] ?? "*",
      error: null,
    };
    if (fields.length > 3) {
      rule.error = `${fields.length} patterns; a rule has at most three: <kernel> [<module-version>] [<mod|bpf>]`;
    } else {
      try {
        compiled.set(rule, compileRule(rule));
      } catch (error) {
        rule.error = (error as Error).message;
      }
    }
    rules.push(rule);
  });
  return rules;
}

/** The first valid rule that matches the task's kernel, module version and flavour, or null. */
export function matchBlocklist(rules: readonly BlocklistRule[], task: BlocklistTask): BlocklistRule | null {
  for (const rule of rules) {
    if (rule.error !== null) continue;
    let patterns = compiled.get(rule);
    if (!patterns) {
      try {
        patterns = compileRule(rule);
      } catch {
        continue;
      }
      compiled.set(rule, patterns);
    }
    const [kernel, moduleVersion, flavour] = patterns;
    if (kernel!.test(task.kernel) && moduleVersion!.test(task.moduleVersion) && flavour!.test(task.flavour)) return rule;
  }
  return null;
}
