import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Bundles" };

export default function BundlesPage() {
  return (
    <>
      <PageHeader title="Bundles" description="Kernel header bundles: one bundle-<kernel>.tgz per kernel to build drivers for." />
      <EmptyState title="No bundles yet" />
    </>
  );
}
