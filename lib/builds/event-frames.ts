// The text/event-stream format of a build's live events: frames the build's
// event stream is made of (lib/http/sse.ts wraps such a stream in a response).

const encoder = new TextEncoder();

export type SseEvent = { id?: string | number; event?: string; data: unknown };

/** One SSE frame. Data is JSON on one line, so a frame can never be split by the text it carries. */
export function formatSse({ id, event, data }: SseEvent): string {
  let frame = "";
  if (id !== undefined) frame += `id: ${id}\n`;
  if (event) frame += `event: ${event}\n`;
  return `${frame}data: ${JSON.stringify(data)}\n\n`;
}

export function sseComment(text: string) {
  return encoder.encode(`: ${text}\n\n`);
}

export function sseBytes(frames: string) {
  return encoder.encode(frames);
}
