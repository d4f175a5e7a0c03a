import "server-only";
import { API_OPERATIONS } from "./api-operations";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi-document";
import packageJson from "@/package.json";

let built: OpenApiDocument | null = null;

/** kobuild's OpenAPI document, built once per process (it depends on the code alone). */
export function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument(API_OPERATIONS, packageJson.version);
  return built;
}
