"use client";

import Link from "next/link";
import { formatBytes } from "@/components/format";
import { useState } from "react";
import { sendJson } from "@/components/fetch-json";
import { useDriverInfo, useFailure } from "@/components/queries";
import { CELL_LOOK } from "./cell-look";
import type { CellDetail } from "./grid-model";
import type { DriverOrigin } from "@/lib/provenance/driver-origin";
import type { ReproductionView } from "@/lib/drivers/latest-reproduction";
import { ruleLocation } from "./rule-label";



/** What one cell means: the driver with its download, the failure log, or why there is none. */
export function CellPanel({ cell, imageId, onClose, failuresHref }: { cell: CellDetail; imageId: number | null; onClose: () => void; failuresHref: string }) {
  const look = CELL_LOOK[cell.state];
  const query = new URLSearchParams({ kernel: cell.kernel, moduleVersion: cell.moduleVersion, flavour: cell.flavour });
  const hasFile = imageId !== null && (cell.state === "built" || cell.state === "cached" || cell.state === "unavailable");
  const driver = useDriverInfo(imageId, query.toString(), hasFile);
  const failure = useFailure(cell.failureId);
  return (
    <aside aria-labelledby="cell-heading" className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-start justify-between gap-2">
        <h2 id="cell-heading" className="font-semibold">
          <span className="font-mono">{cell.kernel}</span>
          <span className="block text-slate-600 dark:text-slate-400">
            module version <span className="font-mono">{cell.moduleVersion}</span> · {cell.flavour === "mod" ? "kernel module" : "eBPF probe"}
          </span>
        </h2>
        <button type="button" onClick={onClose} className="rounded border border-slate-300 px-2 py-0.5 dark:border-slate-700" aria-label="Close the cell details">
          ✕
        </button>
      </div>
      <p className="mt-3 flex items-center gap-2">
        <span aria-hidden="true" className={`inline-flex size-6 items-center justify-center rounded font-bold ${look.className}`}>
          {look.symbol}
        </span>
        <span>
          <strong data-testid="cell-state">{look.label}</strong>: {look.hint}
        </span>
      </p>
      {hasFile ? (
        driver.data ? (
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1">
            <dt className="text-slate-600 dark:text-slate-400">Path</dt>
            <dd className="break-all font-mono text-xs">{driver.data.path}</dd>
            <dt className="text-slate-600 dark:text-slate-400">Size</dt>
            <dd>{formatBytes(driver.data.size)}</dd>
            {driver.data.sha256 ? (
              <>
                <dt className="text-slate-600 dark:text-slate-400">sha256</dt>
                <dd className="break-all font-mono text-xs" data-testid="driver-sha256">
                  {driver.data.sha256}
                </dd>
              </>
            ) : null}
            {driver.data.origin ? <DriverOriginRows origin={driver.data.origin} /> : null}
            {driver.data.origin && imageId !== null ? <Reproduction imageId={imageId} cell={cell} reproduction={driver.data.reproduction} onStarted={() => void driver.refetch()} /> : null}
            {driver.data.download ? (
              <dd className="col-span-2 mt-2">
                <a href={driver.data.download} className="inline-block rounded-md bg-blue-700 px-3 py-1.5 font-semibold text-white hover:bg-blue-800 dark:bg-blue-600" download>
                  Download {driver.data.path.split("/").pop()}
                </a>
              </dd>
            ) : null}
          </dl>
        ) : driver.error ? (
          <p role="alert" className="mt-3">⚠ {driver.error.message}</p>
        ) : (
          <p className="mt-3 text-slate-600 dark:text-slate-400">reading…</p>
        )
      ) : null}
      {cell.state === "blocklisted" ? (
        <p className="mt-3">
          {cell.rule?.text ? (
            <>
              {ruleLocation(cell.rule)}: <code className="font-mono">{cell.rule.text}</code>
            </>
          ) : (
            "The matching BLOCKLIST rule was not recorded."
          )}
        </p>
      ) : null}
      {cell.state === "missing" ? <p className="mt-3">The build planned this task, but it produced neither a driver nor a failure log: the build was cancelled, interrupted or is still running, or the builder lost the result.</p> : null}
      {cell.state === "notPlanned" ? <p className="mt-3">No bundle of this kernel was in the build, or this module version was not built for it.</p> : null}
      {cell.failureId !== null ? (
        failure.data ? (
          <div className="mt-3">
            {failure.data.signature ? (
              <p>
                Error: <code className="font-mono text-xs">{failure.data.signature}</code>
              </p>
            ) : null}
            <p className="mt-1">
              <Link className="underline" href={failuresHref}>
                All failures of this {failuresHref.includes("image=") ? "image" : "build"}, grouped
              </Link>
            </p>
            <pre data-testid="failure-log" className="mt-2 max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-950 p-2 font-mono text-xs text-slate-100">
              {failure.data.log}
            </pre>
          </div>
        ) : failure.error ? (
          <p role="alert" className="mt-3">⚠ {failure.error.message}</p>
        ) : (
          <p className="mt-3 text-slate-600 dark:text-slate-400">reading the log…</p>
        )
      ) : null}
    </aside>
  );
}

