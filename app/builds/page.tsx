import Link from "next/link";
import { BuildFilters } from "@/components/builds/build-filters";
import { BuildsTable } from "@/components/builds/builds-table";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { listBuildsQuerySchema } from "@/lib/builds/build-schemas";
import { listBuildBranches, listBuildViews } from "@/lib/builds/list-builds";
import { requirePage } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "Builds" };

const PER_PAGE = 25;

export default async function BuildsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === "string"));
  const parsed = listBuildsQuerySchema.safeParse({ perPage: PER_PAGE, ...raw });
  const filter = parsed.success ? parsed.data : listBuildsQuerySchema.parse({ perPage: PER_PAGE });
  const list = listBuildViews(filter);
  const pages = Math.max(1, Math.ceil(list.total / filter.perPage));
  const query = new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.branch ? { branch: filter.branch } : {}), page: String(filter.page), perPage: String(filter.perPage) }).toString();
  const pageHref = (page: number) => `/builds?${new URLSearchParams({ ...(filter.status ? { status: filter.status } : {}), ...(filter.branch ? { branch: filter.branch } : {}), page: String(page) })}`;
  const filtered = Boolean(filter.status || filter.branch);
  return (
    <>
      <PageHeader
        title="Builds"
        description="Every driver build and image operation, newest first. Running builds update on their own."
        actions={
          <Link href="/builds/new" className="rounded-md bg-blue-700 px-4 py-2 font-semibold text-white hover:bg-blue-800 dark:bg-blue-600 dark:hover:bg-blue-500">
            New build
          </Link>
        }
      />
      {!parsed.success ? (
        <p role="alert" className="mb-4 text-sm">
          ⚠ The filter in the address is not valid ({parsed.error.issues[0]?.path.join(".")}: {parsed.error.issues[0]?.message}); showing every build.
        </p>
      ) : null}
      <BuildFilters status={filter.status} branch={filter.branch} branches={listBuildBranches()} />
      {list.total === 0 ? (
        <EmptyState title={filtered ? "No build matches this filter" : "No builds yet"}>
          {filtered ? (
            <Link href="/builds" className="underline">
              Show every build
            </Link>
          ) : (
            <>
              A build runs a workspace&apos;s dockerized Dockerfile over the stored bundles.{" "}
              <Link href="/builds/new" className="underline">
                Start the first one
              </Link>
              , or call <code className="font-mono">POST /api/builds</code>.
            </>
          )}
        </EmptyState>
      ) : (
        <>
          <BuildsTable initial={list} query={query} />
          <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm">
            <span className="text-slate-600 dark:text-slate-400">
              {list.total.toLocaleString("en")} build{list.total === 1 ? "" : "s"} · page {filter.page} of {pages}
            </span>
            <span className="flex gap-2">
              {filter.page > 1 ? (
                <Link href={pageHref(filter.page - 1)} className="rounded border border-slate-300 px-3 py-1 dark:border-slate-700" rel="prev">
                  ← Newer
                </Link>
              ) : null}
              {filter.page < pages ? (
                <Link href={pageHref(filter.page + 1)} className="rounded border border-slate-300 px-3 py-1 dark:border-slate-700" rel="next">
                  Older →
                </Link>
              ) : null}
            </span>
          </nav>
        </>
      )}
    </>
  );
}
