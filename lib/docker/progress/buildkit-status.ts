// BuildKit's progress arrives as base64 protobuf `moby.buildkit.v1.StatusResponse`
// messages. dockerode ships the schema (lib/proto/buildkit_status.proto); we
// decode it ourselves with protobufjs so log bytes stay bytes (dockerode's own
// helper turns everything into text and forgets which step a line came from).
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import protobuf from "protobufjs";

export type Timestamp = { seconds?: number; nanos?: number };
export type Vertex = {
  digest?: string;
  inputs?: string[];
  name?: string;
  cached?: boolean;
  started?: Timestamp;
  completed?: Timestamp;
  error?: string;
};
export type VertexLog = { vertex?: string; timestamp?: Timestamp; stream?: number; msg?: Uint8Array };
export type VertexWarning = { vertex?: string; level?: number; short?: Uint8Array; detail?: Uint8Array[]; url?: string };
/** Pull and transfer progress of a vertex; kobuild does not show it. */
export type VertexStatus = { ID?: string; vertex?: string; name?: string; current?: number; total?: number };
export type StatusResponse = {
  vertexes?: Vertex[];
  statuses?: VertexStatus[];
  logs?: VertexLog[];
  warnings?: VertexWarning[];
};

let statusType: protobuf.Type | undefined;

/** The StatusResponse message type, loaded from dockerode's proto file once per process. */
export function statusResponseType(): protobuf.Type {
  // Parsed from text we read ourselves: protobufjs' own file loading depends on
  // how the server bundle exposes `fs`.
  statusType ??= protobuf.parse(fs.readFileSync(protoFile(), "utf8")).root.lookupType("moby.buildkit.v1.StatusResponse");
  return statusType;
}

/** Decodes the `aux` of a `moby.buildkit.trace` message. int64 become numbers (timestamps fit easily). */
export function decodeStatusResponse(aux: string): StatusResponse {
  const type = statusResponseType();
  return type.toObject(type.decode(Buffer.from(aux, "base64")), { longs: Number }) as StatusResponse;
}

/** Milliseconds since the epoch of a protobuf Timestamp; undefined when BuildKit left it unset. */
export function timestampMs(ts: Timestamp | undefined): number | undefined {
  if (!ts) return undefined;
  return (ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

function protoFile() {
  const relative = path.join("lib", "proto", "buildkit_status.proto");
  const candidates: string[] = [];
  try {
    const require = createRequire(import.meta.url);
    candidates.push(path.join(path.dirname(require.resolve("dockerode/package.json")), relative));
  } catch {
    // A bundled server may not resolve from this module's URL; try the project's node_modules.
  }
  candidates.push(path.join(process.cwd(), "node_modules", "dockerode", relative));
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) throw new Error(`cannot find dockerode's ${relative} (looked at ${candidates.join(", ")})`);
  return found;
}
