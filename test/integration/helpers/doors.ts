import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { repoRoot } from "./driver-build";

// The doors of the dashboard, found in its sources and its build rather than
// listed by hand: route files and the HTTP methods they export, pages, and
// server actions with the ids the built app gives them.

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

function walk(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, name);
    return entry.name === name ? [path.relative(repoRoot, full)] : [];
  });
}

/** `app/api/builds/[id]/route.ts` -> `/api/builds/[id]`; `app/page.tsx` -> `/`. Route groups `(x)` leave no trace in the path. */
function pathOf(file: string): string {
  const segments = path.dirname(file).split(path.sep).slice(1).filter((s) => !/^\(.*\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** Fills every dynamic segment (`[id]`, `[...slug]`) with `value`. */
export function concretePath(pattern: string, value: string): string {
  return pattern.replace(/\[(?:\.\.\.)?[^\]]+\]/g, encodeURIComponent(value));
}

/** Every route file under app/api, with the HTTP methods its source exports. */
export function listRouteDoors(): { file: string; path: string; methods: HttpMethod[] }[] {
  return walk(path.join(repoRoot, "app", "api"), "route.ts")
    .sort()
    .map((file) => {
      const source = fs.readFileSync(path.join(repoRoot, file), "utf8");
      const exported = new Set([
        ...[...source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+([A-Z]+)\b/g)].map((m) => m[1]!),
        ...[...source.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/\bas\s+([A-Z]+)\b|^\s*([A-Z]+)\s*$/gm)].map((n) => n[1] ?? n[2]!)),
      ]);
      return { file, path: pathOf(file), methods: HTTP_METHODS.filter((m) => exported.has(m)) };
    });
}

/** Every page of the app: its file and its URL pattern. */
export function listPageDoors(): { file: string; path: string }[] {
  return walk(path.join(repoRoot, "app"), "page.tsx")
    .sort()
    .map((file) => ({ file, path: pathOf(file) }));
}

export type ServerAction = { id: string; key: string; filename: string; exportedName: string; page: string };

/** The server actions of the built app (`next build` writes their ids in its server reference manifest). */
export function listServerActions(): ServerAction[] {
  const file = path.join(repoRoot, ".next", "server", "server-reference-manifest.json");
  if (!fs.existsSync(file)) throw new Error("the dashboard is not built: run `npx next build` first");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }> };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const filename = entry.filename ?? "(unknown file)";
    const exportedName = entry.exportedName ?? "(inline)";
    const workers = Object.keys(entry.workers);
    // The page beside the actions' file when it has one: where the browser calls them from.
    const own = `${path.dirname(filename)}/page`;
    const worker = workers.includes(own) ? own : (workers.find((w) => !w.includes("/_")) ?? workers[0]!);
    return { id, key: `${filename}#${exportedName}`, filename, exportedName, page: concretePath(pathOf(`${worker}.tsx`), "999999") };
  });
}

/** `file#name` of every action a "use server" module under app/, components/ and lib/ exports (an async function, or one made by serverAction()). */
export function listUseServerExports(): string[] {
  const roots = ["app", "components", "lib"].map((d) => path.join(repoRoot, d));
  return roots
    .flatMap(walkSources)
    .filter((file) => /^\s*(["'])use server\1/.test(fs.readFileSync(path.join(repoRoot, file), "utf8")))
    .flatMap((file) => [...fs.readFileSync(path.join(repoRoot, file), "utf8").matchAll(/export\s+(?:async\s+function\s+(\w+)|const\s+(\w+)\s*=\s*serverAction\()/g)].map((m) => `${file}#${m[1] ?? m[2]}`))
    .sort();
}

function walkSources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walkSources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts") ? [path.relative(repoRoot, full)] : [];
  });
}

// The browser encodes a server action's arguments with React's encodeReply: a
// string of JSON for plain values, multipart form data when one is FormData.
const { encodeReply } = createRequire(import.meta.url)("next/dist/compiled/react-server-dom-webpack/client.node.js") as {
  encodeReply: (args: unknown[]) => Promise<string | FormData>;
};

export type ActionOutcome = { status: number; redirect: string | null; result: unknown; setCookies: string[] };

/** Calls a server action as the browser's router does: a POST to its page with `Next-Action`, answered in React's flight format. */
export async function callServerAction(baseUrl: string, action: ServerAction, args: unknown[], headers: Record<string, string> = {}): Promise<ActionOutcome> {
  const response = await fetch(`${baseUrl}${action.page}`, {
    method: "POST",
    redirect: "manual",
    headers: { accept: "text/x-component", "next-action": action.id, origin: baseUrl, ...headers },
    body: await encodeReply(args),
  });
  const redirect = response.headers.get("x-action-redirect")?.split(";")[0] ?? null;
  const text = await response.text();
  return { status: response.status, redirect, result: redirect ? null : actionResult(text), setCookies: response.headers.getSetCookie() };
}

/** The action's return value in a flight answer: row 0 is `{"a": "$@<row>", ...}`, the row it names holds the value. */
function actionResult(flight: string): unknown {
  const rows = new Map<string, string>();
  for (const line of flight.split("\n")) {
    const m = /^([0-9a-f]+):(.*)$/.exec(line);
    if (m) rows.set(m[1]!, m[2]!);
  }
  const root = rows.get("0");
  if (!root) return { unreadable: flight.slice(0, 300) };
  const a = (JSON.parse(root) as { a?: unknown }).a;
  const ref = typeof a === "string" ? /^\$@([0-9a-f]+)$/.exec(a) : null;
  if (!ref) return a;
  const row = rows.get(ref[1]!);
  return row === undefined ? { unreadable: flight.slice(0, 300) } : (JSON.parse(row) as unknown);
}
