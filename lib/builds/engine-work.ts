import "server-only";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { env } from "@/lib/env";
import { instanceId } from "@/lib/system/instance-id";

/**
 * What a running build has started on the engine: the id of its BuildKit job
 * and the classic builder's intermediate container of the moment. It is
 * written to the data directory while the build runs and removed when it
 * ends, so that a dashboard that died mid-build can stop that work at its
 * next start. The engine itself cancels a build whose client went away, but
 * only when it sees the connection close: through a proxy or a tunnel it may
 * not, and a build would then go on with nobody to follow it.
 */
export type EngineWork = { dockerHost: string; buildkitJob: string | null; container: string | null };

const DIR = "engine-work";

/** The id of a build's BuildKit job, as `docker build` gives its own to cancel them (POST /build/cancel). */
export function buildkitJobId(buildId: number): string {
  return `kobuild-${instanceId()}-build-${buildId}`;
}

function fileOf(buildId: number, dataDir = env().dataDir) {
  return path.join(dataDir, DIR, `${buildId}.json`);
}

export function noteEngineWork(buildId: number, work: Omit<EngineWork, "dockerHost">, dockerHost = env().dockerHost) {
  const file = fileOf(buildId);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o750 });
  // Written whole and renamed, so a crash never leaves half a file.
  const part = `${file}.part`;
  fs.writeFileSync(part, JSON.stringify({ dockerHost, ...work } satisfies EngineWork));
  fs.renameSync(part, file);
}

export function forgetEngineWork(buildId: number) {
  fs.rmSync(fileOf(buildId), { force: true });
}

/** The work noted by builds that are not running in this process, by build id. */
export function leftoverEngineWork(running: ReadonlySet<number>, dataDir = env().dataDir): Map<number, EngineWork> {
  const dir = path.join(dataDir, DIR);
  const found = new Map<number, EngineWork>();
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  for (const name of names) {
    // Half a note that a crash cut short (it is written aside and renamed): nothing to stop from it.
    const part = /^(\d+)\.json\.part$/.exec(name);
    if (part && !running.has(Number(part[1]))) fs.rmSync(path.join(dir, name), { force: true });
    const match = /^(\d+)\.json$/.exec(name);
    if (!match || running.has(Number(match[1]))) continue;
    try {
      found.set(Number(match[1]), JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as EngineWork);
    } catch {
      fs.rmSync(path.join(dir, name), { force: true });
    }
  }
  return found;
}

/**
 * Stops what a build left on the engine: cancels its BuildKit job and kills
 * and removes its intermediate container. Both are gone already when the
 * engine noticed the client leave; that is not an error. Returns what was
 * done, for the build's log.
 */
export async function stopEngineWork(engine: Docker, work: EngineWork): Promise<string[]> {
  const stopped: string[] = [];
  if (work.buildkitJob) {
    // The engine answers 200 whether or not the job still ran.
    await dial(engine, { path: "/build/cancel?", method: "POST", options: { id: work.buildkitJob }, statusCodes: { 200: true, 500: "server error" } });
    stopped.push(`cancelled its BuildKit job ${work.buildkitJob}, should it still run`);
  }
  if (work.container) {
    const container = engine.getContainer(work.container);
    const state = await container.inspect().then(
      (info) => info.State,
      (error: { statusCode?: number }) => {
        if (error.statusCode === 404) return null;
        throw error;
      },
    );
    if (state) {
      await container.remove({ force: true, v: true });
      stopped.push(`removed its ${state.Running ? "running" : "stopped"} build container ${work.container.slice(0, 12)}`);
    }
  }
  return stopped;
}

function dial(engine: Docker, options: { path: string; method: string; options: Record<string, string>; statusCodes: Record<number, boolean | string> }) {
  return new Promise<void>((resolve, reject) => engine.modem.dial(options, (error: unknown) => (error ? reject(error as Error) : resolve())));
}
