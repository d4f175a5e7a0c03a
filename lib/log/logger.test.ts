import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, inRequest, outsideRequests, requestIdOf } from "./logger";

/** A logger at `level` whose lines are kept, parsed. */
function capture(level: "info" | "warn" = "info") {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(level, sink), lines };
}

describe("the server log", () => {
  it("writes one JSON object per line with its level's name and the message", () => {
    const { logger, lines } = capture();
    logger.info({ buildId: 7 }, "build started");
    expect(lines).toEqual([expect.objectContaining({ level: "info", msg: "build started", buildId: 7, service: "kobuild" })]);
    expect(typeof lines[0]!.time).toBe("string");
  });

  it("leaves out lines below KOBUILD_LOG_LEVEL", () => {
    const { logger, lines } = capture("warn");
    logger.info("routine");
    logger.warn("worth a look");
    expect(lines.map((l) => l.msg)).toEqual(["worth a look"]);
  });

  it("never writes a secret's value, wherever it sits in what is logged", () => {
    const { logger, lines } = capture();
    const secret = "hunter2-registry-password";
    logger.info({ password: secret, registry: { url: "http://127.0.0.1:5000", password: secret }, headers: { authorization: `Bearer ${secret}`, cookie: `kobuild_session=${secret}` }, body: { credentials: { token: secret } } }, "registry added");
    const text = JSON.stringify(lines);
    expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: "[redacted]", registry: { url: "http://127.0.0.1:5000", password: "[redacted]" }, headers: { authorization: "[redacted]", cookie: "[redacted]" }, body: { credentials: "[redacted]" } });
  });

  it("names the request on every line logged while it is served, and no request outside it", async () => {
    const { logger, lines } = capture();
    await inRequest("req-12345678", async () => {
      logger.info("first");
      await new Promise((r) => setTimeout(r, 1));
      logger.info("after a wait");
      outsideRequests(() => logger.info("a build it queued"));
    });
    logger.info("later");
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ["first", "req-12345678"],
      ["after a wait", "req-12345678"],
      ["a build it queued", undefined],
      ["later", undefined],
    ]);
  });

  it("takes a caller's sane X-Request-Id and makes one otherwise", () => {
    expect(requestIdOf(new Headers({ "x-request-id": "proxy-7f3a9c01" }))).toBe("proxy-7f3a9c01");
    for (const bad of ["", "short", "has spaces in it", "x".repeat(200), "line\\nbreak-12345"]) {
      const id = requestIdOf(new Headers(bad ? { "x-request-id": bad } : {}));
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
