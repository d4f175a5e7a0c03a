import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { mountsUnder, processesUnder } from "./private-engine";

/**
 * Podman's Docker-compatible service of the test's own: Debian's podman on a
 * unix socket, with its storage and run state under one directory, removed
 * whole (mounts first) by `destroy`. Storage is overlay, podman's own driver
 * on this machine: vfs copies every layer whole for each step and container,
 * which a real driver build (an 800 MB toolchain image) turns into tens of GB.
 */
export type PrivatePodman = {
  host: string;
  socket: string;
  base: string;
  start: () => Promise<void>;
  destroy: () => Promise<void>;
};

export type PrivatePodmanOptions = {
  /** Registries it may reach over plain HTTP (host:port), as registries.conf marks them insecure. */
  insecureRegistries?: string[];
};

export function privatePodman(label: string, options: PrivatePodmanOptions = {}): PrivatePodman {
  const base = `/tmp/kobuild-${label}-${process.pid}`;
  const socket = path.join(base, "podman.sock");
  const host = `unix://${socket}`;
  const log = path.join(base, "podman.log");
  let child: ChildProcess | null = null;

  /** Whether the service answers its ping (fetch cannot reach a unix socket; node's http client can). */
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const r = http.request({ socketPath: socket, path: "/_ping" }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      r.on("error", () => resolve(false));
      r.end();
    });

  const start = async () => {
    fs.mkdirSync(path.join(base, "root"), { recursive: true });
    fs.mkdirSync(path.join(base, "run"), { recursive: true });
    const registriesConf = path.join(base, "registries.conf");
    fs.writeFileSync(
      registriesConf,
      ['unqualified-search-registries = ["docker.io"]', ...(options.insecureRegistries ?? []).map((r) => `\n[[registry]]\nlocation = "${r}"\ninsecure = true`)].join("\n") + "\n",
    );
    const out = fs.openSync(log, "a");
    child = spawn(
      "podman",
      [
        "--root", path.join(base, "root"),
        "--runroot", path.join(base, "run"),
        "--storage-driver", "overlay",
        "--cgroup-manager", "cgroupfs",
        "--events-backend", "file",
        "system", "service", "--time=0", host,
      ],
      {
        // Its own process group, so that it and what it started can be ended whole.
        detached: true,
        stdio: ["ignore", out, out],
        env: { ...process.env, CONTAINERS_REGISTRIES_CONF: registriesConf, TMPDIR: path.join(base, "run") },
      },
    );
    fs.closeSync(out);
    const deadline = Date.now() + 60_000;
    while (!(await answers())) {
      if (child.exitCode !== null) throw new Error(`podman exited with ${child.exitCode}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`podman did not answer on ${host}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const destroy = async () => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((r) => running.once("exit", r));
      process.kill(-running.pid!, "SIGTERM");
      await exited;
    }
    child = null;
    // Build containers and their conmon monitors outlive the service when it is stopped mid-build.
    for (const pid of processesUnder(base)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    // Overlay mounts podman leaves behind (its storage root, containers' file systems) keep the files from being removed.
    for (const mount of mountsUnder(base).reverse()) {
      try {
        execFileSync("umount", ["-l", mount]);
      } catch {
        /* already unmounted */
      }
    }
    fs.rmSync(base, { recursive: true, force: true });
  };

  return { host, socket, base, start, destroy };
}
