import { describe, expect, it } from "vitest";
import { createJsonLineSplitter } from "./json-lines";
import { loadRecording, splitRecording, type RecordingName } from "./__recordings__/load-recording";

const RECORDINGS: RecordingName[] = [
  "buildkit-multistage",
  "buildkit-multistage-cached",
  "buildkit-failing",
  "classic-multistage",
  "classic-failing",
];

describe("createJsonLineSplitter", () => {
  it("keeps a message split across chunks until its newline arrives", () => {
    const splitter = createJsonLineSplitter();
    expect(splitter.push(Buffer.from('{"stream":"Step 1/2'))).toEqual([]);
    expect(splitter.push(Buffer.from(' : FROM x"}\n{"aux":'))).toEqual([{ stream: "Step 1/2 : FROM x" }]);
    expect(splitter.push(Buffer.from('{"ID":"sha256:ab"}}\n'))).toEqual([{ aux: { ID: "sha256:ab" } }]);
    expect(splitter.end()).toEqual([]);
  });

  it("keeps a multi-byte character split between chunks intact", () => {
    const bytes = Buffer.from('{"stream":"é 漢字\\n"}\n');
    const cut = bytes.indexOf(Buffer.from("漢")) + 1; // inside the three bytes of 漢
    const splitter = createJsonLineSplitter();
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual([{ stream: "é 漢字\n" }]);
  });

  it("gives several messages from one chunk, in order, and skips blank and CRLF lines", () => {
    const splitter = createJsonLineSplitter();
    expect(splitter.push(Buffer.from('{"a":1}\r\n\r\n\n  \n{"b":2}\n{"c":3}'))).toEqual([{ a: 1 }, { b: 2 }]);
    expect(splitter.end()).toEqual([{ c: 3 }]);
    expect(splitter.end()).toEqual([]);
  });

  it("turns a line that is not JSON into an unparsed message instead of throwing", () => {
    const splitter = createJsonLineSplitter();
    expect(splitter.push(Buffer.from('{"a":1}\nproxy error: bad gateway\n{"b":'))).toEqual([
      { a: 1 },
      { kobuildUnparsed: "proxy error: bad gateway" },
    ]);
    expect(splitter.end()).toEqual([{ kobuildUnparsed: '{"b":' }]);
  });

  it("does not depend on the caller keeping its chunk buffers", () => {
    const splitter = createJsonLineSplitter();
    const reused = Buffer.from('{"stream":"abc');
    splitter.push(reused);
    reused.fill(0x20); // a socket may reuse its buffer for the next read
    expect(splitter.push(Buffer.from('def"}\n'))).toEqual([{ stream: "abcdef" }]);
  });

  it.each(RECORDINGS)("splits the recorded %s response the same way for any chunk size", (name) => {
    const { raw } = loadRecording(name);
    const expected = raw
      .toString("utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as unknown);
    expect(expected.length).toBeGreaterThan(5);
    for (const size of [1, 7, 4096, Infinity]) expect(splitRecording(raw, size)).toEqual(expected);
  });
});
