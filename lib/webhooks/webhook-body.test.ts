import { describe, expect, it } from "vitest";
import { slackEscape, slackText, webhookBody } from "./webhook-body";

const failed = {
  buildId: 42,
  kind: "drivers",
  workspace: "sample",
  branch: "release/2.0",
  commit: "0123456789abcdef0123456789abcdef01234567",
  error: "process \"/bin/sh -c make\" did not complete successfully: exit code: 2",
  failedStep: "[builder 3/7] RUN make",
  url: "https://kobuild.example.com/builds/42",
};

describe("webhookBody", () => {
  it("writes kobuild's JSON as {event, occurredAt, data}", () => {
    const at = new Date("2026-12-03T10:00:00.000Z");
    expect(JSON.parse(webhookBody("json", "build.failed", at, failed))).toEqual({ event: "build.failed", occurredAt: "2026-12-03T10:00:00.000Z", data: failed });
  });

  it("writes Slack's {text} and nothing else", () => {
    const body = JSON.parse(webhookBody("slack", "build.failed", new Date(), failed)) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toBe(slackText("build.failed", failed));
  });
});

describe("slackText", () => {
  it("says which build failed where and why, with a link to its page", () => {
    expect(slackText("build.failed", failed)).toBe(
      [
        ":x: kobuild: build #42 failed (workspace *sample*, branch `release/2.0`, commit `0123456789ab`)",
        "Failed step: `[builder 3/7] RUN make`",
        'Error: process "/bin/sh -c make" did not complete successfully: exit code: 2',
        "<https://kobuild.example.com/builds/42|Open build #42>",
      ].join("\n"),
    );
  });

  it("names an image operation's kind and leaves out what is unknown", () => {
    expect(slackText("build.failed", { buildId: 7, kind: "merge", workspace: null, branch: null, commit: null, error: "no such image", failedStep: null, url: "http://127.0.0.1:3000/builds/7" })).toBe(
      [":x: kobuild: merge build #7 failed", "Error: no such image", "<http://127.0.0.1:3000/builds/7|Open build #7>"].join("\n"),
    );
  });

  it("escapes Slack's markup and keeps a long error to one short line", () => {
    const text = slackText("build.failed", { ...failed, error: `<script> & ${"x".repeat(2000)}\nnext line` });
    expect(text).toContain("Error: &lt;script&gt; &amp; xxx");
    expect(text.split("\n")[2]!.length).toBeLessThan(600);
    expect(text).not.toContain("<script>");
  });

  it("lists new failure signatures with their kernels", () => {
    const text = slackText("failures.new", { ...failed, groups: [{ signature: "error: 'struct foo' has no member named 'bar'", kernels: ["6.1.0-1-amd64", "6.1.0-2-amd64"] }] });
    expect(text).toContain(":warning: kobuild: build #42 has 1 new failure signature (workspace *sample*");
    expect(text).toContain("• `error: 'struct foo' has no member named 'bar'` on 6.1.0-1-amd64, 6.1.0-2-amd64");
  });

  it("answers a ping and any other event in words", () => {
    expect(slackText("ping", { webhookId: 3 })).toMatch(/^:wave: kobuild: ping from webhook #3/);
    expect(slackText("channel.held", { channel: "stable", reason: "coverage fell" })).toBe("kobuild: channel.held\nchannel: stable\nreason: coverage fell");
  });

  it("escapes &, < and >", () => {
    expect(slackEscape("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
  });
});
