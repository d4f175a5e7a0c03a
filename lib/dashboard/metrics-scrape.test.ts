import { describe, expect, it } from "vitest";

// The scraper's token, as the dashboard reads it at start-up (before lib/env caches the configuration).
const TOKEN = "scrape-token-0123456789abcdefghijklmnop";
process.env.KOBUILD_METRICS_TOKEN = TOKEN;
const { authorizeScrape } = await import("./metrics-scrape");

const asking = (authorization?: string) => new Headers(authorization === undefined ? {} : { authorization });

describe("who may read /metrics with KOBUILD_METRICS_TOKEN set", () => {
  it("the scraper that sends the token as its bearer", () => {
    expect(() => authorizeScrape(asking(`Bearer ${TOKEN}`))).not.toThrow();
  });

  it("nobody else: no token, another one, a prefix or a longer one, or the token in another scheme", () => {
    for (const header of [undefined, "", `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, "Bearer "]) {
      expect(() => authorizeScrape(asking(header)), String(header)).toThrow(expect.objectContaining({ code: "unauthorized" }));
    }
  });
});
