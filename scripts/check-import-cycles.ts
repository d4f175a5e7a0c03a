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
// node (or a node importing itself) is a circle.
function circlesOf(graph: Map<string, string[]>): string[][] {
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
        if (component.length > 1 || selfImport) circles.push(component.sort());
      }
    }
  }

  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return circles;
}

const relative = (f: string) => path.relative(root, f);
const fileGraph = new Map([...graph].map(([from, to]) => [relative(from), to.map(relative)]));

// Folders of lib/ and components/ too: two concerns that import each other are
// one concern in two places, even when no two of their files form a circle.
const folderOf = (file: string) => {
  const parts = file.split(path.sep);
  return (parts[0] === "lib" || parts[0] === "components") && parts.length > 2 ? `${parts[0]}/${parts[1]}/` : null;
};
const folderGraph = new Map<string, string[]>();
for (const [from, targets] of fileGraph) {
  const a = folderOf(from);
  if (!a) continue;
  const edges = folderGraph.get(a) ?? [];
  for (const to of targets) {
    const b = folderOf(to);
    if (b && b !== a && !edges.includes(b)) edges.push(b);
  }
  folderGraph.set(a, edges);
}

const fileCircles = circlesOf(fileGraph);
const folderCircles = circlesOf(folderGraph);
if (fileCircles.length === 0 && folderCircles.length === 0) {
  console.log(`import cycles: none among ${fileGraph.size} modules and ${folderGraph.size} folders`);
} else {
  for (const [what, circles, g] of [["modules", fileCircles, fileGraph], ["folders", folderCircles, folderGraph]] as const) {
    if (circles.length === 0) continue;
    console.error(`import cycles: ${circles.length} circle(s) of ${what} that import each other:`);
    for (const circle of circles) {
      console.error(`- ${circle.join(", ")}`);
      for (const from of circle) console.error(`    ${from} imports ${(g.get(from) ?? []).filter((t) => circle.includes(t)).join(", ")}`);
    }
  }
  if (folderCircles.length > 0) {
    // Which files tie two folders of a circle together, so that the fix is easy to find.
    for (const circle of folderCircles) {
      for (const [from, targets] of fileGraph) {
        const a = folderOf(from);
        if (!a || !circle.includes(a)) continue;
        for (const to of targets) {
          const b = folderOf(to);
          if (b && b !== a && circle.includes(b)) console.error(`    ${from} -> ${to}`);
        }
      }
    }
  }
  process.exit(1);
}
