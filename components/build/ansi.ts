// A small reader of the ANSI escape codes that compilers, git and build tools
// print: SGR colours and text attributes become styles; every other escape
// sequence (cursor moves, erase-line, window titles, hyperlinks) is dropped,
// so what remains is the text a terminal would show. Each log line is read on
// its own: tools reset their colours before a newline.

/** A colour of the 256-colour palette (0-15 are the theme's), or a 24-bit one. */
export type AnsiColor = { palette: number } | { rgb: readonly [number, number, number] };

export type AnsiStyle = {
  fg?: AnsiColor;
  bg?: AnsiColor;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
};

export type AnsiSpan = { text: string; style: AnsiStyle };

// CSI: ESC [ parameters intermediates final; the C1 form \u009b is the same.
// OSC: ESC ] ... ended by BEL or ESC \; other escapes: ESC, intermediates, a final byte.
// C0 controls other than tab are never meant to be shown.
const ESCAPES = /(?:\u001b\[|\u009b)([0-?]*)[ -/]*([@-~])|\u001b\][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b[ -/]*[0-~]?|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;

/** The text without any escape sequence or control character: what search and copy see. */
export function stripAnsi(input: string): string {
  if (!hasControls(input)) return input;
  return input.replace(ESCAPES, "");
}

function hasControls(input: string) {
  // Fast path: most build output has no escapes at all.
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x20 ? c !== 0x09 : c === 0x7f || c === 0x9b) return true;
  }
  return false;
}

/** The spans of a line, each with the style the SGR codes before it set. Adjacent spans of one style are merged. */
export function parseAnsi(input: string): AnsiSpan[] {
  if (!hasControls(input)) return input ? [{ text: input, style: {} }] : [];
  const spans: AnsiSpan[] = [];
  let style: AnsiStyle = {};
  let last = 0;
  const push = (text: string) => {
    if (!text) return;
    const prev = spans[spans.length - 1];
    if (prev && sameStyle(prev.style, style)) prev.text += text;
    else spans.push({ text, style });
  };
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(input); m; m = ESCAPES.exec(input)) {
    push(input.slice(last, m.index));
    last = m.index + m[0].length;
    // Only CSI sequences capture groups; of those only `m` (SGR) changes the style.
    if (m[2] === "m") style = applySgr(style, m[1] ?? "");
  }
  push(input.slice(last));
  return spans;
}

/** The style after one SGR sequence's parameters (`1;31`, `38;5;208`, `38:2::255:128:0`). */
export function applySgr(current: AnsiStyle, params: string): AnsiStyle {
  // Private or malformed sequences (`?25`, `<`) are not SGR.
  if (/[<=>?]/.test(params)) return current;
  const codes = params === "" ? [[0]] : params.split(";").map((p) => p.split(":").map((n) => (n === "" ? 0 : Number(n))));
  const next: AnsiStyle = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const group = codes[i]!;
    const code = group[0]!;
    if (code === 38 || code === 48) {
      // Extended colour, either in colon form inside one group or spread over the following `;` groups.
      let color: AnsiColor | undefined;
      if (group.length > 1) color = extendedColor(group.slice(1), true);
      else {
        const rest = codes.slice(i + 1).map((g) => g[0]!);
        color = extendedColor(rest, false);
        i += rest[0] === 5 ? 2 : rest[0] === 2 ? 4 : 0;
      }
      if (color) {
        if (code === 38) next.fg = color;
        else next.bg = color;
      }
      continue;
    }
    applyCode(next, code);
  }
  return next;
}

function extendedColor(args: number[], colonForm: boolean): AnsiColor | undefined {
  if (args[0] === 5) {
    const n = args[1];
    return n !== undefined && n >= 0 && n <= 255 ? { palette: n } : undefined;
  }
  if (args[0] === 2) {
    // The colon form may carry a colour-space id before r, g and b (`38:2::r:g:b`).
    const values = colonForm && args.length >= 5 ? args.slice(2, 5) : args.slice(1, 4);
    if (values.length !== 3 || values.some((v) => !Number.isInteger(v) || v < 0 || v > 255)) return undefined;
    return { rgb: [values[0]!, values[1]!, values[2]!] };
  }
  return undefined;
}

