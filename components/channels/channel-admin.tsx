"use client";

import { useEffect, useId, useRef, useState } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { ChannelForm, type ChannelFormChoices, type ChannelFormValues, type ChannelSaveResult } from "./channel-form";

const smallButton = "whitespace-nowrap rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-slate-700 dark:hover:bg-slate-800";

const EMPTY: ChannelFormValues = { name: "", workspaceId: null, branch: "", legacyProbes: false, image: "", registryId: null, bundleStored: true, schedule: "", squashAboveLayers: "" };

/** "Add a channel": the form folded away until an admin opens it. */
export function NewChannel({ choices, create }: { choices: ChannelFormChoices; create: (body: unknown) => Promise<ChannelSaveResult> }) {
  const [open, setOpen] = useState(false);
  const first = choices.workspaces[0];
  const initial = { ...EMPTY, workspaceId: first?.id ?? null, branch: first?.defaultBranch ?? "" };
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)} className="mb-6 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <summary className="cursor-pointer font-semibold">Add a channel</summary>
      <div className="mt-4">
        {choices.workspaces.length === 0 ? (
          <p className="text-sm">A channel needs a workspace: add one on Settings first.</p>
        ) : (
          <ChannelForm choices={choices} initial={initial} mode="create" save={create} onSaved={() => setOpen(false)} />
        )}
      </div>
    </details>
  );
}

/** An admin's Edit (the form in a dialog) and Delete (asked first) of one channel. */
export function ChannelControls({
  channel,
  choices,
  update,
  remove,
}: {
  channel: { id: number; name: string; values: ChannelFormValues };
  choices: ChannelFormChoices;
  update: (id: number, body: unknown) => Promise<ChannelSaveResult>;
  remove: (id: number) => Promise<ChannelSaveResult>;
}) {
  const [editing, setEditing] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  useEffect(() => {
    if (editing) dialog.current?.showModal();
  }, [editing]);
  const close = () => {
    dialog.current?.close();
    setEditing(false);
    trigger.current?.focus();
  };

  return (
    <div className="flex gap-2">
      <button ref={trigger} type="button" className={smallButton} onClick={() => setEditing(true)} aria-label={`Edit channel ${channel.name}`}>
        Edit
      </button>
      <ConfirmButton
        trigger={{ text: "Delete", label: `Delete channel ${channel.name}`, className: smallButton }}
        title={`Delete channel ${channel.name}?`}
        description="kobuild forgets the channel and stops catching it up. Its builds, and the image its tag points at, stay."
        confirm={{ text: "Delete channel", busyText: "Deleting…", tone: "red" }}
        refusal="Not deleted:"
        act={async () => {
          const result = await remove(channel.id);
          return "error" in result ? result.error : null;
        }}
      />
      {editing ? (
        <dialog
          ref={dialog}
          aria-labelledby={titleId}
          onCancel={(e) => {
            e.preventDefault();
            close();
          }}
          className="m-auto w-[min(48rem,calc(100vw-2rem))] rounded-lg border border-slate-200 bg-white p-6 text-left text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
        >
          <h2 id={titleId} className="mb-4 text-lg font-semibold">
            Change channel {channel.name}
          </h2>
          <ChannelForm choices={choices} initial={channel.values} mode="edit" save={(body) => update(channel.id, body)} onSaved={close} onCancel={close} />
        </dialog>
      ) : null}
    </div>
  );
}
