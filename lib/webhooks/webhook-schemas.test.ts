import { describe, expect, it } from "vitest";
import { createWebhookBodySchema } from "./webhook-schemas";

const good = { url: "https://hooks.example.com/kobuild?token=abc", events: ["build.failed"], secret: "0123456789abcdef", format: "json" };
const refusal = (body: unknown) => {
  const result = createWebhookBodySchema.safeParse(body);
  return result.success ? null : `${result.error.issues[0]!.path.join(".")}: ${result.error.issues[0]!.message}`;
};

describe("createWebhookBodySchema", () => {
  it("takes a hook, json by default, each event once", () => {
    expect(createWebhookBodySchema.parse({ url: good.url, secret: good.secret, events: ["build.failed", "build.failed", "channel.held"] })).toEqual({ ...good, events: ["build.failed", "channel.held"], format: "json" });
    expect(createWebhookBodySchema.parse({ ...good, url: "http://127.0.0.1:4100/hook", format: "slack" }).format).toBe("slack");
  });

  it("refuses what would not work, saying what is wrong", () => {
    expect(refusal({ ...good, url: "ftp://example.com/x" })).toBe("url: must be an http:// or https:// URL");
    expect(refusal({ ...good, url: "not a url" })).toBe("url: must be an http:// or https:// URL");
    expect(refusal({ ...good, events: [] })).toBe("events: must name at least one event");
    expect(refusal({ ...good, events: ["build.exploded"] })).toMatch(/^events\.0: unknown event "build\.exploded": kobuild sends build\.failed, failures\.new/);
    expect(refusal({ ...good, secret: "short" })).toBe("secret: must be at least 16 characters");
    expect(refusal({ ...good, format: "xml" })).toBe("format: must be one of json, slack");
    expect(refusal({ ...good, extra: 1 })).toMatch(/extra/);
  });
});
