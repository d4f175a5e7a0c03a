import Link from "next/link";
import { BuildStatusBadge } from "@/components/build/status-badge";
import { Card } from "@/components/card";
import { EmptyState } from "@/components/empty-state";
import { AutoRefresh } from "@/components/images/auto-refresh";
import { driversRepoChoices } from "@/components/images/driver-image-choices";
import { ImagesTable } from "@/components/images/images-table";
import { MergeForm } from "@/components/images/merge-form";
import { SquashForm } from "@/components/images/squash-form";
import { CollectorForm } from "@/components/images/collector-form";
import { PushForm } from "@/components/images/push-form";
import { listRegistries } from "@/lib/registries/registry-store";
import { PageHeader } from "@/components/page-header";
import { listDriverImages } from "@/lib/driver-images/list-driver-images";
import { listImageOperations } from "@/lib/images/list-image-operations";
import { startMergeAction, startSquashAction, startCollectorAction, pushImageAction } from "./actions";
import { requirePage } from "@/lib/auth/page-guard";
import { hasRole } from "@/lib/auth/roles";
import { ACTIVE_BUILD_STATUSES } from "@/lib/vocabulary";

export const dynamic = "force-dynamic";
export const metadata = { title: "Images" };

const LIVE = new Set<string>(ACTIVE_BUILD_STATUSES);

