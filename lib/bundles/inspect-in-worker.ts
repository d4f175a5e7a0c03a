import { defaultInspectLimits, type InspectLimits } from "./archive-meters";
import { BundleError } from "./bundle-error";
import { sourceChunks, type BundleSource } from "./bundle-source";
import type { BundleInfo } from "./inspect-bundle";
import { borrowInspector, inspectorHeapMb } from "./inspector-pool";
import type { FromInspector, ToInspector } from "./inspector-messages";

/** Bytes sent to the worker and not yet taken: enough to keep it busy, little enough to hold. */
const maxInFlight = 4 * 1024 ** 2;
/** How long past its own work budget a worker may stay silent after the last chunk before it is stopped. */
const graceMillis = 10_000;

let jobs = 0;

/**
 * inspectBundle on a worker thread, so that reading a costly archive never
 * holds up the dashboard's pages, API and live logs. At most
 * maxInspections run at once; more wait for a worker. The source is read
 * here (its chunks go on to the worker), once, and on failure left to its owner.
 */
export async function inspectInWorker(source: BundleSource, limits: Partial<InspectLimits> = {}): Promise<BundleInfo> {
  const { worker, release } = await borrowInspector();
  const job = ++jobs;
  const send = (message: ToInspector, transfer?: ArrayBuffer[]) => worker.postMessage(message, transfer);
  let inFlight = 0;
  let settled = false;
  let answered = false;
  let wake: (() => void) | null = null;
  const wakeSender = () => {
    wake?.();
    wake = null;
  };
  let watchdog: NodeJS.Timeout | undefined;
  let onMessage: (message: FromInspector) => void = () => undefined;
  let onError: (error: Error & { code?: string }) => void = () => undefined;
  let onExit: (code: number) => void = () => undefined;
  const verdict = new Promise<BundleInfo>((resolve, reject) => {
    onMessage = (message) => {
      if (message.job !== job) return;
      if ("ack" in message) {
        inFlight -= message.ack;
        wakeSender();
        return;
      }
      // A verdict: the worker is done with this job and can take the next.
      answered = true;
      if ("info" in message) resolve(message.info);
      else if ("refused" in message) reject(new BundleError(message.refused.reason, message.refused.detail));
      else reject(new Error(`the bundle inspection failed: ${message.failed}`));
    };
    onError = (error) => {
      if (error.code === "ERR_WORKER_OUT_OF_MEMORY") reject(new BundleError("too_costly", `reading the archive needed more than ${inspectorHeapMb} MB of memory`));
      else reject(error);
    };
    onExit = (code) => reject(new BundleError("too_costly", `reading the archive was stopped after ${code === 1 ? "its work budget" : `exit code ${code}`}`));
  });
  worker.on("message", onMessage).on("error", onError).on("exit", onExit);
  const sending = (async () => {
    send({ job, start: limits });
    for await (const chunk of sourceChunks(source)) {
      if (settled) return;
      // A copy of its own, moved rather than cloned: a chunk may be a view of a much larger buffer.
      const bytes = new Uint8Array(toBytes(chunk));
      send({ job, chunk: bytes }, [bytes.buffer]);
      inFlight += bytes.byteLength;
      while (inFlight > maxInFlight && !settled) await new Promise<void>((resolve) => (wake = resolve));
    }
    if (settled) return;
    send({ job, end: true });
    // The worker keeps its own budget; this only stops one that no longer answers.
    watchdog = setTimeout(() => void worker.terminate(), { ...defaultInspectLimits, ...limits }.maxBusyMillis + graceMillis);
  })();
  // Both are awaited below; neither may count as unhandled meanwhile.
  sending.catch(() => undefined);
  verdict.catch(() => undefined);
  try {
    // The source's own failure (too large, a full disk, a cut-off upload) wins: it is not the archive's fault.
    return await Promise.race([verdict, sending.then(() => verdict)]);
  } finally {
    settled = true;
    clearTimeout(watchdog);
    wakeSender();
    worker.off("message", onMessage).off("error", onError).off("exit", onExit);
    // Chunks of this job still on their way are dropped by the worker; one stopped midway is replaced.
    release(answered);
  }
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  throw new TypeError("a bundle upload must yield bytes, not text");
}
