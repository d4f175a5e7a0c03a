import fs from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "./openapi";
import { HTTP_METHODS } from "./operation";

const apiDir = path.resolve(__dirname, "../../../app/api");

/** Every route file under app/api with the HTTP methods it exports and the role each asks of `route()`. */
function routeFiles() {
  const found: { file: string; path: string; method: string; role: string; params: boolean }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        const apiPath = "/api/" + path.relative(apiDir, dir).split(path.sep).map((part) => part.replace(/^\[(.+)\]$/, "{$1}")).join("/");
        for (const match of source.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b(?: = route\(\{([^}]*)\})?/g)) {
          const method = match[1]!;
          const options = match[2] ?? "";
          const role = /role: "(\w+)"/.exec(options)?.[1] ?? (method === "GET" ? "viewer" : "operator");
          found.push({ file: path.relative(path.resolve(apiDir, "../.."), full), path: apiPath, method, role, params: /\bparams\b/.test(options) });
        }
      }
    }
  };
  walk(apiDir);
  return found;
}

describe("the OpenAPI document", () => {
  const document = openApiDocument();
  const routes = routeFiles();

  it("has an operation for every method every route file exports", () => {
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => !document.paths[r.path]?.[r.method.toLowerCase()]).map((r) => `${r.file}: ${r.method} ${r.path}`);
    expect(missing, "route methods the document does not describe").toEqual([]);
  });

  it("describes no operation that no route file exports", () => {
    const exported = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const described = Object.entries(document.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(described.filter((d) => !exported.has(d)), "operations without a route").toEqual([]);
    expect(described.every((d) => (HTTP_METHODS as readonly string[]).includes(d.split(" ")[0]!))).toBe(true);
  });

  it("names for each operation the role its route checks, and its path parameters", () => {
    const wrong = routes.flatMap((r) => {
      const operation = document.paths[r.path]?.[r.method.toLowerCase()];
      if (!operation) return [];
      const problems: string[] = [];
      if (operation["x-kobuild-role"] !== r.role) problems.push(`${r.file} ${r.method}: route asks ${r.role}, document says ${operation["x-kobuild-role"]}`);
      const documented = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name).sort();
      const template = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      if (JSON.stringify(documented) !== JSON.stringify(template)) problems.push(`${r.file} ${r.method}: path parameters ${documented.join(",")} for ${r.path}`);
      if (r.params !== template.length > 0) problems.push(`${r.file} ${r.method}: parses params ${r.params} but the path has ${template.length}`);
      return problems;
    });
    expect(wrong).toEqual([]);
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 1)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    // Compiling the OpenAPI meta-schema takes a while on a busy machine.
  }, 60_000);

  it("describes the fields of every JSON answer: none is left undescribed", () => {
    const undescribed = Object.entries(document.paths).flatMap(([p, ops]) =>
      Object.entries(ops).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([, response]) => response["x-kobuild-undescribed"] || (response.content?.["application/json"] && Object.keys(response.content["application/json"].schema).length === 0))
          .map(([status]) => `${method.toUpperCase()} ${p} ${status}`),
      ),
    );
    expect(undescribed, "answers without a schema: give each an answer schema in lib/http/api-contract").toEqual([]);
  });

  it("names the media type of every answer that is not JSON", () => {
    const coverage = document.paths["/api/builds/{id}/coverage"]!.get!.responses["200"]!.content!;
    expect(Object.keys(coverage).sort()).toEqual(["application/json", "text/csv"]);
    expect(Object.keys(document.paths["/api/images/{id}/provenance"]!.get!.responses["200"]!.content!)).toEqual(["application/jsonl"]);
    expect(Object.keys(document.paths["/api/images/{id}/driver/download"]!.get!.responses["200"]!.content!)).toEqual(["application/gzip"]);
  });

  it("tells clients how to sign in, and every refusal's shape", () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearerToken", "sessionCookie"]);
    expect(document.components.schemas.Error).toMatchObject({ type: "object", required: ["error", "code"] });
    const health = document.paths["/api/health"]!.get!;
    expect(health.security).toEqual([]);
    const cancel = document.paths["/api/builds/{id}/cancel"]!.post!;
    expect(Object.keys(cancel.responses).sort()).toEqual(["202", "400", "401", "403", "404", "409"]);
    expect(cancel.responses["409"]!.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/Error" });
  });

  it("describes request bodies from the schemas the routes parse with", () => {
    const users = document.paths["/api/users"]!.post!;
    const body = users.requestBody!.content["application/json"]!.schema as { properties: Record<string, { enum?: string[] }>; required: string[]; additionalProperties: boolean };
    expect(body.properties.role!.enum).toEqual(["viewer", "operator", "admin"]);
    expect(body.required).toEqual(["name", "role"]);
    expect(body.additionalProperties).toBe(false);
  });
});
