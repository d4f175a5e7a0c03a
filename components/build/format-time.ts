const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A duration as people read it: `0.4 s`, `12.3 s`, `4m 05s`, `1h 02m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "—";
  const value = Math.max(0, ms);
  if (value < 60_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${pad(Math.floor(seconds / 60) % 60)}m`;
}

/** A log line's clock time, UTC like every time kobuild shows: `23:32:27.355`. */
export function formatClock(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
}

/** Time since the build started: `+00:04.864`, `+1:02:03.000` past an hour. */
export function formatElapsed(ms: number): string {
  const sign = ms < 0 ? "-" : "+";
  const value = Math.abs(Math.round(ms));
  const h = Math.floor(value / 3_600_000);
  const m = Math.floor(value / 60_000) % 60;
  const s = Math.floor(value / 1000) % 60;
  const rest = `${pad(m)}:${pad(s)}.${pad(value % 1000, 3)}`;
  return `${sign}${h > 0 ? `${h}:` : ""}${rest}`;
}

/** A moment to the second, UTC: `2026-11-25 23:32:26 UTC`. */
export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value == null) return "—";
  return new Date(value).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
