import type { InspectLimits } from "./archive-meters";
import type { BundleErrorReason } from "./bundle-error";
import type { BundleInfo } from "./inspect-bundle";

// A worker inspects one upload at a time; `job` tells a late message of an
// earlier upload (a chunk still on its way when the verdict came) from the current one.

/** To the inspection worker: a job starts, its upload's chunks in order, then the end. */
export type ToInspector = { job: number } & ({ start: Partial<InspectLimits> } | { chunk: Uint8Array } | { end: true });

/** From the inspection worker: chunks taken, then one verdict. */
export type FromInspector = { job: number } & ({ ack: number } | { info: BundleInfo } | { refused: { reason: BundleErrorReason; detail: string } } | { failed: string });
