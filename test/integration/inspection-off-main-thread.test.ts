import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { corpusFileName, deepSymlinkBundle } from "@/lib/bundles/testing/hostile-corpus";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { DOCKER } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";

// While the built dashboard reads a costly hostile upload (thousands of
// symbolic links 600 directories deep: it once held the server for minutes),
// its health answers and a running build's live log keeps coming.

const dataDir = freshDataDir("inspection-load");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3830);
const nonce = randomBytes(6).toString("hex");
let dashboard: DashboardProcess | null = null;
const tags: string[] = [];

afterAll(async () => {
  await dashboard?.kill("SIGTERM");
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

/** A checkout whose build prints a line every 100 ms for a minute: a live log to follow. */
function tickerCheckout(): string {
  const checkout = path.join(dataDir, "ticker");
  fs.mkdirSync(checkout, { recursive: true });
  fs.writeFileSync(path.join(checkout, "Dockerfile"), `FROM kobuild/toolchain:bookworm-1\nRUN echo "ticker ${nonce}" && for i in $(seq 1 600); do echo "tick $i"; sleep 0.1; done\nRUN mkdir -p /kernel-modules /FAILURES\n`);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: checkout, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", "ticker");
  return checkout;
}

/** Each log line of a build's live events, with the moment it arrived. */
function followLog(url: string, seen: { at: number; text: string }[]): () => void {
  const controller = new AbortController();
  void (async () => {
    const response = await fetch(url, { headers: dashboardAuth, signal: controller.signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (/^event: log$/m.test(frame) && data) seen.push({ at: Date.now(), text: (JSON.parse(data) as { text: string }).text });
      }
    }
  })().catch(() => undefined);
  return () => controller.abort();
}

/** POSTs the files as one multipart upload; says when the last byte was handed to the connection and when the answer came. */
function upload(url: string, files: { name: string; bytes: Buffer }[]): Promise<{ sentAt: number; answeredAt: number; status: number; body: { results: { status: string; error?: string }[] } }> {
  const boundary = `----kobuild-${nonce}`;
  const parts = files.flatMap((f) => [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="${f.name}"\r\nContent-Type: application/gzip\r\n\r\n`), f.bytes, Buffer.from("\r\n")]);
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  return new Promise((resolve, reject) => {
    let sentAt = 0;
    const request = http.request(`${url}/api/bundles`, { method: "POST", headers: { ...dashboardAuth, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": body.length } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => resolve({ sentAt, answeredAt: Date.now(), status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    request.on("error", reject);
    request.end(body, () => (sentAt = Date.now()));
  });
}

describe("the dashboard while it reads a costly hostile upload", () => {
  it("answers /api/health and streams a running build's log the whole time, then refuses the upload", async () => {
    const serverDir = path.join(dataDir, "dashboard");
    fs.mkdirSync(serverDir, { recursive: true });
    dashboard = await startDashboard(serverDir, PORT, {});
    const post = async (pathname: string, body: unknown) => {
      const response = await fetch(`${dashboard!.url}${pathname}`, { method: "POST", headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = (await response.json()) as { id: number; tag: string | null };
      expect(response.status, JSON.stringify(json)).toBe(201);
      return json;
    };
    const workspace = await post("/api/workspaces", { name: "ticker", path: tickerCheckout(), dockerfile: "Dockerfile" });
    const build = await post("/api/builds", { workspaceId: workspace.id });
    if (build.tag) tags.push(build.tag);
    const lines: { at: number; text: string }[] = [];
    const stopFollowing = followLog(`${dashboard.url}/api/builds/${build.id}/events`, lines);
    try {
      const deadline = Date.now() + 300_000;
      while (!lines.some((l) => /^tick \d+$/.test(l.text.trim()))) {
        if (Date.now() > deadline) throw new Error("the build printed no tick");
        await new Promise((r) => setTimeout(r, 100));
      }

      // Three costly archives in one upload: read one after another, each refused once all its links are followed.
      const hostile = await deepSymlinkBundle(3000, { uname: false });
      const files = [1, 2, 3].map(() => ({ name: corpusFileName, bytes: hostile }));
      const health: { askedAt: number; answeredAt: number; status: number }[] = [];
      let uploading = true;
      const answer = upload(dashboard.url, files).finally(() => (uploading = false));
      while (uploading) {
        const askedAt = Date.now();
        const response = await fetch(`${dashboard.url}/api/health`);
        await response.arrayBuffer();
        health.push({ askedAt, answeredAt: Date.now(), status: response.status });
        await new Promise((r) => setTimeout(r, 50));
      }
      const { sentAt, answeredAt, status, body } = await answer;

      expect(status).toBe(422);
      expect(body.results.map((r) => r.error)).toEqual(files.map(() => `${corpusFileName}: the archive has no BUNDLE_UNAME at its root (missing_field)`));
      // Every byte was sent before these: the server was only reading the archives then.
      const whileReading = health.filter((h) => h.askedAt >= sentAt && h.answeredAt <= answeredAt);
      expect(whileReading.length, JSON.stringify(health)).toBeGreaterThanOrEqual(3);
      expect(whileReading.every((h) => h.status === 200)).toBe(true);
      const ticks = lines.filter((l) => l.at >= sentAt && l.at <= answeredAt && /^tick \d+$/.test(l.text.trim()));
      expect(ticks.length).toBeGreaterThanOrEqual(1);
    } finally {
      stopFollowing();
      await fetch(`${dashboard.url}/api/builds/${build.id}/cancel`, { method: "POST", headers: dashboardAuth });
    }
  }, 600_000);
});
