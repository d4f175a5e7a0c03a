// Decodes a BuildKit build response (`buildImage` with version "2") into
// kobuild's build events.
//
// What BuildKit 20.10 actually sends: `moby.buildkit.trace` messages whose
// StatusResponse repeats a vertex every time one of its fields changes (first
// with no times, then `started`, then `completed`, `cached`, `error`), and
// carries its output as `logs`: raw byte chunks (4 to 20 KiB seen) per vertex
// and stream that ignore line ends. Then `moby.image.id`, and a plain
// `{"stream":"Successfully tagged ..."}`. A failure ends with `{error, errorDetail}`.
import { BUILD_LOG_KEY, TERMINAL_STATUSES, type BuildDecoder, type BuildEvent, type StepEvent, type StepStatus } from "./events";
import { decodeStatusResponse, timestampMs, type StatusResponse, type Vertex } from "./buildkit-status";
import { errorText, isErrorMessage, isObject } from "./engine-message";
import { createLineAssembler, type AssembledLine } from "./line-assembler";
import { parseVertexName } from "./parse-vertex-name";

export type BuildKitDecoderOptions = {
  /** Clock for lines that carry no timestamp of their own (plain `stream` messages). */
  now?: () => number;
};

/** What BuildKit writes into a step's log once the step's output passes its size or speed limit. */
const CLIPPED = /^\[output clipped, log limit [\d.]+\s?[KMGTPE]?i?B(\/s)? reached\]$/;

type VertexState = { name: string; stage: string | null; status?: StepStatus; startedAt?: number; finishedAt?: number };
type LineMeta = { key: string; stream: 1 | 2; ts: number };

export function createBuildKitDecoder(options: BuildKitDecoderOptions = {}): BuildDecoder {
  const now = options.now ?? Date.now;
  const vertexes = new Map<string, VertexState>();
  const lines = createLineAssembler<LineMeta>();
  const clipped = new Set<string>();

  const logEvents = (assembled: AssembledLine<LineMeta>[]): BuildEvent[] => {
    const events: BuildEvent[] = [];
    for (const { text, meta } of assembled) {
      const vertex = vertexes.get(meta.key);
      events.push({ type: "log", key: meta.key, stage: vertex?.stage ?? null, stream: meta.stream, ts: meta.ts, text });
      if (vertex && CLIPPED.test(text) && !clipped.has(meta.key)) {
        clipped.add(meta.key);
        events.push({ type: "warning", kind: "log-clipped", message: clipMessage(vertex.name) });
      }
    }
    return events;
  };

  /** The unfinished lines of a vertex (both streams): its process is gone, nothing will complete them. */
  const flushVertex = (key: string) => logEvents([...lines.flush(`${key} 1`), ...lines.flush(`${key} 2`)]);

  const trace = (status: StatusResponse): BuildEvent[] => {
    const events: BuildEvent[] = [];
    // Terminal changes wait until this message's logs are out, so a step's last
    // lines come before its "done" or "failed".
    const finished: StepEvent[] = [];
    for (const vertex of status.vertexes ?? []) {
      const change = applyVertex(vertexes, vertex);
      if (!change) continue;
      if (TERMINAL_STATUSES.has(change.status)) finished.push(change);
      else events.push(change);
    }
    for (const log of status.logs ?? []) {
      if (!log.vertex || !log.msg) continue;
      const stream = log.stream === 2 ? 2 : 1;
      const meta: LineMeta = { key: log.vertex, stream, ts: timestampMs(log.timestamp) ?? now() };
      events.push(...logEvents(lines.push(`${log.vertex} ${stream}`, log.msg, meta)));
    }
    // A finished step's unfinished line (output without a final newline) is complete now:
    // in every recorded stream BuildKit sends all of a step's logs before marking it completed.
    for (const change of finished) events.push(...flushVertex(change.key), change);
    for (const warning of status.warnings ?? []) {
      const stepName = warning.vertex ? vertexes.get(warning.vertex)?.name : undefined;
      events.push({ type: "warning", kind: "other", message: warningText(warning.short, warning.detail, warning.url, stepName) });
    }
    return events;
  };

  return {
    push(message) {
      if (!isObject(message)) return [];
      if (message.id === "moby.buildkit.trace" && typeof message.aux === "string") return trace(decodeStatusResponse(message.aux));
      if (message.id === "moby.image.id" && isObject(message.aux) && typeof message.aux.ID === "string") {
        return [{ type: "image", id: message.aux.ID }];
      }
      if (isErrorMessage(message)) return [{ type: "error", message: errorText(message) }];
      // Plain text still comes through (e.g. "Successfully tagged ..."): it belongs to the build, not to a step.
      if (typeof message.stream === "string") {
        return logEvents(lines.push(BUILD_LOG_KEY, Buffer.from(message.stream), { key: BUILD_LOG_KEY, stream: 1, ts: now() }));
      }
      if (typeof message.kobuildUnparsed === "string") {
        return [{ type: "log", key: BUILD_LOG_KEY, stage: null, stream: 1, ts: now(), text: message.kobuildUnparsed }];
      }
      return [];
    },
    end() {
      return logEvents(lines.flushAll());
    },
  };
}

/** Records a vertex update; returns a step event when the vertex's status changed. */
function applyVertex(vertexes: Map<string, VertexState>, vertex: Vertex): StepEvent | undefined {
  if (!vertex.digest) return undefined;
  let state = vertexes.get(vertex.digest);
  if (!state) {
    const name = vertex.name ?? "";
    state = { name, stage: parseVertexName(name).stage };
    vertexes.set(vertex.digest, state);
  }
  state.startedAt = timestampMs(vertex.started) ?? state.startedAt;
  state.finishedAt = timestampMs(vertex.completed) ?? state.finishedAt;
  const status = statusOf(vertex);
  if (status === state.status) return undefined;
  state.status = status;
  const event: StepEvent = { type: "step", key: vertex.digest, stage: state.stage, name: state.name, status };
  if (state.startedAt !== undefined) event.startedAt = state.startedAt;
  if (state.finishedAt !== undefined && TERMINAL_STATUSES.has(status)) event.finishedAt = state.finishedAt;
  if (vertex.error) event.error = vertex.error;
  return event;
}

function statusOf(vertex: Vertex): StepStatus {
  // A step stopped because another one failed reads "...: context canceled".
  if (vertex.error) return vertex.error.includes("context canceled") ? "cancelled" : "failed";
  if (vertex.completed) return vertex.cached ? "cached" : "done";
  if (vertex.started) return "running";
  return "waiting";
}

function clipMessage(stepName: string) {
  return (
    `BuildKit clipped the log of ${stepName} at its default limit; start dockerd with ` +
    "BUILDKIT_STEP_LOG_MAX_SIZE=1073741824 and BUILDKIT_STEP_LOG_MAX_SPEED=1073741824 in its environment to keep every line"
  );
}

function warningText(short: Uint8Array | undefined, detail: Uint8Array[] | undefined, url: string | undefined, stepName: string | undefined) {
  const text = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  const parts = [short ? text(short) : "BuildKit warning", ...(detail ?? []).map(text)];
  if (url) parts.push(url);
  return stepName ? `${stepName}: ${parts.join("\n")}` : parts.join("\n");
}
