// kobuild's own image, built from the top-level Dockerfile and run against the
// real engine: the dashboard in a container, as a non-root user that reaches
// the engine's socket through the socket's group, its data on a named volume.
//
// No registry is reachable here, so the image is built with NODE_IMAGE set to a
// base made on this machine (scripts/container-node-image.sh: Debian bookworm
// with this machine's node) and APP_FROM=prebuilt (the app `npx next build`
// made, which must have run first). The `builder` stage, which runs `npm ci`
// and `next build` inside the image, is what users get by default; it is not
// run here.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardAuth, dashboardToken } from "./helpers/dashboard-process";
import { bundlesDir, docker, listBundleKernels, repoRoot, runDocker, tempDir } from "./helpers/driver-build";
import { freshDataDir, makeSampleWorkspace } from "./helpers/sample-data-dir";
import { until } from "./helpers/until";

freshDataDir("container");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 77;
const URL_BASE = `http://127.0.0.1:${PORT}`;
const RUN = `${process.pid}`;
const IMAGE = `kobuild-container-test:${RUN}`;
/** The "newer" image of the upgrade: the same Dockerfile built again, as `docker compose build` does after a pull. */
const NEWER_IMAGE = `kobuild-container-test:${RUN}-newer`;
const VOLUME = `kobuild-container-test-${RUN}`;
const OLD_VOLUME = `kobuild-container-test-${RUN}-old`;
const CONTAINER = `kobuild-container-test-${RUN}`;
const SAMPLE_MOUNT = "/srv/sample";

const made = { images: [] as string[], volumes: [] as string[], containers: [] as string[], dirs: [] as string[] };
let socketGroup = "";
let imageUser = "";
let sampleDir = "";
let nodeImageTag = "";

type BuildRow = { id: number; status: string; drivers: { built: number; failed: number } };

