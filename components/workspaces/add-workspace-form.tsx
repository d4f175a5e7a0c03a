"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import { NETWORKS, type Done } from "./workspace-actions";

const EMPTY = { name: "", source: "remote" as "remote" | "path", url: "", path: "", dockerfile: "", network: "default" };

/** Registers a git remote (kobuild clones it) or a checkout on the dashboard's host. */
export function AddWorkspaceForm({ add, onAdded }: { add: (input: unknown) => Promise<Done>; onAdded: () => void }) {
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const remote = form.source === "remote";
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const body = {
        name: form.name.trim(),
        ...(remote ? { url: form.url.trim() } : { path: form.path.trim() }),
        ...(form.dockerfile.trim() ? { dockerfile: form.dockerfile.trim() } : {}),
        network: form.network,
      };
      const result = await add(body);
      if ("error" in result) setError(result.error);
      else {
        setForm(EMPTY);
        onAdded();
      }
    });
  };
  return (
    <form onSubmit={submit} aria-label="Add a workspace" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900">
      <h3 className="text-sm font-semibold sm:col-span-2">Add a workspace</h3>
      <Field label="Name" hint="1 to 63 of a-z 0-9 . _ -">
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={63} spellCheck={false} autoComplete="off" />}
      </Field>
      <fieldset>
        <legend className="block text-sm font-medium">Source</legend>
        <div className="mt-2 flex flex-wrap gap-x-5 gap-y-1 text-sm">
          {(
            [
              ["remote", "A git remote"],
              ["path", "A checkout on this machine"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="inline-flex items-center gap-2">
              <input type="radio" name="workspace-source" value={value} checked={form.source === value} onChange={() => setForm({ ...form, source: value })} />
              {label}
            </label>
          ))}
        </div>
      </fieldset>
      {remote ? (
        <Field
          label="Remote URL"
          hint="https://, ssh://user@host/path, user@host:path, git:// or file:///path. Never a password: ssh keys and git credential helpers of the user kobuild runs as supply credentials."
        >
          {(id, hintId) => <input id={id} aria-describedby={hintId} className={`${inputClass} font-mono`} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} required spellCheck={false} autoComplete="off" />}
        </Field>
      ) : (
        <Field label="Checkout path" hint="The absolute path of the checkout's top level on the dashboard's host; kobuild builds it as it is and never fetches it.">
          {(id, hintId) => <input id={id} aria-describedby={hintId} className={`${inputClass} font-mono`} value={form.path} onChange={(e) => setForm({ ...form, path: e.target.value })} required spellCheck={false} autoComplete="off" />}
        </Field>
      )}
      <Field label="Dockerfile" hint="Relative to the repository; empty: kernel-modules/dockerized/Dockerfile.">
        {(id, hintId) => (
          <input id={id} aria-describedby={hintId} className={`${inputClass} font-mono`} value={form.dockerfile} onChange={(e) => setForm({ ...form, dockerfile: e.target.value })} placeholder="kernel-modules/dockerized/Dockerfile" spellCheck={false} autoComplete="off" />
        )}
      </Field>
      <Field label="Build network" hint="The network the workspace's builds run with.">
        {(id, hintId) => (
          <select id={id} aria-describedby={hintId} className={inputClass} value={form.network} onChange={(e) => setForm({ ...form, network: e.target.value })}>
            {NETWORKS.map((n) => (
              <option key={n.value} value={n.value}>
                {n.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="space-y-3 sm:col-span-2">
        <FormError error={error} />
        <button type="submit" className={submitClass} disabled={pending}>
          {pending ? (remote ? "Cloning…" : "Checking the checkout…") : "Add workspace"}
        </button>
      </div>
    </form>
  );
}
