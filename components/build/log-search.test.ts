import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildStateEvent, LogLineEvent } from "./build-types";
import { describeSections } from "./log-sections";
import { LogSearchIndex, MAX_MATCHES, matchesInText, queryPattern, stepMatch } from "./log-search";
import { LogStore } from "./log-store";

const dir = path.join(__dirname, "__recordings__");
const events = fs
  .readFileSync(path.join(dir, "sample-build.log-events.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => JSON.parse(l) as LogLineEvent);
const state = JSON.parse(fs.readFileSync(path.join(dir, "sample-build.final-state.json"), "utf8")) as BuildStateEvent;
// The same build's log as `GET /api/builds/:id/logs` sent it (`[stage] ` before staged lines).
const raw = fs.readFileSync(path.join(dir, "sample-build.raw.log"), "utf8");

function count(text: string, word: string) {
  return text.toLowerCase().split(word.toLowerCase()).length - 1;
}

function indexed(query: string, lines = events) {
  const store = new LogStore();
  store.add(lines);
  const sections = describeSections(store.sections, state);
  const index = new LogSearchIndex(query);
  index.update(sections);
  return { store, sections, index };
}

describe("matchesInText", () => {
  it("finds every match, ignoring case, at offsets of the text", () => {
    expect(matchesInText("Kernel kernel KERNEL", queryPattern("kernel"))).toEqual([
      { start: 0, end: 6 },
      { start: 7, end: 13 },
      { start: 14, end: 20 },
    ]);
    expect(matchesInText("aaa", queryPattern("aa"))).toEqual([{ start: 0, end: 2 }]);
    expect(matchesInText("a.b axb", queryPattern("a.b"))).toEqual([{ start: 0, end: 3 }]);
    expect(matchesInText("anything", queryPattern(""))).toEqual([]);
  });
});

describe("LogSearchIndex", () => {
  it("counts what the raw log holds, over every section", () => {
    for (const word of ["KOBUILD-TASK", "6.1.0-56-amd64", "kobuild", "2.2.0", "result=built"]) {
      expect(indexed(word).index.total, word).toBe(count(raw, word));
    }
    expect(count(raw, "KOBUILD-TASK")).toBeGreaterThan(10);
  });

  it("orders matches as the sections are shown and steps through them, wrapping", () => {
    const { index, sections } = indexed("KOBUILD-TASK start");
    const first = index.at(sections, 0)!;
    // rhel-8-builder comes before rhel-7-builder in the Dockerfile, although rhel-7 printed first.
    expect(first.key).toBe("rhel-8-builder");
    const last = index.at(sections, index.total - 1)!;
    expect(last.key).toBe("rhel-7-builder");
    expect(stepMatch(index, sections, null, 1)).toEqual(first);
    expect(stepMatch(index, sections, first, -1)).toEqual(last);
    expect(stepMatch(index, sections, last, 1)).toEqual(first);
    expect(index.indexOf(sections, stepMatch(index, sections, first, 1)!)).toBe(1);
  });

  it("scans only new lines as they arrive and ends where a one-shot scan does", () => {
    const store = new LogStore();
    const index = new LogSearchIndex("kernel=");
    for (let i = 0; i < events.length; i += 7) {
      store.add(events.slice(i, i + 7));
      index.update(describeSections(store.sections, state));
    }
    const once = indexed("kernel=");
    expect(index.total).toBe(once.index.total);
    expect(index.at(once.sections, 5)).toEqual(once.index.at(once.sections, 5));
  });

  it("stops counting at the cap", () => {
    const many: LogLineEvent[] = Array.from({ length: 600 }, (_, i) => ({ seq: i + 1, stage: "s", step: null, stream: 1, ts: 0, text: "a".repeat(200) }));
    const { index } = indexed("a", many);
    expect(index.total).toBe(MAX_MATCHES);
    expect(index.capped).toBe(true);
  });

  it("finds nothing for an empty query", () => {
    expect(indexed("").index.total).toBe(0);
    const { index, sections } = indexed("no such text anywhere");
    expect(stepMatch(index, sections, null, 1)).toBeNull();
  });
});
