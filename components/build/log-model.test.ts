import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildStateEvent, LogLineEvent, StageStatus } from "./build-types";
import { findLine, layoutLog, rowAt, rowKey, rowOfLine, rowOfSection } from "./log-layout";
import { describeSections, failureSectionKey, isSectionOpen } from "./log-sections";
import { LogStore, RESULT_SECTION, START_SECTION } from "./log-store";

// Recorded from real builds of the sample workspace through kobuild's events stream.
function recording(name: string) {
  const dir = path.join(__dirname, "__recordings__");
  const events = fs
    .readFileSync(path.join(dir, `${name}.log-events.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLineEvent);
  const state = JSON.parse(fs.readFileSync(path.join(dir, `${name}.final-state.json`), "utf8")) as BuildStateEvent;
  return { events, state };
}

const sample = recording("sample-build");
const failed = recording("failed-build");

function storeOf(events: LogLineEvent[]) {
  const store = new LogStore();
  store.add(events);
  return store;
}

describe("LogStore", () => {
  it("groups lines by stage and puts kobuild's notes before and after the stages apart", () => {
    const store = storeOf(sample.events);
    expect(store.lineCount).toBe(sample.events.length);
    expect([...store.sections.keys()]).toEqual([START_SECTION, "patcher", "task-master", "rhel-7-builder", "rhel-8-builder", RESULT_SECTION]);
    expect(store.sections.get(START_SECTION)!.lines.map((l) => l.text)).toEqual([sample.events[0]!.text]);
    const result = store.sections.get(RESULT_SECTION)!.lines.map((l) => l.text);
    expect(result[0]).toMatch(/^Successfully tagged kobuild\/collector-drivers:build-/);
    expect(result.at(-1)).toMatch(/^kobuild: \d+ driver file\(s\)/);
    // Parallel builders interleave; each section keeps its own lines in order.
    for (const section of store.sections.values()) {
      expect(section.lines.map((l) => l.seq)).toEqual([...section.lines.map((l) => l.seq)].sort((a, b) => a - b));
    }
  });

  it("ignores lines it already holds, as after a reconnect", () => {
    const store = storeOf(sample.events.slice(0, 20));
    expect(store.add(sample.events.slice(10))).toBe(sample.events.length - 20);
    expect(store.lineCount).toBe(sample.events.length);
    expect(store.lastSeq).toBe(sample.events.at(-1)!.seq);
  });
});

describe("describeSections", () => {
  it("lists set-up, every stage in Dockerfile order with its status, and the result", () => {
    const sections = describeSections(storeOf(sample.events).sections, sample.state);
    // The Dockerfile's unnamed last stage is the final image; the others keep their AS names.
    expect(sections.map((s) => s.label)).toEqual(["Set-up", ...sample.state.stages.slice(0, -1).map((s) => s.name), "final image", "Result"]);
    expect(sample.state.stages.at(-1)!.name).toMatch(/^stage-\d+$/);
    const byKey = new Map(sections.map((s) => [s.key, s]));
    expect(byKey.get("rhel-8-base")!.status).toBe("cached");
    expect(byKey.get("rhel-8-base")!.lines).toHaveLength(0);
    expect(byKey.get("rhel-8-builder")!.lines).toHaveLength(18);
    expect(byKey.get(RESULT_SECTION)!.status).toBe("done");
  });

  it("opens running and failed sections, closes finished ones, and lets the reader decide", () => {
    const sections = describeSections(storeOf(failed.events).sections, failed.state);
    const open = sections.filter((s) => isSectionOpen(s, new Map())).map((s) => s.key);
    expect(open).toEqual(["patcher", RESULT_SECTION]);
    const overrides = new Map([["patcher", false], [START_SECTION, true]]);
    expect(sections.filter((s) => isSectionOpen(s, overrides)).map((s) => s.key)).toEqual([START_SECTION, RESULT_SECTION]);
    expect(failureSectionKey(failed.state.stages)).toBe("patcher");
    expect(failureSectionKey([])).toBe(RESULT_SECTION);
  });

  it("shows a running build's set-up as running until a stage starts, and its result section as running", () => {
    const store = storeOf(sample.events.slice(0, 1));
    const waiting = sample.state.stages.map((s) => ({ ...s, status: "waiting" as const, startedAt: null, finishedAt: null, durationMs: null }));
    expect(describeSections(store.sections, { status: "running", stages: waiting })[0]!.status).toBe("running");
    const later = storeOf(sample.events);
    const sections = describeSections(later.sections, { status: "running", stages: sample.state.stages });
    expect(sections[0]!.status).toBe("done");
    expect(sections.at(-1)!.status).toBe("running");
  });

  it("times a stage from no earlier than the build's start", () => {
    // The recorded build started at 23:32:26.839; stage-7's cached FROM carries an older start.
    const startedAt = "2026-11-25T23:32:26.839Z";
    const byKey = new Map(describeSections(storeOf(sample.events).sections, { ...sample.state, startedAt }).map((s) => [s.key, s]));
    expect(byKey.get("rhel-8-builder")!.durationMs).toBe(4864);
    const late = { ...sample.state.stages[0]!, startedAt: "2026-11-25T23:30:00.000Z" };
    const sections = describeSections(new Map(), { status: "succeeded", stages: [late], startedAt });
    expect(sections[0]!.durationMs).toBe(Date.parse(late.finishedAt!) - Date.parse(startedAt));
  });

  it("shows a stage that prints as running while the build runs, whatever its steps said", () => {
    const store = storeOf(sample.events);
    const waiting = sample.state.stages.map((s) => ({ ...s, status: "waiting" as const }));
    const byKey = new Map(describeSections(store.sections, { status: "running", stages: waiting }).map((s) => [s.key, s.status]));
    expect(byKey.get("rhel-8-builder")).toBe("running");
    expect(byKey.get("rhel-8-base")).toBe("waiting");
  });

  it("keeps a stage the Dockerfile did not name", () => {
    const store = storeOf([{ seq: 1, stage: "stage-0", step: null, stream: 1, ts: 0, text: "hello" }]);
    const sections = describeSections(store.sections, { status: "running", stages: [] });
    expect(sections.map((s) => [s.key, s.status])).toEqual([["stage-0", "running"]]);
  });
});

const opened = (overrides: Map<string, boolean>) => (s: { key: string; status: StageStatus }) => isSectionOpen(s, overrides);

describe("layoutLog", () => {
  const store = storeOf(sample.events);
  const sections = describeSections(store.sections, sample.state);

  it("has a header per section and the lines of open ones only", () => {
    const closed = layoutLog(sections, opened(new Map()));
    expect(closed.rowCount).toBe(sections.length);
    const open = layoutLog(sections, opened(new Map([["rhel-8-builder", true]])));
    expect(open.rowCount).toBe(sections.length + 18);
    const first = rowOfSection(open, "rhel-8-builder");
    expect(rowAt(open, first)).toMatchObject({ kind: "header", section: { key: "rhel-8-builder" } });
    const firstLine = rowAt(open, first + 1);
    expect(firstLine.kind === "line" && firstLine.line.text).toBe(store.sections.get("rhel-8-builder")!.lines[0]!.text);
    expect(rowAt(open, first + 19)).toMatchObject({ kind: "header", section: { key: "rhel-7-builder" } });
  });

  it("never opens a section without lines", () => {
    const layout = layoutLog(sections, opened(new Map([["rhel-8-base", true]])));
    expect(layout.sections.find((s) => s.key === "rhel-8-base")!.open).toBe(false);
  });

  it("finds the row of a line, and none while its section is closed", () => {
    const seq = store.sections.get("rhel-7-builder")!.lines[3]!.seq;
    expect(findLine(sections, seq)).toMatchObject({ key: "rhel-7-builder", lineIndex: 3 });
    expect(rowOfLine(layoutLog(sections, opened(new Map())), seq)).toBe(-1);
    const layout = layoutLog(sections, opened(new Map([["rhel-7-builder", true]])));
    const row = rowOfLine(layout, seq);
    expect(rowAt(layout, row)).toMatchObject({ kind: "line", line: { seq } });
    expect(rowKey(layout, row)).toBe(`l:${seq}`);
    expect(findLine(sections, 10_000)).toBeNull();
  });
});