/** The driver's trail: the build that compiled it, its commit, the bundle it was sent and the compiler's image. */
function DriverOriginRows({ origin }: { origin: DriverOrigin }) {
  const short = (id: string) => id.replace(/^sha256:/, "").slice(0, 12);
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">Built by</dt>
      <dd data-testid="driver-origin-build">
        <Link className="underline" href={`/builds/${origin.buildId}`}>
          build #{origin.buildId}
        </Link>
        {origin.via.length > 0 ? <span className="text-slate-600 dark:text-slate-400"> (carried by {origin.via.map((id) => `#${id}`).join(", ")})</span> : null}
      </dd>
      {origin.commit ? (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Commit</dt>
          <dd data-testid="driver-origin-commit">
            <code className="font-mono text-xs" title={origin.commit}>
              {origin.commit.slice(0, 12)}
            </code>
            {origin.branch ? <span> on {origin.branch}</span> : null}
            {origin.workspace ? <span className="text-slate-600 dark:text-slate-400"> ({origin.workspace})</span> : null}
            {origin.commitDirty ? <span> · with uncommitted changes</span> : null}
          </dd>
        </>
      ) : null}
      {origin.bundle ? (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Bundle</dt>
          <dd data-testid="driver-origin-bundle">
            <span className="font-mono text-xs">bundle-{origin.bundle.kernel}.tgz</span>{" "}
            <code className="font-mono text-xs text-slate-600 dark:text-slate-400" title={origin.bundle.sha256}>
              sha256 {origin.bundle.sha256.slice(0, 12)}
            </code>
          </dd>
        </>
      ) : null}
      {origin.builderImage ? (
        <>
          <dt className="text-slate-600 dark:text-slate-400">Compiler image</dt>
          <dd data-testid="driver-origin-builder" className="break-all">
            <span className="font-mono text-xs">{origin.builderImage.ref}</span>
            {origin.builderImage.dockerId ? (
              <code className="font-mono text-xs text-slate-600 dark:text-slate-400" title={origin.builderImage.dockerId}>
                {" "}
                {short(origin.builderImage.dockerId)}
              </code>
            ) : null}
          </dd>
        </>
      ) : null}
    </>
  );
}

/** "Can we make it again, bit for bit?": the latest reproduction's verdict, and a button to start one. */
function Reproduction({ imageId, cell, reproduction, onStarted }: { imageId: number; cell: CellDetail; reproduction: ReproductionView | null; onStarted: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const running = reproduction !== null && reproduction.identical === null && (reproduction.status === "queued" || reproduction.status === "running");
  async function start() {
    setStarting(true);
    setError(null);
    try {
      await sendJson("POST", "/api/drivers/reproduce", { imageId, kernel: cell.kernel, moduleVersion: cell.moduleVersion, flavour: cell.flavour });
      onStarted();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setStarting(false);
    }
  }
  return (
    <>
      <dt className="text-slate-600 dark:text-slate-400">Reproduced</dt>
      <dd data-testid="driver-reproduction">
        {reproduction === null ? (
          "not yet"
        ) : (
          <>
            <Link className="underline" href={`/builds/${reproduction.buildId}`}>
              build #{reproduction.buildId}
            </Link>
            {": "}
            {reproduction.identical === true ? (
              <strong>✓ identical, bit for bit</strong>
            ) : reproduction.identical === false ? (
              <>
                <strong>✗ not identical</strong>
                {reproduction.actual ? <span className="block break-all font-mono text-xs">now sha256 {reproduction.actual}</span> : null}
                <ul className="ml-4 list-disc">
                  {reproduction.differences.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </>
            ) : running ? (
              `${reproduction.status}…`
            ) : (
              `${reproduction.status}, no verdict`
            )}
          </>
        )}
        {error ? (
          <p role="alert" className="mt-1">
            ⚠ {error}
          </p>
        ) : null}
      </dd>
      <dd className="col-span-2 mt-1">
        <button
          type="button"
          onClick={() => void start()}
          disabled={starting || running}
          className="rounded-md border border-slate-300 px-3 py-1.5 font-semibold hover:bg-slate-100 disabled:opacity-60 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          {running ? "Reproducing…" : "Reproduce this driver"}
        </button>
      </dd>
    </>
  );
}
