import { createHmac, timingSafeEqual } from "node:crypto";

/** The header that carries a body's signature. */
export const SIGNATURE_HEADER = "X-Kobuild-Signature-256";

/** `sha256=` and the hex HMAC-SHA256 of the exact body bytes with the webhook's secret: what a receiver computes to trust a delivery. */
export function signBody(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Whether `signature` is the body's, compared in constant time (for receivers written in TypeScript, and the tests). */
export function signatureMatches(body: string | Uint8Array, secret: string, signature: string): boolean {
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
