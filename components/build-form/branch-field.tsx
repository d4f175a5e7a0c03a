"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useMemo } from "react";
import { Field, inputClass } from "@/components/form-parts";

export type RefChoice = { name: string; commit: string; subject: string };
export type WorkspaceRefsView = {
  branches: RefChoice[];
  tags: RefChoice[];
  head: string | null;
  /** What a build of the workspace builds unless told otherwise: a remote's default branch, a checkout's current one. */
  defaultBranch: string | null;
  moduleVersion: string | null; releasedModuleVersions: string[];
  kernelVersions: number;
};

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const body = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** How a workspace's refs are read: one cache entry per workspace, for the field and for a workspace just chosen. */
export function workspaceRefsQuery(workspaceId: number | null) {
  return { queryKey: ["workspace-refs", workspaceId], queryFn: () => fetchJson<WorkspaceRefsView>(`/api/workspaces/${workspaceId}/refs`) };
}

/** The branches and tags of a workspace, read again when the workspace changes. */
export function useWorkspaceRefs(workspaceId: number | null, initial?: { workspaceId: number; refs: WorkspaceRefsView }) {
  return useQuery({
    ...workspaceRefsQuery(workspaceId),
    initialData: initial && workspaceId === initial.workspaceId ? initial.refs : undefined,
    enabled: workspaceId !== null,
  });
}

/** BRANCH: typed, with the workspace's branches and tags offered, and the commit the name points at. */
export function BranchField({ refs, loading, value, onChange }: { refs: WorkspaceRefsView | undefined; loading: boolean; value: string; onChange: (value: string) => void }) {
  const listId = useId();
  const all = useMemo(() => [...(refs?.branches ?? []).map((r) => ({ ...r, kind: "branch" })), ...(refs?.tags ?? []).map((r) => ({ ...r, kind: "tag" }))], [refs]);
  const chosen = all.find((r) => r.name === value.trim());
  return (
    <Field
      label="Branch or tag (BRANCH)"
      hint={
        chosen ? (
          <>
            {chosen.kind} at <code className="font-mono">{chosen.commit.slice(0, 12)}</code>: {chosen.subject}
          </>
        ) : loading ? (
          "reading the repository…"
        ) : (
          <span className="font-semibold text-amber-800 dark:text-amber-300">⚠ no branch or tag of that name in the workspace</span>
        )
      }
    >
      {(id, hintId) => (
        <>
          <input id={id} className={inputClass} list={listId} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={hintId} autoComplete="off" spellCheck={false} required />
          <datalist id={listId}>
            {all.map((r) => (
              <option key={`${r.kind}:${r.name}`} value={r.name}>
                {`${r.kind} · ${r.subject}`}
              </option>
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}
