import { DomainError, type DomainErrorCode } from "@/lib/domain-error";

// Why a bundle was refused, and what kind of refusal that is. Everything about
// the upload's content or name is unusable (well-formed request, unusable
// bundle); only the upload's own size is too large and a kernel already stored
// with other content a conflict. A full disk is the server's problem.
const codeByReason = {
  bad_name: "unprocessable",
  empty: "unprocessable",
  not_gzip: "unprocessable",
  corrupt: "unprocessable",
  not_tar: "unprocessable",
  truncated: "unprocessable",
  unsafe_path: "unprocessable",
  unsafe_link: "unprocessable",
  special_file: "unprocessable",
  duplicate_entry: "unprocessable",
  huge_header: "unprocessable",
  ambiguous_entry: "unprocessable",
  too_many_entries: "unprocessable",
  too_large_unpacked: "unprocessable",
  ratio: "unprocessable",
  too_costly: "unprocessable",
  missing_field: "unprocessable",
  bad_field: "unprocessable",
  name_mismatch: "unprocessable",
  too_large: "payload_too_large",
  duplicate_kernel: "conflict",
  not_found: "not_found",
  disk_full: "insufficient_storage",
} as const satisfies Record<string, DomainErrorCode>;

export type BundleErrorReason = keyof typeof codeByReason;
export const BUNDLE_ERROR_REASONS = Object.keys(codeByReason) as BundleErrorReason[];

export class BundleError extends DomainError {
  constructor(
    readonly reason: BundleErrorReason,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(codeByReason[reason], file ? `${file}: ${detail} (${reason})` : `${detail} (${reason})`);
    this.name = "BundleError";
  }

  /** The same error, its message naming the uploaded file. */
  forFile(file: string): BundleError {
    return this.file === file ? this : new BundleError(this.reason, this.detail, file);
  }
}
