import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { dashboardAuth, startDashboard } from "./helpers/dashboard-process";
import { DOCKER } from "./helpers/driver-build";
import { freshDataDir } from "./helpers/sample-data-dir";
import { readBuildEvents } from "./helpers/sse";
import { waitForBuild } from "./helpers/wait-for-build";

// Fifty browsers on one build page: each follows GET /api/builds/:id/events
// from the first line, some from before the build starts, some joining while
// it prints, and each must get every line once, in order.

const dataDir = freshDataDir("fanout");
const LINES = 5000;
const READERS = 50;
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3800);
const nonce = randomBytes(6).toString("hex");
const tags: string[] = [];

const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const eventsRoute = await import("@/app/api/builds/[id]/events/route");

afterAll(() => {
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

/** A checkout whose build prints LINES numbered lines over a few seconds, so that readers follow it live. */
function printerCheckout(name: string): string {
  const checkout = path.join(dataDir, name);
  fs.mkdirSync(checkout, { recursive: true });
  fs.writeFileSync(
    path.join(checkout, "Dockerfile"),
    [
      "FROM kobuild/toolchain:bookworm-1",
      `RUN echo "${name} ${nonce}" && for i in $(seq 1 ${LINES}); do echo "line $i of ${LINES}"; if [ $((i % 250)) -eq 0 ]; then sleep 0.2; fi; done`,
      "RUN mkdir -p /kernel-modules /FAILURES",
      "",
    ].join("\n"),
  );
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: checkout, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", name);
  return checkout;
}

type Reader = Awaited<ReturnType<typeof readBuildEvents>>;

/** What every reader must have got: the stored lines, numbered from 1, each once, in order, then the end. */
function expectEveryLine(readers: Reader[], stored: { seq: number; text: string }[]) {
  const printed = stored.filter((l) => /^line \d+ of \d+$/.test(l.text)).map((l) => l.text);
  expect(printed).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1} of ${LINES}`));
  const expected = stored.map((l) => `${l.seq} ${l.text}`);
  expect(readers).toHaveLength(READERS);
  for (const [i, reader] of readers.entries()) {
    expect(reader.endStatus, `reader ${i}`).toBe("succeeded");
    expect(reader.logs.map((l) => l.id), `reader ${i}`).toEqual(stored.map((_, k) => k + 1));
    expect(reader.logs.map((l) => `${l.seq} ${l.text}`), `reader ${i}`).toEqual(expected);
  }
}

describe(`${READERS} readers of one build's events`, () => {
  it(`each get all ${LINES} lines exactly once, in order, and the end (the route, in the process that runs the build)`, async () => {
    const workspace = await registerWorkspace({ name: "printer", path: printerCheckout("printer"), dockerfile: "Dockerfile", network: "none" });

    const build = await createBuild(createBuildBodySchema.parse({ workspaceId: workspace.id }));
    if (build.tag) tags.push(build.tag);
    const follow = async () => readBuildEvents(await eventsRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${build.id}/events`), { params: Promise.resolve({ id: String(build.id) }) }));

    // Half open the page before the build prints; the others come while it prints.
    const early = Array.from({ length: READERS / 2 }, () => follow());
    const joining = await waitForBuild(build.id, () => readLogLines(build.id, { limit: LINES * 2 }).some((l) => l.text === `line 1000 of ${LINES}`), 300_000);
    expect(joining.status).toBe("running");
    expect(readLogLines(build.id, { limit: LINES * 2 }).some((l) => l.text === `line ${LINES} of ${LINES}`)).toBe(false);
    const late = Array.from({ length: READERS / 2 }, () => follow());
    const readers = await Promise.all([...early, ...late]);

    const done = await waitForBuild(build.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expectEveryLine(readers, readLogLines(build.id, { limit: LINES * 2 }));
  }, 600_000);

  it(`each get all ${LINES} lines exactly once, in order, and the end (the built dashboard, over HTTP)`, async () => {
    const serverDir = path.join(dataDir, "dashboard");
    fs.mkdirSync(serverDir, { recursive: true });
    const dashboard = await startDashboard(serverDir, PORT, {});
    try {
      const post = async (pathname: string, body: unknown) => {
        const response = await fetch(`${dashboard.url}${pathname}`, { method: "POST", headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify(body) });
        const json = (await response.json()) as { id: number; tag: string | null };
        expect(response.status, JSON.stringify(json)).toBe(201);
        return json;
      };
      const lines = async (id: number) => (await (await fetch(`${dashboard.url}/api/builds/${id}/logs?format=ndjson`, { headers: dashboardAuth })).text()).split("\n").filter(Boolean).map((l) => JSON.parse(l) as { seq: number; text: string });
      const workspace = await post("/api/workspaces", { name: "printer", path: printerCheckout("printer-http"), dockerfile: "Dockerfile", network: "none" });
      const build = await post("/api/builds", { workspaceId: workspace.id });
      if (build.tag) tags.push(build.tag);
      const follow = async () => readBuildEvents(await fetch(`${dashboard.url}/api/builds/${build.id}/events`, { headers: dashboardAuth }));

      const early = Array.from({ length: READERS / 2 }, () => follow());
      const deadline = Date.now() + 300_000;
      while (!(await lines(build.id)).some((l) => l.text === `line 1000 of ${LINES}`)) {
        if (Date.now() > deadline) throw new Error("the build printed no line 1000");
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await lines(build.id)).some((l) => l.text === `line ${LINES} of ${LINES}`)).toBe(false);
      const late = Array.from({ length: READERS / 2 }, () => follow());
      const readers = await Promise.all([...early, ...late]);

      const done = (await (await fetch(`${dashboard.url}/api/builds/${build.id}`, { headers: dashboardAuth })).json()) as { status: string; error: string | null };
      expect(done).toMatchObject({ status: "succeeded", error: null });
      expectEveryLine(readers, await lines(build.id));
    } finally {
      await dashboard.kill("SIGTERM");
    }
  }, 600_000);
});
