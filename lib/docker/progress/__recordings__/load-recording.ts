// Reads a recording made by record.ts and replays it through the decoders the
// way a real response arrives: as chunks of any size.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { BuildDecoder, BuildEvent } from "../events";
import { createJsonLineSplitter } from "../json-lines";
import type { RecordingInfo } from "./fixture";

const HERE = path.dirname(new URL(import.meta.url).pathname);

export type RecordingName =
  | "buildkit-multistage"
  | "buildkit-multistage-cached"
  | "buildkit-failing"
  | "classic-multistage"
  | "classic-failing";

export function loadRecording(name: RecordingName): { info: RecordingInfo; raw: Buffer } {
  const info = JSON.parse(fs.readFileSync(path.join(HERE, `${name}.json`), "utf8")) as RecordingInfo;
  const stored = fs.readFileSync(path.join(HERE, info.file));
  const raw = info.file.endsWith(".gz") ? zlib.gunzipSync(stored) : stored;
  return { info, raw };
}

/** The response's messages, fed to the splitter in chunks of chunkSize bytes (Infinity: one chunk). */
export function splitRecording(raw: Buffer, chunkSize: number): unknown[] {
  const splitter = createJsonLineSplitter();
  const messages: unknown[] = [];
  const size = Number.isFinite(chunkSize) ? chunkSize : raw.length;
  for (let at = 0; at < raw.length; at += size) {
    // A copy per chunk, as a socket would hand out: nothing may hold on to a reused buffer.
    messages.push(...splitter.push(Buffer.from(raw.subarray(at, at + size))));
  }
  messages.push(...splitter.end());
  return messages;
}

export function decodeRecording(raw: Buffer, decoder: BuildDecoder, chunkSize: number): BuildEvent[] {
  const events: BuildEvent[] = [];
  for (const message of splitRecording(raw, chunkSize)) events.push(...decoder.push(message));
  events.push(...decoder.end());
  return events;
}

export type LogLines = { stdout: string[]; stderr: string[] };

/** The log lines of one stage, per stream, in the order they came. */
export function stageLines(events: BuildEvent[], stage: string, keep: (text: string) => boolean = () => true): LogLines {
  const logs = events.filter((e) => e.type === "log" && e.stage === stage && keep(e.text));
  const text = (stream: 1 | 2) => logs.flatMap((e) => (e.type === "log" && e.stream === stream ? [e.text] : []));
  return { stdout: text(1), stderr: text(2) };
}
