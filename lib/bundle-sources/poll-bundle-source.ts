import "server-only";
import { createReadStream } from "node:fs";
import { eq } from "drizzle-orm";
import { BundleError } from "@/lib/bundles/bundle-error";
import { storeBundle } from "@/lib/bundles/store-bundle";
import { getDb } from "@/lib/db/client";
import { bundles, bundleSources } from "@/lib/db/schema";
import { DomainError } from "@/lib/domain-error";
import { env } from "@/lib/env";
import { getBundleSource, type BundleSourceRow } from "./bundle-source-store";
import { fetchFailure, listSourceBundles, type OfferedBundle } from "./list-source-bundles";

/** Bundles fetched in one poll at most: a source of thousands catches up over several polls instead of holding one for hours. */
const MAX_PER_POLL = 500;
const MAX_REFUSALS_KEPT = 20;
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

export type BundleSourcePoll = {
  status: "ok" | "partial" | "failed";
  error: string | null;
  listed: number;
  stored: number;
  /** Offered, but the same content is stored under its kernel already. */
  duplicates: number;
  /** Kernels still to fetch after this poll (more than MAX_PER_POLL were new). */
  remaining: number;
  refusals: { file: string; error: string }[];
};

const running = new Map<number, Promise<BundleSourcePoll>>();

/** Polls a source now; a poll of the same source already running is joined rather than run twice. */
export function pollBundleSource(id: number): Promise<BundleSourcePoll> {
  const source = getBundleSource(id);
  let poll = running.get(id);
  if (!poll) {
    poll = runPoll(source).finally(() => running.delete(id));
    running.set(id, poll);
  }
  return poll;
}

async function runPoll(source: BundleSourceRow): Promise<BundleSourcePoll> {
  const db = getDb();
  const result: BundleSourcePoll = { status: "ok", error: null, listed: 0, stored: 0, duplicates: 0, remaining: 0, refusals: [] };
  try {
    const offered = await listSourceBundles(source);
    result.listed = offered.length;
    const stored = new Set(db.select({ kernel: bundles.kernel }).from(bundles).all().map((b) => b.kernel));
    const missing = offered.filter((b) => !stored.has(b.kernel));
    result.remaining = Math.max(0, missing.length - MAX_PER_POLL);
    for (const bundle of missing.slice(0, MAX_PER_POLL)) {
      // Stopped when the store refuses the bundle partway: the rest of the file or download is not wanted.
      const download = new AbortController();
      let file: ReturnType<typeof createReadStream> | null = null;
      try {
        const source = await open(bundle, download.signal);
        if (!(source instanceof ReadableStream)) file = source;
        const { duplicate } = await storeBundle({ fileName: bundle.fileName, source, maxBytes: env().maxBundleBytes });
        if (duplicate) result.duplicates++;
        else result.stored++;
      } catch (error) {
        download.abort();
        file?.destroy();
        if (!(error instanceof DomainError)) throw error;
        result.refusals.push({ file: bundle.fileName, error: error.message });
      }
    }
    if (result.refusals.length > 0) result.status = "partial";
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    result.status = "failed";
    result.error = error.message;
  }
  db.update(bundleSources)
    .set({
      lastPolledAt: new Date(),
      lastStatus: result.status,
      lastError: result.error,
      lastListed: result.listed,
      lastStored: result.stored,
      lastRefusals: result.refusals.slice(0, MAX_REFUSALS_KEPT),
    })
    .where(eq(bundleSources.id, source.id))
    .run();
  return result;
}

/** The bundle's bytes as a stream: a file of the directory, or the body of a GET. */
async function open(bundle: OfferedBundle, signal: AbortSignal) {
  if (!/^https?:\/\//.test(bundle.location)) return createReadStream(bundle.location);
  let response: Response;
  try {
    response = await fetch(bundle.location, { signal: AbortSignal.any([signal, AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS)]), redirect: "follow" });
  } catch (error) {
    throw new DomainError("bad_gateway", `GET ${bundle.location} failed (${fetchFailure(error)})`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DomainError("bad_gateway", `GET ${bundle.location} answered ${response.status} ${response.statusText}`.trim());
  }
  // Refused before a byte is stored when the server says it is too large; storeBundle also stops at the limit while reading.
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > env().maxBundleBytes) {
    await response.body.cancel();
    throw new BundleError("too_large", `${declared} bytes is more than KOBUILD_MAX_BUNDLE_BYTES (${env().maxBundleBytes})`);
  }
  return response.body;
}
