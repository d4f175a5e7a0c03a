import type { CSSProperties } from "react";
import { cssColor, markSpans, parseAnsi, type AnsiStyle } from "./ansi";

function spanStyle(style: AnsiStyle): CSSProperties | undefined {
  if (!style.fg && !style.bg && !style.bold && !style.dim && !style.italic && !style.underline) return undefined;
  return {
    color: style.fg ? cssColor(style.fg) : undefined,
    backgroundColor: style.bg ? cssColor(style.bg) : undefined,
    fontWeight: style.bold ? 700 : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? "italic" : undefined,
    textDecoration: style.underline ? "underline" : undefined,
  };
}

/** A log line's text in its ANSI colours, with search matches marked (the current one outlined as well as coloured). */
export function AnsiText({ text, ranges = [] }: { text: string; ranges?: readonly { start: number; end: number; current?: boolean }[] }) {
  const spans = markSpans(parseAnsi(text), ranges);
  if (spans.length === 0) return " ";
  return spans.map((s, i) =>
    "mark" in s && s.mark ? (
      <mark
        key={i}
        data-match={s.mark}
        style={spanStyle(s.style)}
        className={s.mark === "current" ? "rounded-sm bg-orange-300 text-black outline-2 outline-orange-600 dark:bg-orange-400" : "rounded-sm bg-yellow-200 text-black dark:bg-yellow-300"}
      >
        {s.text}
      </mark>
    ) : (
      <span key={i} style={spanStyle(s.style)}>
        {s.text}
      </span>
    ),
  );
}
