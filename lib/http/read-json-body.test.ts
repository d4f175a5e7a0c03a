import { describe, expect, it } from "vitest";
import { readBodyText, readJsonBody } from "./read-json-body";

const post = (body: string | undefined, type: string | null = "application/json") =>
  new Request("http://127.0.0.1/api", { method: "POST", body, headers: type ? { "content-type": type } : {} });

describe("reading a request's body within a cap", () => {
  it("gives JSON, an empty object for no body, and refuses what is not JSON", async () => {
    expect(await readJsonBody(post('{"a":1}'), 100)).toEqual({ a: 1 });
    expect(await readJsonBody(post(undefined), 100)).toEqual({});
    await expect(readJsonBody(post("a=1", "text/plain"), 100)).rejects.toMatchObject({ code: "unsupported_media_type" });
    await expect(readJsonBody(post("{"), 100)).rejects.toMatchObject({ code: "bad_request" });
  });

  it("gives the exact text (a signed hook's bytes) and stops past the cap", async () => {
    const body = '{"ref":"refs/heads/main",  "x": "é"}';
    expect(await readBodyText(post(body), 100)).toBe(body);
    expect(await readBodyText(post(undefined), 100)).toBe("");
    await expect(readBodyText(post("x".repeat(101)), 100)).rejects.toMatchObject({ code: "payload_too_large" });
    await expect(readJsonBody(post(`"${"x".repeat(200)}"`), 100)).rejects.toMatchObject({ code: "payload_too_large" });
  });
});