async function api<T>(pathname: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${URL_BASE}${pathname}`, { ...init, headers: { ...dashboardAuth, ...(init?.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${pathname}: ${response.status} ${text.slice(0, 2000)}`);
  return JSON.parse(text) as T;
}
const postJson = <T>(pathname: string, body: unknown) =>
  api<T>(pathname, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

async function buildImage(tag: string, nodeImage: string, label: string) {
  made.images.push(tag);
  const result = await runDocker(
    ["build", "--network", "none", "--build-arg", `NODE_IMAGE=${nodeImage}`, "--build-arg", "APP_FROM=prebuilt", "--label", `org.kobuild.test=${label}`, "-t", tag, "."],
    { cwd: repoRoot },
  );
  if (result.code !== 0) throw new Error(`docker build of ${tag} failed:\n${result.output.slice(-4000)}`);
}

/** Starts the dashboard's container on a volume, as compose.yaml does, but on the host's network: this engine has no bridge. */
async function startContainer(image: string, volume: string) {
  made.containers.push(CONTAINER);
  await docker([
    "run", "-d", "--name", CONTAINER,
    "--network", "host",
    "--group-add", socketGroup,
    "-v", "/var/run/docker.sock:/var/run/docker.sock",
    "-v", `${volume}:/data`,
    "-v", `${sampleDir}:${SAMPLE_MOUNT}`,
    "-e", "KOBUILD_HOST=127.0.0.1",
    "-e", `KOBUILD_PORT=${PORT}`,
    "-e", `KOBUILD_ADMIN_TOKEN=${dashboardToken}`,
    // The image's own health check, asked more often than its default so the test does not wait.
    "--health-interval", "1s",
    "--health-start-period", "60s",
    image,
  ]);
  await waitHealthy();
}

async function waitHealthy() {
  await until(
    `${CONTAINER} healthy`,
    async () => (await runDocker(["inspect", "-f", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", CONTAINER])).output.trim(),
    (state) => state === "running healthy" || state.startsWith("exited"),
    120_000,
    500,
  ).then(async (state) => {
    if (state !== "running healthy") throw new Error(`${CONTAINER} is ${state}:\n${(await runDocker(["logs", CONTAINER])).output.slice(-4000)}`);
  });
}

async function removeContainer() {
  await runDocker(["rm", "-f", CONTAINER]);
}

async function containerLogs() {
  return (await runDocker(["logs", CONTAINER])).output;
}

async function buildLog(id: number) {
  const response = await fetch(`${URL_BASE}/api/builds/${id}/logs`, { headers: dashboardAuth });
  expect(response.status).toBe(200);
  return response.text();
}

async function listBuilds() {
  return (await api<{ builds: BuildRow[] }>("/api/builds")).builds;
}

/** The database files of a volume, copied out of a stopped container so the host can read them. */
async function readVolumeDb(label: string) {
  const dir = tempDir(`container-${label}`);
  made.dirs.push(dir);
  await docker(["cp", `${CONTAINER}:/data/.`, dir]);
  return new Database(path.join(dir, "kobuild.db"), { readonly: true });
}

const journal = () => (JSON.parse(fs.readFileSync(path.join(repoRoot, "drizzle", "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] }).entries;

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, ".next", "standalone", "server.js"))) throw new Error("the standalone app is not built: run `npx next build` first");
  socketGroup = String(fs.statSync("/var/run/docker.sock").gid);
  nodeImageTag = execFileSync("bash", [path.join(repoRoot, "scripts", "container-node-image.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  await buildImage(IMAGE, nodeImageTag, "first");
  imageUser = (await docker(["run", "--rm", "--network", "none", IMAGE, "id", "-u"])).trim();
  // The sample workspace, a checkout the container's user owns (git refuses others').
  sampleDir = tempDir("container-sample");
  made.dirs.push(sampleDir);
  const workspace = makeSampleWorkspace(sampleDir);
  execFileSync("chown", ["-R", `${imageUser}:${imageUser}`, sampleDir]);
  sampleDir = workspace;
  made.volumes.push(VOLUME);
  await docker(["volume", "create", VOLUME]);
  await startContainer(IMAGE, VOLUME);
}, 900_000);

afterAll(async () => {
  for (const container of made.containers) await runDocker(["rm", "-f", container]);
  for (const volume of made.volumes) await runDocker(["volume", "rm", "-f", volume]);
  for (const image of made.images) await runDocker(["rmi", image]);
  for (const dir of made.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe("the image", () => {
  it("runs the dashboard as a non-root user, healthy by its own health check, reaching the engine through the socket's group", async () => {
    expect(imageUser).not.toBe("0");
    const groups = (await docker(["exec", CONTAINER, "id", "-G"])).trim().split(" ");
    expect(groups).toContain(socketGroup);
    const health = await api<{ database: { ok: boolean }; docker: { reachable: boolean }; dataDir: { path: string } }>("/api/health");
    expect(health).toMatchObject({ database: { ok: true }, docker: { reachable: true }, dataDir: { path: "/data" } });
  });

  it("holds the built server, not the source tree", async () => {
    // Sources would show up as TypeScript files or the repository's own folders next to server.js
    // (the server's own output in .next/ may hold the source of the inspection worker as an asset).
    const listing = (await docker(["run", "--rm", "--network", "none", IMAGE, "sh", "-c", "cd /app && ls -A && find . -name '*.ts*' -not -path './node_modules/*' -not -path './.next/*' | head -5"])).trim().split("\n");
    expect(listing).toContain("server.js");
    expect(listing).toContain("drizzle");
    for (const source of ["app", "lib", "components", "test", "e2e", "scripts", "package-lock.json", "node_modules/.bin"]) expect(listing).not.toContain(source);
    expect(listing.filter((l) => /\.tsx?$/.test(l))).toEqual([]);
    // What the server reads from its working directory: the migrations, and kobuild's own operation Dockerfiles.
    const shipped = (await docker(["run", "--rm", "--network", "none", IMAGE, "sh", "-c", "cd /app && ls drizzle drizzle/meta sample/collector/kernel-modules/dockerized"])).split(/\s+/);
    for (const entry of journal()) expect(shipped).toContain(`${entry.tag}.sql`);
    expect(shipped).toContain("_journal.json");
    for (const kind of ["merge", "squash", "collector"]) expect(shipped).toContain(`Dockerfile.${kind}`);
    expect(fs.readdirSync(path.join(repoRoot, ".next", "standalone"))).not.toContain(".git");
  });
});

describe("its configuration", () => {
  it("stops with one line naming a bad variable, as `npm start` does", async () => {
    const name = `${CONTAINER}-bad-config`;
    made.containers.push(name);
    const result = await runDocker(["run", "--name", name, "--network", "none", "-e", "KOBUILD_MAX_LOG_BYTES=lots", IMAGE]);
    expect(result.code).toBe(1);
    expect(result.output.split("\n").filter((l) => l.startsWith("kobuild: invalid configuration"))).toEqual([
      'kobuild: invalid configuration: KOBUILD_MAX_LOG_BYTES must be a whole number of bytes (got "lots")',
    ]);
  });
});

describe("compose.yaml", () => {
  /** `docker-compose config` (Debian's compose) in a copy of the repository's compose files, with `.env` made as the README says. */
  function composeConfig(env: string) {
    const dir = tempDir("container-compose");
    made.dirs.push(dir);
    for (const file of ["compose.yaml", ".env.example", "Dockerfile"]) fs.copyFileSync(path.join(repoRoot, file), path.join(dir, file));
    fs.writeFileSync(path.join(dir, ".env"), fs.readFileSync(path.join(dir, ".env.example"), "utf8") + env);
    try {
      return { ok: true, output: execFileSync("docker-compose", ["config"], { cwd: dir, encoding: "utf8", stdio: "pipe" }) };
    } catch (error) {
      return { ok: false, output: String((error as { stderr?: string }).stderr) };
    }
  }

  it("without DOCKER_GID in .env refuses to start, saying how to find the socket's group", () => {
    const { ok, output } = composeConfig("");
    expect(ok).toBe(false);
    expect(output).toContain("stat -c %g /var/run/docker.sock");
  });

  it("with .env.example and the socket's group mounts the socket and a named data volume, publishes on 127.0.0.1 only and overrides the address and data directory", () => {
    const { ok, output } = composeConfig(`DOCKER_GID=${socketGroup}\n`);
    expect(ok, output).toBe(true);
    const service = output.slice(output.indexOf("kobuild:"));
    expect(service).toContain(`- '${socketGroup}'`);
    expect(service).toContain("- /var/run/docker.sock:/var/run/docker.sock:rw");
    expect(service).toMatch(/- kobuild-data:\/data:rw/);
    expect(service).toContain("- 127.0.0.1:3000:3000/tcp");
    expect(service).toContain("KOBUILD_DATA_DIR: /data");
    expect(service).toContain("KOBUILD_HOST: 0.0.0.0");
    expect(service).toContain("restart: unless-stopped");
  });
});

describe("a sample build through the containerized dashboard", () => {
  let built: BuildRow;
  let log = "";

  it("registers the sample workspace, takes the bundles by upload and builds drivers on the engine", async () => {
    const workspace = await postJson<{ id: number }>("/api/workspaces", { name: "sample", path: SAMPLE_MOUNT, network: "none" });
    const kernels = listBundleKernels();
    expect(kernels.length, `bundles in ${bundlesDir}`).toBeGreaterThan(0);
    const form = new FormData();
    for (const kernel of kernels) {
      const file = `bundle-${kernel}.tgz`;
      form.append("files", new Blob([fs.readFileSync(path.join(bundlesDir, file))]), file);
    }
    const upload = await api<{ results: { status: string }[] }>("/api/bundles", { method: "POST", body: form });
    expect(upload.results.map((r) => r.status)).toEqual(kernels.map(() => "stored"));

    const build = await postJson<{ id: number }>("/api/builds", { workspaceId: workspace.id, branch: "master", buildJobs: 2 });
    built = await until(
      "the sample build's end",
      async () => (await listBuilds()).find((b) => b.id === build.id)!,
      (b) => !["queued", "running"].includes(b.status),
      600_000,
      1000,
    );
    expect(built.status, await containerLogs()).toBe("succeeded");
    // The sample holds a bundle that fails on purpose: drivers for the other kernels, and that failure.
    expect(built.drivers.built).toBeGreaterThan(0);
    expect(built.drivers.failed).toBeGreaterThan(0);
    log = await buildLog(built.id);
    const { tag } = await api<{ tag: string | null }>(`/api/builds/${built.id}`);
    if (tag) made.images.push(tag);
    expect(log).toContain("kobuild: reading /kernel-modules and /FAILURES from the image");
  }, 700_000);

  it("keeps its data over a restart of the container", async () => {
    await docker(["restart", CONTAINER]);
    await waitHealthy();
    expect((await listBuilds()).find((b) => b.id === built.id)).toEqual(built);
    expect((await api<{ bundles: unknown[] }>("/api/bundles")).bundles).toHaveLength(listBundleKernels().length);
    expect(await buildLog(built.id)).toBe(log);
  });

  it("keeps its data when the container is replaced by a newer image on the same volume", async () => {
    await buildImage(NEWER_IMAGE, nodeImageTag, "newer");
    const [first, newer] = await Promise.all([IMAGE, NEWER_IMAGE].map(async (i) => (await docker(["image", "inspect", "-f", "{{.Id}}", i])).trim()));
    expect(newer).not.toBe(first);
    await removeContainer();
    await startContainer(NEWER_IMAGE, VOLUME);
    expect((await listBuilds()).find((b) => b.id === built.id)).toEqual(built);
    expect(await buildLog(built.id)).toBe(log);
  });
});

describe("an upgrade from a database an older kobuild left", () => {
  it("applies the migrations the volume's database lacks at start, and keeps what it held", async () => {
    const entries = journal();
    expect(entries.length).toBeGreaterThan(1);
    // The database of a kobuild one migration behind: the repository's migrations but the newest, applied by drizzle's migrator.
    const seed = tempDir("container-old-db");
    made.dirs.push(seed);
    const older = path.join(seed, "drizzle");
    fs.cpSync(path.join(repoRoot, "drizzle"), older, { recursive: true });
    const metaFile = path.join(older, "meta", "_journal.json");
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as { entries: { tag: string }[] };
    const newest = meta.entries.pop()!;
    fs.writeFileSync(metaFile, JSON.stringify(meta));
    fs.rmSync(path.join(older, `${newest.tag}.sql`));
    const sqlite = new Database(path.join(seed, "kobuild.db"));
    migrate(drizzle(sqlite), { migrationsFolder: older });
    sqlite.prepare("INSERT INTO users (name, role) VALUES (?, ?)").run("from-an-older-release", "operator");
    sqlite.close();
    fs.chmodSync(path.join(seed, "kobuild.db"), 0o644);

    made.volumes.push(OLD_VOLUME);
    await docker(["volume", "create", OLD_VOLUME]);
    // Put in place as the container's user, as the older release would have written it.
    await docker([
      "run", "--rm", "--network", "none", "--user", "0", "-v", `${OLD_VOLUME}:/data`, "-v", `${seed}:/seed:ro`, NEWER_IMAGE,
      "sh", "-c", `cp /seed/kobuild.db /data/kobuild.db && chown -R ${imageUser}:${imageUser} /data && chmod 0700 /data`,
    ]);
    await removeContainer();
    await startContainer(NEWER_IMAGE, OLD_VOLUME);
    const users = await api<{ users: { name: string; role: string }[] }>("/api/users");
    expect(users.users.map((u) => `${u.name} ${u.role}`)).toContain("from-an-older-release operator");
    // The newest migration's tables answer.
    await api("/api/bundle-sources");

    await docker(["stop", CONTAINER]);
    const db = await readVolumeDb("upgraded");
    const applied = db.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
    db.close();
    expect(applied.n).toBe(entries.length);
  });
});
