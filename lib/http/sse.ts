import "server-only";

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

/** A Server-Sent Events response around a pull-based stream: the client's pace decides how much is read. */
export function sseResponse(body: ReadableStream<Uint8Array>) {
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // Proxies such as nginx must not hold events back.
      "X-Accel-Buffering": "no",
    },
  });
}
