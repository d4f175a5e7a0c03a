"use client";

import { useQueryClient } from "@tanstack/react-query";
import { queryKeys, useWorkspaces } from "@/components/queries";
import { useState } from "react";
import { FormError } from "@/components/form-parts";
import type { WorkspaceView } from "@/lib/workspace/describe-workspace";
import { AddWorkspaceForm } from "./add-workspace-form";
import { FetchNowButton } from "./fetch-now-button";
import { LastFetch } from "./last-fetch";
import { NetworkEditor } from "./network-editor";
import { RemoveWorkspaceButton } from "./remove-workspace-button";
import { NETWORKS, type WorkspaceActions } from "./workspace-actions";

const QUERY_KEY = queryKeys.workspaces;
const th = "py-2 pr-4";


/**
 * The driver repositories builds are made of: git remotes kobuild clones and
 * fetches before each build, and checkouts on the dashboard's host. Admins add,
 * change and remove them; operators fetch remotes now.
 */
export function WorkspacesSection({ initial, actions }: { initial: WorkspaceView[]; actions: WorkspaceActions }) {
  const queryClient = useQueryClient();
  // Builds fetch too: the last fetch is read again every few seconds.
  const { data: workspaces } = useWorkspaces(initial);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
  const [rowError, setRowError] = useState<string | null>(null);
  const manage = actions.update !== null || actions.remove !== null || actions.fetch !== null;
  return (
    <section id="workspaces" aria-labelledby="workspaces-heading" className="mt-10 max-w-6xl scroll-mt-4">
      <h2 id="workspaces-heading" className="text-lg font-semibold">
        Workspaces
      </h2>
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        The driver repositories builds are made of. A git remote is cloned into kobuild&apos;s data directory and fetched before each build, which records the exact commit it built; a checkout on this machine is built as it is.
      </p>
      {workspaces.length === 0 ? (
        <p className="mb-4 text-sm">No workspace yet.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="mb-4 w-full text-left text-sm">
            <caption className="sr-only">Workspaces</caption>
            <thead>
              <tr className="border-b border-slate-300 dark:border-slate-700">
                <th scope="col" className={th}>Name</th>
                <th scope="col" className={th}>Source</th>
                <th scope="col" className={`${th} whitespace-nowrap`}>Default branch</th>
                <th scope="col" className={th}>Last fetch</th>
                <th scope="col" className={th}>Build network</th>
                {manage ? <th scope="col" className="py-2"><span className="sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {workspaces.map((w) => (
                <tr key={w.id} data-testid={`workspace-${w.name}`} className="border-b border-slate-200 align-top dark:border-slate-800">
                  <th scope="row" className="py-2 pr-4 font-medium whitespace-nowrap">
                    {w.name}
                  </th>
                  <td className="min-w-56 py-2 pr-4">
                    <span className="block text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{w.kind === "remote" ? "git remote" : "checkout on this machine"}</span>
                    <span className="font-mono break-all">{w.url ?? w.path}</span>
                    <span className="block text-xs text-slate-600 dark:text-slate-400">
                      Dockerfile <code className="font-mono break-all">{w.dockerfile}</code>
                    </span>
                  </td>
                  <td className="py-2 pr-4 font-mono">{w.defaultBranch ?? <span className="font-sans text-slate-600 dark:text-slate-400">no branch</span>}</td>
                  <td className="max-w-xs py-2 pr-4">
                    <LastFetch workspace={w} />
                  </td>
                  <td className="py-2 pr-4">
                    {actions.update ? (
                      <NetworkEditor name={w.name} value={w.network} save={(network) => actions.update!(w.id, { network })} onSaved={refresh} onError={setRowError} />
                    ) : (
                      NETWORKS.find((n) => n.value === w.network)?.label
                    )}
                  </td>
                  {manage ? (
                    <td className="py-2 text-right">
                      <div className="flex flex-col items-end gap-2">
                        {actions.fetch && w.kind === "remote" ? (
                          <FetchNowButton
                            id={w.id}
                            name={w.name}
                            fetchNow={actions.fetch}
                            // A failed fetch is the row's last fetch, with its reason.
                            onDone={() => {
                              setRowError(null);
                              refresh();
                            }}
                          />
                        ) : null}
                        {actions.remove ? <RemoveWorkspaceButton workspace={w} remove={actions.remove} onRemoved={refresh} /> : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormError error={rowError} />
      {actions.add ? <AddWorkspaceForm add={actions.add} onAdded={refresh} /> : null}
    </section>
  );
}
