import { RESULT_SECTION, START_SECTION } from "./log-store";

// What a URL fragment points at in the log: `#L123` a line, `#stage-patcher`
// a stage's section, `#log-setup` and `#log-result` kobuild's own sections.
export type LogTarget = { kind: "line"; seq: number } | { kind: "section"; key: string };

export function parseLogTarget(hash: string): LogTarget | null {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  const line = /^L([1-9]\d{0,11})$/.exec(fragment);
  if (line) return { kind: "line", seq: Number(line[1]) };
  if (fragment === "log-setup") return { kind: "section", key: START_SECTION };
  if (fragment === "log-result") return { kind: "section", key: RESULT_SECTION };
  const stage = /^stage-(.+)$/.exec(fragment);
  if (stage) {
    try {
      return { kind: "section", key: decodeURIComponent(stage[1]!) };
    } catch {
      return null;
    }
  }
  return null;
}

export function lineHash(seq: number) {
  return `#L${seq}`;
}

export function sectionHash(key: string) {
  if (key === START_SECTION) return "#log-setup";
  if (key === RESULT_SECTION) return "#log-result";
  return `#stage-${encodeURIComponent(key)}`;
}
