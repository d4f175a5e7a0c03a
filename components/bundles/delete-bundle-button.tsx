"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

/**
 * A row's Delete: asks first in a modal dialog whose confirm button has the
 * focus (Escape or Cancel keep the bundle), then calls DELETE /api/bundles/:id
 * and refreshes the list. A refusal stays in the dialog, in words.
 */
export function DeleteBundleButton({ id, kernel }: { id: number; kernel: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [, startRefresh] = useTransition();
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

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/bundles/${id}`, { method: "DELETE" });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        setError(body?.error ?? `the server answered HTTP ${response.status}`);
        return;
      }
      dialog.current?.close();
      setOpen(false);
      startRefresh(() => router.refresh());
    } catch {
      setError("the connection to kobuild was lost; the bundle may still be stored");
    } finally {
      setBusy(false);
    }
  };

  const titleId = `delete-bundle-${id}-title`;
  const descriptionId = `delete-bundle-${id}-description`;
  return (
    <>
      <button
        ref={trigger}
        type="button"
        onClick={() => setOpen(true)}
        aria-label={`Delete ${kernel}`}
        className="rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-700 hover:border-red-600 hover:text-red-700 dark:border-slate-700 dark:text-slate-300 dark:hover:border-red-400 dark:hover:text-red-300"
      >
        Delete
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
            Delete bundle <span className="font-mono break-all">{kernel}</span>?
          </h2>
          <p id={descriptionId} className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            Its file and record are removed. Builds started from now on no longer compile drivers for this kernel; upload the file again to bring it back.
          </p>
          {error ? (
            <p role="alert" className="mt-3 rounded-md border border-orange-400 bg-orange-50 px-3 py-2 text-sm text-orange-900 dark:border-orange-600 dark:bg-orange-950/40 dark:text-orange-200">
              <span className="font-semibold">Not deleted:</span> {error}
            </p>
          ) : null}
          <div className="mt-6 flex justify-end gap-3">
            <button type="button" onClick={close} disabled={busy} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800">
              Cancel
            </button>
            <button
              ref={confirm}
              type="button"
              onClick={() => void remove()}
              disabled={busy}
              className="rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-60 dark:bg-red-600 dark:hover:bg-red-500"
            >
              {busy ? "Deleting…" : "Delete bundle"}
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
