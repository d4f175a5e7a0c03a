"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Renders the server page again every few seconds while an operation it shows is still queued or running. */
export function AutoRefresh({ active, everyMs = 3000 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs, router]);
  return null;
}
