"use client";

import { useId, useState, useTransition } from "react";

type Done = { error: string } | { ok: true };

/** A row's "builds at once", changed in place: the number and a Save that is live only when it differs. */
export function ConcurrencyEditor({ name, value, save, onSaved, onError }: { name: string; value: number; save: (concurrency: number) => Promise<Done>; onSaved: () => void; onError: (error: string) => void }) {
  // null: not being edited, so the polled value shows.
  const [draft, setDraft] = useState<string | null>(null);
  const [pending, startSaving] = useTransition();
  const id = useId();
  const shown = draft ?? String(value);
  return (
    <form
      aria-label={`Builds at once on ${name}`}
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        startSaving(async () => {
          const result = await save(Number(shown));
          if ("error" in result) onError(result.error);
          else {
            setDraft(null);
            onSaved();
          }
        });
      }}
    >
      <label htmlFor={id} className="sr-only">
        Builds at once on {name}
      </label>
      <input
        id={id}
        type="number"
        min={1}
        max={64}
        step={1}
        required
        value={shown}
        onChange={(e) => setDraft(e.target.value)}
        className="w-16 rounded-md border border-slate-300 bg-white px-2 py-0.5 text-sm tabular-nums dark:border-slate-700 dark:bg-slate-950"
      />
      <button type="submit" disabled={pending || shown === String(value)} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-50 dark:border-slate-700">
        {pending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
