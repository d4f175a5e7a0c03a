import { z } from "zod";
import { DOMAIN_ERROR_CODES, type DomainErrorCode } from "@/lib/domain-error";
import { httpStatusOf } from "@/lib/http/api-error";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { errorAnswerSchema } from "./answer-schemas";
import { MEDIA, type Operation, type OperationGroup } from "./operation";

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  security: Record<string, string[]>[];
};
export type OpenApiOperation = {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  "x-kobuild-role": Operation["role"];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: "path" | "query"; required: boolean; description?: string; schema: JsonSchema }[];
  requestBody?: { required: boolean; description?: string; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }>; "x-kobuild-undescribed"?: true }>;
};

const REF_PREFIX = "#/components/schemas/";

/**
 * The OpenAPI 3.1 document of kobuild's API, made from the zod schemas the
 * routes parse with (request side: what they accept) and the answer schemas
 * (what they send). Schemas named with `.meta({id})` become components.
 */
export function buildOpenApiDocument(groups: OperationGroup[], version: string): OpenApiDocument {
  const components: Record<string, JsonSchema> = {};
  const toSchema = (schema: z.ZodType, io: "input" | "output") => jsonSchemaOf(schema, io, components);
  toSchema(errorAnswerSchema, "output");

  const paths: OpenApiDocument["paths"] = {};
  for (const group of groups) {
    for (const operation of group.operations) {
      const entry = (paths[operation.path] ??= {});
      const method = operation.method.toLowerCase();
      if (entry[method]) throw new Error(`${operation.method} ${operation.path} is described twice`);
      entry[method] = describeOperation(operation, group.tag, toSchema);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "kobuild",
      version,
      description:
        "The HTTP API of kobuild, the dashboard for dockerized kernel driver builds. Every operation names the least role it needs (`x-kobuild-role`): a viewer reads, an operator changes, an admin manages access and settings. Errors are JSON `{error, code}`.",
    },
    tags: groups.map((g) => ({ name: g.tag, description: g.description })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "An API token (`kbt_…`), made by an admin with `POST /api/tokens` or on Settings." },
        sessionCookie: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "The browser's session, started by signing in (`POST /api/session`). A change sent with it must come from the dashboard's own origin." },
      },
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
  };
}

function describeOperation(operation: Operation, tag: string, toSchema: (schema: z.ZodType, io: "input" | "output") => JsonSchema): OpenApiOperation {
  const parameters = [...parametersOf(operation.params, "path", toSchema), ...parametersOf(operation.query, "query", toSchema)];
  const described: OpenApiOperation = {
    operationId: operationIdOf(operation),
    tags: [tag],
    summary: operation.summary,
    description: [roleSentence(operation.role), operation.description].filter(Boolean).join("\n\n"),
    "x-kobuild-role": operation.role,
    responses: {},
  };
  if (operation.role === "public") described.security = [];
  if (parameters.length) described.parameters = parameters;
  if (operation.body) described.requestBody = { required: true, content: { [MEDIA.json]: { schema: toSchema(operation.body, "input") } } };
  else if (operation.rawBody) {
    described.requestBody = { required: true, description: operation.rawBody.description, content: { [operation.rawBody.media]: { schema: rawSchemaOf(operation.rawBody.media) } } };
  }
  for (const answer of operation.answers) {
    const media = answer.media ?? MEDIA.json;
    const content: Record<string, { schema: JsonSchema }> = {};
    content[media] = { schema: answer.schema ? toSchema(answer.schema, "output") : rawSchemaOf(media) };
    for (const other of answer.alternatives ?? []) content[other] = { schema: rawSchemaOf(other) };
    described.responses[String(answer.status)] = {
      description: answer.description,
      ...(answer.status === 204 ? {} : { content }),
      ...(media === MEDIA.json && !answer.schema && answer.status !== 204 ? { "x-kobuild-undescribed": true as const } : {}),
    };
  }
  for (const [status, codes] of errorStatusesOf(operation)) {
    described.responses[String(status)] ??= {
      description: `${codes.join(", ")}: ${codes.map(errorMeaning).join("; ")}`,
      content: { [MEDIA.json]: { schema: { $ref: `${REF_PREFIX}Error` } } },
    };
  }
  return described;
}

