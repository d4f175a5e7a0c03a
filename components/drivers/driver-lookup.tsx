"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { FormError, inputClass, submitClass } from "@/components/form-parts";
import { useDriverLookup } from "@/components/queries";
import type { DriverCell, ReleaseAnswer } from "@/lib/drivers/driver-lookup-model";
import type { LookupImage } from "@/lib/drivers/lookup-drivers";
import { flavourLabel, orderAnswers, pastedLines, STATE_LABEL, summarySentence, VERDICT_LOOK } from "./lookup-format";

const MAX_LINES = 10_000;
const ROWS_SHOWN = 500;
const link = "text-blue-800 underline underline-offset-2 hover:no-underline dark:text-blue-300";

type ImageChoice = Pick<LookupImage, "id" | "ref" | "dockerId">;

export function imageLabel(image: ImageChoice): string {
  return `${image.ref ?? image.dockerId.slice(0, 19)} (image ${image.id})`;
}

/** The Find a driver form and its answer: one `uname -r` or a fleet's, against one driver image. */
export function DriverLookupForm({ images, initialKernels }: { images: ImageChoice[]; initialKernels: string }) {
  const [text, setText] = useState(initialKernels);
  const [imageId, setImageId] = useState<number>(images[0]!.id);
  const [body, setBody] = useState<string | null>(() => (initialKernels.trim() ? JSON.stringify({ kernels: pastedLines(initialKernels), imageId: images[0]!.id }) : null));
  const [exportError, setExportError] = useState<string | null>(null);
  const lookup = useDriverLookup(body);
  const lines = pastedLines(text);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setExportError(null);
    setBody(JSON.stringify({ kernels: lines, imageId }));
  };

  const exportCsv = async () => {
    if (!body) return;
    setExportError(null);
    const response = await fetch("/api/drivers/lookup?format=csv", { method: "POST", headers: { "content-type": "application/json" }, body, cache: "no-store" });
    if (!response.ok) {
      setExportError(((await response.json().catch(() => ({}))) as { error?: string }).error ?? `the server answered HTTP ${response.status}`);
      return;
    }
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await response.blob());
    a.download = `drivers-image-${lookup.data?.image.id ?? imageId}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };

  const data = lookup.data;
  const rows = data ? orderAnswers(data.kernels) : [];

  return (
    <div className="space-y-6">
      <form onSubmit={submit} className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" aria-label="Find a driver">
        <div>
          <label htmlFor="kernels" className="block text-sm font-medium">
            Kernels, one <code>uname -r</code> per line
          </label>
          <textarea
            id="kernels"
            name="kernels"
            rows={8}
            spellCheck={false}
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-describedby="kernels-hint"
            className={`${inputClass} font-mono`}
            placeholder={"6.1.0-57-amd64\n4.15.0-1098-gcp\n5.10.68+"}
          />
          <p id="kernels-hint" className={`mt-1 text-xs ${lines.length > MAX_LINES ? "font-semibold text-red-800 dark:text-red-300" : "text-slate-600 dark:text-slate-400"}`}>
            {lines.length.toLocaleString("en")} {lines.length === 1 ? "line" : "lines"} (at most {MAX_LINES.toLocaleString("en")}; one per node, so repeated kernels count their nodes). Paste the output of{" "}
            <code>uname -r</code> from one node or from the whole fleet.
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-4">
          <div className="min-w-64 flex-1">
            <label htmlFor="image" className="block text-sm font-medium">
              Driver image
            </label>
            <select id="image" className={inputClass} value={imageId} onChange={(e) => setImageId(Number(e.target.value))}>
              {images.map((image, i) => (
                <option key={image.id} value={image.id}>
                  {imageLabel(image)}
                  {i === 0 ? " — newest" : ""}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={submitClass} disabled={lines.length === 0 || lookup.isFetching}>
            {lookup.isFetching ? "Looking up…" : "Find drivers"}
          </button>
        </div>
      </form>

      <FormError error={lookup.error ? lookup.error.message : null} />

      {data ? (
        <section aria-label="Drivers found" className="space-y-4">
          <div className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
            <div>
              <p role="status" className="text-base font-semibold" data-testid="lookup-summary">
                {summarySentence(data.summary)}.
              </p>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {data.summary.nodes.toLocaleString("en")} nodes, {data.summary.kernels.toLocaleString("en")} distinct kernels, against{" "}
                <Link className={link} href={`/coverage?image=${data.image.id}`}>
                  {imageLabel(data.image)}
                </Link>{" "}
                (module versions {data.moduleVersions.join(", ") || "none"}).
              </p>
            </div>
            <button type="button" className="rounded-md border border-slate-400 px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800" onClick={() => void exportCsv()}>
              Export CSV
            </button>
          </div>
          <FormError error={exportError} />
          {rows.length > ROWS_SHOWN ? (
            <p className="text-sm">
              Showing the first {ROWS_SHOWN.toLocaleString("en")} of {rows.length.toLocaleString("en")} kernels, those without a driver first; Export CSV gives them all.
            </p>
          ) : null}
          <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Drivers per kernel: verdict, what the image holds per module version and flavour, and links</caption>
              <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    Kernel (uname -r)
                  </th>
                  <th scope="col" className="px-3 py-2 text-right">
                    Nodes
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Verdict
                  </th>
                  <th scope="col" className="px-3 py-2">
                    What the image holds
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.slice(0, ROWS_SHOWN).map((answer) => (
                  <AnswerRow key={answer.release} answer={answer} imageId={data.image.id} />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

function AnswerRow({ answer, imageId }: { answer: ReleaseAnswer; imageId: number }) {
  const look = VERDICT_LOOK[answer.verdict];
  return (
    <tr className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="lookup-row">
      <th scope="row" className="px-3 py-2 font-mono font-medium whitespace-nowrap">
        {answer.release}
      </th>
      <td className="px-3 py-2 text-right tabular-nums">{answer.nodes.toLocaleString("en")}</td>
      <td className={`px-3 py-2 font-semibold whitespace-nowrap ${look.className}`}>
        <span aria-hidden="true">{look.symbol} </span>
        {look.label}
      </td>
      <td className="space-y-2 px-3 py-2">
        {answer.kernels.map((k) => (
          <div key={k.kernel}>
            {k.kernel !== answer.release || !k.bundle ? (
              <p className="text-xs text-slate-600 dark:text-slate-400">
                kernel <span className="font-mono">{k.kernel}</span>
                {k.bundle ? "" : ", no bundle stored"}
              </p>
            ) : null}
            {k.cells.length === 0 ? <p>nothing for this module version</p> : null}
            <ul className="space-y-0.5">
              {k.cells.map((c) => (
                <CellLine key={`${c.moduleVersion}-${c.flavour}`} cell={c} imageId={imageId} />
              ))}
            </ul>
          </div>
        ))}
        {answer.nearest.length > 0 && answer.verdict !== "covered" ? (
          <p>
            {answer.kernels.length === 0 ? "No bundle stored for this kernel. " : ""}Nearest kernels with a bundle:{" "}
            {answer.nearest.map((n, i) => (
              <span key={n.kernel}>
                {i > 0 ? ", " : ""}
                <Link className={`${link} font-mono`} href={`/bundles?search=${encodeURIComponent(n.kernel)}`}>
                  {n.kernel}
                </Link>
              </span>
            ))}
          </p>
        ) : answer.kernels.length === 0 && answer.verdict !== "covered" ? (
          <p>No bundle stored for this kernel, and none to compare it with.</p>
        ) : null}
      </td>
    </tr>
  );
}

function CellLine({ cell, imageId }: { cell: DriverCell; imageId: number }) {
  return (
    <li>
      <span className="font-mono">{cell.moduleVersion}</span> {flavourLabel(cell.flavour)}: <strong>{STATE_LABEL[cell.state]}</strong>
      {cell.driver ? (
        <>
          {" "}
          ·{" "}
          <a className={link} href={cell.driver.download} download title={`${cell.driver.path}, ${cell.driver.size.toLocaleString("en")} bytes, sha256 ${cell.driver.sha256 ?? "unknown"} (operators)`}>
            download
          </a>
        </>
      ) : null}
      {cell.failure ? (
        <>
          {" "}
          ·{" "}
          <a className={link} href={cell.failure.log}>
            failure log
          </a>
          {cell.failure.groupId !== null ? (
            <>
              {" "}
              ·{" "}
              <Link className={link} href={`/failures/groups/${cell.failure.groupId}`}>
                failure group
              </Link>
            </>
          ) : (
            <>
              {" "}
              ·{" "}
              <Link className={link} href={`/failures?image=${imageId}`}>
                image&apos;s failures
              </Link>
            </>
          )}
          {cell.failure.signature ? <span className="block break-all font-mono text-xs text-slate-700 dark:text-slate-300">{cell.failure.signature}</span> : null}
        </>
      ) : null}
      {cell.blocklist ? (
        <span className="block font-mono text-xs text-slate-700 dark:text-slate-300">
          {cell.blocklist.file ?? "BLOCKLIST"}
          {cell.blocklist.line != null ? `:${cell.blocklist.line}` : ""} {cell.blocklist.text ?? ""}
        </span>
      ) : null}
    </li>
  );
}
