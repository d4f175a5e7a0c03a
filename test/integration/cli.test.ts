// The `kobuild` command line as CI runs it: the real bin/kobuild.mjs as a
// child process, against the built dashboard (its own process on a fresh data
// directory) and the real engine, with an operator's API token made through
// the API. Builds are of small workspaces made here (a Dockerfile on the
// toolchain image, classic builder), so each takes seconds.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSampleRecord } from "../sample-record";
import { dashboardAuth, startDashboard, type DashboardProcess } from "./helpers/dashboard-process";
import { DOCKER } from "./helpers/driver-build";
import { runKobuild, startKobuild } from "./helpers/kobuild-cli";
import { until } from "./helpers/until";
import { freshDataDir } from "./helpers/sample-data-dir";

const dataDir = freshDataDir("cli");
const PORT = Number(process.env.KOBUILD_E2E_PORT ?? 3100) + 50;
const PROXY_PORT = PORT + 1;
const NONCE = randomBytes(6).toString("hex");
const MV = "2.9.0";
const FAILING_KERNEL = "6.1.0-99-amd64";
const ERROR_LINE = "/src/probe.c:12:5: error: implicit declaration of function 'bpf_probe_read_kernel'";
const record = readSampleRecord();
const bundle = record.byRole("newest");
const LINES = 400;

let dashboard: DashboardProcess;
let token = "";
const tags: string[] = [];
let builtId = 0;

