import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Coverage" };

export default function CoveragePage() {
  return (
    <>
      <PageHeader title="Coverage" description="Kernel × module version coverage, per flavour" />
      <EmptyState title=" built, failed, unavailable, blocklisted, cached or missing.">No driver image has been read yet:Coverage appears here once a build finishes and kobuild has read its image.</EmptyState>
    </>
  );
}
