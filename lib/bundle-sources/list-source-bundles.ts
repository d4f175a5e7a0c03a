import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { parseBundleFileName } from "@/lib/bundles/parse-bundle-name";
import { DomainError } from "@/lib/domain-error";
import type { BundleSourceRow } from "./bundle-source-store";
import { parseBundleListing } from "./parse-bundle-listing";

/** A bundle a source offers: where to read it from. */
export type OfferedBundle = { fileName: string; kernel: string; location: string };

/** A listing larger than this is not an index of bundles. */
const MAX_LISTING_BYTES = 8 * 1024 * 1024;
const LISTING_TIMEOUT_MS = 30_000;

/** What a source offers now; a listing that cannot be read throws a DomainError saying why. */
export async function listSourceBundles(source: Pick<BundleSourceRow, "kind" | "location">): Promise<OfferedBundle[]> {
  const offered = source.kind === "directory" ? await listDirectory(source.location) : await listHttp(source.location);
  return offered.map((b) => ({ ...b, kernel: parseBundleFileName(b.fileName) }));
}

/** Why fetch() failed, in a word: the system's code (ECONNREFUSED), fetch's own reason ("bad port"), or the abort's name. */
export function fetchFailure(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; name?: string };
  return e.cause?.code ?? e.cause?.message ?? e.name ?? String(error);
}

async function listDirectory(dir: string) {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    throw new DomainError("unprocessable", `cannot read the directory ${dir} (${(error as { code?: string }).code ?? String(error)})`);
  }
  const offered: { fileName: string; location: string }[] = [];
  for (const name of names.sort()) {
    try {
      parseBundleFileName(name);
    } catch {
      continue;
    }
    offered.push({ fileName: name, location: path.join(dir, name) });
  }
  return offered;
}

async function listHttp(url: string) {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(LISTING_TIMEOUT_MS), redirect: "follow" });
  } catch (error) {
    const cause = fetchFailure(error);
    throw new DomainError("bad_gateway", `GET ${url} failed (${cause === "TimeoutError" ? `no answer within ${LISTING_TIMEOUT_MS / 1000} s` : cause})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DomainError("bad_gateway", `GET ${url} answered ${response.status} ${response.statusText}`.trim());
  }
  // An index page or a bucket listing is text; anything else (an archive, an image) is not a listing at all.
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type && !/^(text\/|application\/(xml|xhtml\+xml)$)/.test(type)) {
    await response.body?.cancel();
    throw new DomainError("bad_gateway", `${url} answered ${type}, not an index page or bucket listing`);
  }
  const text = await readCapped(response, url);
  return parseBundleListing(text, response.url || url).map((b) => ({ fileName: b.fileName, location: b.url }));
}

/** The listing as text, refused past MAX_LISTING_BYTES without reading the rest. */
async function readCapped(response: Response, url: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  const tooLarge = () => new DomainError("bad_gateway", `the listing at ${url} is larger than ${MAX_LISTING_BYTES / 1024 / 1024} MiB: not an index of bundles`);
  if (declared > MAX_LISTING_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const parts: Buffer[] = [];
  let size = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_LISTING_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    parts.push(Buffer.from(value));
  }
  return Buffer.concat(parts).toString("utf8");
}
