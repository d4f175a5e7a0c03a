import { ApiError, type ApiErrorCode } from "@/lib/http/api-error";

// Why a bundle was refused. Everything about the upload's content or name is
// 422 (well-formed request, unusable bundle); only the upload's own size is
// 413 and a kernel already stored with other content is 409. A full disk is
// the server's problem: 507 Insufficient Storage.
const statusByReason = {
  bad_name: 422,
  empty: 422,
  not_gzip: 422,
  corrupt: 422,
  not_tar: 422,
  truncated: 422,
  unsafe_path: 422,
  unsafe_link: 422,
  special_file: 422,
  duplicate_entry: 422,
  huge_header: 422,
  ambiguous_entry: 422,
  too_many_entries: 422,
  too_large_unpacked: 422,
  ratio: 422,
  too_costly: 422,
  missing_field: 422,
  bad_field: 422,
  name_mismatch: 422,
  too_large: 413,
  duplicate_kernel: 409,
  not_found: 404,
  disk_full: 507,
} as const;

export type BundleErrorReason = keyof typeof statusByReason;
export const BUNDLE_ERROR_REASONS = Object.keys(statusByReason) as BundleErrorReason[];

const codeByStatus: Record<number, ApiErrorCode> = {
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  422: "unprocessable",
  507: "internal",
};

export class BundleError extends ApiError {
  constructor(
    readonly reason: BundleErrorReason,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(codeByStatus[statusByReason[reason]] ?? "unprocessable", file ? `${file}: ${detail} (${reason})` : `${detail} (${reason})`);
    this.name = "BundleError";
  }

  override get status(): number {
    return statusByReason[this.reason];
  }

  /** The same error, its message naming the uploaded file. */
  forFile(file: string): BundleError {
    return this.file === file ? this : new BundleError(this.reason, this.detail, file);
  }
}
