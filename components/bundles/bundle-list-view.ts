import type { BundleListQuery } from "@/lib/bundles/bundle-schemas";

// What the bundles page shows, as its URL says: the view can be shared as a link.

export type BundleSortColumn = NonNullable<BundleListQuery["sort"]>;
export type BundleListView = Omit<BundleListQuery, "sort" | "order"> & { sort: BundleSortColumn; order: "asc" | "desc" };

/** Oldest kernels first, as the builders' plans list them. */
export const defaultBundleView = { sort: "version", order: "asc" } as const;

// Size and date read best largest and newest first; names and versions in their natural order.
const firstOrder: Record<BundleSortColumn, "asc" | "desc"> = { kernel: "asc", uname: "asc", distro: "asc", version: "asc", size: "desc", addedAt: "desc" };

export function bundleListView(query: BundleListQuery): BundleListView {
  return { ...query, sort: query.sort ?? defaultBundleView.sort, order: query.order ?? (query.sort ? firstOrder[query.sort] : defaultBundleView.order) };
}

/** The page's URL for a view: defaults and empty values are left out, so a plain view is plain /bundles. */
export function bundleListHref(view: BundleListView, change: Partial<BundleListView> = {}): string {
  const next = { ...view, ...change };
  const params = new URLSearchParams();
  if (next.search?.trim()) params.set("search", next.search.trim());
  if (next.distro) params.set("distro", next.distro);
  if (next.version !== undefined) params.set("version", String(next.version));
  if (next.sort !== defaultBundleView.sort || next.order !== defaultBundleView.order) {
    params.set("sort", next.sort);
    params.set("order", next.order);
  }
  const query = params.toString();
  return query ? `/bundles?${query}` : "/bundles";
}

/** Clicking a column header: the same column turns around, another starts in its natural order. */
export function sortHref(view: BundleListView, column: BundleSortColumn): string {
  const order = view.sort === column ? (view.order === "asc" ? "desc" : "asc") : firstOrder[column];
  return bundleListHref(view, { sort: column, order });
}

export function ariaSort(view: BundleListView, column: BundleSortColumn): "ascending" | "descending" | "none" {
  if (view.sort !== column) return "none";
  return view.order === "asc" ? "ascending" : "descending";
}

export function isFiltered(view: BundleListView): boolean {
  return Boolean(view.search?.trim()) || view.distro !== undefined || view.version !== undefined;
}
