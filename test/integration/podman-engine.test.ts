import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminRequest } from "./helpers/admin-request";
import { docker, runDocker } from "./helpers/driver-build";
import { list } from "./helpers/engines-api";
import { importBusybox } from "./helpers/private-engine";
import { privatePodman } from "./helpers/private-podman";
import { freshDataDir } from "./helpers/sample-data-dir";
import { waitForBuild } from "./helpers/wait-for-build";

// Podman's Docker-compatible service as kobuild's engine: a private podman
// (overlay storage under a temporary directory) is DOCKER_HOST, so the build, the
// image read and the records all go through it. The same Dockerfile built by
// the machine's Docker engine and read by kobuild's reader must give the same
// drivers and failure logs.
const podman = privatePodman("podman-engine");
process.env.DOCKER_HOST = podman.host;
const dataDir = freshDataDir("podman-default");
const nonce = randomBytes(6).toString("hex");
// Podman's import ignores the tag it is given (the image is always `:latest`).
const BASE_IMAGE = `kobuild-podman-${nonce}/busybox:latest`;
const KERNEL = "6.1.0-56-amd64";
const OLD_KERNEL = "3.10.0-1160.el7.x86_64";

const { getDb } = await import("@/lib/db/client");
const { drivers, failures } = await import("@/lib/db/schema");
const { createBuild } = await import("@/lib/builds/create-build");
const { createBuildBodySchema } = await import("@/lib/builds/build-schemas");
const { readLogLines } = await import("@/lib/builds/read-log-lines");
const { registerWorkspace } = await import("@/lib/workspace/register-workspace");
const { getDefaultEngine } = await import("@/lib/docker/engine");
const { readDriverImage } = await import("@/lib/docker/image/read-driver-image");
const { eq } = await import("drizzle-orm");
const healthRoute = await import("@/app/api/health/route");

/** A driver build in miniature: one stage makes the files, the result copies them, as the real Dockerfile's stages do. */
const DOCKERFILE = [
  `FROM ${BASE_IMAGE} AS builder`,
  `RUN mkdir -p /out/kernel-modules/2.9.0 /out/FAILURES/${KERNEL}/2.9.0 && echo "KOBUILD-TASK start kernel=${KERNEL} version=2.9.0 flavour=mod" && echo module > /out/kernel-modules/2.9.0/collector-${KERNEL}.ko.gz && echo "too old for eBPF" > /out/kernel-modules/2.9.0/.collector-ebpf-${OLD_KERNEL}.unavail && echo "probe.c:1: error: ${nonce}" > /out/FAILURES/${KERNEL}/2.9.0/bpf.log && echo "to stderr" >&2`,
  "FROM ${BASE_IMAGE}",
  "COPY --from=builder /out/kernel-modules /kernel-modules",
  "COPY --from=builder /out/FAILURES /FAILURES",
].join("\n").replaceAll("${BASE_IMAGE}", BASE_IMAGE);

function dockerfileWorkspace(name: string): string {
  const dir = path.join(dataDir, "checkouts", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Dockerfile"), `${DOCKERFILE}\n`);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=kobuild test", "-c", "user.email=test@kobuild.invalid", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "master");
  git("add", ".");
  git("commit", "-qm", name);
  return dir;
}

// The machine's engine, named outright: DOCKER_HOST is Podman's here, for kobuild and the docker CLI alike.
const MACHINE_ENGINE = "unix:///var/run/docker.sock";
const machineDocker = new Docker({ socketPath: "/var/run/docker.sock" });
const dockerRef = `kobuild-podman-${nonce}/reference:1`;
let workspaceId = 0;

