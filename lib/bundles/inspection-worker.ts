// The inspection's thread: an upload's chunks come in as messages, the
// verdict goes out as one; then the next upload. Loaded by the inspector
// pool, never imported.
import { parentPort } from "node:worker_threads";
import type { InspectLimits } from "./archive-meters";
import { BundleError } from "./bundle-error";
import { inspectBundle } from "./inspect-bundle";
import type { FromInspector, ToInspector } from "./inspector-messages";

const port = parentPort;
if (port === null) throw new Error("inspection-worker runs as a worker thread");

type Job = { id: number; queue: Uint8Array[]; ended: boolean; wake: (() => void) | null };
let current: Job | null = null;

port.on("message", (message: ToInspector) => {
  if ("start" in message) {
    current = { id: message.job, queue: [], ended: false, wake: null };
    void inspect(current, message.start);
    return;
  }
  const job = current;
  if (job === null || job.id !== message.job) return;
  if ("chunk" in message) job.queue.push(message.chunk);
  else job.ended = true;
  job.wake?.();
  job.wake = null;
});

async function inspect(job: Job, limits: Partial<InspectLimits>): Promise<void> {
  const send = (message: FromInspector) => port!.postMessage(message);
  try {
    const info = await inspectBundle(chunks(job, send), { limits });
    send({ job: job.id, info });
  } catch (error) {
    if (error instanceof BundleError) send({ job: job.id, refused: { reason: error.reason, detail: error.detail } });
    else send({ job: job.id, failed: error instanceof Error ? error.message : String(error) });
  }
}

/** The upload's chunks as they arrive; each one taken is acknowledged, so the sender can send more. */
async function* chunks(job: Job, send: (message: FromInspector) => void): AsyncGenerator<Uint8Array> {
  for (;;) {
    const chunk = job.queue.shift();
    if (chunk !== undefined) {
      send({ job: job.id, ack: chunk.byteLength });
      yield chunk;
      continue;
    }
    if (job.ended) return;
    await new Promise<void>((resolve) => (job.wake = resolve));
  }
}
