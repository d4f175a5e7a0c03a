"use client";

import { useEffect, useRef, useState, useTransition } from "react";

type Done = { error: string } | { ok: true };

/**
 * A row's Remove: asks first in a modal dialog whose confirm button has the
 * focus (Escape or Cancel keep the engine); a refusal (builds still queued or
 * running on it) stays in the dialog, in words.
 */
export function RemoveEngineButton({ id, name, remove, onRemoved }: { id: string; name: string; remove: (id: string) => Promise<Done>; onRemoved: () => void }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, startRemoval] = useTransition();
  const dialog = useRef<HTMLDialogElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    dialog.current?.showModal();
    confirm.current?.focus();
  }, [open]);

  const close = () => {
    dialog.current?.close();
    setOpen(false);
    setError(null);
    trigger.current?.focus();
  };

  const confirmRemoval = () =>
    startRemoval(async () => {
      setError(null);
      const result = await remove(id);
      if ("error" in result) {
        setError(result.error);
        return;
      }
      dialog.current?.close();
      setOpen(false);
      onRemoved();
    });

  const titleId = `remove-engine-${id}-title`;
  const descriptionId = `remove-engine-${id}-description`;
  return (
    <>
      <button ref={trigger} type="button" onClick={() => setOpen(true)} aria-label={`Remove ${name}`} className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700">
        Remove
      </button>
      {open ? (
        <dialog
          ref={dialog}
          aria-labelledby={titleId}
          aria-describedby={descriptionId}
          onCancel={(e) => {
            // Escape: close our way, so the state and the focus follow.
            e.preventDefault();
            if (!busy) close();
          }}
          className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-6 text-left text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          <h2 id={titleId} className="text-lg font-semibold">
            Remove engine <span className="break-all">{name}</span>?
          </h2>
          <p id={descriptionId} className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            kobuild stops sending builds to it. Finished builds and images that ran there keep their history, without an engine. The engine itself, its images and its cache are left as they are.
          </p>
          {error ? (
            <p role="alert" className="mt-3 rounded-md border border-orange-400 bg-orange-50 px-3 py-2 text-sm text-orange-900 dark:border-orange-600 dark:bg-orange-950/40 dark:text-orange-200">
              <span className="font-semibold">Not removed:</span> {error}
            </p>
          ) : null}
          <div className="mt-6 flex justify-end gap-3">
            <button type="button" onClick={close} disabled={busy} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800">
              Cancel
            </button>
            <button
              ref={confirm}
              type="button"
              onClick={confirmRemoval}
              disabled={busy}
              className="rounded-md bg-orange-700 px-4 py-2 text-sm font-semibold text-white hover:bg-orange-800 disabled:opacity-60 dark:bg-orange-600 dark:hover:bg-orange-500"
            >
              {busy ? "Removing…" : "Remove engine"}
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
