"use client";

import { useId, useState, useTransition } from "react";
import { NETWORKS, type Done } from "./workspace-actions";

/** A workspace's build network, changed in place: the choice and a Save that is live only when it differs. */
export function NetworkEditor({ name, value, save, onSaved, onError }: { name: string; value: string; save: (network: string) => Promise<Done>; onSaved: () => void; onError: (error: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [pending, startSaving] = useTransition();
  const id = useId();
  const shown = draft ?? value;
  return (
    <form
      aria-label={`Network of ${name}`}
      className="flex items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        startSaving(async () => {
          const result = await save(shown);
          if ("error" in result) onError(result.error);
          else {
            setDraft(null);
            onSaved();
          }
        });
      }}
    >
      <label htmlFor={id} className="sr-only">
        Network of {name}
      </label>
      <select id={id} value={shown} onChange={(e) => setDraft(e.target.value)} className="rounded-md border border-slate-300 bg-white px-2 py-0.5 text-sm dark:border-slate-700 dark:bg-slate-950">
        {NETWORKS.map((n) => (
          <option key={n.value} value={n.value}>
            {n.label}
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending || shown === value} className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-50 dark:border-slate-700">
        {pending ? "Saving…" : "Save"}
      </button>
    </form>
  );
}
