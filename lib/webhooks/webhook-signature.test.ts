import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signatureMatches, signBody } from "./webhook-signature";

describe("signBody", () => {
  it("is sha256= and the hex HMAC-SHA256 of the exact bytes", () => {
    // RFC 4231, test case 2.
    expect(signBody("what do ya want for nothing?", "Jefe")).toBe("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const body = '{"event":"ping","data":{}}';
    expect(signBody(body, "a secret of 16 chars")).toBe(`sha256=${createHmac("sha256", "a secret of 16 chars").update(Buffer.from(body, "utf8")).digest("hex")}`);
  });

  it("changes with one byte of the body or of the secret", () => {
    const secret = "0123456789abcdef";
    expect(signBody('{"a":1}', secret)).not.toBe(signBody('{"a":2}', secret));
    expect(signBody('{"a":1}', secret)).not.toBe(signBody('{"a":1}', `${secret}x`));
    expect(signBody("é", secret)).toBe(signBody(Buffer.from("é", "utf8"), secret));
  });
});

describe("signatureMatches", () => {
  it("accepts the body's signature only", () => {
    const secret = "0123456789abcdef";
    expect(signatureMatches("body", secret, signBody("body", secret))).toBe(true);
    expect(signatureMatches("body", secret, signBody("Body", secret))).toBe(false);
    expect(signatureMatches("body", secret, "sha256=00")).toBe(false);
  });
});
