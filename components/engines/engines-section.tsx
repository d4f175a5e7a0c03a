"use client";

import { useQueryClient } from "@tanstack/react-query";
import { queryKeys, useEngines } from "@/components/queries";
import { Fragment, useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import type { EngineView } from "@/lib/engines/manage-engines";
import { ConcurrencyEditor } from "./concurrency-editor";
import { EngineHealthBadge } from "./engine-health-badge";
import { RemoveEngineButton } from "./remove-engine-button";

type Done = { error: string } | { ok: true };
type Actions = {
  add: (input: unknown) => Promise<Done>;
  update: (id: string, input: unknown) => Promise<Done>;
  remove: (id: string) => Promise<Done>;
};

const QUERY_KEY = queryKeys.engines;
const EMPTY_FORM = { name: "", url: "", certPath: "", concurrency: "1" };
const th = "py-2 pr-4";


/**
 * The Docker engines builds run on, with their health every few seconds;
 * admins add engines (kobuild asks each one before keeping it), change how
 * many builds one runs at once, and remove them.
 */
export function EnginesSection({ initial, actions }: { initial: EngineView[]; actions: Actions | null }) {
  const queryClient = useQueryClient();
  const { data: engines } = useEngines(initial);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
  const [rowError, setRowError] = useState<string | null>(null);
  return (
    <section id="engines" aria-labelledby="engines-heading" className="mt-10 max-w-5xl scroll-mt-4">
      <h2 id="engines-heading" className="text-lg font-semibold">
        Docker engines
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Where builds run. The default engine is <code className="font-mono">DOCKER_HOST</code> and runs <code className="font-mono">KOBUILD_BUILDS_PER_ENGINE</code> builds at once; change it through the environment. Health is asked every few seconds.
      </p>
      <div className="overflow-x-auto">
        <table className="mb-4 w-full text-left text-sm">
          <caption className="sr-only">Docker engines</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className={th}>Name</th>
              <th scope="col" className={th}>Address</th>
              <th scope="col" className={th}>Kind</th>
              <th scope="col" className={`${th} whitespace-nowrap`}>Builds at once</th>
              <th scope="col" className={th}>Running · queued</th>
              <th scope="col" className={th}>Health</th>
              {actions ? <th scope="col" className="py-2"><span className="sr-only">Actions</span></th> : null}
            </tr>
          </thead>
          <tbody>
            {engines.map((e) => (
              <tr key={e.id} className="border-b border-slate-200 align-top dark:border-slate-800">
                <th scope="row" className="py-2 pr-4 font-normal">
                  {e.name}
                  {e.isDefault ? <span className="block text-xs text-slate-600 dark:text-slate-400">DOCKER_HOST</span> : null}
                </th>
                <td className="py-2 pr-4">
                  <Address url={e.url} />
                  {e.certPath ? <span className="block text-xs text-slate-600 dark:text-slate-400">TLS: <span className="font-mono break-all">{e.certPath}</span></span> : null}
                </td>
                <td className="py-2 pr-4">{e.kind}</td>
                <td className="py-2 pr-4 tabular-nums">
                  {actions && !e.isDefault ? (
                    <ConcurrencyEditor name={e.name} value={e.concurrency} save={(concurrency) => actions.update(e.id, { concurrency })} onSaved={refresh} onError={setRowError} />
                  ) : (
                    e.concurrency
                  )}
                </td>
                <td className="py-2 pr-4 tabular-nums whitespace-nowrap">
                  {e.running} · {e.queued}
                </td>
                <td className="py-2 pr-4">
                  <EngineHealthBadge health={e.health} />
                </td>
                {actions ? (
                  <td className="py-2 text-right">
                    {e.isDefault ? <span className="sr-only">set by the environment</span> : <RemoveEngineButton id={e.id} name={e.name} remove={actions.remove} onRemoved={refresh} />}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FormError error={rowError} />
      {actions ? <AddEngineForm add={actions.add} onAdded={refresh} /> : null}
    </section>
  );
}

/** An address that wraps after its slashes (unix:///var/run/ docker.sock), where a reader expects it, not inside a name. */
function Address({ url }: { url: string }) {
  return (
    <span className="font-mono break-words">
      {url.split(/(?<=\/)(?=[^/])/).map((part, i) => (
        <Fragment key={i}>
          {part}
          <wbr />
        </Fragment>
      ))}
    </span>
  );
}

function AddEngineForm({ add, onAdded }: { add: Actions["add"]; onAdded: () => void }) {
  const [form, setForm] = useState(EMPTY_FORM);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // A certificate directory means TLS, which only a tcp:// address speaks.
  const tlsPossible = !/^(unix|ssh):/.test(form.url.trim());
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    startTransition(async () => {
      const certPath = tlsPossible ? form.certPath.trim() : "";
      const result = await add({ name: form.name, url: form.url.trim(), concurrency: Number(form.concurrency), ...(certPath ? { certPath } : {}) });
      if ("error" in result) setError(result.error);
      else {
        setForm(EMPTY_FORM);
        onAdded();
      }
    });
  };
  return (
    <form onSubmit={submit} aria-label="Add an engine" className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 dark:border-slate-800 dark:bg-slate-900">
      <h3 className="text-sm font-semibold sm:col-span-2">Add an engine</h3>
      <Field label="Name">{(id) => <input id={id} className={inputClass} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required maxLength={64} />}</Field>
      <Field
        label="Address"
        hint={
          /^ssh:/.test(form.url.trim())
            ? "ssh:// goes through the dashboard host's OpenSSH, with its keys and known_hosts; the engine's host needs the docker CLI."
            : "unix:///var/run/docker.sock, tcp://host:2376 or ssh://user@host"
        }
      >
        {(id, hintId) => <input id={id} aria-describedby={hintId} className={`${inputClass} font-mono`} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} required spellCheck={false} autoComplete="off" />}
      </Field>
      <Field label="TLS certificate directory" hint="For tcp:// only: a directory on the dashboard's host holding ca.pem, cert.pem and key.pem. Empty: no TLS.">
        {(id, hintId) => (
          <input id={id} aria-describedby={hintId} className={`${inputClass} font-mono disabled:opacity-60`} value={form.certPath} onChange={(e) => setForm({ ...form, certPath: e.target.value })} disabled={!tlsPossible} spellCheck={false} autoComplete="off" />
        )}
      </Field>
      <Field label="Builds at once" hint="1 to 64.">
        {(id, hintId) => <input id={id} aria-describedby={hintId} type="number" min={1} max={64} step={1} className={inputClass} value={form.concurrency} onChange={(e) => setForm({ ...form, concurrency: e.target.value })} required />}
      </Field>
      <div className="space-y-3 sm:col-span-2">
        <FormError error={error} />
        <button type="submit" className={submitClass} disabled={pending}>
          {pending ? "Asking the engine…" : "Add engine"}
        </button>
      </div>
    </form>
  );
}
