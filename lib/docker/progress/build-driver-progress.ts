// kobuild's driver builders report their progress in plain lines of their log,
// one per builder start and per task start/end. BuildKit and the classic
// builder both deliver those lines as the builder printed them (no prefix), so
// a whole log line either is one of these or is ordinary output.
//
// The task master prints the plan first (KOBUILD-PLAN, one per task, and
// KOBUILD-SKIP for tasks the cache or the BLOCKLIST removed).
//
//   KOBUILD-PLAN kernel=4.18.0-477.el8.x86_64 version=2.5.0 flavour=mod
//   KOBUILD-SKIP kernel=4.18.0-477.el8.x86_64 version=2.5.0 flavour=bpf reason=cache
//   KOBUILD-BUILDER builder=rhel-8 tasks=12 jobs=2
//   KOBUILD-TASK start kernel=4.18.0-477.el8.x86_64 version=2.5.0 flavour=mod
//   KOBUILD-TASK end kernel=4.18.0-477.el8.x86_64 version=2.5.0 flavour=bpf result=built seconds=3.21
//
// Before a task's KOBUILD-SKIP with reason=blocklist, the task master names
// the rule that matched, as a log line of its own:
//
//   get-build-tasks.sh: blocklisted: 6.1.0-56-cloud-amd64 2.2.0 bpf (BLOCKLIST line 14: *-cloud-amd64 * bpf)

import type { Flavour } from "@/lib/vocabulary";

export type { Flavour };
export type TaskResult = "built" | "failed" | "unavailable";

export type TaskProgress =
  | { kind: "plan"; kernel: string; version: string; flavour: Flavour }
  | { kind: "skip"; kernel: string; version: string; flavour: Flavour; reason: "cache" | "blocklist" }
  | { kind: "builder"; builder: string; tasks: number; jobs: number }
  | { kind: "task-start"; kernel: string; version: string; flavour: Flavour }
  | { kind: "task-end"; kernel: string; version: string; flavour: Flavour; result: TaskResult; seconds: number };

const FLAVOURS: readonly string[] = ["mod", "bpf"] satisfies Flavour[];
const RESULTS: readonly string[] = ["built", "failed", "unavailable"] satisfies TaskResult[];
const WORD = /^[A-Za-z0-9][A-Za-z0-9._+~-]*$/;
const COUNT = /^\d+$/;
const SECONDS = /^\d+(\.\d+)?$/;

/** The progress a builder line reports, or null for any other line (including malformed ones). */
export function parseTaskLine(text: string): TaskProgress | null {
  const [head, ...rest] = text.trim().split(/\s+/);
  if (head === "KOBUILD-BUILDER") {
    const f = fields(rest);
    if (!f) return null;
    const { builder, tasks, jobs } = f;
    if (!builder || !/^rhel-\d+$/.test(builder) || !tasks || !COUNT.test(tasks) || !jobs || !COUNT.test(jobs)) return null;
    return { kind: "builder", builder, tasks: Number(tasks), jobs: Number(jobs) };
  }
  if (head === "KOBUILD-PLAN" || head === "KOBUILD-SKIP") {
    const f = fields(rest);
    const task = f && taskOf(f);
    if (!task) return null;
    if (head === "KOBUILD-PLAN") return { kind: "plan", ...task };
    return f.reason === "cache" || f.reason === "blocklist" ? { kind: "skip", ...task, reason: f.reason } : null;
  }
  if (head !== "KOBUILD-TASK") return null;

  const [phase, ...pairs] = rest;
  const f = fields(pairs);
  if (!f) return null;
  const task = taskOf(f);
  if (!task) return null;
  if (phase === "start") return { kind: "task-start", ...task };
  if (phase !== "end") return null;
  const { result, seconds } = f;
  if (!result || !RESULTS.includes(result) || !seconds || !SECONDS.test(seconds)) return null;
  return { kind: "task-end", ...task, result: result as TaskResult, seconds: Number(seconds) };
}

function taskOf(f: Partial<Record<string, string>>) {
  const { kernel, version, flavour } = f;
  if (!kernel || !WORD.test(kernel) || !version || !WORD.test(version) || !flavour || !FLAVOURS.includes(flavour)) return null;
  return { kernel, version, flavour: flavour as Flavour };
}

/** key=value words, in any order; null if one is not of that form or a key repeats. */
function fields(words: string[]): Partial<Record<string, string>> | null {
  const out = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) return null;
    const key = word.slice(0, eq);
    if (out.has(key)) return null;
    out.set(key, word.slice(eq + 1));
  }
  return Object.fromEntries(out);
}

export type BlocklistedTask = { kernel: string; version: string; flavour: Flavour; line: number; rule: string };

// The script's name before the colon is optional: the line is the task master's `log` output.
const BLOCKLISTED = /^(?:[\w.-]+: )?blocklisted: (\S+) (\S+) (\S+) \(BLOCKLIST line (\d{1,9}): (.*)\)$/;

/** The task and BLOCKLIST rule of the task master's "blocklisted:" line, or null for any other line. */
export function parseBlocklistedLine(text: string): BlocklistedTask | null {
  const m = BLOCKLISTED.exec(text.trim());
  if (!m) return null;
  const task = taskOf({ kernel: m[1], version: m[2], flavour: m[3] });
  const rule = m[5]!.trim();
  if (!task || rule === "") return null;
  return { ...task, line: Number(m[4]), rule };
}
