import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applySgr, cssColor, markSpans, parseAnsi, stripAnsi } from "./ansi";

// Recorded in the toolchain image: gcc, clang, git diff, grep and ls with colours forced on.
const recorded = fs.readFileSync(path.join(__dirname, "__recordings__", "compiler-colours.log"), "utf8").split("\n");
const line = (prefix: string) => recorded.find((l) => stripAnsi(l).startsWith(prefix))!;

describe("stripAnsi", () => {
  it("leaves the text a terminal shows of gcc's diagnostics", () => {
    expect(stripAnsi(line("broken.c:2:38: error"))).toBe("broken.c:2:38: error: ‘y’ undeclared (first use in this function)");
    expect(recorded.map(stripAnsi).join("\n")).not.toMatch(/[\u001b\u0007]/);
  });
  it("drops cursor, erase and title sequences and keeps tabs", () => {
    expect(stripAnsi("a\u001b[2K\u001b[1Gb\u001b]0;title\u0007c\u001b(Bd\te")).toBe("abcd\te");
    expect(stripAnsi("link \u001b]8;;http://x\u001b\\here\u001b]8;;\u001b\\")).toBe("link here");
    expect(stripAnsi("plain text")).toBe("plain text");
  });
});

describe("parseAnsi", () => {
  it("reads gcc's bold, magenta warning and the resets around `\\e[K`", () => {
    const spans = parseAnsi(line("broken.c:2:26: warning"));
    expect(spans[0]).toEqual({ text: "broken.c:2:26:", style: { bold: true } });
    const warning = spans.find((s) => s.text === "warning: ")!;
    expect(warning.style).toEqual({ bold: true, fg: { palette: 5 } });
    expect(spans.map((s) => s.text).join("")).toBe(stripAnsi(line("broken.c:2:26: warning")));
  });
  it("reads clang's `0;1;31` as a reset then bold red", () => {
    const spans = parseAnsi(line("broken.c:2:38: error: use of"));
    expect(spans.find((s) => s.text === "error: ")!.style).toEqual({ bold: true, fg: { palette: 1 } });
  });
  it("colours git's removed and added lines", () => {
    expect(parseAnsi(line("-b"))).toEqual([{ text: "-b", style: { fg: { palette: 1 } } }]);
    expect(parseAnsi(line("+c"))).toEqual([{ text: "+c", style: { fg: { palette: 2 } } }]);
  });
  it("merges neighbouring spans of one style", () => {
    // grep prints `\e[32m\e[K1\e[m\e[K`: one green span, nothing empty.
    const spans = parseAnsi(line("1:#include"));
    expect(spans[0]).toEqual({ text: "1", style: { fg: { palette: 2 } } });
    expect(spans.every((s) => s.text.length > 0)).toBe(true);
  });
  it("has one unstyled span for plain text and none for an empty line", () => {
    expect(parseAnsi("[rhel-8-builder] KOBUILD-TASK start")).toEqual([{ text: "[rhel-8-builder] KOBUILD-TASK start", style: {} }]);
    expect(parseAnsi("")).toEqual([]);
  });
});

describe("applySgr", () => {
  it("sets and clears every attribute", () => {
    let s = applySgr({}, "1;2;3;4");
    expect(s).toEqual({ bold: true, dim: true, italic: true, underline: true });
    s = applySgr(s, "22;23");
    expect(s).toEqual({ underline: true });
    expect(applySgr(s, "24")).toEqual({});
    expect(applySgr({ bold: true, fg: { palette: 1 } }, "")).toEqual({});
  });
  it("knows the 16 colours, foreground and background, and the defaults", () => {
    expect(applySgr({}, "31;42")).toEqual({ fg: { palette: 1 }, bg: { palette: 2 } });
    expect(applySgr({}, "97;104")).toEqual({ fg: { palette: 15 }, bg: { palette: 12 } });
    expect(applySgr({ fg: { palette: 1 }, bg: { palette: 2 } }, "39")).toEqual({ bg: { palette: 2 } });
    expect(applySgr({ fg: { palette: 1 }, bg: { palette: 2 } }, "49")).toEqual({ fg: { palette: 1 } });
  });
  it("reads 256-colour and 24-bit colours in `;` and `:` forms, with codes after them", () => {
    expect(applySgr({}, "38;5;208")).toEqual({ fg: { palette: 208 } });
    expect(applySgr({}, "48;5;17;1")).toEqual({ bg: { palette: 17 }, bold: true });
    expect(applySgr({}, "38;2;255;128;0;4")).toEqual({ fg: { rgb: [255, 128, 0] }, underline: true });
    expect(applySgr({}, "38:2::10:20:30")).toEqual({ fg: { rgb: [10, 20, 30] } });
    expect(applySgr({}, "38:5:9")).toEqual({ fg: { palette: 9 } });
  });
  it("ignores what it cannot show", () => {
    expect(applySgr({}, "5;7")).toEqual({});
    expect(applySgr({}, "38;5;999")).toEqual({});
    expect(applySgr({ bold: true }, "?25")).toEqual({ bold: true });
  });
});

describe("cssColor", () => {
  it("uses the theme's variables for the 16 colours and exact values above", () => {
    expect(cssColor({ palette: 1 })).toBe("var(--ansi-1)");
    expect(cssColor({ palette: 196 })).toBe("rgb(255 0 0)");
    expect(cssColor({ palette: 16 })).toBe("rgb(0 0 0)");
    expect(cssColor({ palette: 244 })).toBe("rgb(128 128 128)");
    expect(cssColor({ rgb: [1, 2, 3] })).toBe("rgb(1 2 3)");
  });
});

describe("markSpans", () => {
  it("splits coloured spans at search matches and keeps their colours", () => {
    const spans = parseAnsi(line("broken.c:2:38: error: ‘y’"));
    const plain = stripAnsi(line("broken.c:2:38: error: ‘y’"));
    const at = plain.indexOf("38: err");
    const marked = markSpans(spans, [{ start: at, end: at + 7, current: true }]);
    expect(marked.map((s) => s.text).join("")).toBe(plain);
    const current = marked.filter((s) => s.mark === "current");
    expect(current.map((s) => s.text)).toEqual(["38:", " ", "err"]);
    expect(current[2]!.style.fg).toEqual({ palette: 1 });
  });
  it("marks several matches in one plain span", () => {
    const marked = markSpans(parseAnsi("abcabc"), [
      { start: 0, end: 1 },
      { start: 3, end: 4 },
    ]);
    expect(marked.map((s) => [s.text, s.mark])).toEqual([
      ["a", "match"],
      ["bc", undefined],
      ["a", "match"],
      ["bc", undefined],
    ]);
  });
});
