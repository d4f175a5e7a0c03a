import { describe, expect, it } from "vitest";
import { sseFrames } from "./build-events";

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

async function framesOf(chunks: string[]) {
  const out = [];
  for await (const frame of sseFrames(streamOf(chunks))) out.push(frame);
  return out;
}

describe("sseFrames", () => {
  it("reads frames split anywhere across chunks, skipping comments", async () => {
    const text = 'retry: 2000\n\nid: 1\nevent: log\ndata: {"seq":1,"stage":"compile","text":"a"}\n\n: ping\n\nid: 2\nevent: log\ndata: {"seq":2,"stage":null,"text":"b"}\n\nevent: end\ndata: {"status":"succeeded"}\n\n';
    const whole = await framesOf([text]);
    expect(whole).toEqual([
      { id: "1", event: "log", data: '{"seq":1,"stage":"compile","text":"a"}' },
      { id: "2", event: "log", data: '{"seq":2,"stage":null,"text":"b"}' },
      { event: "end", data: '{"status":"succeeded"}' },
    ]);
    // One byte at a time, and with CRLF line ends, gives the same frames.
    expect(await framesOf([...text])).toEqual(whole);
    expect(await framesOf([text.replace(/\n/g, "\r\n")])).toEqual(whole);
    expect(await framesOf([...text.replace(/\n/g, "\r\n")])).toEqual(whole);
  });

  it("joins multi-line data and leaves out a frame cut off at the end", async () => {
    expect(await framesOf(["data: a\ndata: b\n\n", "event: log\ndata: {"])).toEqual([{ data: "a\nb" }]);
  });
});
