import Link from "next/link";
import { z } from "zod";
import { BuildForm } from "@/components/build-form/build-form";
import { defaultBuildFormState, stateFromBuildOptions } from "@/components/build-form/build-form-state";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { getBuildView } from "@/lib/builds/get-build";
import { listBundles } from "@/lib/bundles/list-bundles";
import { listEngineRows } from "@/lib/engines/engine-store";
import { ApiError } from "@/lib/http/api-error";
import { listRegistries } from "@/lib/registries/registry-store";
import { describeWorkspaceRefs } from "@/lib/workspace/describe-workspace-refs";
import { listWorkspaces } from "@/lib/workspace/list-workspaces";
import { startBuildAction } from "./actions";
import { requirePage } from "@/lib/auth/page-guard";

export const dynamic = "force-dynamic";
export const metadata = { title: "New build" };

const searchSchema = z.object({
  workspace: z.coerce.number().int().positive().optional().catch(undefined),
  from: z.coerce.number().int().positive().optional().catch(undefined),
});

export default async function NewBuildPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePage("operator");
  const query = searchSchema.parse(await searchParams);
  const workspaces = listWorkspaces();
  const header = <PageHeader title="New build" description="Choose a workspace, a branch and the options; the plan on the right shows what the build will do before it starts." />;
  if (workspaces.length === 0) {
    return (
      <>
        {header}
        <EmptyState title="No workspace yet">
          A build needs a driver repository checkout. Register one with <code className="font-mono">POST /api/workspaces</code>, or add the sample with{" "}
          <code className="font-mono">npm run sample</code>.
        </EmptyState>
      </>
    );
  }
  let from: Awaited<ReturnType<typeof getBuildView>> | null = null;
  try {
    from = query.from ? getBuildView(query.from) : null;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  }
  const bundles = listBundles().map((b) => ({ id: b.id, kernel: b.kernel, uname: b.uname }));
  const workspaceId = workspaces.find((w) => w.id === (from?.workspace?.id ?? query.workspace))?.id ?? workspaces[0]!.id;
  const refs = await describeWorkspaceRefs(workspaceId);
  const defaults = defaultBuildFormState(workspaceId, refs.defaultBranch ?? "");
  const initial = from ? { ...defaults, ...stateFromBuildOptions(workspaceId, from.options, bundles) } : defaults;
  return (
    <>
      {header}
      {query.from && !from ? (
        <p role="alert" className="mb-4 text-sm">
          There is no build #{query.from} to repeat; the form shows the defaults. <Link href="/builds" className="underline">All builds</Link>
        </p>
      ) : null}
      <BuildForm
        workspaces={workspaces.map((w) => ({ id: w.id, name: w.name }))}
        initialRefs={{
          branches: refs.branches,
          tags: refs.tags,
          head: refs.head,
          defaultBranch: refs.defaultBranch,
          moduleVersion: refs.moduleVersion,
          releasedModuleVersions: refs.releasedModuleVersions,
          kernelVersions: refs.kernelVersions,
        }}
        bundles={bundles}
        initial={initial}
        from={from ? { id: from.id, hadCredentials: from.options.redhatCredentials === true } : null}
        registries={listRegistries().map((r) => ({ id: r.id, name: r.name, url: r.url }))}
        engines={listEngineRows().map((e) => e.name)}
        startBuild={startBuildAction}
      />
    </>
  );
}
