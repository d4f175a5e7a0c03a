"use client";

import { useId, useMemo } from "react";
import { Field, inputClass } from "@/components/form-parts";
import type { WorkspaceRefsView } from "@/components/queries";

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
