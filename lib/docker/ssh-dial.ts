import "server-only";
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Duplex } from "node:stream";
import { childEnv } from "@/lib/system/child-env";

/** An ssh:// engine: its host, and what OpenSSH needs beyond the user's own configuration. */
export type SshTarget = { host: string; port?: number; user?: string; configFile?: string };

/**
 * `ssh` running `docker system dial-stdio` on the engine's host, as the docker
 * CLI reaches ssh:// engines: the system's OpenSSH with its configuration,
 * agent and known_hosts. Batch mode: never a prompt, and an unknown or changed
 * host key is refused rather than trusted.
 */
export function sshDialArgs(t: SshTarget): string[] {
  return [
    ...(t.configFile ? ["-F", t.configFile] : []),
    ...["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=30", "-o", "LogLevel=ERROR"],
    "-T",
    "-x",
    ...(t.port ? ["-p", String(t.port)] : []),
    ...(t.user ? ["-l", t.user] : []),
    "--",
    t.host,
    ...["docker", "system", "dial-stdio"],
  ];
}

/**
 * An HTTP agent whose connections are ssh processes to the engine's host;
 * kept alive, so that a page's health checks and a build's many requests do
 * not each pay for a handshake.
 */
export function sshHttpAgent(target: SshTarget): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 2, timeout: 60_000 });
  agent.createConnection = ((options: { headers?: Record<string, unknown> }, onCreate: (error: Error | null, socket?: net.Socket) => void) => {
    // A hijacked connection (BuildKit's session) carries HTTP/2, which Node runs over real sockets only.
    if (options.headers?.Upgrade) {
      socketToSsh(target).then((socket) => onCreate(null, socket), onCreate);
      return undefined;
    }
    return streamToSsh(target) as unknown as net.Socket;
  }) as unknown as typeof agent.createConnection;
  // Hijacked connections get a pool of their own, so that they never take a kept-alive stream from it.
  const nameOf = agent.getName.bind(agent);
  agent.getName = (options) => `${nameOf(options)}${(options as { headers?: Record<string, unknown> } | undefined)?.headers?.Upgrade ? ":upgrade" : ""}`;
  return agent;
}

/** ssh running dial-stdio with the given stdin and stdout; `onFailure` gets its exit as a sentence. */
function spawnDial(target: SshTarget, stdio: ["pipe" | net.Socket, "pipe" | net.Socket], onFailure: (error: Error) => void) {
  // The agent's socket is all ssh needs beyond the basics: none of kobuild's secrets.
  const child = spawn("ssh", sshDialArgs(target), { stdio: [...stdio, "pipe"], env: childEnv(["SSH_AUTH_SOCK"]) });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  child.on("error", (error) => onFailure(error.message.includes("ENOENT") ? sshError("no ssh client: install openssh-client", 127) : error));
  child.on("close", (code) => {
    if (code !== 0 && code !== null) onFailure(sshError(describeSshFailure(stderr, code), code));
  });
  return child;
}

/**
 * A connection over ssh's stdin and stdout as a stream. Its end waits for
 * ssh's exit, so that a refused key or an unknown host reaches the caller in
 * ssh's words rather than as a hung-up socket.
 */
function streamToSsh(target: SshTarget): Duplex {
  const child = spawnDial(target, ["pipe", "pipe"], (error) => socket.destroy(error));
  const stdin = child.stdin!;
  const stdout = child.stdout!;
  const socket = new Duplex({
    read() {
      stdout.resume();
    },
    write(chunk, encoding, done) {
      idle?.refresh();
      // A write into an ssh that has died fails with EPIPE; its exit, a moment later, says why it died.
      stdin.write(chunk, encoding, () => done());
    },
    final(done) {
      stdin.end(done);
    },
    destroy(error, done) {
      if (child.exitCode === null) child.kill();
      done(error);
    },
  });
  // The agent closes a kept-alive connection idle for its timeout: the socket's idle timer, as net.Socket has one.
  let idle: NodeJS.Timeout | null = null;
  const stopIdle = () => {
    if (idle) clearTimeout(idle);
    idle = null;
  };
  socket.on("close", stopIdle);
  stdout.on("data", (chunk: Buffer) => {
    idle?.refresh();
    if (!socket.push(chunk)) stdout.pause();
  });
  stdin.on("drain", () => idle?.refresh());
  stdin.on("error", () => {}); // a write after ssh died: its exit says why
  child.on("close", (code) => {
    if (code !== 0 && code !== null) return;
    // The connection is over both ways: the agent drops it from its pool rather than sending the next request into it.
    socket.push(null);
    socket.end();
    if (socket.listenerCount("data") === 0) socket.resume();
  });
  // What Node's HTTP client asks of a socket.
  return Object.assign(socket, {
    setNoDelay: () => socket,
    setKeepAlive: () => socket,
    setTimeout: (ms: number, onTimeout?: () => void) => {
      if (onTimeout) socket.once("timeout", onTimeout);
      stopIdle();
      if (ms > 0) idle = setTimeout(() => socket.emit("timeout"), ms).unref();
      return socket;
    },
    ref: () => socket,
    unref: () => socket,
  });
}

/**
 * A real socket whose other end is ssh's stdin and stdout: a one-off unix
 * socket in a directory only kobuild's user can enter, accepted once and
 * removed, its accepted end handed to ssh.
 */
async function socketToSsh(target: SshTarget): Promise<net.Socket> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "kobuild-ssh-"));
  const address = path.join(dir, "dial.sock");
  try {
    const server = net.createServer({ pauseOnConnect: true });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(address, resolve));
    const accepted = new Promise<net.Socket>((resolve) => server.once("connection", resolve));
    const socket = net.connect(address);
    const peer = await accepted;
    server.close();
    spawnDial(target, [peer, peer], (error) => socket.destroy(error));
    // ssh holds its own copy of the accepted end.
    peer.destroy();
    return socket;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

function sshError(message: string, exitCode: number) {
  return Object.assign(new Error(message), { code: "ESSH", exitCode });
}

/** ssh's own words, made into what the person adding the engine must do. */
export function describeSshFailure(stderr: string, code: number): string {
  const said = stderr.trim().split("\n").filter(Boolean).at(-1) ?? "";
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) return "ssh: the host's key has changed since it was trusted; check the host, then update known_hosts";
  if (/Host key verification failed|No \S+ host key is known/.test(stderr)) {
    return "ssh: the host's key is not in known_hosts; trust it first (for example with ssh-keyscan, checked against the host)";
  }
  if (/Permission denied/.test(stderr)) return "ssh: the host refused kobuild's key (Permission denied); add its public key to the user's authorized_keys";
  if (/Connection refused/.test(stderr)) return "ssh: connection refused (no ssh server on that port)";
  if (/Connection timed out|Operation timed out/.test(stderr)) return "ssh: the host did not answer in time";
  if (/Could not resolve hostname/.test(stderr)) return `ssh: ${said.replace(/^ssh: /, "")}`;
  if (code === 127 || /docker: (command )?not found|No such file or directory/.test(stderr)) {
    return "ssh: the host has no docker command (ssh engines need the docker CLI there, for `docker system dial-stdio`)";
  }
  if (/Cannot connect to the Docker daemon|dial unix|permission denied while trying to connect/i.test(stderr)) {
    return `ssh: the host's docker command cannot reach its engine: ${said}`;
  }
  return said ? `ssh exited with ${code}: ${said}` : `ssh exited with ${code}`;
}
