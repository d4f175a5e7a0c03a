import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { format } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { bundlesDir, DOCKER } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { readBuildEvents } from "./helpers/sse";
import { waitForBuild } from "./helpers/wait-for-build";

// Red Hat credentials given to a build go to the engine as build args and
// nowhere else kobuild keeps or serves: not the database, not any file of the
// data directory, not an API answer, not the server's output. Build args are
// visible in the image's history by design (`docker history`: a RUN that uses
// an ARG records its value, as with the docker CLI); the test checks that
// they are there, which also shows its search would find them, and that
// `docker image inspect` has them not.

const dataDir = freshDataDir("credentials");
const username = `rh-user-${randomBytes(9).toString("hex")}`;
const password = `rh-pw-${randomBytes(12).toString("base64url")}`;
const secrets = [username, password];
const tags: string[] = [];

const { getDb } = await import("@/lib/db/client");
const { importSample } = await import("@/lib/workspace/import-sample");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const buildsRoute = await import("@/app/api/builds/route");
const buildRoute = await import("@/app/api/builds/[id]/route");
const logsRoute = await import("@/app/api/builds/[id]/logs/route");
const eventsRoute = await import("@/app/api/builds/[id]/events/route");

/** Everything the server prints while the builds run: its console and its own stdout and stderr. */
const printed: string[] = [];
const restores: (() => void)[] = [];

beforeAll(() => {
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[method].bind(console);
    const spy = vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
      original(...args);
    });
    restores.push(() => spy.mockRestore());
  }
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      printed.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restores.push(() => {
      stream.write = original;
    });
  }
});

afterAll(() => {
  for (const restore of restores) restore();
  // Only the tags this test made; a failed build made none.
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
});

const params = (id: number) => ({ params: Promise.resolve({ id: String(id) }) });
const none = { params: Promise.resolve({}) };

/** Starts a build through POST /api/builds and follows its events from the first line to the end, as the build page does. */
async function buildThroughApi(body: Record<string, unknown>) {
  const created = await buildsRoute.POST(new AdminRequest("http://127.0.0.1/api/builds", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }), none);
  const createdText = await created.text();
  expect(created.status).toBe(201);
  const id = (JSON.parse(createdText) as { id: number }).id;
  const live = await readBuildEvents(await eventsRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${id}/events`), params(id)));
  const build = await waitForBuild(id);
  const get = async (url: string, handler: { GET: (r: Request, c: ReturnType<typeof params>) => Promise<Response> }) => (await handler.GET(new AdminRequest(url), params(id))).text();
  const answers = [
    createdText,
    live.raw,
    await get(`http://127.0.0.1/api/builds/${id}`, buildRoute),
    await get(`http://127.0.0.1/api/builds/${id}/logs`, logsRoute),
    await get(`http://127.0.0.1/api/builds/${id}/logs?format=ndjson&download=1`, logsRoute),
    // Replayed from the start after the end, as a page opened later reads it.
    (await readBuildEvents(await eventsRoute.GET(new AdminRequest(`http://127.0.0.1/api/builds/${id}/events`), params(id)))).raw,
    await (await buildsRoute.GET(new AdminRequest("http://127.0.0.1/api/builds?perPage=200"), none)).text(),
  ];
  return { build, answers, log: answers[3]! };
}

function expectNoSecretIn(what: string, bytes: Buffer | string) {
  const haystack = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  for (const secret of secrets) expect(haystack.includes(Buffer.from(secret)), `${what} holds ${secret === username ? "the user name" : "the password"}`).toBe(false);
}

function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).map((p) => path.join(dir, p)).filter((p) => fs.lstatSync(p).isFile());
}

let workspaceId = 0;

beforeAll(async () => {
  const sample = await importSample({ workspacePath: makeSampleWorkspace(dataDir), bundleDir: bundlesDir });
  workspaceId = sample.workspace.id;
});

