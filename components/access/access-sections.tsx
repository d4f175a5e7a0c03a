"use client";

import { useState, useTransition } from "react";
import { Field, FormError, inputClass, submitClass } from "@/components/form-parts";
import { formatDate } from "@/components/format";

type User = { id: number; name: string; role: string; hasPassword: boolean; singleSignOn?: boolean; createdAt: Date | string; disabledAt: Date | string | null };
type Token = { id: number; name: string; user: string; createdAt: Date | string; lastUsedAt: Date | string | null; revokedAt: Date | string | null };
type Audit = { id: number; at: Date | string; actor: string; action: string; target: string | null; status: number | null };
type Done = { error: string } | { ok: true };

const date = (d: Date | string | null) => (d ? formatDate(new Date(d)) : "—");
const th = "py-2 pr-4";

/** Users, API tokens and the audit log, for admins. */
export function AccessSections(props: {
  users: User[];
  tokens: Token[];
  audit: Audit[];
  addUser: (input: unknown) => Promise<Done>;
  createToken: (input: unknown) => Promise<{ error: string } | { token: string; name: string }>;
  revokeToken: (id: number) => Promise<Done>;
  disableUser: (id: number) => Promise<Done>;
  me: number;
}) {
  const [user, setUser] = useState({ name: "", role: "operator", password: "" });
  const [token, setToken] = useState({ name: "", user: "" });
  const [shown, setShown] = useState<{ token: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<void>) => {
    setError(null);
    startTransition(work);
  };
  /** A row's action (disable, revoke): asks first when `question` is given, and shows a refusal. */
  const rowAction = (action: () => Promise<Done>, question?: string) => () => {
    if (question && !window.confirm(question)) return;
    run(async () => {
      const result = await action();
      if ("error" in result) setError(result.error);
    });
  };
  return (
    <div className="mt-10 max-w-5xl space-y-10">
      <section aria-labelledby="users-heading">
        <h2 id="users-heading" className="text-lg font-semibold">Users</h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">viewer: sees everything, changes nothing · operator: uploads, builds, cancels, merges · admin: users, registries, workspaces, settings.</p>
        <table className="mb-4 w-full text-left text-sm">
          <caption className="sr-only">Users</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className={th}>Name</th>
              <th scope="col" className={th}>Role</th>
              <th scope="col" className={th}>Signs in with</th>
              <th scope="col" className={th}>Added</th>
              <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr key={u.id} className="border-b border-slate-200 dark:border-slate-800">
                <th scope="row" className="py-2 pr-4 font-normal">{u.name}{u.disabledAt ? " (disabled)" : ""}</th>
                <td className="py-2 pr-4">{u.role}</td>
                <td className="py-2 pr-4">{u.singleSignOn ? `single sign-on${u.hasPassword ? ", password" : ""} or API token` : u.hasPassword ? "password or API token" : "API token only"}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{date(u.createdAt)}</td>
                <td className="py-2 text-right">
                  {u.disabledAt || u.id === props.me ? null : (
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
                      onClick={rowAction(() => props.disableUser(u.id), `Disable ${u.name}? Their sessions and API tokens stop working at once.`)}
                    >
                      Disable
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          aria-label="Add a user"
          className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 dark:border-slate-800 dark:bg-slate-900"
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              const result = await props.addUser({ name: user.name, role: user.role, ...(user.password ? { password: user.password } : {}) });
              if ("error" in result) setError(result.error);
              else setUser({ name: "", role: "operator", password: "" });
            });
          }}
        >
          <Field label="User name">{(id) => <input id={id} className={inputClass} value={user.name} onChange={(e) => setUser({ ...user, name: e.target.value })} required autoComplete="off" />}</Field>
          <Field label="Role">
            {(id) => (
              <select id={id} className={inputClass} value={user.role} onChange={(e) => setUser({ ...user, role: e.target.value })}>
                <option value="viewer">viewer</option>
                <option value="operator">operator</option>
                <option value="admin">admin</option>
              </select>
            )}
          </Field>
          <Field label="Password" hint="At least 12 characters; empty for API tokens only.">
            {(id, hintId) => <input id={id} aria-describedby={hintId} type="password" className={inputClass} value={user.password} onChange={(e) => setUser({ ...user, password: e.target.value })} autoComplete="new-password" />}
          </Field>
          <div className="sm:col-span-3">
            <button type="submit" className={submitClass} disabled={pending}>Add user</button>
          </div>
        </form>
      </section>

      <section aria-labelledby="tokens-heading">
        <h2 id="tokens-heading" className="text-lg font-semibold">API tokens</h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">For CI: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A token acts with its user&apos;s role; it is shown once, kobuild keeps only its hash.</p>
        {shown ? (
          <div role="status" className="mb-4 rounded border border-blue-400 bg-blue-50 p-3 text-sm dark:bg-blue-950/40">
            <p className="font-semibold">Token “{shown.name}”: copy it now, it is not shown again.</p>
            <code data-testid="new-token" className="mt-1 block break-all font-mono">{shown.token}</code>
          </div>
        ) : null}
        <table className="mb-4 w-full text-left text-sm">
          <caption className="sr-only">API tokens</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className={th}>Name</th>
              <th scope="col" className={th}>User</th>
              <th scope="col" className={th}>Created</th>
              <th scope="col" className={th}>Last used</th>
              <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr key={t.id} className="border-b border-slate-200 dark:border-slate-800">
                <th scope="row" className="py-2 pr-4 font-normal">{t.name}</th>
                <td className="py-2 pr-4">{t.user}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{date(t.createdAt)}</td>
                <td className="py-2 pr-4 whitespace-nowrap">{date(t.lastUsedAt)}</td>
                <td className="py-2 text-right">
                  {t.revokedAt ? (
                    <span className="text-slate-600 dark:text-slate-400">revoked {date(t.revokedAt)}</span>
                  ) : (
                    <button
                      type="button"
                      className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700"
                      onClick={rowAction(() => props.revokeToken(t.id))}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form
          aria-label="Create an API token"
          className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 dark:border-slate-800 dark:bg-slate-900"
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              const result = await props.createToken({ name: token.name, ...(token.user ? { user: token.user } : {}) });
              if ("error" in result) setError(result.error);
              else {
                setShown(result);
                setToken({ name: "", user: "" });
              }
            });
          }}
        >
          <Field label="Token name">{(id) => <input id={id} className={inputClass} value={token.name} onChange={(e) => setToken({ ...token, name: e.target.value })} required placeholder="nightly CI" />}</Field>
          <Field label="For user" hint="Empty: yourself.">
            {(id, hintId) => (
              <select id={id} aria-describedby={hintId} className={inputClass} value={token.user} onChange={(e) => setToken({ ...token, user: e.target.value })}>
                <option value="">myself</option>
                {props.users.map((u) => (
                  <option key={u.id} value={u.name}>{u.name} ({u.role})</option>
                ))}
              </select>
            )}
          </Field>
          <div className="self-end">
            <button type="submit" className={submitClass} disabled={pending}>Create token</button>
          </div>
        </form>
      </section>
      <FormError error={error} />

      <section aria-labelledby="audit-heading">
        <h2 id="audit-heading" className="text-lg font-semibold">Audit log</h2>
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Audit log, newest first</caption>
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th scope="col" className={th}>When</th>
              <th scope="col" className={th}>Who</th>
              <th scope="col" className={th}>What</th>
              <th scope="col" className={th}>On</th>
              <th scope="col" className={th}>Answer</th>
            </tr>
          </thead>
          <tbody>
            {props.audit.map((a) => (
              <tr key={a.id} className="border-b border-slate-200 dark:border-slate-800">
                <td className="py-1.5 pr-4 whitespace-nowrap">{date(a.at)}</td>
                <td className="py-1.5 pr-4">{a.actor}</td>
                <td className="py-1.5 pr-4 font-mono text-xs">{a.action}</td>
                <td className="py-1.5 pr-4 font-mono text-xs">{a.target ?? ""}</td>
                <td className="py-1.5 pr-4 tabular-nums">{a.status ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
