"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { buildQueryKey } from "./build-query";
import { sendJson } from "@/components/fetch-json";

/** Cancels a queued or running build, after the reader confirms it in a dialog. */
export function CancelBuildButton({ buildId }: { buildId: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const cancel = useMutation({
    mutationFn: () => sendJson("POST", `/api/builds/${buildId}/cancel`),
    onSuccess: () => {
      dialog.current?.close();
      setError(null);
    },
    onError: (e: Error) => setError(e.message),
    onSettled: () => queryClient.invalidateQueries({ queryKey: buildQueryKey(buildId) }),
  });

  return (
    <>
      <button
        type="button"
        onClick={() => {
          setError(null);
          dialog.current?.showModal();
        }}
        className="inline-flex items-center gap-1.5 rounded-md border border-orange-400 bg-white px-3 py-1.5 text-sm font-semibold text-orange-800 hover:bg-orange-50 dark:border-orange-700 dark:bg-slate-900 dark:text-orange-200 dark:hover:bg-orange-950"
      >
        Cancel build
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`cancel-${buildId}-title`}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-slate-300 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-950/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <h2 id={`cancel-${buildId}-title`} className="text-lg font-semibold">
          Cancel build #{buildId}?
        </h2>
        <p className="mt-2 text-sm text-slate-600 dark:text-slate-300">
          The engine stops the build; stages still running are marked cancelled and no image is kept. The log so far stays.
        </p>
        {error ? (
          <p role="alert" className="mt-3 rounded border border-orange-400 bg-orange-50 p-2 text-sm text-orange-900 dark:bg-orange-950 dark:text-orange-100">
            Could not cancel: {error}
          </p>
        ) : null}
        <div className="mt-5 flex justify-end gap-2">
          <button
            type="button"
            autoFocus
            onClick={() => dialog.current?.close()}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Keep it running
          </button>
          <button
            type="button"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate()}
            className="rounded-md bg-orange-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-orange-800 disabled:opacity-60"
          >
            {cancel.isPending ? "Cancelling…" : "Yes, cancel the build"}
          </button>
        </div>
      </dialog>
    </>
  );
}
