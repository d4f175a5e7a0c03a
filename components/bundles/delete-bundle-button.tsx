"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { ConfirmButton } from "@/components/confirm-button";
import { ApiRefusal, sendJson } from "@/components/fetch-json";

/**
 * A row's Delete: asks first in a modal dialog (Escape or Cancel keep the
 * bundle), then calls DELETE /api/bundles/:id and refreshes the list. A
 * refusal stays in the dialog, in words.
 */
export function DeleteBundleButton({ id, kernel }: { id: number; kernel: string }) {
  const router = useRouter();
  const [, startRefresh] = useTransition();

  const remove = async (): Promise<string | null> => {
    try {
      await sendJson("DELETE", `/api/bundles/${id}`);
    } catch (error) {
      if (error instanceof ApiRefusal) return error.message;
      return "the connection to kobuild was lost; the bundle may still be stored";
    }
    startRefresh(() => router.refresh());
    return null;
  };

  return (
    <ConfirmButton
      trigger={{
        text: "Delete",
        label: `Delete ${kernel}`,
        className:
          "rounded-md border border-slate-300 px-2 py-0.5 text-xs font-medium text-slate-700 hover:border-red-600 hover:text-red-700 dark:border-slate-700 dark:text-slate-300 dark:hover:border-red-400 dark:hover:text-red-300",
      }}
      title={
        <>
          Delete bundle <span className="font-mono break-all">{kernel}</span>?
        </>
      }
      description="Its file and record are removed. Builds started from now on no longer compile drivers for this kernel; upload the file again to bring it back."
      confirm={{ text: "Delete bundle", busyText: "Deleting…", tone: "red" }}
      refusal="Not deleted:"
      act={remove}
    />
  );
}
