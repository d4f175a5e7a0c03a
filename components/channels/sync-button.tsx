"use client";

import { useState, useTransition } from "react";

type Refusal = { error: string };
const refused = (value: unknown): value is Refusal => typeof value === "object" && value !== null && "error" in value;

/** "Sync now": catches the channel up at once; says what was decided, or why it was refused. */
export function SyncButton({ channelId, name, sync }: { channelId: number; name: string; sync: (id: number) => Promise<unknown> }) {
  const [pending, startTransition] = useTransition();
  const [said, setSaid] = useState<string | null>(null);
  return (
    <div className="flex items-center gap-3">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const answer = await sync(channelId);
            if (refused(answer)) setSaid(answer.error);
            else {
              const s = answer as { status: string; buildId: number | null };
              setSaid(s.status === "started" ? `catch-up build #${s.buildId} started` : s.status === "running" ? `build #${s.buildId} runs: another follows it` : "nothing to build: the image is complete");
            }
          })
        }
        className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-60"
        aria-label={`Sync ${name} now`}
      >
        {pending ? "Syncing…" : "Sync now"}
      </button>
      {said ? (
        <span role="status" className="text-sm text-slate-700 dark:text-slate-300">
          {said}
        </span>
      ) : null}
    </div>
  );
}
