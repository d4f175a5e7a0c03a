import type { OpenApiDocument, OpenApiOperation } from "@/lib/http/api-contract/openapi-document";
import { JsonSchemaView, type JsonSchema } from "./json-schema-view";

// Method badges differ by their word first; the colours only help the eye.
const METHOD_STYLES: Record<string, string> = {
  get: "bg-sky-100 text-sky-900 ring-sky-300 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800",
  post: "bg-amber-100 text-amber-900 ring-amber-300 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800",
  put: "bg-violet-100 text-violet-900 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
  patch: "bg-violet-100 text-violet-900 ring-violet-300 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-800",
  delete: "bg-slate-800 text-white ring-slate-800 dark:bg-slate-200 dark:text-slate-900 dark:ring-slate-200",
};

const ROLE_WORDS: Record<string, string> = { public: "anyone", viewer: "viewer", operator: "operator", admin: "admin" };

type Entry = { path: string; method: string; operation: OpenApiOperation };

/** The API's OpenAPI document, read as a page: operations by area, each opening to its inputs, answers and errors. */
export function ApiReference({ document }: { document: OpenApiDocument }) {
  const entries: Entry[] = Object.entries(document.paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => ({ path, method, operation })));
  const byTag = document.tags.map((tag) => ({ ...tag, entries: entries.filter((e) => e.operation.tags.includes(tag.name)) }));
  return (
    <div className="space-y-8">
      <nav aria-label="API areas" className="flex flex-wrap gap-2 text-sm">
        {byTag.map((tag) => (
          <a key={tag.name} href={`#tag-${tag.name}`} className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
            {tag.name} <span className="text-slate-600 dark:text-slate-400">({tag.entries.length})</span>
          </a>
        ))}
        <a href="#schemas" className="rounded-md border border-slate-300 px-2 py-1 hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">
          Schemas
        </a>
      </nav>
      {byTag.map((tag) => (
        <section key={tag.name} id={`tag-${tag.name}`} aria-labelledby={`tag-${tag.name}-title`}>
          <h2 id={`tag-${tag.name}-title`} className="text-lg font-semibold">
            {tag.name}
          </h2>
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">{tag.description}</p>
          <ul className="space-y-2">
            {tag.entries.map((entry) => (
              <li key={`${entry.method} ${entry.path}`}>
                <OperationView {...entry} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      <section id="schemas" aria-labelledby="schemas-title">
        <h2 id="schemas-title" className="text-lg font-semibold">
          Schemas
        </h2>
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">The shapes several operations share.</p>
        <ul className="space-y-2">
          {Object.entries(document.components.schemas).map(([name, schema]) => (
            <li key={name} id={`schema-${name}`} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
              <h3 className="font-mono text-sm font-semibold">{name}</h3>
              {(schema as JsonSchema).description ? <p className="mb-1 text-xs text-slate-700 dark:text-slate-300">{(schema as JsonSchema).description}</p> : null}
              <JsonSchemaView schema={schema as JsonSchema} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function OperationView({ path, method, operation }: Entry) {
  const params = operation.parameters ?? [];
  const body = operation.requestBody;
  return (
    <details id={operation.operationId} className="group rounded-md border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 focus-visible:outline-2 focus-visible:outline-blue-600">
        <span className={`w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs font-bold uppercase ring-1 ${METHOD_STYLES[method] ?? ""}`}>{method}</span>
        <code className="font-mono text-sm font-semibold">{path}</code>
        <span className="text-sm text-slate-700 dark:text-slate-300">{operation.summary}</span>
        <span className="ml-auto rounded-full border border-slate-300 px-2 text-xs text-slate-700 dark:border-slate-600 dark:text-slate-300">role: {ROLE_WORDS[operation["x-kobuild-role"]]}</span>
      </summary>
      <div className="space-y-4 border-t border-slate-200 px-3 py-3 text-sm dark:border-slate-800">
        {operation.description.split("\n\n").map((paragraph, i) => (
          <p key={i} className="max-w-3xl text-slate-700 dark:text-slate-300">
            {paragraph}
          </p>
        ))}
        {params.length ? (
          <div>
            <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Parameters</h4>
            <table className="w-full max-w-4xl text-left text-xs">
              <thead>
                <tr className="border-b border-slate-200 dark:border-slate-700">
                  <th scope="col" className="py-1 pr-3">Name</th>
                  <th scope="col" className="py-1 pr-3">In</th>
                  <th scope="col" className="py-1">Schema</th>
                </tr>
              </thead>
              <tbody>
                {params.map((p) => (
                  <tr key={`${p.in}-${p.name}`} className="border-b border-slate-100 align-top dark:border-slate-800">
                    <td className="py-1 pr-3 font-mono font-semibold">
                      {p.name}
                      {p.required ? null : <span className="font-sans font-normal text-slate-600 dark:text-slate-400"> (optional)</span>}
                    </td>
                    <td className="py-1 pr-3">{p.in}</td>
                    <td className="py-1">
                      <JsonSchemaView schema={p.schema as JsonSchema} />
                      {p.description ? <p className="text-slate-700 dark:text-slate-300">{p.description}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {body ? (
          <div>
            <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Request body</h4>
            {body.description ? <p className="mb-1 text-xs">{body.description}</p> : null}
            {Object.entries(body.content).map(([media, { schema }]) => (
              <div key={media}>
                <p className="font-mono text-xs text-slate-600 dark:text-slate-400">{media}</p>
                <JsonSchemaView schema={schema as JsonSchema} />
              </div>
            ))}
          </div>
        ) : null}
        <div>
          <h4 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400">Answers</h4>
          <ul className="space-y-2">
            {Object.entries(operation.responses).map(([status, answer]) => (
              <li key={status} className="text-xs">
                <span className={`mr-2 inline-block w-10 rounded px-1 text-center font-mono font-bold ring-1 ${Number(status) < 400 ? "ring-slate-400" : "bg-slate-100 ring-slate-300 dark:bg-slate-800 dark:ring-slate-600"}`}>{status}</span>
                {answer.description}
                {Object.entries(answer.content ?? {}).map(([media, { schema }]) => (
                  <div key={media} className="mt-1 ml-12">
                    <p className="font-mono text-slate-600 dark:text-slate-400">{media}</p>
                    {Object.keys(schema).length ? <JsonSchemaView schema={schema as JsonSchema} /> : null}
                    {answer["x-kobuild-undescribed"] ? <p className="text-slate-600 dark:text-slate-400">Its fields are not described here yet (see README).</p> : null}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </details>
  );
}
