import { buildIdParamsSchema } from "@/lib/builds/build-schemas";
import { cancelBuild } from "@/lib/builds/build-queue";
import { getBuildView } from "@/lib/builds/get-build";
import { DomainError } from "@/lib/domain-error";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = route({ params: buildIdParamsSchema }, ({ params }) => {
  const build = getBuildView(params.id);
  if (!cancelBuild(params.id)) throw new DomainError("conflict", `build ${params.id} has already ended (${build.status})`);
  return Response.json(getBuildView(params.id), { status: 202 });
});
