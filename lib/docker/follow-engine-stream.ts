import "server-only";
import { createJsonLineSplitter } from "./progress/json-lines";
import { drainResponse } from "./drain-response";

type EngineMessage = { status?: string; id?: string; error?: string; errorDetail?: { message?: string }; aux?: { Digest?: string } };

/**
 * Follows a pull or push response to its end. The engine answers 200 and
 * reports a failure inside the stream; that failure is thrown here. Status
 * lines (without per-layer progress bars) go to `onStatus`.
 */
export async function followEngineStream(response: NodeJS.ReadableStream, onStatus?: (line: string) => void) {
  const splitter = createJsonLineSplitter();
  let error: string | null = null;
  let digest: string | null = null;
  const take = (message: unknown) => {
    const m = message as EngineMessage;
    if (m.error || m.errorDetail?.message) error = m.errorDetail?.message ?? m.error ?? "the engine reported an error";
    if (m.aux?.Digest) digest = m.aux.Digest;
    // Per-layer "Downloading"/"Pushing" lines repeat many times a second.
    if (m.status && !/^(Downloading|Extracting|Pushing|Waiting|Preparing)$/.test(m.status)) onStatus?.(m.id ? `${m.id}: ${m.status}` : m.status);
  };
  await drainResponse(response, (chunks) => {
    for (const chunk of chunks) for (const message of splitter.push(chunk)) take(message);
  });
  for (const message of splitter.end()) take(message);
  if (error) throw new EngineStreamError(error);
  return { digest: digest as string | null };
}

export class EngineStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineStreamError";
  }
}
