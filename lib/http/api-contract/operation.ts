import type { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import type { DomainErrorCode } from "@/lib/domain-error";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The media types kobuild answers with, besides JSON. */
export const MEDIA = {
  json: "application/json",
  ndjson: "application/x-ndjson",
  sse: "text/event-stream",
  csv: "text/csv",
  text: "text/plain",
  gzip: "application/gzip",
  multipart: "multipart/form-data",
  inToto: "application/vnd.in-toto+json",
  jsonl: "application/jsonl",
} as const;
export type MediaType = (typeof MEDIA)[keyof typeof MEDIA];

/**
 * One answer of an operation. `schema` is the zod schema of the JSON it
 * sends; without one the answer is JSON whose shape the contract does not
 * describe yet (`x-kobuild-undescribed`), or, for another media type, text
 * or bytes.
 */
export type Answer = {
  status: number;
  description: string;
  media?: MediaType;
  schema?: z.ZodType;
  /** Other media types the same status may answer with (`?format=`, `?download=`). */
  alternatives?: MediaType[];
};

/** One HTTP operation of the API, described from the schemas its route parses with. */
export type Operation = {
  method: HttpMethod;
  /** OpenAPI's form: `/api/builds/{id}`. */
  path: string;
  summary: string;
  description?: string;
  /** The least role that may call it; "public" for anyone. */
  role: Role | "public";
  /** The path parameters' schema, as the route parses them. */
  params?: z.ZodType;
  /** The query's schema, as the route parses `searchParams`. */
  query?: z.ZodType;
  /** A JSON body's schema, as the route parses it. */
  body?: z.ZodType;
  /** A body that is not JSON: its media type and a description of its parts. */
  rawBody?: { media: MediaType; description: string };
  answers: Answer[];
  /** Error codes this operation may answer besides those its inputs and role imply. */
  errors?: DomainErrorCode[];
};

/** A group of operations (one area of the API), as the document's tags list them. */
export type OperationGroup = { tag: string; description: string; operations: Operation[] };