async function api<T>(pathname: string, body?: unknown): Promise<T> {
  const response = await fetch(`${dashboard.url}${pathname}`, body === undefined ? { headers: dashboardAuth } : { method: "POST", headers: { ...dashboardAuth, "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** A checkout on this machine whose Dockerfile is `lines`, committed. */
function workspaceDir(name: string, lines: string[]) {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), `${lines.join("\n")}\n`);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", name);
  return dir;
}

const env = (extra: Record<string, string> = {}) => ({ KOBUILD_URL: dashboard.url, KOBUILD_TOKEN: token, ...extra });

/** A proxy in front of the dashboard that cuts the first event stream it carries once a few log lines went through. */
let proxy: http.Server;
let cutStreams = 0;
function startProxy() {
  proxy = http.createServer((request, response) => {
    const upstream = http.request({ host: "127.0.0.1", port: PORT, path: request.url, method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      const cut = request.url?.includes("/events") && cutStreams === 0;
      let logFrames = 0;
      answer.on("data", (chunk: Buffer) => {
        response.write(chunk);
        if (!cut) return;
        logFrames += chunk.toString("utf8").split("event: log").length - 1;
        if (logFrames >= 5) {
          cutStreams++;
          upstream.destroy();
          response.socket?.destroy();
        }
      });
      answer.on("end", () => response.end());
      answer.on("error", () => response.socket?.destroy());
    });
    upstream.on("error", () => response.socket?.destroy());
    request.pipe(upstream);
  });
  return new Promise<void>((resolve) => proxy.listen(PROXY_PORT, "127.0.0.1", resolve));
}

beforeAll(async () => {
  dashboard = await startDashboard(dataDir, PORT, {});
  await startProxy();
  await api("/api/users", { name: "ci-operator", role: "operator" });
  token = (await api<{ token: string }>("/api/tokens", { name: "ci", user: "ci-operator" })).token;
  const built = workspaceDir("drivers", [
    "FROM kobuild/toolchain:bookworm-1 AS compile",
    `RUN for i in $(seq 1 ${LINES}); do echo "compile line $i ${NONCE}"; done \\`,
    `  && mkdir -p /out/kernel-modules/${MV} /out/FAILURES/${FAILING_KERNEL}/${MV} \\`,
    `  && echo driver | gzip > /out/kernel-modules/${MV}/collector-${bundle.kernel}.ko.gz \\`,
    `  && printf '%s\\n' "${ERROR_LINE}" > /out/FAILURES/${FAILING_KERNEL}/${MV}/mod.log`,
    "FROM kobuild/toolchain:bookworm-1",
    "COPY --from=compile /out/ /",
  ]);
  const fails = workspaceDir("fails", ["FROM kobuild/toolchain:bookworm-1 AS compile", `RUN echo "about to fail ${NONCE}" && exit 3`]);
  await api("/api/workspaces", { name: "drivers", path: built, dockerfile: "Dockerfile", network: "none" });
  await api("/api/workspaces", { name: "fails", path: fails, dockerfile: "Dockerfile", network: "none" });
  const slow = workspaceDir("slow", ["FROM kobuild/toolchain:bookworm-1 AS compile", `RUN echo "waiting ${NONCE}" && sleep 300`]);
  await api("/api/workspaces", { name: "slow", path: slow, dockerfile: "Dockerfile", network: "none" });
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await dashboard?.kill("SIGKILL");
  for (const tag of tags) spawnSync(DOCKER, ["rmi", tag], { stdio: "ignore" });
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 120_000);

describe("kobuild --help", () => {
  it("explains every command and exits 0 without a token", async () => {
    const cases: [string[], RegExp][] = [
      [["--help"], /Usage: kobuild COMMAND[\s\S]*bundles upload FILE[\s\S]*Exit status/],
      [["build", "--help"], /Usage: kobuild build --workspace W[\s\S]*--cache-repo R[\s\S]*--wait/],
      [["bundles", "upload", "--help"], /Usage: kobuild bundles upload FILE\.\.\.[\s\S]*--replace/],
      [["drivers", "find", "--help"], /Usage: kobuild drivers find KERNEL[\s\S]*--format F/],
      [["coverage", "--help"], /Usage: kobuild coverage \(--build N \| --image N\)[\s\S]*csv/],
    ];
    for (const [args, usage] of cases) {
      const run = await runKobuild(args, {});
      expect(run.code, args.join(" ")).toBe(0);
      expect(run.stdout).toMatch(usage);
    }
  });

  it("refuses a wrong command line with exit 2 before asking the dashboard", async () => {
    const unknown = await runKobuild(["bulid"], env());
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toMatch(/unknown command "bulid"/);
    const noWorkspace = await runKobuild(["build", "--wait"], env());
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toMatch(/--workspace is required[\s\S]*kobuild build --help/);
    const noToken = await runKobuild(["coverage", "--build", "1"], { KOBUILD_URL: dashboard.url });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/no API token: set KOBUILD_TOKEN or give --token-file/);
  });
});

describe("what the command line says when the dashboard refuses or is away", () => {
  it("says a wrong token is not accepted (exit 3), never printing it", async () => {
    const wrong = `kbt_${randomBytes(24).toString("base64url")}`;
    const run = await runKobuild(["coverage", "--build", "1"], env({ KOBUILD_TOKEN: wrong }));
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/401 .*does not accept this API token/);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it("takes the token from --token-file too", async () => {
    const file = path.join(dataDir, "token");
    fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
    const run = await runKobuild(["coverage", "--build", "999999", "--token-file", file], { KOBUILD_URL: dashboard.url });
    // Past the token check: the build does not exist.
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/404 .*no build with id 999999|404 .*999999/);
  });

  it("says a dashboard that does not answer is unreachable (exit 4)", async () => {
    const run = await runKobuild(["coverage", "--build", "1"], env({ KOBUILD_URL: `http://127.0.0.1:${PORT + 2}` }));
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/could not reach the dashboard at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
  });
});

describe("kobuild bundles upload", () => {
  it("streams a real bundle to the store, then says the same content is there, and rejects a file that is no bundle (exit 1)", async () => {
    const file = record.fileOf(bundle);
    const first = await runKobuild(["bundles", "upload", file], env());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${bundle.file.replace(/[.+]/g, "\\$&")}: stored \\(kernel ${bundle.kernel.replace(/[.+]/g, "\\$&")}, bundle \\d+, ${bundle.size} bytes, sha256 ${bundle.sha256}\\)`));
    const stored = await api<{ bundles: { kernel: string; sha256: string }[] }>("/api/bundles");
    expect(stored.bundles).toEqual([expect.objectContaining({ kernel: bundle.kernel, sha256: bundle.sha256 })]);

    const bogus = path.join(dataDir, "bundle-6.1.0-1-amd64.tgz");
    fs.writeFileSync(bogus, "not a bundle at all\n");
    const again = await runKobuild(["bundles", "upload", file, bogus, "--json"], env());
    expect(again.code).toBe(1);
    const { results } = JSON.parse(again.stdout) as { results: { file: string; status: string; error?: string }[] };
    expect(results.map((r) => [r.file, r.status])).toEqual([
      [bundle.file, "duplicate"],
      ["bundle-6.1.0-1-amd64.tgz", "rejected"],
    ]);
    expect(results[1]!.error).toMatch(/gzip/);
    expect((await api<{ bundles: unknown[] }>("/api/bundles")).bundles).toHaveLength(1);
  });
});

describe("kobuild build --wait", () => {
  it("follows a build that succeeds to its end, every line once with its stage even when the stream drops, prints its failure groups and exits 0", async () => {
    const run = await runKobuild(["build", "--workspace", "drivers", "--builder", "classic", "--bundle", bundle.kernel, "--wait"], env({ KOBUILD_URL: `http://127.0.0.1:${PROXY_PORT}` }));
    expect(run.code, run.stderr + run.stdout.slice(-3000)).toBe(0);
    const id = Number(/build (\d+) (?:queued|running): http:\/\/127\.0\.0\.1:\d+\/builds\/\d+/.exec(run.stderr)?.[1]);
    expect(id).toBeGreaterThan(0);
    builtId = id;
    const build = await api<{ status: string; tag: string | null; image: { ref: string } | null; options: { builder: string; bundleIds: number[] } }>(`/api/builds/${id}`);
    if (build.tag) tags.push(build.tag);
    expect(build.status).toBe("succeeded");
    expect(build.options).toMatchObject({ builder: "classic" });

    // The stream was cut once, and the command line picked it up again from the last line it held.
    expect(cutStreams).toBe(1);
    expect(run.stderr).toMatch(/the event stream broke off: .*reconnecting from the last line held/);
    const stored = (await (await fetch(`${dashboard.url}/api/builds/${id}/logs?format=ndjson`, { headers: dashboardAuth })).text())
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stage: string | null; text: string });
    const printed = run.stdout.split("\n").filter((l) => /^\[[^\]]+\] /.test(l));
    expect(printed).toEqual(stored.map((l) => `[${l.stage ?? "kobuild"}] ${l.text}`));
    const compiled = printed.filter((l) => l.includes(NONCE) && /compile line \d+ /.test(l));
    expect(compiled).toHaveLength(LINES);
    expect(compiled.every((l) => l.startsWith("[compile] "))).toBe(true);

    expect(run.stdout).toContain(`build ${id} succeeded: ${build.image!.ref}`);
    expect(run.stdout).toMatch(/1 driver task failed, in 1 failure group/);
    expect(run.stdout).toMatch(/1\. .*error: implicit declaration of function 'bpf_probe_read_kernel'/);
    expect(run.stdout).toContain(`1 task, 1 kernel: ${FAILING_KERNEL}`);
    expect(run.stdout).toContain(`module versions: ${MV}; flavours: mod`);
    expect(run.stdout.trimEnd().endsWith(`/builds/${id}`)).toBe(true);
  });

  it("exits 1 when the build fails, with the failing step and error", async () => {
    const run = await runKobuild(["build", "--workspace", "fails", "--builder", "classic", "--wait"], env());
    expect(run.code, run.stderr).toBe(1);
    const id = Number(/build (\d+) (?:queued|running): /.exec(run.stderr)?.[1]);
    expect(run.stdout).toContain(`[compile] about to fail ${NONCE}`);
    expect(run.stdout).toContain(`build ${id} failed`);
    expect(run.stdout).toMatch(/failed step: .*exit 3/);
    expect(run.stdout).toMatch(/error: .*about to fail .* (returned a non-zero code|exit code): 3/);
    expect((await api<{ status: string }>(`/api/builds/${id}`)).status).toBe("failed");
  });

  it("with --fail-on-driver-failures exits 1 for a build whose drivers failed, and --json gives the groups to programs", async () => {
    // --no-cache: every step runs again, so its output is in this build's log.
    const run = await runKobuild(["build", "--workspace", "1", "--builder", "classic", "--no-cache", "--bundle", String(1), "--wait", "--fail-on-driver-failures", "--json"], env());
    expect(run.code, run.stderr.slice(-2000)).toBe(1);
    const answer = JSON.parse(run.stdout) as { build: { id: number; status: string; tag: string }; failures: { total: number; groups: { signature: string; kernels: string[]; moduleVersions: string[] }[] } };
    tags.push(answer.build.tag);
    expect(answer.build.status).toBe("succeeded");
    expect(answer.failures.total).toBe(1);
    expect(answer.failures.groups).toEqual([expect.objectContaining({ kernels: [FAILING_KERNEL], moduleVersions: [MV] })]);
    expect(answer.failures.groups[0]!.signature).toMatch(/implicit declaration of function 'bpf_probe_read_kernel'/);
    // The log went to stderr, leaving stdout to the JSON.
    expect(run.stderr).toContain(`[compile] compile line ${LINES} ${NONCE}`);
  });
});

