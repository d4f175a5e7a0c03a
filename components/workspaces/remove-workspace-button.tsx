"use client";

import { ConfirmButton } from "@/components/confirm-button";
import type { WorkspaceView } from "@/lib/workspace/describe-workspace";
import type { Done } from "./workspace-actions";

/** A row's Remove: asks first; a refusal (builds still queued or running) stays in the dialog. */
export function RemoveWorkspaceButton({ workspace, remove, onRemoved }: { workspace: WorkspaceView; remove: (id: number) => Promise<Done>; onRemoved: () => void }) {
  return (
    <ConfirmButton
      trigger={{ text: "Remove", label: `Remove ${workspace.name}`, className: "rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700" }}
      title={
        <>
          Remove workspace <span className="break-all">{workspace.name}</span>?
        </>
      }
      description={
        workspace.kind === "remote"
          ? "kobuild deletes its clone of the remote; the remote itself is not touched. Finished builds keep their history and the workspace's name."
          : "kobuild forgets the checkout; its directory is left as it is. Finished builds keep their history and the workspace's name."
      }
      confirm={{ text: "Remove workspace", busyText: "Removing…", tone: "orange" }}
      refusal="Not removed:"
      act={async () => {
        const result = await remove(workspace.id);
        if ("error" in result) return result.error;
        onRemoved();
        return null;
      }}
    />
  );
}
