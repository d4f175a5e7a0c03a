/** A commit as people read it: 12 characters, the whole hash on hover, and whether the sources built had changes not in it. */
export function CommitText({ commit, dirty, pending }: { commit: string | null; dirty: boolean | null; pending?: string }) {
  if (!commit) return <span className="text-slate-600 dark:text-slate-400">{pending ?? "—"}</span>;
  return (
    <span data-testid="build-commit" data-commit={commit}>
      <abbr title={commit} className="font-mono no-underline">
        {commit.slice(0, 12)}
      </abbr>
      {dirty ? <span className="ml-1 text-amber-800 dark:text-amber-300">with uncommitted changes</span> : null}
    </span>
  );
}
