import { describe, expect, it } from "vitest";
import { createClassicDecoder } from "./classic-decoder";
import { createJsonLineSplitter } from "./json-lines";
import { createLineAssembler } from "./line-assembler";
import { LINE_CUT_MARKER, MAX_LINE_BYTES, utf8Prefix } from "./line-cut";

describe("utf8Prefix", () => {
  it("never ends inside a character", () => {
    const bytes = Buffer.from("ab漢字");
    expect(utf8Prefix(bytes, 4).toString("utf8")).toBe("ab"); // 漢 is 3 bytes: cut inside it, so left out
    expect(utf8Prefix(bytes, 5).toString("utf8")).toBe("ab漢");
    expect(utf8Prefix(bytes, 100)).toBe(bytes);
  });
});

describe("a line longer than the cap", () => {
  it("keeps its start and a marker, holds no more than the cap, and the next line is whole", () => {
    const lines = createLineAssembler<null>();
    const piece = Buffer.alloc(1024 * 1024, "a");
    // 64 MiB without a newline, in 1 MiB pieces, as an engine would send it.
    for (let i = 0; i < 64; i++) expect(lines.push("1", piece, null)).toEqual([]);
    const [cut, next] = lines.push("1", Buffer.from("tail\nnext line\n"), null);
    expect(cut!.text).toBe("a".repeat(MAX_LINE_BYTES) + LINE_CUT_MARKER);
    expect(LINE_CUT_MARKER).toBe(" … [kobuild: line cut at 64 KiB]");
    expect(next!.text).toBe("next line");
  });

  it("leaves a line of exactly the cap as it is", () => {
    const lines = createLineAssembler<null>();
    expect(lines.push("1", Buffer.from(`${"b".repeat(MAX_LINE_BYTES)}\n`), null)[0]!.text).toBe("b".repeat(MAX_LINE_BYTES));
  });

  it("is cut on a character boundary, flushed or not", () => {
    const lines = createLineAssembler<null>(5);
    lines.push("1", Buffer.from("ab漢字"), null);
    expect(lines.flushAll()[0]!.text).toBe(`ab漢${LINE_CUT_MARKER}`);
  });

  it("from the classic builder's own text is cut too", () => {
    const decoder = createClassicDecoder({ now: () => 0 });
    const events = [...decoder.push({ stream: "Step 1/1 : " }), ...decoder.push({ stream: `${"c".repeat(200_000)}\n` }), ...decoder.end()];
    const step = events.find((e) => e.type === "step");
    expect(step && step.type === "step" ? step.name : "").toBe(`Step 1/1 : ${"c".repeat(MAX_LINE_BYTES - "Step 1/1 : ".length)}${LINE_CUT_MARKER}`);
  });
});

describe("an engine message longer than the cap", () => {
  it("is left out with a note, and the messages around it are read", () => {
    const splitter = createJsonLineSplitter(1024);
    const messages = [
      ...splitter.push(Buffer.from('{"a":1}\n{"stream":"')),
      ...splitter.push(Buffer.alloc(4096, "z")),
      ...splitter.push(Buffer.from('"}\n{"b":2}\n')),
    ];
    expect(messages[0]).toEqual({ a: 1 });
    expect((messages[1] as { kobuildUnparsed: string }).kobuildUnparsed).toMatch(/^\[kobuild: a message of the engine longer than 1024 bytes was left out; it began: \{"stream":"z+\]$/);
    expect(messages[2]).toEqual({ b: 2 });
    expect(splitter.end()).toEqual([]);
  });
});
