import { recordAudit } from "@/lib/auth/audit";
import { listBundlesQuerySchema, uploadBundlesQuerySchema } from "@/lib/bundles/bundle-schemas";
import { listBundles } from "@/lib/bundles/list-bundles";
import { receiveBundleUploads } from "@/lib/bundles/receive-bundle-uploads";
import { httpStatusOf } from "@/lib/http/api-error";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route({}, ({ request }) => {
  const filter = listBundlesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json({ bundles: listBundles(filter) });
});

/** One or more bundle-<kernel>.tgz files as multipart/form-data; each gets its own result. `?replace=1` replaces stored bundles of the same kernels. */
export const POST = route({}, async ({ request, principal }) => {
  const { replace } = uploadBundlesQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  // Each refused file gets the HTTP status its refusal would have alone.
  const results = (await receiveBundleUploads(request, { replace })).map((r) => {
    if (r.status !== "rejected") return r;
    const { code, ...rest } = r;
    return { ...rest, httpStatus: httpStatusOf(code) };
  });
  for (const r of results) {
    if (r.status === "replaced" && principal) recordAudit({ actor: principal.name, action: "replace bundle", target: `${r.bundle.kernel}: sha256 ${r.previous.sha256} → ${r.bundle.sha256}` });
  }
  const rejected = results.filter((r) => r.status === "rejected");
  // All refused: the first file's own status (413, 422, 409, 507) says why.
  if (rejected.length === results.length) return Response.json({ error: rejected[0]!.error, results }, { status: rejected[0]!.httpStatus });
  return Response.json({ results }, { status: results.some((r) => r.status === "stored" || r.status === "replaced") ? 201 : 200 });
});