describe("kobuild build --wait, interrupted", () => {
  it("cancels the build it follows when the CI job is cancelled (SIGTERM), and exits 143", async () => {
    const cli = startKobuild(["build", "--workspace", "slow", "--builder", "classic", "--no-cache", "--wait"], env());
    await until("the build's step to run", () => cli.run.stdout, (out) => out.includes(`[compile] waiting ${NONCE}`), 120_000);
    const id = Number(/build (\d+) (?:queued|running): /.exec(cli.run.stderr)?.[1]);
    cli.child.kill("SIGTERM");
    const run = await cli.done;
    expect(run.code, run.stderr).toBe(143);
    expect(run.stderr).toContain(`SIGTERM: cancelling build ${id}`);
    expect(run.stderr).toContain(`build ${id} cancelled`);
    const build = await until("the build cancelled", () => api<{ status: string }>(`/api/builds/${id}`), (b) => b.status === "cancelled", 60_000);
    expect(build.status).toBe("cancelled");
  });
});

describe("kobuild coverage and drivers find, on the build's image", () => {
  it("prints the coverage as CSV that matches the API's grid", async () => {
    expect(builtId).toBeGreaterThan(0);
    const run = await runKobuild(["coverage", "--build", String(builtId), "--format", "csv"], env());
    expect(run.code, run.stderr).toBe(0);
    const [header, ...rows] = run.stdout.split("\r\n").filter(Boolean).map((l) => l.split(","));
    expect(header).toEqual(["kernel", "family", "module_version", "flavour", "state", "failure_id", "blocklist_file", "blocklist_line", "blocklist_rule"]);
    const grid = await api<{ kernels: { name: string }[]; moduleVersions: string[]; cells: string; states: Record<string, string>; failures: [number, number][] }>(`/api/builds/${builtId}/coverage`);
    const expected = grid.kernels.flatMap((k, ki) =>
      grid.moduleVersions.flatMap((m, mi) =>
        (["mod", "bpf"] as const).map((f, fi) => {
          const cell = (ki * grid.moduleVersions.length + mi) * 2 + fi;
          return [k.name, m, f, grid.states[grid.cells[cell]!]!, String(grid.failures.find(([c]) => c === cell)?.[1] ?? "")];
        }),
      ),
    );
    expect(rows.map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual(expected);
    const state = (kernel: string, flavour: string) => rows.find((r) => r[0] === kernel && r[2] === MV && r[3] === flavour)?.[4];
    expect(state(bundle.kernel, "mod")).toBe("built");
    expect(state(FAILING_KERNEL, "mod")).toBe("failed");

    // As text: the Coverage page's percentage per module version and flavour.
    const text = await runKobuild(["coverage", "--build", String(builtId)], env());
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`build ${builtId}: 2 kernels, module versions ${MV}\n  ${MV} mod: 50% (1/2) — built 1, failed 1\n  ${MV} bpf: nothing to build — notPlanned 2\n`);
  });

  it("finds the driver for the bundle's kernel (exit 0) and says the failing kernel has none (exit 1)", async () => {
    const found = await runKobuild(["drivers", "find", bundle.kernel], env());
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toMatch(new RegExp(`^${bundle.kernel.replace(/[.+]/g, "\\$&")} has a driver in image \\d+`));
    expect(found.stdout).toMatch(new RegExp(`${MV} mod: built, /kernel-modules/${MV}/collector-.*\\.ko\\.gz \\(\\d+ bytes, sha256 [0-9a-f]{64}\\) http://127\\.0\\.0\\.1:\\d+/api/images/\\d+/driver/download\\?`));

    const missing = await runKobuild(["drivers", "find", FAILING_KERNEL], env());
    expect(missing.code, missing.stderr).toBe(1);
    expect(missing.stdout).toMatch(/has no driver/);
    const csv = await runKobuild(["drivers", "find", FAILING_KERNEL, "--format", "csv"], env());
    expect(csv.code).toBe(1);
    expect(csv.stdout.split("\r\n")[0]).toBe("uname,nodes,verdict,kernel,bundle,module_version,flavour,state,detail,url");

    const bad = await runKobuild(["drivers", "find", "not a kernel;rm"], env());
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/400 from \/api\/drivers: kernel/);
  });
});
