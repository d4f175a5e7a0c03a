"use client";

import { useEffect, useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import type { WebhookWithDeliveries } from "@/lib/webhooks/webhook-store";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, type DeliveryStatus, type WebhookEvent, type WebhookFormat } from "@/lib/vocabulary";

type Result = { error: string; field?: string } | { ok: true };
type Hook = Omit<WebhookWithDeliveries, "createdAt" | "updatedAt" | "deliveries"> & {
  createdAt: Date | string;
  deliveries: (Omit<WebhookWithDeliveries["deliveries"][number], "createdAt" | "lastAttemptAt" | "nextAttemptAt" | "finishedAt"> & {
    createdAt: Date | string;
    lastAttemptAt: Date | string | null;
    nextAttemptAt: Date | string | null;
  })[];
};
export type WebhookActions = {
  add: (input: unknown) => Promise<Result>;
  update: (id: number, input: unknown) => Promise<Result>;
  remove: (id: number) => Promise<Result>;
  ping: (id: number) => Promise<Result>;
  redeliver: (id: number, deliveryId: number) => Promise<Result>;
};

const EVENT_MEANING: Record<WebhookEvent, string> = {
  "build.failed": "a build ends failed",
  "failures.new": "a driver build brings failure signatures its workspace never had",
  "channel.held": "a channel's catch-up would lose drivers and is held",
  "channel.published": "a channel's image moved (and was pushed)",
  "channel.recovered": "a channel that was held or failed published again",
};
const FORMAT_MEANING: Record<WebhookFormat, string> = { json: "kobuild's signed JSON", slack: "Slack incoming webhook ({text})" };

/** A time to the second, in UTC, as the log and the API give it. */
const at = (date: Date | string | null) => (date ? `${new Date(date).toISOString().replace("T", " ").slice(0, 19)} UTC` : "");

/** A delivery's status in words, with a sign that does not rely on colour. */
function StatusText({ status, nextAttemptAt }: { status: DeliveryStatus; nextAttemptAt: Date | string | null }) {
  const look = {
    delivered: { sign: "✓", className: "text-green-800 dark:text-green-300" },
    pending: { sign: "…", className: "text-slate-700 dark:text-slate-300" },
    failed: { sign: "✗", className: "text-red-800 dark:text-red-300" },
  }[status];
  return (
    <span className={`font-medium whitespace-nowrap ${look.className}`}>
      <span aria-hidden="true">{look.sign} </span>
      {status}
      {status === "pending" && nextAttemptAt ? <span className="block text-xs font-normal">next try {at(nextAttemptAt).slice(11)}</span> : null}
    </span>
  );
}

const smallButton = "whitespace-nowrap rounded border border-slate-300 px-2 py-0.5 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-600 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800";

