import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { accepts, freePort } from "./loopback-port";

/**
 * Debian's OpenSSH server on 127.0.0.1, for one test file: its own host key,
 * one client key it accepts for root, and a login environment whose
 * DOCKER_HOST is the engine the test gives it, so that `docker system
 * dial-stdio` over this sshd reaches that engine.
 */
export type TestSshServer = {
  port: number;
  /** An ssh_config for kobuild (KOBUILD_SSH_CONFIG): 127.0.0.1 with the client key and a known_hosts holding the host key; `localhost` with the key but no known host. */
  clientConfig: string;
  /** The address of the engine through this sshd, as an ssh:// engine URL. */
  engineUrl: (user?: string, host?: string) => string;
  stop: () => Promise<void>;
  start: () => Promise<void>;
  destroy: () => Promise<void>;
};

export async function startTestSshServer(dockerHost: string): Promise<TestSshServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kobuild-sshd-"));
  const port = await freePort();
  const keygen = (file: string) => execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "kobuild-test", "-f", path.join(dir, file)]);
  keygen("host_key");
  keygen("client_key");
  fs.copyFileSync(path.join(dir, "client_key.pub"), path.join(dir, "authorized_keys"));
  const hostKey = fs.readFileSync(path.join(dir, "host_key.pub"), "utf8").trim().split(" ").slice(0, 2).join(" ");
  fs.writeFileSync(path.join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
  fs.writeFileSync(path.join(dir, "no_known_hosts"), "");
  fs.writeFileSync(
    path.join(dir, "sshd_config"),
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${dir}/host_key`,
      `PidFile ${dir}/sshd.pid`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      "AllowUsers root",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "StrictModes no",
      `SetEnv DOCKER_HOST=${dockerHost}`,
      "",
    ].join("\n"),
  );
  const clientConfig = path.join(dir, "ssh_config");
  const hostBlock = (name: string, knownHosts: string) =>
    [`Host ${name}`, "  HostName 127.0.0.1", `  IdentityFile ${dir}/client_key`, "  IdentitiesOnly yes", `  UserKnownHostsFile ${dir}/${knownHosts}`, "  StrictHostKeyChecking yes"];
  // `localhost` is the same server under a name whose host key kobuild was never given.
  fs.writeFileSync(clientConfig, [...hostBlock("127.0.0.1", "known_hosts"), ...hostBlock("localhost", "no_known_hosts"), ""].join("\n"));
  // sshd refuses to start without its privilege separation directory.
  fs.mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });

  let child: ChildProcess | null = null;
  const log = path.join(dir, "sshd.log");
  const start = async () => {
    const out = fs.openSync(log, "a");
    child = spawn("/usr/sbin/sshd", ["-D", "-e", "-f", path.join(dir, "sshd_config")], { stdio: ["ignore", out, out] });
    fs.closeSync(out);
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}:\n${fs.readFileSync(log, "utf8")}`);
      if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port}:\n${fs.readFileSync(log, "utf8")}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once("exit", r));
    running.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    port,
    clientConfig,
    engineUrl: (user = "root", host = "127.0.0.1") => `ssh://${user}@${host}:${port}`,
    start,
    stop,
    destroy: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
