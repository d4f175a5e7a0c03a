import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Images" };

export default function ImagesPage() {
  return (
    <>
      <PageHeader title="Images" description="Driver images" />
      <EmptyState title=" build results, merges, squashes and full collector images.">No driver images yet:Images that kobuild builds or reads are listed here.</EmptyState>
    </>
  );
}
