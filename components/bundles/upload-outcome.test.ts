import { describe, expect, it } from "vitest";
import { uploadOutcome } from "./upload-outcome";

const row = (kernel: string) => ({ id: 7, kernel, uname: kernel, distro: "debian", sha256: "ab".repeat(32), size: 2743553 });

describe("uploadOutcome", () => {
  it("reports a stored bundle and a duplicate by the kernel they are stored as", () => {
    expect(uploadOutcome(201, { results: [{ file: "bundle-6.1.0-55-amd64.tgz", status: "stored", bundle: row("6.1.0-55-amd64") }] })).toEqual({ status: "stored", kernel: "6.1.0-55-amd64" });
    // Same bytes under another name are still a duplicate of the stored kernel.
    expect(uploadOutcome(200, { results: [{ file: "bundle-copy.tgz", status: "duplicate", bundle: row("6.1.0-56-amd64") }] })).toEqual({ status: "duplicate", kernel: "6.1.0-56-amd64" });
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
