// Runs one benchmark function in a process of its own and writes its figures
// as JSON: kobuild's database and configuration are read once per process
// (lib/db/client.ts, lib/env.ts), so parts of a benchmark with data
// directories of their own each need their own process.
//   tsx --conditions=react-server bench/in-child.ts <module> <export> <out.json>
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot, tempDir } from "./support";

type Figures = Record<string, number | string>;

/** Runs `exportName` of bench/`moduleName` in a child process; answers its figures. */
export async function inChild(moduleName: string, exportName: string): Promise<Figures> {
  const out = path.join(tempDir("child"), "figures.json");
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", path.join(repoRoot, "bench/in-child.ts"), moduleName, exportName, out], { cwd: repoRoot, stdio: "inherit" });
  try {
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`bench/${moduleName} ${exportName} exited with ${code}`);
    return JSON.parse(fs.readFileSync(out, "utf8")) as Figures;
  } finally {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
}

if (require.main === module) {
  const [moduleName, exportName, out] = process.argv.slice(2) as [string, string, string];
  (async () => {
    const bench = (await import(`./${moduleName}`)) as Record<string, () => Promise<Figures>>;
    fs.writeFileSync(out, JSON.stringify(await bench[exportName]!()));
    process.exit(0);
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
