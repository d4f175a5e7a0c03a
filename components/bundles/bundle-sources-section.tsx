"use client";

import { useState, useTransition } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import { formatDate } from "@/components/format";

export type BundleSourceItem = {
  id: number;
  kind: "directory" | "http";
  location: string;
  pollMinutes: number;
  lastPolledAt: number | null;
  lastStatus: "ok" | "partial" | "failed" | null;
  lastError: string | null;
  lastListed: number | null;
  lastStored: number | null;
  lastRefusals: { file: string; error: string }[];
};

type Refusal = { error: string };
type PollReply = { stored: number; duplicates: number; listed: number; remaining: number; status: string; error: string | null; refusals: { file: string; error: string }[] };

const STATUS_TEXT = { ok: "Polled", partial: "Some files refused", failed: "Failed" } as const;
// Text first: the colour only repeats what the words say.
const STATUS_CLASS = {
  ok: "text-slate-700 dark:text-slate-300",
  partial: "font-medium text-amber-800 dark:text-amber-300",
  failed: "font-medium text-red-700 dark:text-red-300",
} as const;

function every(minutes: number) {
  if (minutes % (24 * 60) === 0) return `every ${minutes / (24 * 60)} day(s)`;
  if (minutes % 60 === 0) return minutes === 60 ? "hourly" : `every ${minutes / 60} hours`;
  return `every ${minutes} min`;
}

function pollSummary(poll: PollReply) {
  if (poll.status === "failed") return `The poll failed: ${poll.error}`;
  const parts = [`${poll.listed} listed`, `${poll.stored} new stored`];
  if (poll.duplicates) parts.push(`${poll.duplicates} already stored under another name`);
  if (poll.refusals.length) parts.push(`${poll.refusals.length} refused`);
  if (poll.remaining) parts.push(`${poll.remaining} left for the next poll`);
  return `${parts.join(", ")}.`;
}

/**
 * Where bundles come from by themselves: a directory on the dashboard's host
 * or an HTTP(S) listing of bundle-*.tgz files, polled on a schedule; what is
 * new is checked as an upload is and stored.
 */
