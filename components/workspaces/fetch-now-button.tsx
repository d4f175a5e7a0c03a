"use client";

import { useTransition } from "react";
import type { Done } from "./workspace-actions";

/** "Fetch now" on a remote's row: busy while git talks to the remote; a failure shows in the row's last fetch. */
export function FetchNowButton({ id, name, fetchNow, onDone }: { id: number; name: string; fetchNow: (id: number) => Promise<Done>; onDone: (result: Done) => void }) {
  const [pending, start] = useTransition();
  return (
    <button
      type="button"
      aria-label={`Fetch ${name} now`}
      disabled={pending}
      onClick={() => start(async () => onDone(await fetchNow(id)))}
      className="rounded border border-slate-300 px-2 py-0.5 whitespace-nowrap disabled:opacity-60 dark:border-slate-700"
    >
      {pending ? "Fetching…" : "Fetch now"}
    </button>
  );
}
