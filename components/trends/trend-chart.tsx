"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { seriesLook } from "./series-look";

export type TrendChartData = {
  /** One entry per build, in the order they finished. */
  builds: { id: number; at: number }[];
  /** One line per module version: coverage in percent per build, null where the build had none. */
  series: { label: string; values: (number | null)[] }[];
};

type Props = { title: string; data: TrendChartData; height?: number };

const percent = (v: number | null | undefined) => (v === null || v === undefined ? "none" : `${v.toFixed(1)} %`);
const when = (ms: number) => new Date(ms).toLocaleString("en-GB", { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });

/**
 * Coverage over time, one line per module version, drawn by uPlot on a
 * canvas. Pointing at the chart picks the nearest build (said in words below
 * it); a click opens that build. The table beside it gives the same builds to
 * keyboards and screen readers.
 */
export function TrendChart({ title, data, height = 260 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const [hover, setHover] = useState<number | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title: undefined,
      width: Math.max(320, el.clientWidth),
      height,
      scales: { x: { time: true }, y: { range: [0, 100] } },
      axes: [
        // Times in UTC as the rest of the page gives them, as precise as the span of the builds needs.
        { stroke: "#64748b", grid: { stroke: "rgba(100,116,139,0.15)" }, space: 90, values: (_u, ticks) => ticks.map((t) => utcTick(t, (ticks.at(-1) ?? t) - (ticks[0] ?? t))) },
        { stroke: "#64748b", grid: { stroke: "rgba(100,116,139,0.15)" }, values: (_u, ticks) => ticks.map((t) => `${t} %`), size: 56 },
      ],
      series: [
        { label: "Build", value: (_u, v) => (v === null ? "" : when(v * 1000)) },
        ...data.series.map((s, i) => {
          const look = seriesLook(i);
          return { label: s.label, stroke: look.colour, dash: look.dash, width: 2, spanGaps: false, points: { show: true, size: 7, fill: look.colour }, value: (_u: uPlot, v: number | null) => percent(v) };
        }),
      ],
      cursor: { points: { size: 11 }, drag: { x: false, y: false } },
      legend: { show: true, live: true },
      hooks: { setCursor: [(u) => setHover(u.cursor.idx ?? null)] },
    };
    const plot = new uPlot(opts, [data.builds.map((b) => b.at / 1000), ...data.series.map((s) => s.values)], el);
    const open = () => {
      const idx = plot.cursor.idx;
      const build = idx === null || idx === undefined ? undefined : data.builds[idx];
      if (build) router.push(`/builds/${build.id}`);
    };
    plot.over.addEventListener("click", open);
    plot.over.style.cursor = "pointer";
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener("click", open);
      plot.destroy();
    };
  }, [data, height, router]);

  const picked = hover === null ? null : data.builds[hover];
  return (
    <figure className="min-w-0">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: coverage per module version over ${data.builds.length} builds`} data-testid="trend-chart" className="w-full" />
      <p aria-live="polite" data-testid="trend-hover" className="mt-1 min-h-5 text-sm text-slate-700 dark:text-slate-300">
        {picked ? (
          <>
            Build #{picked.id}, {when(picked.at)}: {data.series.map((s) => `${s.label} ${percent(s.values[hover!])}`).join(" · ")} (click to open)
          </>
        ) : (
          "Point at the chart to pick a build; click to open it."
        )}
      </p>
    </figure>
  );
}

/** A time axis label in UTC: the date over days, the minute over hours, the second under an hour. */
function utcTick(seconds: number, span: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  if (span >= 2 * 86_400) return iso.slice(0, 10);
  if (span >= 3_600) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(11, 19);
}
