import { describe, expect, it } from "vitest";
import { isSameOrigin } from "./same-origin";

const h = (init: Record<string, string>) => new Headers(init);

describe("isSameOrigin", () => {
  it("trusts the browser's Sec-Fetch-Site: same-origin only", () => {
    expect(isSameOrigin(h({ "sec-fetch-site": "same-origin", host: "127.0.0.1:3000" }))).toBe(true);
    // Another port of the same host, or a sibling subdomain, is "same-site": refused.
    expect(isSameOrigin(h({ "sec-fetch-site": "same-site", host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(h({ "sec-fetch-site": "cross-site", host: "127.0.0.1:3000" }))).toBe(false);
  });

  it("else compares Origin with the host asked for, behind a proxy the forwarded one", () => {
    expect(isSameOrigin(h({ origin: "http://127.0.0.1:3000", host: "127.0.0.1:3000" }))).toBe(true);
    expect(isSameOrigin(h({ origin: "http://127.0.0.1:8080", host: "127.0.0.1:3000" }))).toBe(false);
    expect(isSameOrigin(h({ origin: "https://kobuild.example.com", host: "127.0.0.1:3000", "x-forwarded-host": "kobuild.example.com", "x-forwarded-proto": "https" }))).toBe(true);
    expect(isSameOrigin(h({ origin: "https://evil.example.com", host: "127.0.0.1:3000", "x-forwarded-host": "kobuild.example.com" }))).toBe(false);
    expect(isSameOrigin(h({ origin: "null", host: "127.0.0.1:3000" }))).toBe(false);
  });

  it("lets a program without either header through (it must still prove who it is)", () => {
    expect(isSameOrigin(h({ host: "127.0.0.1:3000" }))).toBe(true);
  });
});
