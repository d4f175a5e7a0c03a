import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Failures" };

export default function FailuresPage() {
  return (
    <>
      <PageHeader title="Failures" description="Failure logs from /FAILURES, grouped by their first error." />
      <EmptyState title="No failures recorded">Failed drivers of finished builds are listed here, grouped by error signature.</EmptyState>
    </>
  );
}
