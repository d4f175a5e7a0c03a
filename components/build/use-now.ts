"use client";

import { useEffect, useState } from "react";

/**
 * The current time, refreshed every `everyMs` while `active`; null until the
 * first tick, so the server render and hydration agree (callers fall back to
 * the time the build view was read).
 */
export function useNow(active: boolean, everyMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}

/** The moment a build view describes: its end, or when it was read while it ran. */
export function viewTime(view: { startedAt: string | null; finishedAt: string | null; durationMs: number | null }): number | null {
  if (view.finishedAt) return Date.parse(view.finishedAt);
  if (view.startedAt && view.durationMs != null) return Date.parse(view.startedAt) + view.durationMs;
  return null;
}
