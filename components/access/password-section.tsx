"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";

/** The signed-in user's own password. */
export function PasswordSection({ change }: { change: (input: unknown) => Promise<{ error: string } | { ok: true }> }) {
  const [form, setForm] = useState({ current: "", next: "" });
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <section aria-labelledby="password-heading" className="mt-10 max-w-4xl">
      <h2 id="password-heading" className="text-lg font-semibold">Your password</h2>
      <form
        aria-label="Change your password"
        className="mt-3 grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setDone(false);
          startTransition(async () => {
            const result = await change(form);
            if ("error" in result) setError(result.error);
            else {
              setDone(true);
              setForm({ current: "", next: "" });
            }
          });
        }}
      >
        <Field label="Current password">{(id) => <input id={id} type="password" className={inputClass} value={form.current} onChange={(e) => setForm({ ...form, current: e.target.value })} autoComplete="current-password" required />}</Field>
        <Field label="New password" hint="At least 12 characters.">
          {(id, hintId) => <input id={id} aria-describedby={hintId} type="password" className={inputClass} value={form.next} onChange={(e) => setForm({ ...form, next: e.target.value })} autoComplete="new-password" minLength={12} required />}
        </Field>
        <div className="space-y-3 sm:col-span-2">
          <FormError error={error} />
          {done ? <p role="status" className="text-sm">✓ Password changed; your other sessions were signed out.</p> : null}
          <button type="submit" className={submitClass} disabled={pending}>Change password</button>
        </div>
      </form>
    </section>
  );
}
