import { route } from "@/lib/http/route";
import { openApiDocument } from "@/lib/http/api-contract/openapi";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 document: what every route takes and answers, for viewers and above like the rest of the API. */
export const GET = route({}, () => Response.json(openApiDocument()));
