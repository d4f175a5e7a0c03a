// What the server said about one uploaded file, in the words the page shows.

export type UploadOutcome =
  | { status: "stored"; kernel: string }
  | { status: "duplicate"; kernel: string }
  | { status: "rejected"; reason: string };

type ResultJson = { file?: unknown; status?: unknown; bundle?: { kernel?: unknown }; error?: unknown };

/**
 * Reads the answer to a one-file POST /api/bundles. The file's own result
 * decides; without one (a malformed request, a server error) the answer's
 * error message, or its HTTP status, is the reason.
 */
export function uploadOutcome(httpStatus: number, body: unknown): UploadOutcome {
  const json = (typeof body === "object" && body !== null ? body : {}) as { results?: unknown; error?: unknown };
  const result = (Array.isArray(json.results) ? json.results[0] : undefined) as ResultJson | undefined;
  if (result && (result.status === "stored" || result.status === "duplicate") && typeof result.bundle?.kernel === "string") {
    return { status: result.status, kernel: result.bundle.kernel };
  }
  if (result && result.status === "rejected" && typeof result.error === "string") return { status: "rejected", reason: result.error };
  if (typeof json.error === "string") return { status: "rejected", reason: json.error };
  return { status: "rejected", reason: httpStatus === 0 ? "the connection to kobuild was lost" : `the server answered HTTP ${httpStatus}` };
}
