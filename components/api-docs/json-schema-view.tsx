import type { ReactNode } from "react";

// A JSON Schema (2020-12, as the OpenAPI document carries it) read as a
// nested list of fields: name, type, whether it is required, and what it means.

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  items?: JsonSchema | false;
  /** A tuple's items, in order (the items after them are refused: `items: false`). */
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  description?: string;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  default?: unknown;
  contentMediaType?: string;
};

const MAX_DEPTH = 6;

/** The name a `$ref` points at: `#/components/schemas/Build` is Build. */
export function refName(ref: string): string {
  return ref.split("/").pop() ?? ref;
}

/** A schema's type in a few words: `string`, `integer or null`, `Build[]`, `"a" | "b"`. */
export function typeLabel(schema: JsonSchema): ReactNode {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#schema-${name}`} className="text-blue-700 underline dark:text-blue-300">
        {name}
      </a>
    );
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) {
    return variants.map((v, i) => (
      <span key={i}>
        {i > 0 ? " or " : null}
        {typeLabel(v)}
      </span>
    ));
  }
  if (schema.type === "array" && schema.prefixItems) {
    return (
      <>
        [
        {schema.prefixItems.map((item, i) => (
          <span key={i}>
            {i > 0 ? ", " : null}
            {typeLabel(item)}
          </span>
        ))}
        ]
      </>
    );
  }
  if (schema.type === "array" && schema.items) return <>{typeLabel(schema.items)}[]</>;
  if (Array.isArray(schema.type)) return schema.type.join(" or ");
  if (schema.type === "object" && !schema.properties && typeof schema.additionalProperties === "object") return <>map of {typeLabel(schema.additionalProperties)}</>;
  return schema.type ?? (schema.properties ? "object" : "any");
}

function limits(schema: JsonSchema): string[] {
  const said: string[] = [];
  if (schema.format) said.push(schema.format);
  // z.number().int() bounds every integer by the safe range: no news to a reader.
  if (schema.minimum !== undefined && schema.minimum > -Number.MAX_SAFE_INTEGER) said.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined && schema.maximum < Number.MAX_SAFE_INTEGER) said.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 0) said.push(`at least ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) said.push(`at most ${schema.maxLength} characters`);
  if (schema.maxItems !== undefined) said.push(`at most ${schema.maxItems} items`);
  if (schema.pattern && !schema.format) said.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) said.push(`default ${JSON.stringify(schema.default)}`);
  return said;
}

/** The fields of an object schema (through arrays and variants), or nothing for a leaf. */
function fieldsOf(schema: JsonSchema): JsonSchema[] {
  if (schema.properties) return [schema];
  if (schema.type === "array" && schema.items) return fieldsOf(schema.items);
  return (schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []).flatMap(fieldsOf);
}

/** A schema as a nested list of its fields. */
export function JsonSchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const objects = fieldsOf(schema);
  if (objects.length === 0 || depth > MAX_DEPTH) {
    return (
      <p className="font-mono text-xs">
        {typeLabel(schema)}
        {limits(schema).length ? <span className="text-slate-600 dark:text-slate-400"> ({limits(schema).join(", ")})</span> : null}
      </p>
    );
  }
  return (
    <>
      {objects.map((object, i) => (
        <div key={i}>
          {objects.length > 1 ? <p className="mt-1 text-xs font-semibold text-slate-600 dark:text-slate-400">{i === 0 ? "one of:" : "or:"}</p> : null}
          <ul className="space-y-1 border-l border-slate-200 pl-3 dark:border-slate-700">
            {Object.entries(object.properties ?? {}).map(([name, field]) => (
              <li key={name} className="text-xs">
                <span className="font-mono font-semibold">{name}</span>
                {object.required?.includes(name) ? null : <span className="text-slate-600 dark:text-slate-400"> (optional)</span>}
                <span className="font-mono"> {typeLabel(field)}</span>
                {limits(field).length ? <span className="text-slate-600 dark:text-slate-400"> ({limits(field).join(", ")})</span> : null}
                {field.description ? <span className="text-slate-700 dark:text-slate-300"> — {field.description}</span> : null}
                {fieldsOf(field).length ? <JsonSchemaView schema={field} depth={depth + 1} /> : null}
              </li>
            ))}
            {object.properties && Object.keys(object.properties).length === 0 ? <li className="text-xs text-slate-600 dark:text-slate-400">(no fields)</li> : null}
          </ul>
        </div>
      ))}
    </>
  );
}
