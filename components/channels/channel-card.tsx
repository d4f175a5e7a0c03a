import Link from "next/link";
import type { ReactNode } from "react";
import type { ChannelView } from "@/lib/channels/channel-store";
import { formatDate, formatDuration } from "@/components/format";
import { ChannelStateBadge } from "./channel-state";
import { SyncButton } from "./sync-button";

const short = (commit: string | null | undefined) => (commit ? commit.slice(0, 12) : "—");
const preview = (items: string[], max = 8) => items.slice(0, max).join(", ") + (items.length > max ? ` and ${items.length - max} more` : "");

/** One channel at a glance: its state and why, the published image, what it still lacks, its last catch-ups and how long drivers took. */
export function ChannelCard({ channel, sync, canSync, controls }: { channel: ChannelView; sync: (id: number) => Promise<unknown>; canSync: boolean; /** An admin's Edit and Delete. */ controls?: ReactNode }) {
  const c = channel;
  const lacking = c.pending.bundles;
  return (
    <section id={`channel-${c.id}`} aria-labelledby={`channel-${c.id}-name`} className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id={`channel-${c.id}-name`} className="text-lg font-bold">
            {c.name}
          </h2>
          <ChannelStateBadge state={c.state} />
          <span className="text-sm text-slate-700 dark:text-slate-300">
            {c.workspace?.name ?? "(workspace removed)"} at <code className="font-mono">{c.branch}</code>
            {c.legacyProbes ? ", with legacy probes" : ""}
          </span>
          <span className="text-sm text-slate-600 dark:text-slate-400">
            catches up {[c.triggers.bundleStored ? "when bundles are stored" : null, c.triggers.schedule ? `on schedule ${c.triggers.schedule} UTC (next ${formatDate(c.triggers.nextScheduledAt)})` : null, "on Sync now"].filter(Boolean).join(", ")}
          </span>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {canSync ? <SyncButton channelId={c.id} name={c.name} sync={sync} /> : null}
          {controls}
        </div>
      </div>

      {c.reason ? (
        <p className={`mt-3 rounded-md border p-2 text-sm ${c.state === "held" ? "border-orange-400 bg-orange-50 dark:bg-orange-950" : c.state === "failed" ? "border-red-400 bg-red-50 dark:bg-red-950" : "border-slate-300"}`}>
          {c.state === "held" ? "Held: " : c.state === "failed" ? "Failed: " : ""}
          {c.reason}
          {c.heldBuildId ? (
            <>
              {" "}(<Link className="underline" href={`/builds/${c.heldBuildId}`}>build #{c.heldBuildId}</Link>, <Link className="underline" href={`/coverage/compare?from=image:${c.published?.imageId ?? ""}&to=build:${c.heldBuildId}`}>compare</Link>)
            </>
          ) : null}
        </p>
      ) : null}
      {c.heldCells.length > 0 ? (
        <details className="mt-2 text-sm">
          <summary className="cursor-pointer font-medium">{c.heldCells.length} held cell(s)</summary>
          <ul className="mt-1 list-disc pl-6 font-mono text-xs">
            {c.heldCells.slice(0, 50).map((cell) => (
              <li key={cell}>{cell}</li>
            ))}
          </ul>
        </details>
      ) : null}

      <dl className="mt-4 grid gap-4 text-sm md:grid-cols-3">
        <div>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Published image</dt>
          <dd className="mt-1 break-all font-mono">{c.image}</dd>
          <dd className="text-slate-700 dark:text-slate-300">
            {c.published ? (
              <>
                {c.published.dockerId.slice(7, 19)} of commit {short(c.published.commit)}, {formatDate(c.published.at)}
                {c.registry ? `, pushed to ${c.registry.name}` : ""}
                {c.published.layers !== null ? `, ${c.published.layers} layer(s)` : ""}
                {c.published.squashed === null ? "" : c.published.squashed ? ", squashed" : ", not squashed"} ·{" "}
                <Link className="text-blue-700 underline dark:text-blue-300" href={`/coverage?image=${c.published.imageId}`}>
                  grid
                </Link>
              </>
            ) : (
              "nothing published yet"
            )}
          </dd>
          <dd className="text-slate-600 dark:text-slate-400">
            squashed above {c.policy.squashAboveLayers} layers{c.policy.squashAboveLayersIsDefault ? " (the default)" : ""}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Pending</dt>
          <dd className="mt-1">
            {lacking.length === 0 && !c.pending.commit ? (
              "nothing: every stored bundle is in the image"
            ) : (
              <ul className="space-y-1">
                {lacking.length > 0 ? (
                  <li>
                    {lacking.length} bundle(s) not in the image: <span className="font-mono text-xs">{preview(lacking)}</span>
                  </li>
                ) : null}
                {c.pending.commit ? (
                  <li>
                    branch moved to <code className="font-mono">{short(c.pending.commit)}</code> (published: {short(c.published?.commit)})
                  </li>
                ) : null}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Time to driver</dt>
          <dd className="mt-1">
            {c.timeToDriver.medianSeconds === null ? (
              "no catch-up published yet"
            ) : (
              <>
                median {formatDuration(c.timeToDriver.medianSeconds * 1000)} over the last {c.timeToDriver.latest.length}; latest {formatDuration(c.timeToDriver.latest[0]!.seconds * 1000)}
              </>
            )}
          </dd>
        </div>
      </dl>

      {c.builds.length > 0 ? (
        <div className="mt-4 overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Catch-up builds of {c.name}, newest first</caption>
            <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600 dark:border-slate-700 dark:text-slate-400">
              <tr>
                <th scope="col" className="py-1.5 pr-4 font-semibold">Build</th>
                <th scope="col" className="py-1.5 pr-4 font-semibold">Why</th>
                <th scope="col" className="py-1.5 pr-4 font-semibold">Kernels</th>
                <th scope="col" className="py-1.5 pr-4 font-semibold">Build status</th>
                <th scope="col" className="py-1.5 pr-4 font-semibold">For the channel</th>
                <th scope="col" className="py-1.5 pr-4 font-semibold">Started</th>
              </tr>
            </thead>
            <tbody>
              {c.builds.slice(0, 5).map((b) => (
                <tr key={b.id} className="border-b border-slate-100 dark:border-slate-800">
                  <th scope="row" className="py-1.5 pr-4 font-normal">
                    <Link className="text-blue-700 underline dark:text-blue-300" href={`/builds/${b.id}`}>#{b.id}</Link>
                  </th>
                  <td className="py-1.5 pr-4">{b.trigger === "bundle" ? "bundle stored" : b.trigger === "branch" ? "branch moved" : b.trigger}</td>
                  <td className="py-1.5 pr-4">{b.kernels.length === 1 ? <span className="font-mono text-xs">{b.kernels[0]}</span> : b.kernels.length}</td>
                  <td className="py-1.5 pr-4">{b.status}</td>
                  <td className="py-1.5 pr-4">{b.outcome ?? "running"}</td>
                  <td className="py-1.5 pr-4 whitespace-nowrap">{formatDate(b.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
