"use client";

import { useActionState } from "react";
import { inputClass, submitClass } from "@/components/form-parts";

type Action = (state: { error: string; name?: string } | null, form: FormData) => Promise<{ error: string; name?: string }>;

/** The sign-in form, and the first admin's (with the one-time link's token hidden in it). */
export function SignInForm({ action, submitLabel, hidden = {}, newPassword = false }: { action: Action; submitLabel: string; hidden?: Record<string, string>; newPassword?: boolean }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-4" aria-label={submitLabel}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div>
        <label htmlFor="name" className="block text-sm font-medium">
          User name
        </label>
        {/* After a refusal the name stays: only the password is typed again. */}
        <input id="name" name="name" className={inputClass} autoComplete="username" required autoFocus defaultValue={state?.name ?? ""} key={state?.name ?? ""} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" className={inputClass} autoComplete={newPassword ? "new-password" : "current-password"} minLength={newPassword ? 12 : undefined} required />
        {newPassword ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">At least 12 characters.</p> : null}
      </div>
      {state?.error ? (
        <p role="alert" className="rounded border border-amber-500 bg-amber-50 p-2 text-sm dark:bg-amber-950/40">
          ⚠ {state.error}
        </p>
      ) : null}
      <button type="submit" className={`${submitClass} w-full`} disabled={pending}>
        {pending ? "…" : submitLabel}
      </button>
    </form>
  );
}
