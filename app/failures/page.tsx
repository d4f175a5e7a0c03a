import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Failures" };

export default function FailuresPage() {
  return (
    <>
      <PageHeader title="Failures" description="Failure logs from the images' /FAILURES, grouped by their first error." />
      <EmptyState title="Failure triage is not here yet">Failure logs of finished builds are stored already; until this page groups them, a build&apos;s log holds each failed task&apos;s first error lines.</EmptyState>
    </>
  );
}
