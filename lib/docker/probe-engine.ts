import "server-only";
import type Docker from "dockerode";

/** Which engine answers the Engine API: Docker's own, or Podman's Docker-compatible service. */
export type EngineProduct = "docker" | "podman";

export const PRODUCT_NAMES: Record<EngineProduct, string> = { docker: "Docker", podman: "Podman" };

export type EngineState =
  | {
      reachable: true;
      product: EngineProduct;
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

type VersionAnswer = Docker.DockerVersion & { Platform?: { Name?: string }; Components?: { Name?: string }[] };

/**
 * Podman's service answers /version as Docker does, naming itself only in
 * its components ("Podman Engine"); Docker's say "Engine".
 */
export function engineProductOf(answer: VersionAnswer): EngineProduct {
  const names = [answer.Platform?.Name, ...(answer.Components ?? []).map((c) => c.Name)];
  return names.some((name) => typeof name === "string" && /\bpodman\b/i.test(name)) ? "podman" : "docker";
}

export const SLOW_ENGINE = "the engine did not answer in time";

/** Asks the engine for its version, giving up quickly so pages never hang on a dead engine. */
export async function probeEngine(engine: Docker, timeoutMs = 2000): Promise<EngineState> {
  const abortSignal = AbortSignal.timeout(timeoutMs);
  try {
    // dockerode 5 takes an abortSignal; its published types predate that.
    const version = engine.version as unknown as (opts: { abortSignal: AbortSignal }) => Promise<Docker.DockerVersion>;
    const v = (await version.call(engine, { abortSignal })) as VersionAnswer;
    const product = engineProductOf(v);
    return {
      reachable: true,
      product,
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: v.Os,
      arch: v.Arch,
      // Podman claims API 1.41 but has no BuildKit session: its builds take the classic path.
      buildkit: product === "docker" && supportsBuildKit(v.ApiVersion),
    };
  } catch (error) {
    return { reachable: false, error: describeEngineError(error) };
  }
}

/**
 * Whether an engine answers, for work that must not give up on one that is
 * only slow (a machine under load answers late): a probe that times out is
 * asked again until `patienceMs` has passed; a refusal or a missing socket
 * is the answer at once.
 */
export async function probeEnginePatiently(engine: Docker, patienceMs = 20_000): Promise<EngineState> {
  const until = Date.now() + patienceMs;
  for (let timeoutMs = 3000; ; timeoutMs = Math.min(timeoutMs * 2, 10_000)) {
    const state = await probeEngine(engine, Math.max(1000, Math.min(timeoutMs, until - Date.now())));
    if (state.reachable || state.error !== SLOW_ENGINE || Date.now() >= until) return state;
  }
}

// What Node says when the engine's TLS check fails: it refused our client
// certificate (an alert), or its own certificate is not signed by ca.pem.
const CLIENT_CERT_REFUSED = /^ERR_SSL_(?:SSLV3_|TLSV1_|TLSV13_)?ALERT_(?:BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)$/;
const SERVER_CERT_UNTRUSTED = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]);

function describeEngineError(error: unknown): string {
  const e = error as { code?: string; message?: string; name?: string; statusCode?: number };
  if (e.name === "AbortError" || e.name === "TimeoutError") return SLOW_ENGINE;
  if (e.code === "ENOENT") return "no engine socket at that path";
  if (e.code === "ECONNREFUSED") return "connection refused";
  if (e.code === "EACCES") return "permission denied on the engine socket";
  // Go's HTTPS server answers a plain HTTP request with this 400.
  if (e.statusCode === 400 && e.message?.includes("HTTP request to an HTTPS server")) {
    return "the engine speaks TLS only: give a certificate directory with ca.pem, cert.pem and key.pem (a client certificate it trusts)";
  }
  if (e.code && CLIENT_CERT_REFUSED.test(e.code)) return "the engine refused the client certificate (TLS): cert.pem is not signed by a CA the engine trusts, or has expired";
  if (e.code && SERVER_CERT_UNTRUSTED.has(e.code)) return "the engine's own certificate is not signed by the CA in ca.pem (TLS): kobuild does not trust it";
  return e.message ?? String(error);
}
