"use client";

import { ConfirmButton } from "@/components/confirm-button";

type Done = { error: string } | { ok: true };

/** A row's Remove: asks first; a refusal (builds still queued or running there) stays in the dialog. */
export function RemoveEngineButton({ id, name, remove, onRemoved }: { id: string; name: string; remove: (id: string) => Promise<Done>; onRemoved: () => void }) {
  return (
    <ConfirmButton
      trigger={{ text: "Remove", label: `Remove ${name}`, className: "rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700" }}
      title={
        <>
          Remove engine <span className="break-all">{name}</span>?
        </>
      }
      description="kobuild stops sending builds to it. Finished builds and images that ran there keep their history, without an engine. The engine itself, its images and its cache are left as they are."
      confirm={{ text: "Remove engine", busyText: "Removing…", tone: "orange" }}
      refusal="Not removed:"
      act={async () => {
        const result = await remove(id);
        if ("error" in result) return result.error;
        onRemoved();
        return null;
      }}
    />
  );
}
