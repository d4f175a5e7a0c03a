import "server-only";

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