/** The errors an operation may answer: those its role and inputs imply, and the ones it lists. */
function errorStatusesOf(operation: Operation): [number, DomainErrorCode[]][] {
  const codes = new Set<DomainErrorCode>(operation.errors ?? []);
  if (operation.role !== "public") ["unauthorized", "forbidden"].forEach((c) => codes.add(c as DomainErrorCode));
  if (operation.params) ["bad_request", "not_found"].forEach((c) => codes.add(c as DomainErrorCode));
  if (operation.query) codes.add("bad_request");
  if (operation.body) ["bad_request", "payload_too_large", "unsupported_media_type"].forEach((c) => codes.add(c as DomainErrorCode));
  const byStatus = new Map<number, DomainErrorCode[]>();
  for (const code of DOMAIN_ERROR_CODES) {
    if (!codes.has(code)) continue;
    const status = httpStatusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].sort(([a], [b]) => a - b);
}

const ERROR_MEANINGS: Record<DomainErrorCode, string> = {
  bad_request: "input that does not fit (the message names the field)",
  unauthorized: "no session or API token, or one that is not valid",
  forbidden: "too small a role, or a change sent by a page of another origin",
  not_found: "no such record",
  conflict: "the request fights what is stored",
  payload_too_large: "the body is over its cap",
  unsupported_media_type: "a body that is not JSON",
  unprocessable: "well-formed, yet unusable",
  too_many_requests: "too many attempts or streams; Retry-After says when to try again",
  insufficient_storage: "the disk kobuild stores to is full",
  engine_unavailable: "the Docker engine does not answer",
  shutting_down: "the dashboard is stopping and takes no new work; Retry-After says when to try again",
  bad_gateway: "a registry, git remote or other server failed or did not answer",
  internal: "an unexpected error (logged on the server, never shown)",
};
const errorMeaning = (code: DomainErrorCode) => ERROR_MEANINGS[code];

function roleSentence(role: Operation["role"]): string {
  return role === "public" ? "Open to anyone: no session or token needed." : `Needs ${role === "viewer" ? "a viewer" : role === "operator" ? "an operator" : "an admin"} or above.`;
}

function operationIdOf({ method, path }: Operation): string {
  const words = path
    .replace(/^\/api\//, "")
    .split(/[/.-]/)
    .filter(Boolean)
    .map((part) => (part.startsWith("{") ? `By${capital(part.slice(1, -1))}` : capital(part)));
  return method.toLowerCase() + words.join("");
}
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

function parametersOf(schema: z.ZodType | undefined, where: "path" | "query", toSchema: (schema: z.ZodType, io: "input" | "output") => JsonSchema) {
  if (!schema) return [];
  const object = toSchema(schema, "input") as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as JsonSchema & { description?: string };
    return { name, in: where, required: where === "path" || (object.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

function rawSchemaOf(media: string): JsonSchema {
  if (media === MEDIA.gzip) return { type: "string", contentMediaType: MEDIA.gzip, description: "The file's bytes." };
  if (media === MEDIA.multipart) {
    return { type: "object", properties: { file: { type: "array", items: { type: "string", contentMediaType: "application/gzip" } } }, description: "One or more `bundle-<kernel>.tgz` files." };
  }
  if (media === MEDIA.json) return {};
  return { type: "string" };
}

/**
 * One zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect): schemas with
 * an id go to `components` (once per id; the same id must mean the same
 * schema) and are referred to from there.
 */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output", components: Record<string, JsonSchema>): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: "draft-2020-12", unrepresentable: "any", io, reused: "inline" }) as JsonSchema;
  const rewritten = rewriteRefs(converted) as JsonSchema;
  const { $defs, id, ...rest } = rewritten as JsonSchema & { $defs?: Record<string, JsonSchema>; id?: string };
  delete rest.$schema;
  for (const [name, definition] of Object.entries($defs ?? {})) keepComponent(components, name, definition);
  if (typeof id === "string") {
    keepComponent(components, id, rest);
    return { $ref: `${REF_PREFIX}${id}` };
  }
  return rest;
}

function keepComponent(components: Record<string, JsonSchema>, name: string, definition: JsonSchema) {
  const body = { ...definition };
  delete body.id;
  const known = components[name];
  if (known && JSON.stringify(known) !== JSON.stringify(body)) throw new Error(`the schema id ${name} names two different schemas`);
  components[name] = body;
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, key === "$ref" && typeof inner === "string" ? inner.replace(/^#\/\$defs\//, REF_PREFIX) : rewriteRefs(inner)]),
    );
  }
  return value;
}
