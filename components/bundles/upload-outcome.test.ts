import { describe, expect, it } from "vitest";
import { outcomeSentence, uploadOutcome } from "./upload-outcome";

const stored = "1a2b3c4d5e6f".padEnd(64, "0");
const uploaded = "9f8e7d6c5b4a".padEnd(64, "1");
const row = (kernel: string, sha256 = stored) => ({ id: 7, kernel, uname: kernel, distro: "debian", sha256, size: 2743553 });

describe("uploadOutcome", () => {
  it("reports a stored bundle, and a duplicate by the kernel and sha256 it is stored as", () => {
    expect(uploadOutcome(201, { results: [{ file: "bundle-6.1.0-55-amd64.tgz", status: "stored", bundle: row("6.1.0-55-amd64") }] })).toEqual({ status: "stored", kernel: "6.1.0-55-amd64" });
    // Same bytes under another name are still a duplicate of the stored kernel.
    expect(uploadOutcome(200, { results: [{ file: "bundle-copy.tgz", status: "duplicate", bundle: row("6.1.0-56-amd64") }] })).toEqual({ status: "duplicate", kernel: "6.1.0-56-amd64", sha256: stored });
  });

  it("reads another bundle of the kernel as a conflict the uploader may resolve, and a replacement with both sha256", () => {
    const error = `bundle-6.1.0-55-amd64.tgz: another bundle for kernel 6.1.0-55-amd64 is stored (sha256 ${stored}); this file is sha256 ${uploaded}: upload it with replace=1 to replace the stored one (duplicate_kernel)`;
    const conflict = { kernel: "6.1.0-55-amd64", storedSha256: stored, sha256: uploaded };
    expect(uploadOutcome(409, { error, results: [{ file: "bundle-6.1.0-55-amd64.tgz", status: "rejected", error, httpStatus: 409, conflict }] })).toEqual({ status: "conflict", ...conflict });
    const replaced = { file: "bundle-6.1.0-55-amd64.tgz", status: "replaced", bundle: row("6.1.0-55-amd64", uploaded), previous: { sha256: stored, size: 1 } };
    expect(uploadOutcome(201, { results: [replaced] })).toEqual({ status: "replaced", kernel: "6.1.0-55-amd64", sha256: uploaded, previousSha256: stored });
  });

  it("passes the server's reason for a rejected file on verbatim", () => {
    const error = "bundle-broken.tgz: the file is not gzip-compressed (not_gzip)";
    expect(uploadOutcome(422, { error, results: [{ file: "bundle-broken.tgz", status: "rejected", error, httpStatus: 422 }] })).toEqual({ status: "rejected", reason: error });
  });

  it("falls back on the answer's error, then on the HTTP status", () => {
    expect(uploadOutcome(400, { error: "the upload holds no file", code: "bad_request" })).toEqual({ status: "rejected", reason: "the upload holds no file" });
    expect(uploadOutcome(502, "<html>Bad Gateway</html>")).toEqual({ status: "rejected", reason: "the server answered HTTP 502" });
    expect(uploadOutcome(0, null)).toEqual({ status: "rejected", reason: "the connection to kobuild was lost" });
  });

  it("does not take a result without a kernel for a stored bundle", () => {
    expect(uploadOutcome(201, { results: [{ status: "stored", bundle: {} }] })).toEqual({ status: "rejected", reason: "the server answered HTTP 201" });
  });
});

describe("outcomeSentence", () => {
  it("says in words what became of the file, with short sha256", () => {
    expect(outcomeSentence({ status: "duplicate", kernel: "6.1.0-55-amd64", sha256: stored })).toBe("the same content as the stored bundle 6.1.0-55-amd64 (sha256 1a2b3c4d5e6f…): not stored twice");
    expect(outcomeSentence({ status: "conflict", kernel: "6.1.0-55-amd64", sha256: uploaded, storedSha256: stored })).toBe(
      "another bundle for kernel 6.1.0-55-amd64 is stored (sha256 1a2b3c4d5e6f…); this file is sha256 9f8e7d6c5b4a…: replace it?",
    );
    expect(outcomeSentence({ status: "replaced", kernel: "6.1.0-55-amd64", sha256: uploaded, previousSha256: stored })).toBe("replaced the stored bundle 6.1.0-55-amd64: sha256 1a2b3c4d5e6f… → 9f8e7d6c5b4a…");
  });
});
