// What the server said about one uploaded file, in the words the page shows.

export type UploadOutcome =
  | { status: "stored"; kernel: string }
  /** Same bytes as the stored bundle `kernel`, whose sha256 this is. */
  | { status: "duplicate"; kernel: string; sha256: string }
  /** The file replaced the stored bundle of its kernel. */
  | { status: "replaced"; kernel: string; sha256: string; previousSha256: string }
  /** Another bundle of the kernel is stored: the file can replace it, once asked. */
  | { status: "conflict"; kernel: string; sha256: string; storedSha256: string }
  | { status: "rejected"; reason: string };

type ResultJson = {
  file?: unknown;
  status?: unknown;
  bundle?: { kernel?: unknown; sha256?: unknown };
  previous?: { sha256?: unknown };
  error?: unknown;
  conflict?: { kernel?: unknown; storedSha256?: unknown; sha256?: unknown };
};

const text = (v: unknown): v is string => typeof v === "string";

/**
 * Reads the answer to a one-file POST /api/bundles. The file's own result
 * decides; without one (a malformed request, a server error) the answer's
 * error message, or its HTTP status, is the reason.
 */
export function uploadOutcome(httpStatus: number, body: unknown): UploadOutcome {
  const json = (typeof body === "object" && body !== null ? body : {}) as { results?: unknown; error?: unknown };
  const result = (Array.isArray(json.results) ? json.results[0] : undefined) as ResultJson | undefined;
  const kernel = result?.bundle?.kernel;
  const sha256 = result?.bundle?.sha256;
  if (result?.status === "stored" && text(kernel)) return { status: "stored", kernel };
  if (result?.status === "duplicate" && text(kernel) && text(sha256)) return { status: "duplicate", kernel, sha256 };
  if (result?.status === "replaced" && text(kernel) && text(sha256) && text(result.previous?.sha256)) return { status: "replaced", kernel, sha256, previousSha256: result.previous.sha256 };
  const conflict = result?.conflict;
  if (result?.status === "rejected" && conflict && text(conflict.kernel) && text(conflict.sha256) && text(conflict.storedSha256)) {
    return { status: "conflict", kernel: conflict.kernel, sha256: conflict.sha256, storedSha256: conflict.storedSha256 };
  }
  if (result?.status === "rejected" && text(result.error)) return { status: "rejected", reason: result.error };
  if (text(json.error)) return { status: "rejected", reason: json.error };
  return { status: "rejected", reason: httpStatus === 0 ? "the connection to kobuild was lost" : `the server answered HTTP ${httpStatus}` };
}

/** A sha256 as people compare it at a glance: its first 12 digits. */
export const shortSha = (sha256: string) => `${sha256.slice(0, 12)}…`;

/** The words for an outcome that is neither stored nor a plain refusal. */
export function outcomeSentence(outcome: Extract<UploadOutcome, { status: "duplicate" | "replaced" | "conflict" }>): string {
  switch (outcome.status) {
    case "duplicate":
      return `the same content as the stored bundle ${outcome.kernel} (sha256 ${shortSha(outcome.sha256)}): not stored twice`;
    case "replaced":
      return `replaced the stored bundle ${outcome.kernel}: sha256 ${shortSha(outcome.previousSha256)} → ${shortSha(outcome.sha256)}`;
    case "conflict":
      return `another bundle for kernel ${outcome.kernel} is stored (sha256 ${shortSha(outcome.storedSha256)}); this file is sha256 ${shortSha(outcome.sha256)}: replace it?`;
  }
}
