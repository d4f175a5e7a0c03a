import { ApiReference } from "@/components/api-docs/api-reference";
import { PageHeader } from "@/components/page-header";
import { requirePage } from "@/lib/auth/page-guard";
import { openApiDocument } from "@/lib/http/api-contract/openapi";

export const dynamic = "force-dynamic";
export const metadata = { title: "API" };

export default async function ApiDocsPage() {
  await requirePage();
  const document = openApiDocument();
  return (
    <>
      <PageHeader
        title="HTTP API"
        description={
          <>
            Every route of kobuild&apos;s API with the role it needs, what it takes and what it answers. Send an API token as <code>Authorization: Bearer kbt_…</code>; errors are JSON <code>{"{error, code}"}</code>. The same description as an OpenAPI 3.1 document:{" "}
            <a href="/api/openapi.json" className="text-blue-700 underline dark:text-blue-300">
              /api/openapi.json
            </a>
            .
          </>
        }
      />
      <ApiReference document={document} />
    </>
  );
}