export default async function ImagesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePage();
  const search = await searchParams;
  const raw = search.q;
  const q = typeof raw === "string" ? raw.trim().slice(0, 200) : "";
  const everything = search.show === "all";
  // A viewer's visit creates nothing: no container looks into images kobuild has not looked into yet.
  const listing = await listDriverImages({ everything, probe: hasRole(principal.role, "operator") });
  const operations = listImageOperations();
  const names = listing.images.flatMap((i) => [...i.refs, ...i.registryRefs.map((r) => r.ref)]);
  const choices = driversRepoChoices(names);
  const shown = q ? listing.images.filter((i) => [...i.refs, ...i.registryRefs.map((r) => r.ref), i.dockerId ?? ""].some((n) => n.includes(q))) : listing.images;
  const live = operations.some((o) => LIVE.has(o.status));

  return (
    <>
      <AutoRefresh active={live} />
      <PageHeader
        title="Images"
        description="Driver images: build results, merges, squashes and full collector images, the engine's images named <repo>/collector-drivers:<tag> that hold /kernel-modules, and the tags of the configured registries."
      />
      {listing.engineError ? (
        <p role="alert" className="mb-4 rounded border border-amber-500 bg-amber-50 p-3 text-sm dark:bg-amber-950/40">
          ⚠ The Docker engine could not be asked for its images ({listing.engineError}); showing what kobuild has read.
        </p>
      ) : null}
      {listing.unchecked > 0 ? (
        <p className="mb-4 rounded border border-slate-300 p-3 text-sm dark:border-slate-700">
          {listing.unchecked} tagged image{listing.unchecked === 1 ? "" : "s"} of the engine {listing.unchecked === 1 ? "was" : "were"} not looked into: that takes a container, which viewers do not create. They show here once an operator opens this page.
        </p>
      ) : null}
      {listing.registries
        .filter((r) => r.error)
        .map((r) => (
          <p key={r.id} role="alert" className="mb-4 rounded border border-amber-500 bg-amber-50 p-3 text-sm dark:bg-amber-950/40">
            ⚠ Registry {r.name} ({r.url}): {r.error}
          </p>
        ))}

      {operations.length ? (
        <section aria-labelledby="operations-heading" className="mb-6">
          <h2 id="operations-heading" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
            Latest operations
          </h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
            {operations.map((o) => (
              <li key={o.id} data-operation-id={o.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
                <Link href={`/builds/${o.id}`} className="font-mono font-semibold text-blue-700 underline-offset-2 hover:underline dark:text-blue-300">
                  #{o.id}
                </Link>
                <span className="font-semibold">{o.kind}</span>
                <BuildStatusBadge status={o.status} />
                {o.status === "running" && o.plannedTasks ? (
                  <span className="tabular-nums">
                    {o.doneTasks} of {o.plannedTasks} merged
                  </span>
                ) : null}
                <span className="break-all font-mono text-xs">→ {o.tag}</span>
                <span className="text-xs text-slate-600 dark:text-slate-400">{o.summary.join(" · ")}</span>
                {o.warnings.length ? (
                  <span className="text-xs font-semibold text-orange-800 dark:text-orange-300">
                    <span aria-hidden="true">⚠</span> {o.warnings.length} warning{o.warnings.length === 1 ? "" : "s"}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="mb-6 grid gap-4 lg:grid-cols-2">
        <Card title="Merge">
          {choices.length ? <MergeForm choices={choices} startMerge={startMergeAction} /> : <p className="text-sm">No collector-drivers image to merge yet: run a build first.</p>}
        </Card>
        <Card title="Squash">
          {choices.length ? <SquashForm choices={choices} startSquash={startSquashAction} /> : <p className="text-sm">No collector-drivers image to squash yet.</p>}
        </Card>
        <div className="lg:col-span-2">
          <Card title="Full collector image">
            {choices.length ? <CollectorForm choices={choices} startCollector={startCollectorAction} /> : <p className="text-sm">No collector-drivers image to take drivers from yet.</p>}
          </Card>
        </div>
        <div className="lg:col-span-2">
          <Card title="Push to a registry">
            <PushForm
              images={listing.images.filter((i) => i.recordId !== null && i.local).map((i) => ({ recordId: i.recordId!, label: i.refs[0] ?? i.dockerId?.slice(7, 19) ?? `image ${i.recordId}` }))}
              registries={listRegistries().map((r) => ({ id: r.id, name: r.name, url: r.url }))}
              push={pushImageAction}
            />
          </Card>
        </div>
      </div>

      <section aria-labelledby="images-heading">
        <div className="mb-2 flex flex-wrap items-end justify-between gap-3">
          <h2 id="images-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">
            Driver images ({shown.length}
            {q ? ` of ${listing.images.length}` : ""})
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="images-scope">
            {everything ? (
              <>
                Every image of the engine that holds /kernel-modules, kobuild&apos;s helper images and other installations&apos; tags included.{" "}
                <Link href={hrefWith({ q })} className="underline">
                  Show only kobuild&apos;s
                </Link>
              </>
            ) : (
              <>
                Not listed: kobuild&apos;s helper images (toolchain, drivers base, empty cache), other installations&apos; build-&lt;id&gt;-&lt;installation&gt; tags, and
                images not named &lt;repo&gt;/collector-drivers:&lt;tag&gt;.{" "}
                <Link href={hrefWith({ q, show: "all" })} className="underline">
                  Show all
                </Link>
              </>
            )}
          </p>
          <form method="get" role="search" className="flex items-end gap-2 text-sm">
            {everything ? <input type="hidden" name="show" value="all" /> : null}
            <label htmlFor="images-q" className="sr-only">
              Filter images by name or id
            </label>
            <input id="images-q" name="q" defaultValue={q} placeholder="name or id" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 dark:border-slate-700 dark:bg-slate-950" />
            <button type="submit" className="rounded-md border border-slate-300 px-3 py-1.5 dark:border-slate-700">
              Filter
            </button>
            {q ? (
              <Link href={hrefWith({ show: everything ? "all" : undefined })} className="px-1 py-1.5 underline">
                Clear
              </Link>
            ) : null}
          </form>
        </div>
        {shown.length ? (
          <ImagesTable images={shown} />
        ) : (
          <EmptyState title={q ? "No image matches this filter" : "No driver image yet"}>
            {q ? (
              <Link href="/images" className="underline">
                Show every image
              </Link>
            ) : (
              <>
                A build&apos;s result appears here when it ends.{" "}
                <Link href="/builds/new" className="underline">
                  Start a build
                </Link>
                .
              </>
            )}
          </EmptyState>
        )}
      </section>
    </>
  );
}

/** The page's URL with these parameters, the empty ones left out. */
function hrefWith(params: { q?: string; show?: "all" }): string {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  return query.size ? `/images?${query}` : "/images";
}
