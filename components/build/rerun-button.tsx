"use client";

import { useEffect, useId, useRef, useState, useTransition } from "react";
import { BranchField } from "@/components/build-form/branch-field";
import { useRerunDescription, useWorkspaceRefs } from "@/components/queries";
import { EnginesFieldset, type RegistryChoice } from "@/components/build-form/engines-fieldset";
import { shardingChoiceOf, toSharding, type ShardingChoice } from "@/components/build-form/sharding-choice";
import type { BuildViewJson, RerunDescription } from "./build-types";
import { isEnded } from "./build-types";
import { kernelsLeftOut, rerunScope, rerunUnavailable } from "./rerun-summary";

export type RerunChoices = {
  registries: RegistryChoice[];
  engines: string[];
  /** Starts the re-run; only a refusal comes back (success goes to the new build's page). */
  start: (sourceId: number, body: unknown) => Promise<{ error: string; field?: string }>;
};

/** A finished driver build (not a shard) with an image to complete can be re-run. */
export const canRerun = (build: BuildViewJson) => build.kind === "drivers" && !build.parent && isEnded(build.status) && build.image !== null;

/**
 * "Re-run what failed": a new build of only the failed and missing tasks,
 * merged onto this build's image. The dialog says what that is before it
 * starts; the button says why when there is nothing to re-run.
 */
export function RerunButton({ build, choices }: { build: BuildViewJson; choices: RerunChoices }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  // Opened once its form is rendered, so the browser moves the focus into it (and back to the button when it closes).
  useEffect(() => {
    if (open && !dialog.current?.open) dialog.current?.showModal();
  }, [open]);
  const reasonId = useId();
  const rerun = useRerunDescription(build.id);
  const unavailable = rerun.data ? rerunUnavailable(rerun.data) : null;
  return (
    <>
      {unavailable ? (
        <span id={reasonId} className="text-xs text-slate-600 dark:text-slate-400">
          {unavailable}
        </span>
      ) : null}
      <button
        type="button"
        disabled={unavailable !== null}
        aria-describedby={unavailable ? reasonId : undefined}
        onClick={() => setOpen(true)}
        className="inline-flex items-center gap-1.5 rounded-md border border-blue-700 bg-white px-3 py-1.5 text-sm font-semibold text-blue-800 hover:bg-blue-50 disabled:cursor-not-allowed disabled:border-slate-300 disabled:text-slate-500 disabled:hover:bg-white dark:border-blue-400 dark:bg-slate-900 dark:text-blue-200 dark:hover:bg-blue-950 dark:disabled:border-slate-700 dark:disabled:text-slate-500"
      >
        Re-run what failed{rerun.data && !unavailable ? ` (${rerun.data.tasks})` : ""}
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`rerun-${build.id}-title`}
        onClose={() => setOpen(false)}
        className="m-auto max-h-[calc(100vh-2rem)] w-[min(40rem,calc(100vw-2rem))] overflow-y-auto rounded-lg border border-slate-300 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        {/* Mounted while open only: each opening starts from the build's own choices. */}
        {open ? <RerunForm build={build} description={rerun.data} loadError={rerun.error?.message ?? null} choices={choices} close={() => dialog.current?.close()} /> : null}
      </dialog>
    </>
  );
}

function RerunForm({
  build,
  description,
  loadError,
  choices,
  close,
}: {
  build: BuildViewJson;
  description: RerunDescription | undefined;
  loadError: string | null;
  choices: RerunChoices;
  close: () => void;
}) {
  const [branch, setBranch] = useState(build.branch ?? "master");
  const [sharding, setSharding] = useState<ShardingChoice>(() => shardingChoiceOf(build.options.sharding));
  const [error, setError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const refs = useWorkspaceRefs(build.workspace?.id ?? null);
  const leftOut = description ? kernelsLeftOut(description) : [];

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { branch: branch.trim() };
    const s = toSharding(sharding);
    if (s) body.sharding = s;
    startTransition(async () => {
      const result = await choices.start(build.id, body);
      if (result?.error) setError(result.error);
    });
  };

  return (
    <form onSubmit={submit} aria-busy={starting}>
      <h2 id={`rerun-${build.id}-title`} className="text-lg font-semibold">
        Re-run what failed in build #{build.id}
      </h2>
      {loadError ? (
        <p role="alert" className="mt-3 rounded border border-orange-400 bg-orange-50 p-2 text-sm text-orange-900 dark:bg-orange-950 dark:text-orange-100">
          Could not read what failed: {loadError}
        </p>
      ) : !description ? (
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">Reading the build&apos;s failed and missing tasks…</p>
      ) : (
        <div className="mt-2 space-y-2 text-sm">
          <p>
            To build again, as a new build: <span className="font-semibold" data-testid="rerun-scope">{rerunScope(description)}</span> (failed or missing here). The result
            is merged onto this build&apos;s image <code className="font-mono text-[13px] [overflow-wrap:anywhere]">{build.image?.ref ?? ""}</code>.
          </p>
          {leftOut.length > 0 ? (
            <p className="rounded border border-amber-400 bg-amber-50 p-2 text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-50">
              ⚠ No bundle is stored for {leftOut.length === 1 ? "kernel" : `${leftOut.length} kernels`} <span className="font-mono">{leftOut.join(", ")}</span>: left out.
            </p>
          ) : null}
          <details>
            <summary className="cursor-pointer text-slate-700 dark:text-slate-300">The tasks, by kernel</summary>
            <ul className="mt-1 max-h-40 overflow-auto font-mono text-xs">
              {description.kernels.map((k) => (
                <li key={k.kernel}>
                  {k.kernel}: {k.tasks.join(", ")}
                  {k.bundle ? "" : " (no bundle)"}
                </li>
              ))}
            </ul>
          </details>
        </div>
      )}
      <div className="mt-4 space-y-4">
        <BranchField refs={refs.data} loading={refs.isLoading} value={branch} onChange={setBranch} />
        <EnginesFieldset value={sharding} onChange={setSharding} registries={choices.registries} engines={choices.engines} />
      </div>
      {error ? (
        <p role="alert" className="mt-3 rounded border border-orange-400 bg-orange-50 p-2 text-sm text-orange-900 dark:bg-orange-950 dark:text-orange-100">
          The re-run was not started: {error}
        </p>
      ) : null}
      <div className="mt-5 flex justify-end gap-2">
        <button type="button" onClick={close} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800">
          Close
        </button>
        <button
          type="submit"
          disabled={starting || !description || description.tasks === 0}
          className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-blue-800 disabled:opacity-60 dark:bg-blue-600 dark:hover:bg-blue-500"
        >
          {starting ? "Starting…" : "Start re-run"}
        </button>
      </div>
    </form>
  );
}
