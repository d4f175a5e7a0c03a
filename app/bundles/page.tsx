import { EmptyState } from "@/components/empty-state";
import { formatBytes, formatDate } from "@/components/format";
import { PageHeader } from "@/components/page-header";
import { builderForKernel } from "@/lib/bundles/builder-for-kernel";
import { listBundles } from "@/lib/bundles/list-bundles";

export const dynamic = "force-dynamic";
export const metadata = { title: "Bundles" };

export default function BundlesPage() {
  const rows = listBundles({ sort: "version" });
  return (
    <>
      <PageHeader
        title="Bundles"
        description="Kernel header bundles (bundle-<kernel>.tgz): every build sends them in its context, and the builders compile one driver of each flavour per kernel and module version."
      />
      {rows.length === 0 ? (
        <EmptyState title="No bundles yet">
          Add the sample bundles with <code className="font-mono">npm run sample</code>.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Header bundles</caption>
            <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              <tr>
                <th scope="col" className="px-3 py-2">Kernel</th>
                <th scope="col" className="px-3 py-2">uname -r</th>
                <th scope="col" className="px-3 py-2">Distro</th>
                <th scope="col" className="px-3 py-2">Version</th>
                <th scope="col" className="px-3 py-2">Builder</th>
                <th scope="col" className="px-3 py-2 text-right">Size</th>
                <th scope="col" className="px-3 py-2">Added</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr key={b.id} className="border-t border-slate-200 dark:border-slate-800">
                  <th scope="row" className="px-3 py-2 font-mono font-normal">{b.kernel}</th>
                  <td className="px-3 py-2 font-mono">{b.uname}</td>
                  <td className="px-3 py-2">{b.distro}</td>
                  <td className="px-3 py-2 tabular-nums">{`${b.version}.${b.major}.${b.minor}`}</td>
                  <td className="px-3 py-2">{builderForKernel(b.kernel) === "rhel-7" ? "RHEL 7" : "RHEL 8"}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{formatBytes(b.size)}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDate(b.addedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