export function BundleSourcesSection({
  sources,
  canPoll,
  canManage,
  add,
  remove,
  poll,
}: {
  sources: BundleSourceItem[];
  canPoll: boolean;
  canManage: boolean;
  add: (input: unknown) => Promise<{ ok: true } | Refusal>;
  remove: (id: number) => Promise<{ ok: true } | Refusal>;
  poll: (id: number) => Promise<PollReply | Refusal>;
}) {
  const [form, setForm] = useState({ kind: "http" as "http" | "directory", location: "", pollMinutes: "60" });
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await add({ kind: form.kind, location: form.location.trim(), pollMinutes: Number(form.pollMinutes) });
      if ("error" in result) setError(result.error);
      else setForm({ ...form, location: "" });
    });
  };

  if (sources.length === 0 && !canManage) return null;
  return (
    <section aria-labelledby="sources-heading" className="mb-10">
      <h2 id="sources-heading" className="text-lg font-semibold">
        Bundle sources
      </h2>
      <p className="mb-3 max-w-3xl text-sm text-slate-600 dark:text-slate-400">
        Places kobuild looks for new bundles by itself: a directory on the dashboard&apos;s host, or a web page or bucket listing of <code className="font-mono">bundle-&lt;kernel&gt;.tgz</code> files. Each new kernel is fetched, checked as an upload is, and stored.
      </p>
      {sources.length === 0 ? (
        <p className="mb-4 text-sm">No bundle source yet.</p>
      ) : (
        <table className="mb-4 w-full text-left text-sm">
          <caption className="sr-only">Bundle sources</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className="py-2 pr-4">Location</th>
              <th scope="col" className="py-2 pr-4">Polled</th>
              <th scope="col" className="py-2 pr-4">Last poll</th>
              <th scope="col" className="py-2 pr-4">Result</th>
              <th scope="col" className="py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id} className="border-b border-slate-200 align-top dark:border-slate-800" data-testid={`bundle-source-${s.id}`}>
                <th scope="row" className="py-2 pr-4 font-normal">
                  <span className="block break-all font-mono">{s.location}</span>
                  <span className="text-xs text-slate-600 dark:text-slate-400">{s.kind === "directory" ? "directory on the dashboard's host" : "web listing"}</span>
                </th>
                <td className="py-2 pr-4 whitespace-nowrap">{every(s.pollMinutes)}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{s.lastPolledAt ? formatDate(s.lastPolledAt) : "not yet"}</td>
                <td className="py-2 pr-4">
                  {s.lastStatus ? (
                    <>
                      <span className={STATUS_CLASS[s.lastStatus]}>{STATUS_TEXT[s.lastStatus]}</span>
                      {s.lastStatus !== "failed" && (
                        <span className="text-slate-600 dark:text-slate-400">
                          {" "}
                          · {s.lastListed ?? 0} listed, {s.lastStored ?? 0} new stored
                        </span>
                      )}
                      {s.lastError && <span className="block break-words">{s.lastError}</span>}
                      {s.lastRefusals.length > 0 && (
                        <ul className="mt-1 list-disc pl-5">
                          {s.lastRefusals.map((r) => (
                            <li key={r.file} className="break-words">
                              <span className="font-mono">{r.file}</span>: {r.error}
                            </li>
                          ))}
                        </ul>
                      )}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td className="py-2 text-right whitespace-nowrap">
                  {canPoll && (
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
                      disabled={pending}
                      onClick={() =>
                        startTransition(async () => {
                          setError(null);
                          setMessage(null);
                          const result = await poll(s.id);
                          if ("refusals" in result) setMessage(`${s.location}: ${pollSummary(result)}`);
                          else setError(result.error);
                        })
                      }
                    >
                      Poll now
                    </button>
                  )}
                  {canManage && (
                    <span className="ml-2">
                      <ConfirmButton
                        trigger={{ text: "Remove", label: `Remove the bundle source ${s.location}`, className: "rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700" }}
                        title="Stop polling this source?"
                        description={`kobuild stops looking at ${s.location}. The bundles it brought stay stored.`}
                        confirm={{ text: "Remove source", busyText: "Removing…", tone: "red" }}
                        refusal="The source was not removed"
                        act={async () => {
                          const result = await remove(s.id);
                          return "error" in result ? result.error : null;
                        }}
                      />
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p role="status" className="mb-3 text-sm">
        {message}
      </p>
      {canManage ? (
        <form onSubmit={submit} aria-label="Add a bundle source" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[10rem_1fr_9rem] dark:border-slate-800 dark:bg-slate-900">
          <Field label="Kind">
            {(id) => (
              <select id={id} className={inputClass} value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as "http" | "directory" })}>
                <option value="http">Web listing</option>
                <option value="directory">Directory</option>
              </select>
            )}
          </Field>
          <Field label="Location" hint={form.kind === "http" ? "An index page or a bucket's public listing, http:// or https://" : "An absolute path on the dashboard's host"}>
            {(id, hintId) => (
              <input id={id} aria-describedby={hintId} className={inputClass} value={form.location} onChange={(e) => setForm({ ...form, location: e.target.value })} required spellCheck={false} placeholder={form.kind === "http" ? "https://bundles.example.org/kernels/" : "/srv/bundles"} />
            )}
          </Field>
          <Field label="Poll every (minutes)">
            {(id) => <input id={id} type="number" min={1} max={10080} className={inputClass} value={form.pollMinutes} onChange={(e) => setForm({ ...form, pollMinutes: e.target.value })} required />}
          </Field>
          <div className="space-y-3 sm:col-span-3">
            <FormError error={error} />
            <button type="submit" className={submitClass} disabled={pending}>
              {pending ? "Working…" : "Add source"}
            </button>
          </div>
        </form>
      ) : (
        <FormError error={error} />
      )}
    </section>
  );
}