describe("Red Hat credentials", () => {
  const served: string[] = [];

  it("reach the sample build (rhel-8-base) and nothing kobuild serves", async () => {
    const tag = `kobuild-test/credentials:sample-${process.pid}`;
    tags.push(tag);
    const { build, answers, log } = await buildThroughApi({ workspaceId, target: "rhel-8-base", tag, checkoutBeforePatching: false, redhatUsername: username, redhatPassword: password });
    expect(build.error).toBeNull();
    expect(build.status).toBe("succeeded");
    expect(build.options).toMatchObject({ redhatCredentials: true });
    // The build script saw them (it says so without printing them).
    expect(log).toMatch(/rhel-8-base: Red Hat credentials given/);
    served.push(...answers);
    for (const [i, answer] of answers.entries()) expectNoSecretIn(`API answer ${i}`, answer);

    // The engine keeps them in the image's history, by design; that is the one place.
    const history = execFileSync(DOCKER, ["history", "--no-trunc", "--format", "{{.CreatedBy}}", tag], { encoding: "utf8" });
    expect(history).toContain(`REDHAT_PASSWORD=${password}`);
    expect(history).toContain(`REDHAT_USERNAME=${username}`);
    expectNoSecretIn("docker image inspect", execFileSync(DOCKER, ["image", "inspect", tag], { encoding: "utf8" }));
  });

  it.each(["buildkit", "classic"] as const)("printed by a careless Dockerfile, are masked in every line and error (%s)", async (builder) => {
    // Out, err, inside a line far longer than one engine message, at the end of a line cut at 64 KiB, and in the failing step's error.
    const checkout = path.join(dataDir, `careless-${builder}`);
    fs.mkdirSync(checkout, { recursive: true });
    fs.writeFileSync(
      path.join(checkout, "Dockerfile"),
      [
        "FROM kobuild/toolchain:bookworm-1",
        "ARG REDHAT_USERNAME",
        "ARG REDHAT_PASSWORD",
        `RUN echo "logging in as $REDHAT_USERNAME with $REDHAT_PASSWORD (${builder} ${process.pid})" && echo "password: $REDHAT_PASSWORD" >&2`,
        `RUN printf 'x%.0s' $(seq 1 40000) && echo " $REDHAT_PASSWORD"`,
        // The cut falls 5 characters into the password: those 5 must not show either.
        `RUN printf 'y%.0s' $(seq 1 65530) && echo " $REDHAT_PASSWORD"`,
        'RUN echo "subscription-manager: invalid password $REDHAT_PASSWORD for $REDHAT_USERNAME" >&2 && exit 7',
        "",
      ].join("\n"),
    );
    execFileSync("git", ["init", "-q", "-b", "master"], { cwd: checkout });
    execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", "add", "."], { cwd: checkout });
    execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", "commit", "-qm", "careless"], { cwd: checkout });
    const careless = await registerWorkspace({ name: `careless-${builder}`, path: checkout, dockerfile: "Dockerfile", network: "none" });
    const tag = `kobuild-test/credentials:careless-${builder}-${process.pid}`;
    tags.push(tag);

    const { build, answers, log } = await buildThroughApi({ workspaceId: careless.id, tag, builder, redhatUsername: username, redhatPassword: password });
    expect(build.status).toBe("failed");
    expect(build.builder).toBe(builder);
    // The lines are there, with the values masked.
    expect(log).toContain("logging in as *** with *** (");
    expect(log).toContain("password: ***");
    expect(log).toMatch(/x{40000} \*\*\*/);
    expect(log).toMatch(/\] y{65530} \*\*\* … \[kobuild: line cut at 64 KiB\]\n/);
    expect(log).toContain("subscription-manager: invalid password *** for ***");
    served.push(...answers);
    for (const [i, answer] of answers.entries()) expectNoSecretIn(`API answer ${i}`, answer);
  });

  it("are in no file of the data directory, the database and its write-ahead log included, and in nothing the server printed", () => {
    expect(served.length).toBeGreaterThan(0);
    // As the files are now, and once the write-ahead log is folded into the database.
    const before = filesUnder(dataDir);
    expect(before.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["kobuild.db", "kobuild.db-wal"]));
    for (const file of before) expectNoSecretIn(path.relative(dataDir, file), fs.readFileSync(file));
    getDb().$client.pragma("wal_checkpoint(TRUNCATE)");
    for (const file of filesUnder(dataDir)) expectNoSecretIn(path.relative(dataDir, file), fs.readFileSync(file));
    expectNoSecretIn("the server's output", printed.join("\n"));
  });
});
