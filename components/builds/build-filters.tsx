"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { BUILD_STATUSES, buildStatusLabel } from "@/components/build/status-badge";
import type { BuildStatus } from "@/components/build/build-types";

/** Status and branch filters; each choice is a URL, so a filtered view can be shared. */
export function BuildFilters({ status, branch, branches }: { status?: BuildStatus; branch?: string; branches: string[] }) {
  const router = useRouter();
  const href = (next: { status?: string; branch?: string }) => {
    const params = new URLSearchParams();
    if (next.status) params.set("status", next.status);
    if (next.branch) params.set("branch", next.branch);
    const q = params.toString();
    return q ? `/builds?${q}` : "/builds";
  };
  const pill = (active: boolean) =>
    `rounded-full border px-3 py-1 text-sm ${active ? "border-blue-700 bg-blue-700 text-white dark:border-blue-400 dark:bg-blue-600" : "border-slate-300 bg-white hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800"}`;
  return (
    <div className="mb-4 flex flex-wrap items-center gap-4">
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2">
        <Link href={href({ branch })} className={pill(!status)} aria-current={!status ? "page" : undefined}>
          All
        </Link>
        {BUILD_STATUSES.map((s) => (
          <Link key={s} href={href({ status: s, branch })} className={pill(status === s)} aria-current={status === s ? "page" : undefined}>
            {buildStatusLabel(s)}
          </Link>
        ))}
      </nav>
      <label className="flex items-center gap-2 text-sm">
        Branch
        <select
          className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-700 dark:bg-slate-950"
          value={branch ?? ""}
          onChange={(e) => router.push(href({ status, branch: e.target.value || undefined }))}
        >
          <option value="">every branch</option>
          {branches.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
