import Link from "next/link";
import { EmptyState } from "@/components/empty-state";
import { formatDate } from "@/components/format";
import { PageHeader } from "@/components/page-header";
import { listBuilds } from "@/lib/builds/list-builds";

export const dynamic = "force-dynamic";
export const metadata = { title: "Builds" };

export default function BuildsPage() {
  const { rows: list } = listBuilds();
  const rows = list.map((r) => r.build);
  return (
    <>
      <PageHeader title="Builds" description="Every driver build and image operation, newest first." />
      {rows.length === 0 ? (
        <EmptyState title="No builds yet">
          A build runs a workspace&apos;s dockerized Dockerfile over the stored bundles. Start one with{" "}
          <code className="font-mono">POST /api/builds</code> (see the README); the build form comes next.
        </EmptyState>
      ) : (
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300 dark:border-slate-700">
              <th className="py-2 pr-4">Build</th>
              <th className="py-2 pr-4">Status</th>
              <th className="py-2 pr-4">Branch</th>
              <th className="py-2 pr-4">Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id} className="border-b border-slate-200 dark:border-slate-800">
                <td className="py-2 pr-4 font-mono">
                  <Link href={`/builds/${b.id}`} className="text-blue-800 underline-offset-2 hover:underline dark:text-blue-300">
                    #{b.id}
                  </Link>
                </td>
                <td className="py-2 pr-4">{b.status}</td>
                <td className="py-2 pr-4">{b.branch}</td>
                <td className="py-2 pr-4">{formatDate(b.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
