// What a failed driver build died of, as one line that is the same for every
// kernel the same mistake breaks: the failures of a build group by it.
//
// The line is the first compiler, assembler, linker or modpost error of the
// log (gcc and clang "error:" and "fatal error:", ld "undefined reference",
// modpost "ERROR:"/"FATAL:"); else make's "*** ... Error N"; else the
// builder's own reason (no bundle, a vermagic that does not match...); else
// the last line. It is then normalised: paths become file names (a build
// directory differs per kernel), line and column numbers, hex addresses and
// other numbers go, and the kernel's own names become <kernel>.

export type FailureSignature = {
  /** The normalised line: equal for failures of the same cause. */
  signature: string;
  /** The line as the log has it. */
  line: string;
  /** Which kind of line was found. */
  source: "compiler" | "linker" | "modpost" | "make" | "builder" | "last-line";
};

export type FailureContext = {
  kernel: string;
  /** The bundle's BUNDLE_UNAME, when it differs from the kernel id. */
  uname?: string | null;
  moduleVersion?: string | null;
};

// Longest logs are cut at 1 MiB; only their start is searched for the first error.
const SEARCH_MAX_LINES = 20_000;
const SIGNATURE_MAX = 300;

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const COMPILER = /(?:^|[\s:])(?:fatal error|error|Error):\s/;
const LINKER = /undefined reference to|undefined symbol:|(?:^|\/|\s)ld(?:\.\w+)?: (?:cannot find|error)|relocation truncated/;
const MODPOST = /^(?:ERROR|FATAL): /;
const MAKE = /^(?:g?make)(?:\[\d+\])?: \*\*\* .*Error \d+/;
const BUILDER = /\b(?:error|cannot|no such|not found|does not|no bundle|produced no|is not|leaves the bundle)\b/i;
// The builder's closing words say nothing the lines above do not.
const GENERIC = /^kobuild: (?:make|clang|modinfo) failed$/;

function classify(line: string): FailureSignature["source"] | null {
  // A shell trace (`set -x`) repeats the command, whose flags may look like errors.
  if (line.startsWith("+ ")) return null;
  if (MODPOST.test(line)) return "modpost";
  if (LINKER.test(line)) return "linker";
  if (/^\d+ errors? generated\.?$/.test(line) || /some warnings being treated as errors/.test(line)) return null;
  if (COMPILER.test(line)) return "compiler";
  return null;
}

/** The line that says why a driver failed, or null for an empty log. */
export function failureLine(log: string): Omit<FailureSignature, "signature"> | null {
  const lines = log.split(/\r?\n/, SEARCH_MAX_LINES).map((l) => l.replace(ANSI, "").trimEnd());
  let make: string | null = null;
  let builder: string | null = null;
  let last: string | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    last = line;
    const source = classify(line);
    if (source) return { line, source };
    if (make === null && MAKE.test(line)) make = line;
    if (builder === null && !GENERIC.test(line) && BUILDER.test(line) && !line.startsWith("+ ")) builder = line;
  }
  if (make) return { line: make, source: "make" };
  if (builder) return { line: builder, source: "builder" };
  return last === null ? null : { line: last, source: "last-line" };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// A path: starts with "/", "./" or "../" after a delimiter, runs to the next one.
const PATH = /(^|[\s'"`(\[<=,{])(\.{0,2}\/[^\s:'"`()[\]<>,;{}]*)/g;
// A kernel id with a release: 6.1.0-55-amd64, 3.10.0-1160.el7.x86_64, 6.12.117+deb12-amd64.
const KERNEL_LIKE = /\b\d+\.\d+\.\d+[-+~][\w.+~-]*\w/g;

/** Normalises a failure line so the same cause reads the same on every kernel. */
export function normaliseFailureLine(line: string, context: FailureContext): string {
  let s = line.replace(ANSI, "");
  s = s.replace(PATH, (_whole, before: string, p: string) => {
    const trimmed = p.replace(/\/+$/, "");
    const base = trimmed.slice(trimmed.lastIndexOf("/") + 1);
    return before + (base === "" || base === "." || base === ".." ? "/" : base);
  });
  const names = [context.kernel, context.uname].filter((n): n is string => !!n).sort((a, b) => b.length - a.length);
  for (const name of names) s = s.replace(new RegExp(escapeRegExp(name), "g"), "<kernel>");
  if (context.moduleVersion) s = s.replace(new RegExp(`(?<![\\w.])${escapeRegExp(context.moduleVersion)}(?![\\w.])`, "g"), "<module-version>");
  s = s.replace(KERNEL_LIKE, "<kernel>");
  // file.c:36:13: and Makefile:2008: lose their position.
  s = s.replace(/:\d+(?::\d+)?(?=[:\s)\]]|$)/g, "");
  s = s.replace(/\b0x[0-9a-f]+\b/gi, "<addr>");
  s = s.replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, "<addr>");
  s = s.replace(/\b\d+\b/g, "<n>");
  // Temporary object names of the compiler driver: /tmp/ccHteIoU.o.
  s = s.replace(/\bcc[A-Za-z0-9]{6}\.o\b/g, "<tmp>.o");
  s = s.replace(/\s+/g, " ").trim();
  return s.length > SIGNATURE_MAX ? `${s.slice(0, SIGNATURE_MAX - 1)}…` : s;
}

/** The failure's signature and the line it comes from, or null for an empty log. */
export function failureSignature(log: string, context: FailureContext): FailureSignature | null {
  const found = failureLine(log);
  if (!found) return null;
  return { ...found, signature: normaliseFailureLine(found.line, context) };
}
