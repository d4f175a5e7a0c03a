import { uploadOutcome, type UploadOutcome } from "./upload-outcome";

export type UploadProgress = { loaded: number; total: number };

/**
 * Sends one file to POST /api/bundles in its own request. XMLHttpRequest, not
 * fetch: only it reports upload progress. `signal` cancels; the promise then
 * resolves to null. `replace` replaces the stored bundle of the same kernel.
 */
export function uploadBundleFile(file: File, onProgress: (progress: UploadProgress) => void, signal: AbortSignal, { replace = false }: { replace?: boolean } = {}): Promise<UploadOutcome | null> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", replace ? "/api/bundles?replace=1" : "/api/bundles");
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => {
      // The request's size includes the multipart framing; show the file's share of it.
      if (event.lengthComputable && event.total > 0) onProgress({ loaded: Math.min(file.size, Math.round((event.loaded / event.total) * file.size)), total: file.size });
    };
    xhr.onload = () => resolve(uploadOutcome(xhr.status, xhr.response));
    xhr.onerror = () => resolve(uploadOutcome(0, null));
    xhr.onabort = () => resolve(null);
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append("bundle", file, file.name);
    xhr.send(form);
  });
}
