import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Coverage" };

export default function CoveragePage() {
  return (
    <>
      <PageHeader title="Coverage" description="Kernel × module version coverage per flavour: built, failed, unavailable, blocklisted, cached or missing." />
      <EmptyState title="The coverage grid is not here yet">kobuild already stores every driver, marker and failure of a finished build&apos;s image; the grid that shows them comes next.</EmptyState>
    </>
  );
}
