import Link from "next/link";
import { BundleFilters } from "@/components/bundles/bundle-filters";
import { bundleListView, isFiltered } from "@/components/bundles/bundle-list-view";
import { BundleSearch } from "@/components/bundles/bundle-search";
import { BundleTable, type BundleListItem } from "@/components/bundles/bundle-table";
import { BundleSourcesSection } from "@/components/bundles/bundle-sources-section";
import { BundleUploader } from "@/components/bundles/bundle-uploader";
import { EmptyState } from "@/components/empty-state";
import { formatBytes } from "@/components/format";
import { PageHeader } from "@/components/page-header";
import { bundleFacets } from "@/lib/bundles/bundle-facets";
import { parseBundleListParams } from "@/lib/bundles/bundle-schemas";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import { listBundles } from "@/lib/bundles/list-bundles";
import { env } from "@/lib/env";
import { requirePage } from "@/lib/auth/page-guard";
import { hasRole } from "@/lib/auth/roles";
import { listBundleSources } from "@/lib/bundle-sources/bundle-source-store";
import { addBundleSourceAction, pollBundleSourceAction, removeBundleSourceAction } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Bundles" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function BundlesPage({ searchParams }: Props) {
  const principal = await requirePage();
  const view = bundleListView(parseBundleListParams(await searchParams));
  const facets = bundleFacets();
  const rows: BundleListItem[] = listBundles(view).map((b) => ({
    id: b.id,
    kernel: b.kernel,
    uname: b.uname,
    distro: b.distro,
    version: `${b.version}.${b.major}.${b.minor}`,
    builder: builderForKernel(b.kernel) === "rhel-7" ? "RHEL 7" : "RHEL 8",
    size: b.size,
    addedAt: b.addedAt.getTime(),
  }));
  const shownBytes = rows.reduce((sum, b) => sum + b.size, 0);
  const filtered = isFiltered(view);
  const sources = listBundleSources().map((s) => ({ ...s, lastPolledAt: s.lastPolledAt?.getTime() ?? null }));

  return (
    <>
      <PageHeader
        title="Bundles"
        description="Kernel header bundles (bundle-<kernel>.tgz): every build sends them in its context, and the builders compile one driver of each flavour per kernel and module version."
      />
      <BundleUploader maxBytes={env().maxBundleBytes} />
      <BundleSourcesSection
        sources={sources}
        canPoll={hasRole(principal.role, "operator")}
        canManage={hasRole(principal.role, "admin")}
        add={addBundleSourceAction}
        remove={removeBundleSourceAction}
        poll={pollBundleSourceAction}
      />

      <section aria-labelledby="stored-heading">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="stored-heading" className="text-lg font-semibold">
            Stored bundles
          </h2>
          <p role="status" data-testid="bundle-count" className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
            {filtered ? `${rows.length} of ${plural(facets.total, "bundle")} shown, ${formatBytes(shownBytes)}` : `${plural(facets.total, "bundle")}, ${formatBytes(facets.totalBytes)}`}
          </p>
        </div>
        {facets.total === 0 ? (
          <EmptyState title="No bundles yet">
            Drop <code className="font-mono">bundle-&lt;kernel&gt;.tgz</code> files on the area above, or choose them there. To add the sample bundles instead, run{" "}
            <code className="font-mono">npm run sample</code>.
          </EmptyState>
        ) : (
          <>
            <div className="mb-4 flex flex-wrap items-center gap-x-6 gap-y-3">
              <BundleSearch view={view} />
              <BundleFilters view={view} distros={facets.distros} versions={facets.versions} />
            </div>
            {rows.length === 0 ? (
              <EmptyState title="No bundle matches">
                Nothing stored matches these filters.{" "}
                <Link href="/bundles" className="font-medium text-blue-700 underline dark:text-blue-300">
                  Show all bundles
                </Link>
              </EmptyState>
            ) : (
              <BundleTable rows={rows} view={view} />
            )}
          </>
        )}
      </section>
    </>
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
