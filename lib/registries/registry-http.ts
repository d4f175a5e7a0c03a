import "server-only";
import { DomainError } from "@/lib/domain-error";

// The registry's own HTTP API (v2), for what the engine cannot tell: which
// repositories and tags a registry holds. Loopback registries speak plain
// HTTP (as the engine trusts them without TLS); others HTTPS. Basic auth is
// sent as is; a registry that answers with a Bearer challenge gets a token
// fetched from its realm with the same credentials.

export type RegistryAccess = { url: string; username?: string | null; password?: string | null };

const TIMEOUT_MS = 10_000;
const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

export function registryBaseUrl(url: string) {
  const host = url.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  const loopback = host === "localhost" || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "::1";
  return `${loopback ? "http" : "https"}://${url}`;
}

function basic(access: RegistryAccess) {
  return access.username && access.password ? `Basic ${Buffer.from(`${access.username}:${access.password}`).toString("base64")}` : null;
}

async function send(access: RegistryAccess, pathAndQuery: string, headers: Record<string, string> = {}) {
  const target = `${registryBaseUrl(access.url)}${pathAndQuery}`;
  const auth = basic(access);
  const first = await request(access, target, { ...headers, ...(auth ? { authorization: auth } : {}) });
  if (first.status !== 401) return first;
  const challenge = first.headers.get("www-authenticate") ?? "";
  if (!/^bearer /i.test(challenge)) return first;
  const token = await fetchToken(access, challenge);
  return token ? request(access, target, { ...headers, authorization: `Bearer ${token}` }) : first;
}

async function request(access: RegistryAccess, target: string, headers: Record<string, string>) {
  try {
    return await fetch(target, { headers, redirect: "follow", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DomainError("bad_gateway", `the registry ${access.url} did not answer (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
}

/** The token flow of registries that delegate auth (Bearer realm="...",service="...",scope="..."). */
async function fetchToken(access: RegistryAccess, challenge: string): Promise<string | null> {
  const params = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  if (!params.realm) return null;
  const url = new URL(params.realm);
  if (params.service) url.searchParams.set("service", params.service);
  if (params.scope) url.searchParams.set("scope", params.scope);
  const auth = basic(access);
  const response = await request(access, url.toString(), auth ? { authorization: auth } : {});
  if (!response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { token?: string; access_token?: string };
  return body.token ?? body.access_token ?? null;
}

async function refuse(access: RegistryAccess, response: Response, what: string): Promise<never> {
  if (response.status === 401 || response.status === 403) {
    throw new DomainError("unprocessable", `the registry ${access.url} refused the credentials for ${what} (${response.status})`);
  }
  if (response.status === 404) throw new DomainError("not_found", `the registry ${access.url} has no ${what}`);
  const text = (await response.text().catch(() => "")).slice(0, 300);
  throw new DomainError("bad_gateway", `the registry ${access.url} answered ${response.status} for ${what}${text ? `: ${text}` : ""}`);
}

/** GET /v2/: 200 when the registry accepts these credentials (or needs none). */
export async function pingRegistry(access: RegistryAccess) {
  const response = await send(access, "/v2/");
  if (!response.ok) await refuse(access, response, "its API root /v2/");
}

/** The tags of a repository, sorted; at most `limit`. */
export async function listRegistryTags(access: RegistryAccess, repository: string, limit = 1000): Promise<string[]> {
  const response = await send(access, `/v2/${repository}/tags/list?n=${limit}`);
  if (!response.ok) await refuse(access, response, `repository ${repository}`);
  const body = (await response.json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** Repository names of the registry's catalog; at most `limit`. */
export async function listRegistryRepositories(access: RegistryAccess, limit = 100): Promise<string[]> {
  const response = await send(access, `/v2/_catalog?n=${limit}`);
  if (!response.ok) await refuse(access, response, "catalog");
  const body = (await response.json()) as { repositories?: string[] | null };
  return body.repositories ?? [];
}

/**
 * The config digest of a tag's manifest: for a single-platform image it is
 * the image id the engine shows once the image is pulled, which links a
 * registry tag to an image kobuild has read.
 */
export async function readRegistryImageId(access: RegistryAccess, repository: string, tag: string): Promise<string | null> {
  const response = await send(access, `/v2/${repository}/manifests/${tag}`, { accept: MANIFEST_TYPES });
  if (!response.ok) await refuse(access, response, `${repository}:${tag}`);
  const body = (await response.json()) as { config?: { digest?: string } };
  return body.config?.digest ?? null;
}
