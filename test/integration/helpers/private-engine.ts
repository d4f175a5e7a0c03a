import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import tar from "tar-stream";
import { DOCKER } from "./driver-build";
import { accepts, freePort } from "./loopback-port";
import type { CertDirectory } from "./tls-certificates";

/**
 * A Docker engine of the test's own: a second dockerd on its own socket, data
 * root and exec root, so that the test may stop it, kill it and start it
 * again without touching the machine's engine. Flags as scripts/setup-machine.sh
 * starts the main one.
 */
export type PrivateEngine = {
  host: string;
  socket: string;
  base: string;
  start: () => Promise<void>;
  /** Stops dockerd with a signal and waits until the process is gone. */
  stop: (signal: NodeJS.Signals) => Promise<void>;
  /**
   * Freezes dockerd (SIGSTOP) until thaw(): its builds make no progress and
   * none ends, while their connections stay open, as on an engine that is
   * merely slow. What its build steps had started runs on meanwhile.
   */
  freeze: () => void;
  thaw: () => void;
  /**
   * With `tls`: its tcp://127.0.0.1:<port> address, which demands a client
   * certificate. The port is chosen free at the first start and kept across
   * restarts, so an engine row that names it stays right.
   */
  readonly tcpHost: string;
  /** The docker CLI against this engine (over its unix socket). */
  docker: (args: string[]) => string;
  /** Stops it for good and removes its directories, mounts and processes. */
  destroy: () => Promise<void>;
};

export type PrivateEngineOptions = {
  /** Also listen on tcp://127.0.0.1 with --tlsverify, presenting this server certificate and trusting clients of its ca.pem. */
  tls?: CertDirectory;
};

