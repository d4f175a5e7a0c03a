// A failure log as the on-call reader needs it: numbered lines, the error
// line that names the group marked and scrolled into view, long lines wrapped.
export function FailureLog({ log, errorLine, label }: { log: string; errorLine: string | null; label: string }) {
  const lines = log.replace(/\n$/, "").split("\n");
  const at = errorLine ? lines.findIndex((l) => l.includes(errorLine)) : -1;
  return (
    <div role="region" aria-label={label} className="max-h-96 overflow-auto rounded-md bg-slate-950 py-2 font-mono text-xs text-slate-100" tabIndex={0}>
      <ol>
        {lines.map((line, i) => (
          <li key={i} className={`grid grid-cols-[3.5rem_1fr] ${i === at ? "bg-orange-900/70 font-semibold" : ""}`} aria-current={i === at ? "true" : undefined}>
            <span className="select-none pr-3 text-right text-slate-500">{i + 1}</span>
            <span className="whitespace-pre-wrap break-all pr-3">
              {i === at ? <span className="sr-only">error: </span> : null}
              {line || "\u00a0"}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
