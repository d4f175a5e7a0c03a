"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiRefusal, sendJson } from "@/components/fetch-json";

const NOTE_MAX_BYTES = 4096;

/**
 * On-call's acknowledgement: what they found and who owns the group from
 * now on. Sent to the API like any other change (it is audited there); the
 * refusal's reason is shown as the API words it.
 */
export function AcknowledgeForm({ groupId, me }: { groupId: number; me: string }) {
  const router = useRouter();
  const [note, setNote] = useState("");
  const [owner, setOwner] = useState(me);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const bytes = new TextEncoder().encode(note).length;

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await sendJson("POST", `/api/failure-groups/${groupId}/acknowledgements`, { note, owner: owner.trim() || undefined });
      setNote("");
      router.refresh();
    } catch (error) {
      setError(error instanceof ApiRefusal ? error.message : "the connection to kobuild was lost; the note may not be saved");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3" aria-label="Acknowledge this failure group">
      <label className="block text-sm font-medium">
        Note: what you found, what happens next
        <textarea
          name="note"
          required
          rows={4}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          aria-describedby="note-size"
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      <p id="note-size" className={`text-xs ${bytes > NOTE_MAX_BYTES ? "font-semibold text-red-800 dark:text-red-300" : "text-slate-600 dark:text-slate-400"}`}>
        {bytes.toLocaleString("en")} of {NOTE_MAX_BYTES.toLocaleString("en")} bytes{bytes > NOTE_MAX_BYTES ? " — too long: shorten it" : ""}
      </p>
      <label className="block text-sm font-medium">
        Owner (an operator or admin)
        <input
          name="owner"
          value={owner}
          onChange={(e) => setOwner(e.target.value)}
          spellCheck={false}
          className="mt-1 block w-full max-w-xs rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-950"
        />
      </label>
      {error ? (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
          ⚠ {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy} className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 disabled:opacity-60">
        {busy ? "Saving…" : "Acknowledge"}
      </button>
    </form>
  );
}
