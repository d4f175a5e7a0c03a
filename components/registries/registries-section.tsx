"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import { formatDate } from "@/components/format";

type Registry = { id: number; name: string; url: string; username: string | null; passwordSet: boolean; createdAt: Date | string };
type Result = { error: string } | { ok: true };

/** Registries for cache pulls and result pushes: the password is typed once and never shown again. */
export function RegistriesSection({ registries, add, remove }: { registries: Registry[]; add: (input: unknown) => Promise<Result>; remove: (id: number) => Promise<Result> }) {
  const [form, setForm] = useState({ name: "", url: "", username: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const body = { name: form.name, url: form.url.trim(), ...(form.username ? { username: form.username, password: form.password } : {}) };
      const result = await add(body);
      if ("error" in result) setError(result.error);
      else setForm({ name: "", url: "", username: "", password: "" });
    });
  };
  return (
    <section aria-labelledby="registries-heading" className="mt-10 max-w-4xl">
      <h2 id="registries-heading" className="text-lg font-semibold">
        Registries
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Where cache images are pulled from (a build&apos;s CACHE_REPO may name a registry address) and results are pushed to. The engine logs in with the credentials before a registry is added; the password is stored encrypted and never shown again.
      </p>
      {registries.length === 0 ? (
        <p className="mb-4 text-sm">No registry yet.</p>
      ) : (
        <table className="mb-4 w-full text-left text-sm">
          <caption className="sr-only">Configured registries</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className="py-2 pr-4">Name</th>
              <th scope="col" className="py-2 pr-4">Address</th>
              <th scope="col" className="py-2 pr-4">User</th>
              <th scope="col" className="py-2 pr-4">Password</th>
              <th scope="col" className="py-2 pr-4">Added</th>
              <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {registries.map((r) => (
              <tr key={r.id} className="border-b border-slate-200 dark:border-slate-800">
                <th scope="row" className="py-2 pr-4 font-normal">{r.name}</th>
                <td className="py-2 pr-4 font-mono">{r.url}</td>
                <td className="py-2 pr-4">{r.username ?? "anonymous"}</td>
                <td className="py-2 pr-4">{r.passwordSet ? "set (hidden)" : "none"}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{formatDate(new Date(r.createdAt))}</td>
                <td className="py-2 text-right">
                  <button
                    type="button"
                    className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
                    onClick={() => {
                      if (!window.confirm(`Forget the registry ${r.name} and its credentials?`)) return;
                      startTransition(async () => {
                        const result = await remove(r.id);
                        if ("error" in result) setError(result.error);
                      });
                    }}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={submit} aria-label="Add a registry" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900">
        <Field label="Name">{(id) => <input id={id} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required />}</Field>
        <Field label="Address" hint="host[:port], no scheme: 127.0.0.1:5000 or quay.io">
          {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} required spellCheck={false} />}
        </Field>
        <Field label="User name" hint="Empty for a registry without login.">
          {(id, hintId) => <input id={id} aria-describedby={hintId} className={inputClass} value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} autoComplete="off" />}
        </Field>
        <Field label="Password">
          {(id) => <input id={id} type="password" className={inputClass} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} autoComplete="new-password" required={Boolean(form.username)} />}
        </Field>
        <div className="space-y-3 sm:col-span-2">
          <FormError error={error} />
          <button type="submit" className={submitClass} disabled={pending}>
            {pending ? "Checking the credentials…" : "Add registry"}
          </button>
        </div>
      </form>
    </section>
  );
}
