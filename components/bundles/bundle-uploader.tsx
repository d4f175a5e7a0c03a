"use client";

import { useRouter } from "next/navigation";
import { useEffect, useReducer, useRef, useState, useTransition, type DragEvent } from "react";
import { formatLimit } from "./format-limit";
import { StatusIcon } from "./status-icon";
import { uploadBundleFile } from "./upload-bundle-file";
import { UploadRow } from "./upload-row";
import { nextToStart, uploadQueue, uploadSummary } from "./upload-queue";

/**
 * Drop zone and file picker for bundle-<kernel>.tgz files. Each file goes in
 * its own request, a few at a time, so one bad or slow file neither blocks
 * nor hides the others; the list below refreshes as bundles are stored.
 */
export function BundleUploader({ maxBytes }: { maxBytes: number }) {
  const router = useRouter();
  const [, startRefresh] = useTransition();
  const [items, dispatch] = useReducer(uploadQueue, []);
  const [dragging, setDragging] = useState(false);
  const controllers = useRef(new Map<number, AbortController>());
  const nextId = useRef(1);

  useEffect(() => {
    for (const item of nextToStart(items)) {
      if (controllers.current.has(item.id)) continue;
      const controller = new AbortController();
      controllers.current.set(item.id, controller);
      dispatch({ type: "start", id: item.id, now: performance.now() });
      const progress = ({ loaded }: { loaded: number }) => dispatch({ type: "progress", id: item.id, loaded, now: performance.now() });
      void uploadBundleFile(item.file, progress, controller.signal, { replace: item.replace }).then((outcome) => {
        controllers.current.delete(item.id);
        if (outcome === null) return;
        dispatch({ type: "finish", id: item.id, outcome });
        if (outcome.status === "stored" || outcome.status === "replaced") startRefresh(() => router.refresh());
      });
    }
  }, [items, router]);

  // Uploads in flight end with the page.
  useEffect(() => {
    const running = controllers.current;
    return () => running.forEach((c) => c.abort());
  }, []);

  // A file dropped next to the zone would make the browser leave the page to show it.
  useEffect(() => {
    const keep = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
    };
    window.addEventListener("dragover", keep);
    window.addEventListener("drop", keep);
    return () => {
      window.removeEventListener("dragover", keep);
      window.removeEventListener("drop", keep);
    };
  }, []);

  const add = (files: FileList | null) => {
    if (!files || files.length === 0) return;
    const list = Array.from(files);
    dispatch({ type: "add", files: list, maxBytes, firstId: nextId.current });
    nextId.current += list.length;
  };

  const cancel = (id: number) => {
    controllers.current.get(id)?.abort();
    dispatch({ type: "cancel", id });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    add(event.dataTransfer.files);
  };

  const summary = uploadSummary(items);
  const finished = items.some((i) => i.state === "done" || i.state === "cancelled");

  return (
    <section aria-labelledby="upload-heading" className="mb-8">
      <h2 id="upload-heading" className="sr-only">
        Upload bundles
      </h2>
      <div
        data-testid="bundle-drop-zone"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={onDrop}
        className={
          "flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-6 py-8 text-center transition-colors " +
          (dragging
            ? "border-blue-600 bg-blue-50 dark:border-blue-400 dark:bg-blue-950/50"
            : "border-slate-300 bg-white dark:border-slate-700 dark:bg-slate-900")
        }
      >
        <StatusIcon name="upload" className="h-8 w-8 text-slate-500 dark:text-slate-400" />
        <p className="font-medium">
          {dragging ? "Release to upload" : <>Drop <code className="font-mono">bundle-&lt;kernel&gt;.tgz</code> files here</>}
        </p>
        <p className="text-sm text-slate-600 dark:text-slate-400">or</p>
        <label className="cursor-pointer rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-800 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-blue-600 dark:bg-blue-600 dark:hover:bg-blue-500">
          Choose bundle files
          <input
            type="file"
            multiple
            accept=".tgz,application/gzip,application/x-gzip"
            className="sr-only"
            onChange={(e) => {
              add(e.currentTarget.files);
              // Choosing the same files again must upload them again.
              e.currentTarget.value = "";
            }}
          />
        </label>
        <p className="max-w-xl text-xs text-slate-600 dark:text-slate-400">
          Each file is checked (gzip, tar, <code className="font-mono">BUNDLE_*</code> files, safe paths) and stored on its own, three at a time, up to{" "}
          {formatLimit(maxBytes)} each. A file with the same content as a stored bundle is reported as a duplicate and not stored twice; a file for a kernel stored with other content can replace that bundle, after you confirm.
        </p>
      </div>

      {items.length > 0 ? (
        <div className="mt-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
          <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
            <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Uploads</h3>
            <p role="status" className="text-sm text-slate-700 dark:text-slate-300" data-testid="upload-summary">
              {summary}
            </p>
            {finished ? (
              <button
                type="button"
                onClick={() => dispatch({ type: "clear" })}
                className="rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
              >
                Clear finished
              </button>
            ) : null}
          </div>
          <ul aria-label="Uploads" className="divide-y divide-slate-200 dark:divide-slate-800">
            {items.map((item) => (
              <UploadRow key={item.id} item={item} onCancel={() => cancel(item.id)} onReplace={() => dispatch({ type: "replace", id: item.id })} />
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
