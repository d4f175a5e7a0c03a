import { setTimeout as sleep } from "node:timers/promises";
import { ApiError, UnreachableError, type ApiClient } from "./api-client";

export type LogLine = { seq: number; stage: string | null; stream?: string; ts?: string; text: string };
export type BuildEnd = { status: string; error: string | null };
type Frame = { id?: string; event?: string; data: string };

/** Splits a text/event-stream into frames as they arrive; a frame may straddle chunks. */
export async function* sseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const decoder = new TextDecoder();
  let buffer = "";
  // A CR at a chunk's end may be the first half of CRLF: it waits for the next chunk.
  let heldCr = false;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    let text: string = (heldCr ? "\r" : "") + decoder.decode(chunk, { stream: true });
    heldCr = text.endsWith("\r");
    if (heldCr) text = text.slice(0, -1);
    buffer += text.replace(/\r\n?/g, "\n");
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const text = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const frame: Frame = { data: "" };
      const data: string[] = [];
      for (const line of text.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const name = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (name === "data") data.push(value);
        else if (name === "id") frame.id = value;
        else if (name === "event") frame.event = value;
      }
      frame.data = data.join("\n");
      if (frame.event || data.length) yield frame;
    }
  }
}

/** How long a dropped event stream is tried again before the follower gives up. */
const GIVE_UP_AFTER_MS = 120_000;

/**
 * Follows a build's live events to its end: every log line once, in order,
 * even across dropped connections (each reconnection asks for the lines
 * after the last one held, with Last-Event-ID).
 */
export async function followBuild(client: ApiClient, buildId: number, handlers: { line: (line: LogLine) => void; reconnecting?: (why: string) => void }): Promise<BuildEnd> {
  let lastSeq = 0;
  let failingSince: number | null = null;
  let failures = 0;
  for (;;) {
    let why: string;
    try {
      const response = await client.request(`/api/builds/${buildId}/events`, { headers: lastSeq > 0 ? { "last-event-id": String(lastSeq), accept: "text/event-stream" } : { accept: "text/event-stream" } });
      if (!response.body) throw new UnreachableError("the event stream had no body");
      for await (const frame of sseFrames(response.body)) {
        failingSince = null;
        failures = 0;
        if (frame.event === "log") {
          const line = JSON.parse(frame.data) as LogLine;
          if (line.seq <= lastSeq) continue;
          lastSeq = line.seq;
          handlers.line(line);
        } else if (frame.event === "end") {
          const end = JSON.parse(frame.data) as { status: string; error?: string | null };
          return { status: end.status, error: end.error ?? null };
        }
      }
      why = "the event stream closed before the build ended";
    } catch (error) {
      // A refusal other than "too many streams" will not change by asking again.
      if (error instanceof ApiError && error.status !== 429 && error.status < 500) throw error;
      why = error instanceof Error ? error.message : String(error);
    }
    failingSince ??= Date.now();
    if (Date.now() - failingSince > GIVE_UP_AFTER_MS) throw new UnreachableError(`lost the build's event stream and could not get it back: ${why}`);
    handlers.reconnecting?.(why);
    await sleep(Math.min(500 * 2 ** Math.min(failures++, 4), 5_000));
  }
}