function applyCode(s: AnsiStyle, code: number) {
  if (code === 0) {
    delete s.fg;
    delete s.bg;
    delete s.bold;
    delete s.dim;
    delete s.italic;
    delete s.underline;
  } else if (code === 1) s.bold = true;
  else if (code === 2) s.dim = true;
  else if (code === 3) s.italic = true;
  else if (code === 4) s.underline = true;
  else if (code === 22) {
    delete s.bold;
    delete s.dim;
  } else if (code === 23) delete s.italic;
  else if (code === 24) delete s.underline;
  else if (code >= 30 && code <= 37) s.fg = { palette: code - 30 };
  else if (code === 39) delete s.fg;
  else if (code >= 40 && code <= 47) s.bg = { palette: code - 40 };
  else if (code === 49) delete s.bg;
  else if (code >= 90 && code <= 97) s.fg = { palette: code - 90 + 8 };
  else if (code >= 100 && code <= 107) s.bg = { palette: code - 100 + 8 };
  // Blink, inverse, fonts and the rest are not shown.
}

function sameColor(a: AnsiColor | undefined, b: AnsiColor | undefined) {
  if (a === b) return true;
  if (!a || !b) return false;
  if ("palette" in a) return "palette" in b && a.palette === b.palette;
  return "rgb" in b && a.rgb[0] === b.rgb[0] && a.rgb[1] === b.rgb[1] && a.rgb[2] === b.rgb[2];
}

export function sameStyle(a: AnsiStyle, b: AnsiStyle) {
  return (
    a === b ||
    (!!a.bold === !!b.bold &&
      !!a.dim === !!b.dim &&
      !!a.italic === !!b.italic &&
      !!a.underline === !!b.underline &&
      sameColor(a.fg, b.fg) &&
      sameColor(a.bg, b.bg))
  );
}

const CUBE = [0, 95, 135, 175, 215, 255];

/**
 * A CSS colour: the 16 theme colours are CSS variables (so light and dark
 * themes each get readable ones), the rest of the palette and 24-bit colours
 * are exact.
 */
export function cssColor(color: AnsiColor): string {
  if ("rgb" in color) return `rgb(${color.rgb[0]} ${color.rgb[1]} ${color.rgb[2]})`;
  const n = color.palette;
  if (n < 16) return `var(--ansi-${n})`;
  if (n < 232) {
    const i = n - 16;
    return `rgb(${CUBE[Math.floor(i / 36)]} ${CUBE[Math.floor(i / 6) % 6]} ${CUBE[i % 6]})`;
  }
  const grey = 8 + (n - 232) * 10;
  return `rgb(${grey} ${grey} ${grey})`;
}

export type MarkedSpan = AnsiSpan & { mark?: "match" | "current" };

/**
 * Splits spans at the given ranges of the plain text (search matches), so each
 * range can be highlighted without losing the colours inside it.
 */
export function markSpans(spans: AnsiSpan[], ranges: readonly { start: number; end: number; current?: boolean }[]): MarkedSpan[] {
  if (ranges.length === 0) return spans;
  const out: MarkedSpan[] = [];
  let offset = 0;
  let r = 0;
  for (const span of spans) {
    const spanEnd = offset + span.text.length;
    let pos = offset;
    while (pos < spanEnd) {
      while (r < ranges.length && ranges[r]!.end <= pos) r++;
      const range = ranges[r];
      if (!range || range.start >= spanEnd) {
        out.push({ text: span.text.slice(pos - offset), style: span.style });
        pos = spanEnd;
      } else if (range.start > pos) {
        out.push({ text: span.text.slice(pos - offset, range.start - offset), style: span.style });
        pos = range.start;
      } else {
        const end = Math.min(range.end, spanEnd);
        out.push({ text: span.text.slice(pos - offset, end - offset), style: span.style, mark: range.current ? "current" : "match" });
        pos = end;
      }
    }
    offset = spanEnd;
  }
  return out;
}
