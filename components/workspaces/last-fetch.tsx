import { StatusIcon } from "@/components/build/status-badge";
import { formatDateTime } from "@/components/build/format-time";
import type { WorkspaceView } from "@/lib/workspace/describe-workspace";

const OK = "text-blue-800 dark:text-blue-200";
const FAILED = "text-orange-800 dark:text-orange-200";

/** A remote's last fetch: when, and whether it worked or why not; a checkout is never fetched. */
export function LastFetch({ workspace }: { workspace: WorkspaceView }) {
  if (workspace.kind === "path") return <span className="text-slate-600 dark:text-slate-400">never: built as it is on disk</span>;
  const last = workspace.lastFetch;
  if (!last) return <span className="text-slate-600 dark:text-slate-400">not yet</span>;
  return (
    <div data-testid="last-fetch" data-ok={last.error === null}>
      <span className={`inline-flex items-center gap-1.5 ${last.error ? FAILED : OK}`}>
        <StatusIcon shape={last.error ? "alert" : "check"} />
        <strong className="font-semibold">{last.error ? "failed" : "fetched"}</strong>
      </span>{" "}
      <time dateTime={last.at} className="whitespace-nowrap tabular-nums">
        {formatDateTime(last.at)}
      </time>
      {last.error ? <p className="mt-1 text-xs break-words text-orange-900 dark:text-orange-200">{last.error}</p> : null}
    </div>
  );
}
