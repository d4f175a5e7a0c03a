"use client";

import { useActionState, useState, type FormEvent } from "react";
import { inputClass, submitClass } from "@/components/form-parts";

type Action = (state: { error: string; name?: string } | null, form: FormData) => Promise<{ error: string; name?: string }>;

/** The first admin's form (with the one-time link's token hidden in it), through a server action. */
export function SignInForm({ action, submitLabel, hidden = {}, newPassword = false }: { action: Action; submitLabel: string; hidden?: Record<string, string>; newPassword?: boolean }) {
  const [state, formAction, pending] = useActionState(action, null);
  return (
    <form action={formAction} className="space-y-4" aria-label={submitLabel}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <CredentialFields name={state?.name ?? ""} newPassword={newPassword} />
      <Refusal text={state?.error} />
      <button type="submit" className={`${submitClass} w-full`} disabled={pending}>
        {pending ? "…" : submitLabel}
      </button>
    </form>
  );
}

/** Only paths of this dashboard: a sign-in never sends the browser elsewhere. */
const safeNext = (next: string | undefined) => (next && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : "/");

/**
 * Sign-in with a name and password, through `POST /api/session`: its answer
 * says when a name or address that failed too often may try again
 * (429 with Retry-After), and the form says it as a time of day.
 */
export function PasswordSignInForm({ next }: { next?: string }) {
  const [state, setState] = useState<{ error: string; name: string } | null>(null);
  const [pending, setPending] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "");
    setPending(true);
    try {
      const response = await fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password: form.get("password") }) });
      if (response.ok) {
        window.location.assign(safeNext(next));
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      const retry = Number(response.headers.get("retry-after"));
      const error =
        response.status === 429 && retry > 0
          ? `Too many failed sign-ins for this name or address. Try again at ${new Date(Date.now() + retry * 1000).toLocaleTimeString()} (in ${retry} s).`
          : response.status === 400
            ? "Enter your user name and password."
            : (body.error ?? `the sign-in failed (${response.status})`);
      setState({ error, name });
    } catch {
      setState({ error: "kobuild did not answer: try again", name });
    } finally {
      setPending(false);
    }
  };
  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
      <CredentialFields name={state?.name ?? ""} newPassword={false} />
      <Refusal text={state?.error} />
      <button type="submit" className={`${submitClass} w-full`} disabled={pending}>
        {pending ? "…" : "Sign in"}
      </button>
    </form>
  );
}

function CredentialFields({ name, newPassword }: { name: string; newPassword: boolean }) {
  return (
    <>
      <div>
        <label htmlFor="name" className="block text-sm font-medium">
          User name
        </label>
        {/* After a refusal the name stays: only the password is typed again. */}
        <input id="name" name="name" className={inputClass} autoComplete="username" required autoFocus defaultValue={name} key={name} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" className={inputClass} autoComplete={newPassword ? "new-password" : "current-password"} minLength={newPassword ? 12 : undefined} required />
        {newPassword ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">At least 12 characters.</p> : null}
      </div>
    </>
  );
}

function Refusal({ text }: { text: string | undefined }) {
  return text ? (
    <p role="alert" className="rounded border border-amber-500 bg-amber-50 p-2 text-sm dark:bg-amber-950/40">
      ⚠ {text}
    </p>
  ) : null;
}