/** What kobuild reads of a driver image, in an order that does not depend on the engine. */
const contentOf = (c: Awaited<ReturnType<typeof readDriverImage>>) => ({
  drivers: c.drivers.map((d) => `${d.kind} ${d.path} ${d.size} ${d.sha256}`).sort(),
  failures: c.failures.map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour} ${f.path} ${f.log}`).sort(),
  unknown: [...c.unknown].sort(),
});

beforeAll(async () => {
  await podman.start();
  await importBusybox(getDefaultEngine(), BASE_IMAGE);
  workspaceId = (await registerWorkspace({ name: "mini", path: dockerfileWorkspace("mini"), dockerfile: "Dockerfile", network: "none" })).id;
}, 180_000);

afterAll(async () => {
  await runDocker(["-H", MACHINE_ENGINE, "rmi", "-f", dockerRef, BASE_IMAGE]);
  await podman.destroy();
}, 120_000);

describe("Podman as kobuild's engine", () => {
  it("is told from Docker by its version answer: health and Settings say Podman, its version, no BuildKit", async () => {
    const response = await healthRoute.GET(new AdminRequest("http://127.0.0.1/api/health"), { params: Promise.resolve({}) });
    const health = (await response.json()) as { docker: { reachable: boolean; product: string; version: string; buildkit: boolean } };
    expect(health.docker).toMatchObject({ reachable: true, product: "podman", buildkit: false });
    expect(health.docker.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await list())[0]!.health).toMatchObject({ reachable: true, product: "podman", version: health.docker.version, buildkit: false });
  });

  it("builds with the classic builder by itself, follows Podman's steps and stages, and reads the same drivers and failures as Docker gives", async () => {
    const build = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId }))).id, undefined, 300_000);
    const log = readLogLines(build.id, { limit: 10_000 });
    expect(build.status, `${build.error}\n${log.map((l) => l.text).join("\n").slice(-3000)}`).toBe("succeeded");
    expect(build.builder).toBe("classic");
    const texts = log.map((l) => l.text);
    expect(texts.some((t) => /the classic builder on Podman \d+\.\d+\.\d+$/.test(t))).toBe(true);
    // The step's output lands in the builder stage, as on Docker.
    expect(log.find((l) => l.text === "to stderr")?.stage).toBe("builder");
    expect(build.stages.map((s) => `${s.name} ${s.status}`)).toEqual(expect.arrayContaining(["builder done"]));

    // What kobuild recorded of the image Podman built...
    const imageId = build.image!.id;
    const recorded = {
      drivers: getDb().select().from(drivers).where(eq(drivers.imageId, imageId)).all().map((d) => `${d.kind} ${d.path}`).sort(),
      failures: getDb().select().from(failures).where(eq(failures.imageId, imageId)).all().map((f) => `${f.kernel} ${f.moduleVersion} ${f.flavour}`).sort(),
    };
    expect(recorded).toEqual({
      drivers: [`driver /kernel-modules/2.9.0/collector-${KERNEL}.ko.gz`, `marker /kernel-modules/2.9.0/.collector-ebpf-${OLD_KERNEL}.unavail`],
      failures: [`${KERNEL} 2.9.0 bpf`],
    });
    // ...is what Docker's build of the same Dockerfile holds, byte for byte, read the same way.
    const checkout = path.join(dataDir, "checkouts", "mini");
    await importBusybox(machineDocker, BASE_IMAGE);
    await docker(["-H", MACHINE_ENGINE, "build", "--network", "none", "-t", dockerRef, checkout]);
    const onPodman = await readDriverImage(getDefaultEngine(), build.tag!);
    const onDocker = await readDriverImage(machineDocker, dockerRef);
    expect(contentOf(onPodman)).toEqual(contentOf(onDocker));
    expect(onPodman.failures[0]!.log).toContain(nonce);
  }, 600_000);

  it("refuses BuildKit there, saying the engine is Podman", async () => {
    const build = await waitForBuild((await createBuild(createBuildBodySchema.parse({ workspaceId, builder: "buildkit" }))).id, undefined, 120_000);
    expect(build.status).toBe("failed");
    expect(build.error).toMatch(/^the engine is Podman \d+\.\d+\.\d+, whose Docker-compatible service has no BuildKit: choose the classic builder \(or auto\)$/);
  }, 180_000);
});
