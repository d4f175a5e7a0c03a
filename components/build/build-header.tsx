import Link from "next/link";
import type { BuildViewJson } from "./build-types";
import { isEnded } from "./build-types";
import { BuildLineage } from "./build-lineage";
import { CommitText } from "./commit-text";
import { CancelBuildButton } from "./cancel-build-button";
import { formatDateTime, formatDuration } from "./format-time";
import { canRerun, RerunButton, type RerunChoices } from "./rerun-button";
import { BuildStatusBadge } from "./status-badge";

const KIND: Record<string, string> = { drivers: "Driver build", reproduce: "Driver reproduction", merge: "Image merge", squash: "Image squash", collector: "Collector image" };

/** Who and what: the build's number and status, where it came from, its times and the actions on it. */
export function BuildHeader({ build, now, rerun }: { build: BuildViewJson; now: number | null; rerun: RerunChoices }) {
  const cancellable = build.status === "queued" || build.status === "running";
  const durationMs = build.startedAt ? (now !== null && !isEnded(build.status) ? now - Date.parse(build.startedAt) : build.durationMs) : null;
  return (
    <header className="mb-5">
      <nav aria-label="Breadcrumb" className="mb-1 text-sm text-slate-600 dark:text-slate-400">
        <Link href="/builds" className="underline-offset-2 hover:underline">
          Builds
        </Link>{" "}
        /{" "}
        {build.parent ? (
          <>
            <Link href={`/builds/${build.parent.id}`} className="underline-offset-2 hover:underline">
              #{build.parent.id}
            </Link>{" "}
            / shard {build.parent.shard} /{" "}
          </>
        ) : null}
        #{build.id}
      </nav>
      <BuildLineage build={build} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold tracking-tight">Build #{build.id}</h1>
          <BuildStatusBadge status={build.status} large />
          <span className="text-sm text-slate-600 dark:text-slate-400">{KIND[build.kind] ?? build.kind}</span>
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {cancellable ? <CancelBuildButton buildId={build.id} /> : null}
          {build.image ? (
            <a
              href={`/api/builds/${build.id}/provenance?download`}
              download
              title="An in-toto statement (SLSA Provenance v1): every driver file with its sha256, the commit, the bundles and the images it was built from"
              className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-semibold hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
            >
              Download provenance
            </a>
          ) : null}
          {canRerun(build) ? <RerunButton build={build} choices={rerun} /> : null}
          {/* A shard is its share of a sharded build, and a re-run reads an image named for it alone: both are run again through their source. */}
          {build.kind === "drivers" && !build.parent && !build.options.rerunOf ? (
            <Link
              href={`/builds/new?from=${build.id}`}
              prefetch={false}
              className="inline-flex items-center gap-1.5 rounded-md bg-blue-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-blue-800"
            >
              Run again with the same options
            </Link>
          ) : null}
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4 xl:grid-cols-8">
        <Fact label="Workspace">{build.workspace?.name ?? "—"}</Fact>
        <Fact label="Branch or tag">
          <span className="font-mono">{build.branch ?? "—"}</span>
        </Fact>
        {build.kind === "drivers" ? (
          <Fact label="Commit">
            <CommitText commit={build.commit} dirty={build.commitDirty} pending={build.status === "queued" ? "when it starts" : undefined} />
          </Fact>
        ) : null}
        <Fact label="Started by">{build.startedBy ?? <span title="Started through the HTTP API, without a user">API</span>}</Fact>
        <Fact label="Created">{formatDateTime(build.createdAt)}</Fact>
        <Fact label="Started">{build.startedAt ? formatDateTime(build.startedAt) : build.status === "queued" ? "waiting in the queue" : "never"}</Fact>
        <Fact label="Duration">
          <span data-testid="build-duration" className="tabular-nums">
            {durationMs === null ? "—" : formatDuration(durationMs)}
            {build.status === "running" ? <span className="text-slate-500 dark:text-slate-400"> so far</span> : null}
          </span>
        </Fact>
        <Fact label="Builder">{build.builder === "buildkit" ? "BuildKit" : build.builder === "classic" ? "classic builder" : build.status === "queued" ? "chosen at start" : "—"}</Fact>
      </dl>
    </header>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 break-words font-medium">{children}</dd>
    </div>
  );
}