export function privateEngine(label: string, options: PrivateEngineOptions = {}): PrivateEngine {
  const base = `/tmp/kobuild-${label}-${process.pid}`;
  const socket = `/tmp/kobuild-${label}-${process.pid}.sock`;
  const host = `unix://${socket}`;
  const log = path.join(base, "dockerd.log");
  let child: ChildProcess | null = null;
  let tcpPort: number | null = null;
  const tcpHost = () => `tcp://127.0.0.1:${tcpPort}`;

  const docker = (args: string[]) => execFileSync(DOCKER, ["-H", host, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const answers = () => {
    try {
      docker(["version", "--format", "{{.Server.Version}}"]);
      return true;
    } catch {
      return false;
    }
  };

  const start = async () => {
    fs.mkdirSync(path.join(base, "root"), { recursive: true });
    fs.mkdirSync(path.join(base, "exec"), { recursive: true });
    if (options.tls) tcpPort ??= await freePort();
    const tls = options.tls
      ? ["--host", tcpHost(), "--tlsverify", "--tlscacert", options.tls.ca, "--tlscert", options.tls.cert, "--tlskey", options.tls.key]
      : [];
    const out = fs.openSync(log, "a");
    child = spawn(
      "dockerd",
      [
        "--host", host,
        ...tls,
        "--data-root", path.join(base, "root"),
        "--exec-root", path.join(base, "exec"),
        "--pidfile", path.join(base, "dockerd.pid"),
        "--bridge=none", "--iptables=false", "--ip-masq=false",
      ],
      {
        // Its own process group: nothing the test runner does to its group reaches it, and it can be killed whole.
        detached: true,
        stdio: ["ignore", out, out],
        env: { ...process.env, BUILDKIT_STEP_LOG_MAX_SIZE: "1073741824", BUILDKIT_STEP_LOG_MAX_SPEED: "1073741824" },
      },
    );
    fs.closeSync(out);
    const deadline = Date.now() + 60_000;
    while (!answers() || (tcpPort !== null && !(await accepts(tcpPort)))) {
      if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${host}:\n${fs.readFileSync(log, "utf8").slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  let frozen = false;
  const freeze = () => {
    if (!child?.pid) throw new Error(`the private engine ${label} does not run`);
    process.kill(child.pid, "SIGSTOP");
    frozen = true;
  };
  const thaw = () => {
    if (child?.pid && frozen) process.kill(child.pid, "SIGCONT");
    frozen = false;
  };

  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((r) => running.once("exit", r));
    running.kill(signal);
    // A frozen dockerd would hold the signal until it runs again.
    thaw();
    await exited;
    child = null;
    // Its containerd dies with it (a parent-death signal), a moment later; a
    // dockerd started before that would take the dying one for a live one.
    const pidFile = path.join(base, "exec", "containerd", "containerd.pid");
    const containerd = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, "utf8").trim() || 0) : 0;
    for (let i = 0; containerd > 0 && i < 100 && alive(containerd); i++) await new Promise((r) => setTimeout(r, 100));
  };

  const destroy = async () => {
    // A clean stop unmounts the layers and stops its containerd.
    if (!child && fs.existsSync(path.join(base, "root"))) await start().catch(() => undefined);
    await stop("SIGTERM");
    // Whatever a killed engine left: processes running inside its directories, then their mounts.
    for (const pid of processesUnder(base)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    for (const mount of mountsUnder(base).reverse()) {
      try {
        execFileSync("umount", ["-l", mount]);
      } catch {
        /* already unmounted */
      }
    }
    fs.rmSync(base, { recursive: true, force: true });
    fs.rmSync(socket, { force: true });
  };

  return {
    host,
    socket,
    base,
    get tcpHost() {
      if (!options.tls) throw new Error(`the private engine ${label} listens on its unix socket only: give it tls`);
      if (tcpPort === null) throw new Error(`the private engine ${label} has no port before its first start`);
      return tcpHost();
    },
    start,
    stop,
    freeze,
    thaw,
    docker,
    destroy,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose root or working directory lies under `dir` (containers and build steps of that engine) or whose command names it (its containerd). */
export function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const root = fs.readlinkSync(`/proc/${entry}/root`);
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (root.startsWith(dir) || cwd.startsWith(dir) || cmdline.includes(dir)) found.push(Number(entry));
    } catch {
      /* gone meanwhile, or a kernel thread */
    }
  }
  return found;
}

/** Processes whose command line holds `text`. */
export function processesWith(text: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

/** Mount points under `dir`, outermost first. */
export function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((mount) => mount.startsWith(`${dir}/`));
}

const BUSYBOX = ["/bin/busybox", "/usr/bin/busybox"];
const APPLETS = ["sh", "echo", "seq", "sleep", "mkdir", "cat", "true", "false"];

/**
 * Imports a one-binary busybox root file system as `ref` (Debian's
 * busybox-static): a base image for test Dockerfiles without any registry.
 */
export async function importBusybox(engine: Docker, ref: string) {
  const busybox = BUSYBOX.find((p) => fs.existsSync(p));
  if (!busybox) throw new Error("no busybox: apt-get install -y busybox-static");
  const pack = tar.pack();
  for (const dir of ["bin", "etc", "tmp", "proc", "sys", "dev"]) pack.entry({ name: dir, type: "directory", mode: dir === "tmp" ? 0o1777 : 0o755 });
  pack.entry({ name: "bin/busybox", mode: 0o755 }, fs.readFileSync(busybox));
  for (const applet of APPLETS) pack.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  pack.entry({ name: "etc/passwd" }, "root:x:0:0:root:/:/bin/sh\n");
  pack.finalize();
  const [repo, tag] = ref.split(":") as [string, string];
  const response = (await engine.importImage(pack as unknown as NodeJS.ReadableStream, { repo, tag })) as unknown as Readable;
  let body = "";
  for await (const chunk of response) body += String(chunk);
  if (body.includes('"error"')) throw new Error(`could not import ${ref}: ${body}`);
}

/**
 * A TCP front for an engine's unix socket that, like a tunnel or a proxy that
 * missed a client going away, keeps the engine's side of each connection
 * open (and read) after the client is gone: the engine then never learns
 * that nobody follows its build any more.
 */
export async function stickyProxy(socket: string): Promise<{ host: string; close: () => Promise<void> }> {
  const upstreams = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(socket);
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    client.pipe(upstream, { end: false });
    upstream.pipe(client);
    const forget = () => {
      upstream.unpipe(client);
      upstream.resume();
    };
    client.on("close", forget);
    client.on("error", forget);
    upstream.on("error", () => client.destroy());
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `tcp://127.0.0.1:${port}`,
    close: async () => {
      for (const upstream of upstreams) upstream.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * A TCP front for an engine's unix socket that, while `stallBuilds` is set,
 * forwards only the first `stallBuilds` bytes the client sends after each
 * `POST /build` or `POST /session` request's headers (a tar context, or a
 * BuildKit session's HTTP/2 stream that carries the files) and then stops
 * reading, as a wedged engine: the rest of the build context stays unread on
 * both sides. Everything else passes through; a client that goes away takes
 * its engine connection with it.
 */
export async function stallingProxy(socket: string): Promise<{
  host: string;
  stallBuilds: number | null;
  /** Build requests now held: connections whose body stopped being read (or, once let go, not closed yet). */
  readonly held: number;
  /**
   * Reads what held connections still send, and drops it: a client that gave
   * up its request has closed its side, which the proxy learns only by reading.
   */
  letGo: () => void;
  /** Connections to the engine still open. */
  readonly open: number;
  close: () => Promise<void>;
}> {
  const upstreams = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  const dropping = new Set<net.Socket>();
  const state = { stallBuilds: null as number | null };
  const server = net.createServer((client) => {
    const upstream = net.connect(socket);
    upstreams.add(upstream);
    upstream.on("close", () => upstreams.delete(upstream));
    upstream.pipe(client);
    // Where this connection is: scanning requests for a build, or counting a build's body.
    let seen = Buffer.alloc(0);
    let body: number | null = null;
    client.on("data", (chunk: Buffer) => {
      if (dropping.has(client)) return;
      const limit = state.stallBuilds;
      if (body === null) {
        seen = Buffer.concat([seen, chunk]).subarray(-64 * 1024);
        const text = seen.toString("latin1");
        const request = /POST \/(v[\d.]+\/)?(build\?|session )[^\r\n]*HTTP\/1\.1\r\n/.exec(text);
        const headersEnd = request ? text.indexOf("\r\n\r\n", request.index) : -1;
        if (headersEnd < 0) return void upstream.write(chunk);
        // This build request is seen: a later one on the connection is found afresh.
        seen = Buffer.alloc(0);
        if (limit === null) return void upstream.write(chunk);
        // The body starts this far into the chunk.
        const bodyStart = Math.max(chunk.length - (text.length - (headersEnd + 4)), 0);
        body = 0;
        upstream.write(chunk.subarray(0, bodyStart));
        chunk = chunk.subarray(bodyStart);
      }
      const room = (limit ?? Infinity) - body;
      upstream.write(chunk.subarray(0, Math.max(room, 0)));
      body += chunk.length;
      if (body >= (limit ?? Infinity)) {
        held.add(client);
        client.pause();
      }
    });
    client.on("end", () => upstream.end());
    const gone = () => {
      held.delete(client);
      dropping.delete(client);
      upstream.destroy();
    };
    client.on("close", gone);
    client.on("error", gone);
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `tcp://127.0.0.1:${port}`,
    get stallBuilds() {
      return state.stallBuilds;
    },
    set stallBuilds(bytes: number | null) {
      state.stallBuilds = bytes;
    },
    get held() {
      return held.size;
    },
    get open() {
      return upstreams.size;
    },
    letGo() {
      for (const client of held) {
        dropping.add(client);
        client.resume();
      }
    },
    close: async () => {
      for (const upstream of upstreams) upstream.destroy();
      server.close();
      await new Promise((r) => setImmediate(r));
    },
  };
}
