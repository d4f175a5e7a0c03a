import { describe, expect, it } from "vitest";
import { hashSecretToken, looksLikeToken, newSecretToken } from "./secret-token";

describe("secret tokens", () => {
  it("are random, typed by prefix, and stored as a hash that does not contain them", () => {
    const a = newSecretToken("api");
    const b = newSecretToken("api");
    expect(a).not.toBe(b);
    expect(looksLikeToken("api", a)).toBe(true);
    expect(looksLikeToken("session", a)).toBe(false);
    expect(hashSecretToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecretToken(a)).toBe(hashSecretToken(a));
    expect(hashSecretToken(a)).not.toContain(a.slice(4, 20));
  });

  it("refuses strings that are not tokens", () => {
    expect(looksLikeToken("api", "kbt_short")).toBe(false);
    expect(looksLikeToken("api", `kbt_${"a".repeat(43)}\n`)).toBe(false);
  });
});
