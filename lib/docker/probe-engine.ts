import "server-only";
import type Docker from "dockerode";

export type EngineState =
  | {
      reachable: true;
      version: string;
      apiVersion: string;
      os: string;
      arch: string;
      buildkit: boolean;
    }
  | { reachable: false; error: string };

// BuildKit sessions came with API 1.39 (engine 18.09); older engines only have the classic builder.
const BUILDKIT_MIN_API = [1, 39] as const;

export function supportsBuildKit(apiVersion: string): boolean {
  const [major = 0, minor = 0] = apiVersion.split(".").map(Number);
  return major > BUILDKIT_MIN_API[0] || (major === BUILDKIT_MIN_API[0] && minor >= BUILDKIT_MIN_API[1]);
}

/** Asks the engine for its version, giving up quickly so pages never hang on a dead engine. */
export async function probeEngine(engine: Docker, timeoutMs = 2000): Promise<EngineState> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    // dockerode 5 takes an abortSignal; its published types predate that.
    const version = engine.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;
    const v = await version.call(engine, { abortSignal });
    return {
      reachable: true,
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      buildkit: supportsBuildKit(v.ApiVersion),
    };
  } catch (error) {
    return { reachable: false, error: describeEngineError(error) };
  }
}

function describeEngineError(error: unknown): string {
  const e = error as { code?: string; message?: string; name?: string };
  if (e.name === "AbortError" || e.name === "TimeoutError") return "the engine did not answer in time";
  if (e.code === "ENOENT") return "no engine socket at that path";
  if (e.code === "ECONNREFUSED") return "connection refused";
  if (e.code === "EACCES") return "permission denied on the engine socket";
  return e.message ?? String(error);
}
