import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Images" };

export default function ImagesPage() {
  return (
    <>
      <PageHeader title="Images" description="Driver images: build results, merges, squashes and full collector images." />
      <EmptyState title="The image list is not here yet">Each finished build&apos;s result image is named in its API answer (GET /api/builds/:id); merge, squash and the collector image come next.</EmptyState>
    </>
  );
}
