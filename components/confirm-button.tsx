"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";

const CONFIRM_TONE = {
  red: "bg-red-700 hover:bg-red-800 dark:bg-red-600 dark:hover:bg-red-500",
  orange: "bg-orange-700 hover:bg-orange-800 dark:bg-orange-600 dark:hover:bg-orange-500",
} as const;

/**
 * A row's destructive action: asks first in a modal dialog whose confirm
 * button has the focus (Escape or Cancel change nothing and give the focus
 * back); `act` answers null when done or the refusal, which stays in the
 * dialog, in words, after `refusal`.
 */
export function ConfirmButton(props: {
  trigger: { text: string; label: string; className: string };
  title: ReactNode;
  description: ReactNode;
  confirm: { text: string; busyText: string; tone: keyof typeof CONFIRM_TONE };
  refusal: string;
  act: () => Promise<string | null>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const id = useId();

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

  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      const refused = await props.act();
      if (refused) {
        setError(refused);
        return;
      }
      dialog.current?.close();
      setOpen(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button ref={trigger} type="button" onClick={() => setOpen(true)} aria-label={props.trigger.label} className={props.trigger.className}>
        {props.trigger.text}
      </button>
      {open ? (
        <dialog
          ref={dialog}
          aria-labelledby={`${id}-title`}
          aria-describedby={`${id}-description`}
          onCancel={(e) => {
            // Escape: close our way, so the state and the focus follow.
            e.preventDefault();
            if (!busy) close();
          }}
          className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-6 text-left text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          <h2 id={`${id}-title`} className="text-lg font-semibold">
            {props.title}
          </h2>
          <p id={`${id}-description`} className="mt-2 text-sm text-slate-600 dark:text-slate-400">
            {props.description}
          </p>
          {error ? (
            <p role="alert" className="mt-3 rounded-md border border-orange-400 bg-orange-50 px-3 py-2 text-sm text-orange-900 dark:border-orange-600 dark:bg-orange-950/40 dark:text-orange-200">
              <span className="font-semibold">{props.refusal}</span> {error}
            </p>
          ) : null}
          <div className="mt-6 flex justify-end gap-3">
            <button type="button" onClick={close} disabled={busy} className="rounded-md border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800">
              Cancel
            </button>
            <button
              ref={confirm}
              type="button"
              onClick={() => void act()}
              disabled={busy}
              className={`rounded-md px-4 py-2 text-sm font-semibold text-white disabled:opacity-60 ${CONFIRM_TONE[props.confirm.tone]}`}
            >
              {busy ? props.confirm.busyText : props.confirm.text}
            </button>
          </div>
        </dialog>
      ) : null}
    </>
  );
}
