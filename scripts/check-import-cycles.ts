// Fails when the project's own modules import each other in a circle, type
// imports included: a circle means two modules that cannot be understood, tested
// or moved apart, and at run time one of them sees the other half-loaded.
// Imports are resolved as TypeScript resolves them (tsconfig paths included).
// Usage: tsx scripts/check-import-cycles.ts [folder ...] (default: app components lib)
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(__dirname, "..");
const folders = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["app", "components", "lib", "instrumentation.ts", "proxy.ts"];

const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);

function sourceFiles(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return (fs.readdirSync(full, { recursive: true }) as string[])
    .filter((p) => /\.tsx?$/.test(p) && !/\.(test|spec)\.tsx?$/.test(p) && !p.split(path.sep).includes("node_modules"))
    .map((p) => path.join(full, p));
}

function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  const out: string[] = [];
  for (const ref of info.importedFiles) {
    const resolved = ts.resolveModuleName(ref.fileName, file, options, ts.sys).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport) continue;
    const target = path.resolve(resolved.resolvedFileName);
    if (target.startsWith(root + path.sep) && !target.includes(`${path.sep}node_modules${path.sep}`)) out.push(target);
  }
  return out;
}

const files = folders.flatMap(sourceFiles);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

// Tarjan's strongly connected components: every component of more than one
// module (or a module importing itself) is a circle.
let index = 0;
const indexOf = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const circles: string[][] = [];

function visit(start: string): void {
  // Iterative, so that a deep import chain cannot overflow the stack.
  const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
  indexOf.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1]!;
    const edges = graph.get(frame.node) ?? [];
    if (frame.next < edges.length) {
      const to = edges[frame.next++]!;
      if (!graph.has(to)) continue;
      if (!indexOf.has(to)) {
        indexOf.set(to, index);
        low.set(to, index++);
        stack.push(to);
        onStack.add(to);
        work.push({ node: to, next: 0 });
      } else if (onStack.has(to)) {
        low.set(frame.node, Math.min(low.get(frame.node)!, indexOf.get(to)!));
      }
      continue;
    }
    work.pop();
    const parent = work[work.length - 1];
    if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
    if (low.get(frame.node) === indexOf.get(frame.node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfImport = component.length === 1 && (graph.get(frame.node) ?? []).includes(frame.node);
      if (component.length > 1 || selfImport) circles.push(component.map((f) => path.relative(root, f)).sort());
    }
  }
}

for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);

if (circles.length === 0) {
  console.log(`import cycles: none among ${graph.size} modules`);
} else {
  console.error(`import cycles: ${circles.length} circle(s) of modules that import each other:`);
  for (const circle of circles) {
    console.error(`- ${circle.join(", ")}`);
    for (const from of circle) {
      const to = (graph.get(path.join(root, from)) ?? []).map((t) => path.relative(root, t)).filter((t) => circle.includes(t));
      console.error(`    ${from} imports ${to.join(", ")}`);
    }
  }
  process.exit(1);
}