/** Outgoing webhooks: each hook with its recent deliveries, "Send again", a ping, removing, and the form that adds one. The secret is typed once and never shown. */
export function WebhooksSection({ hooks, actions }: { hooks: Hook[]; actions: WebhookActions }) {
  const router = useRouter();
  const [form, setForm] = useState<{ url: string; events: WebhookEvent[]; secret: string; format: WebhookFormat }>({ url: "", events: ["build.failed"], secret: "", format: "json" });
  const [error, setError] = useState<{ text: string; field?: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [pending, startTransition] = useTransition();
  const anyPending = hooks.some((h) => h.deliveries.some((d) => d.status === "pending"));

  // While a delivery waits for its (next) attempt, the table is read again every few seconds.
  useEffect(() => {
    if (!anyPending) return;
    const timer = setInterval(() => router.refresh(), 3000);
    return () => clearInterval(timer);
  }, [anyPending, router]);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await actions.add({ url: form.url.trim(), events: form.events, secret: form.secret, format: form.format });
      if ("error" in result) setError({ text: result.error, field: result.field?.split(".")[0] });
      else setForm({ url: "", events: ["build.failed"], secret: "", format: "json" });
    });
  };
  const rowAction = (act: () => Promise<Result>) => {
    setRowError(null);
    startTransition(async () => {
      const result = await act();
      if ("error" in result) setRowError(result.error);
    });
  };
  const invalid = (field: string) => (error?.field === field ? true : undefined);
  const toggle = (name: WebhookEvent, on: boolean) => setForm({ ...form, events: on ? [...form.events, name] : form.events.filter((e) => e !== name) });

  return (
    <section aria-labelledby="webhooks-heading" className="mt-10 max-w-5xl">
      <h2 id="webhooks-heading" className="text-lg font-semibold">
        Webhooks
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Where kobuild POSTs what happens: failed builds, new failure signatures, channels held, published or recovered. Each body is signed with the hook&apos;s secret (header X-Kobuild-Signature-256: sha256= and the HMAC-SHA256 of the body); the secret is stored encrypted and never shown again. A delivery that gets no 2xx answer within 10 s is tried again later (KOBUILD_WEBHOOK_RETRY_SECONDS), then given up; each attempt&apos;s answer is kept.
      </p>
      {rowError ? <FormError error={rowError} /> : null}
      {hooks.length === 0 ? <p className="mb-4 text-sm">No webhook yet.</p> : null}
      {hooks.map((hook) => (
        <article key={hook.id} aria-labelledby={`webhook-${hook.id}`} className="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <h3 id={`webhook-${hook.id}`} className="font-mono text-sm font-semibold break-all">
                {hook.url}
              </h3>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-sm">
                <dt className="text-slate-600 dark:text-slate-400">Events</dt>
                <dd className="font-mono">{hook.events.join(", ")}</dd>
                <dt className="text-slate-600 dark:text-slate-400">Format</dt>
                <dd>{FORMAT_MEANING[hook.format]}</dd>
                <dt className="text-slate-600 dark:text-slate-400">Added</dt>
                <dd>
                  {at(hook.createdAt)}
                  {hook.createdBy ? ` by ${hook.createdBy}` : ""}
                </dd>
              </dl>
            </div>
            <div className="flex gap-2">
              <button type="button" className={smallButton} disabled={pending} onClick={() => rowAction(() => actions.ping(hook.id))} aria-label={`Send a ping to ${hook.url}`}>
                Send ping
              </button>
              <button type="button" className={smallButton} aria-expanded={editing === hook.id} aria-controls={`webhook-${hook.id}-edit`} onClick={() => setEditing(editing === hook.id ? null : hook.id)} aria-label={`Edit the webhook ${hook.url} or rotate its secret`}>
                {editing === hook.id ? "Close edit" : "Edit"}
              </button>
              <ConfirmButton
                trigger={{ text: "Remove", label: `Remove the webhook ${hook.url}`, className: smallButton }}
                title="Remove this webhook?"
                description={`${hook.url} will hear nothing more from kobuild; its deliveries, and any not sent yet, go with it.`}
                confirm={{ text: "Remove webhook", busyText: "Removing…", tone: "red" }}
                refusal="Not removed:"
                act={async () => {
                  const result = await actions.remove(hook.id);
                  return "error" in result ? result.error : null;
                }}
              />
            </div>
          </div>
          {editing === hook.id ? <HookEditor hook={hook} update={actions.update} onDone={() => setEditing(null)} /> : null}
          {hook.deliveries.length === 0 ? (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">No delivery yet.</p>
          ) : (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Recent deliveries to {hook.url}, newest first</caption>
                <thead>
                  <tr className="border-b border-slate-300 dark:border-slate-700">
                    <th scope="col" className="py-2 pr-4">Delivery</th>
                    <th scope="col" className="py-2 pr-4">Event</th>
                    <th scope="col" className="py-2 pr-4">Created</th>
                    <th scope="col" className="py-2 pr-4">Status</th>
                    <th scope="col" className="py-2 pr-4 whitespace-nowrap">HTTP status</th>
                    <th scope="col" className="py-2 pr-4">Attempts</th>
                    <th scope="col" className="py-2 pr-4">Last answer</th>
                    <th scope="col" className="py-2">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hook.deliveries.map((d) => (
                    <tr key={d.id} className="border-b border-slate-200 align-top dark:border-slate-800">
                      <th scope="row" className="py-2 pr-4 font-mono font-normal">
                        #{d.id}
                        {d.redeliveryOf ? <span className="block text-xs text-slate-600 dark:text-slate-400">again of #{d.redeliveryOf}</span> : null}
                      </th>
                      <td className="py-2 pr-4 font-mono">{d.event}</td>
                      <td className="py-2 pr-4 whitespace-nowrap">{at(d.createdAt)}</td>
                      <td className="py-2 pr-4">
                        <StatusText status={d.status} nextAttemptAt={d.nextAttemptAt} />
                      </td>
                      <td className="py-2 pr-4 font-mono">{d.responseStatus ?? "none"}</td>
                      <td className="py-2 pr-4">{d.attempts}</td>
                      <td className="max-w-xs py-2 pr-4 break-words">
                        {d.error ?? (d.responseBody ? <span className="font-mono text-xs">{d.responseBody.slice(0, 200)}</span> : "")}
                        {d.lastAttemptAt ? <span className="block text-xs text-slate-600 dark:text-slate-400">{at(d.lastAttemptAt)}</span> : null}
                      </td>
                      <td className="py-2 text-right">
                        <button type="button" className={smallButton} disabled={pending} onClick={() => rowAction(() => actions.redeliver(hook.id, d.id))} aria-label={`Send delivery #${d.id} (${d.event}) again`}>
                          Send again
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
      <form onSubmit={submit} noValidate aria-label="Add a webhook" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900">
        <div className="sm:col-span-2">
          <Field label="URL" hint="http:// or https://; a Slack incoming webhook's address for the Slack format. Loopback, link-local and private addresses are refused unless KOBUILD_WEBHOOK_ALLOW_PRIVATE=true.">
            {(id, hintId) => (
              <input id={id} aria-describedby={hintId} aria-invalid={invalid("url")} className={`${inputClass} aria-invalid:border-red-700`} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} spellCheck={false} autoComplete="off" />
            )}
          </Field>
        </div>
        <EventChoices chosen={form.events} onToggle={toggle} invalid={invalid("events")} withMeaning />
        <Field label="Secret" hint="At least 16 characters; the receiver checks each body's signature with it.">
          {(id, hintId) => (
            <input id={id} type="password" aria-describedby={hintId} aria-invalid={invalid("secret")} className={`${inputClass} aria-invalid:border-red-700`} value={form.secret} onChange={(e) => setForm({ ...form, secret: e.target.value })} autoComplete="new-password" />
          )}
        </Field>
        <FormatChoice value={form.format} onChange={(format) => setForm({ ...form, format })} invalid={invalid("format")} />
        <div className="space-y-3 sm:col-span-2">
          <FormError error={error?.text ?? null} />
          <button type="submit" className={submitClass} disabled={pending}>
            {pending ? "Adding…" : "Add webhook"}
          </button>
        </div>
      </form>
    </section>
  );
}

/** A hook changed in place: URL, events and format, and a new secret when one is typed (the old one stops signing at once). */
function HookEditor({ hook, update, onDone }: { hook: Hook; update: WebhookActions["update"]; onDone: () => void }) {
  const [form, setForm] = useState<{ url: string; events: WebhookEvent[]; format: WebhookFormat; secret: string }>({ url: hook.url, events: hook.events as WebhookEvent[], format: hook.format, secret: "" });
  const [error, setError] = useState<{ text: string; field?: string } | null>(null);
  const [saving, startTransition] = useTransition();
  const invalid = (field: string) => (error?.field === field ? true : undefined);
  const toggle = (name: WebhookEvent, on: boolean) => setForm({ ...form, events: on ? [...form.events, name] : form.events.filter((e) => e !== name) });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const result = await update(hook.id, { url: form.url.trim(), events: form.events, format: form.format, ...(form.secret ? { secret: form.secret } : {}) });
      if ("error" in result) setError({ text: result.error, field: result.field?.split(".")[0] ?? (/^url: /.test(result.error) ? "url" : undefined) });
      else onDone();
    });
  };
  return (
    <form id={`webhook-${hook.id}-edit`} onSubmit={submit} noValidate aria-label={`Edit the webhook ${hook.url}`} className="mt-3 grid gap-4 rounded-md border border-slate-200 p-3 sm:grid-cols-2 dark:border-slate-700">
      <div className="sm:col-span-2">
        <Field label="URL">
          {(id) => <input id={id} aria-invalid={invalid("url")} className={`${inputClass} aria-invalid:border-red-700`} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} spellCheck={false} autoComplete="off" />}
        </Field>
      </div>
      <EventChoices chosen={form.events} onToggle={toggle} invalid={invalid("events")} />
      <Field label="New secret" hint="Rotate: at least 16 characters; it replaces the old one for every delivery from now on. Empty: the secret stays.">
        {(id, hintId) => (
          <input id={id} type="password" aria-describedby={hintId} aria-invalid={invalid("secret")} className={`${inputClass} aria-invalid:border-red-700`} value={form.secret} onChange={(e) => setForm({ ...form, secret: e.target.value })} autoComplete="new-password" />
        )}
      </Field>
      <FormatChoice value={form.format} onChange={(format) => setForm({ ...form, format })} invalid={invalid("format")} />
      <div className="space-y-3 sm:col-span-2">
        <FormError error={error?.text ?? null} />
        <button type="submit" className={submitClass} disabled={saving}>
          {saving ? "Saving…" : form.secret ? "Save and rotate the secret" : "Save changes"}
        </button>
      </div>
    </form>
  );
}

/** The events a hook subscribes to, as checkboxes; `withMeaning` says what each one means beside its name. */
function EventChoices({ chosen, onToggle, invalid, withMeaning = false }: { chosen: WebhookEvent[]; onToggle: (name: WebhookEvent, on: boolean) => void; invalid?: true; withMeaning?: boolean }) {
  return (
    <fieldset aria-invalid={invalid} className="sm:col-span-2">
      <legend className="text-sm font-medium">Events</legend>
      <div className="mt-1 grid gap-1 sm:grid-cols-2">
        {WEBHOOK_EVENTS.map((name) => (
          <label key={name} className="flex items-start gap-2 text-sm">
            <input type="checkbox" className="mt-1" checked={chosen.includes(name)} onChange={(e) => onToggle(name, e.target.checked)} />
            {withMeaning ? (
              <span>
                <span className="font-mono">{name}</span>: {EVENT_MEANING[name]}
              </span>
            ) : (
              <span className="font-mono">{name}</span>
            )}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** How a hook's bodies are written: signed JSON or a Slack message. */
function FormatChoice({ value, onChange, invalid }: { value: WebhookFormat; onChange: (format: WebhookFormat) => void; invalid?: true }) {
  return (
    <Field label="Format">
      {(id) => (
        <select id={id} aria-invalid={invalid} className={inputClass} value={value} onChange={(e) => onChange(e.target.value as WebhookFormat)}>
          {WEBHOOK_FORMATS.map((f) => (
            <option key={f} value={f}>
              {FORMAT_MEANING[f]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
