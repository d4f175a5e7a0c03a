import Link from "next/link";
import { redirect } from "next/navigation";
import { CommitText } from "@/components/build/commit-text";
import { CoverageGrid } from "@/components/coverage/coverage-grid";
import { SubjectPicker } from "@/components/coverage/subject-picker";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { getCoverageView } from "@/lib/coverage/coverage-view";
import { listCoverageSubjects, subjectFromSearch } from "@/lib/coverage/list-subjects";
import { ApiError } from "@/lib/http/api-error";
import { requirePage } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "Coverage" };

const description = "Every kernel × module version × flavour of a build or a driver image, with what became of it: built, cached, failed, unavailable, blocklisted, missing or not planned.";

export default async function CoveragePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage();
  const search = await searchParams;
  const subjects = listCoverageSubjects();
  const ref = subjectFromSearch(search);
  if (!ref) {
    if (subjects.latest) redirect(`/coverage?${subjects.latest.kind}=${subjects.latest.id}`);
    return (
      <>
        <PageHeader title="Coverage" description={description} />
        <EmptyState title="Nothing to show yet">
          Coverage comes from a finished build or a driver image. <Link href="/builds/new" className="underline">Start a build</Link>, or read an image with{" "}
          <code className="font-mono">POST /api/images/inspect</code>.
        </EmptyState>
      </>
    );
  }
  let view: ReturnType<typeof getCoverageView>;
  try {
    view = getCoverageView(ref);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    return (
      <>
        <PageHeader title="Coverage" description={description} />
        <EmptyState title={`No ${ref.kind} ${ref.id}`}>
          <Link href="/coverage" className="underline">Show the latest coverage</Link>
        </EmptyState>
      </>
    );
  }
  const { subject } = view;
  const key = `${ref.kind}:${ref.id}`;
  const imageId = subject.kind === "build" ? (subject.image?.id ?? null) : subject.id;
  const title = subject.kind === "build" ? `Coverage of build #${subject.id}` : `Coverage of ${subject.ref ?? `image ${subject.id}`}`;
  const detail =
    subject.kind === "build" ? (
      <>
        <Link className="underline" href={`/builds/${subject.id}`}>
          build #{subject.id}
        </Link>{" "}
        of <span className="font-mono">{subject.branch}</span>
        {subject.commit ? (
          <>
            {" "}at <CommitText commit={subject.commit} dirty={subject.commitDirty} />
          </>
        ) : null}{" "}
        ({subject.status}){subject.image ? <>, image <span className="font-mono">{subject.image.ref ?? subject.image.dockerId.slice(7, 19)}</span></> : ", no image yet"}
      </>
    ) : (
      <>
        image <span className="font-mono">{subject.dockerId.slice(7, 19)}</span>
        {subject.builds.length ? <>, made by build {subject.builds.map((b) => `#${b}`).join(", ")}</> : null}
      </>
    );
  return (
    <>
      <PageHeader
        title={title}
        description={<>{description} Showing {detail}.</>}
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <SubjectPicker label="Show" current={key} builds={subjects.builds} images={subjects.images} basePath="/coverage" />
            <Link className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700" href={`/coverage/compare?to=${key}`}>
              Compare…
            </Link>
            <Link className="rounded-md border border-slate-300 px-3 py-1.5 text-sm dark:border-slate-700" href={`/failures?${ref.kind}=${ref.id}`}>
              Failures
            </Link>
          </div>
        }
      />
      <CoverageGrid
        key={key}
        source={`/api/${ref.kind === "build" ? "builds" : "images"}/${ref.id}/coverage`}
        initial={view}
        imageId={imageId}
        live={subject.kind === "build" && (subject.status === "running" || subject.status === "queued")}
        failuresHref={`/failures?${ref.kind}=${ref.id}`}
        exportName={`coverage-${ref.kind}-${ref.id}`}
      />
    </>
  );
}
