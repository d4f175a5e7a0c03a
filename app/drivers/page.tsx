import Link from "next/link";
import { DriverLookupForm } from "@/components/drivers/driver-lookup";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { requirePage } from "@/lib/auth/page-guard";
import { listLookupImages } from "@/lib/drivers/lookup-drivers";
import { MAX_LOOKUP_LINES } from "@/lib/drivers/kernel-release";

export const dynamic = "force-dynamic";
export const metadata = { title: "Find a driver" };

const description =
  "A node runs a kernel: is there a driver for it, and if not, why? Paste one uname -r or a whole fleet's, one per line: each kernel gets what a driver image holds for it per module version and flavour (built, failed with its log, unavailable, blocklisted) or, without a bundle, the nearest kernels that have one.";

export default async function DriversPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const search = await searchParams;
  const images = listLookupImages().map(({ id, ref, dockerId }) => ({ id, ref, dockerId }));
  if (images.length === 0) {
    return (
      <>
        <PageHeader title="Find a driver" description={description} />
        <EmptyState title="No driver image yet">
          A lookup answers from a driver image kobuild has read: <Link href="/builds/new" className="underline">build one</Link> or inspect one on the{" "}
          <Link href="/images" className="underline">Images</Link> page.
        </EmptyState>
      </>
    );
  }
  const kernel = typeof search.kernel === "string" ? search.kernel.split(/\r?\n/).slice(0, MAX_LOOKUP_LINES).join("\n") : "";
  return (
    <>
      <PageHeader title="Find a driver" description={description} />
      <DriverLookupForm images={images} initialKernels={kernel} />
    </>
  );
}
