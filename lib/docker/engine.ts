import "server-only";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { env } from "@/lib/env";
import { sshHttpAgent } from "./ssh-dial";

export type EngineAddress = {
  dockerHost: string;
  tlsVerify?: boolean;
  certPath?: string;
};

/** Turns a DOCKER_HOST-style address into dockerode options. The one place clients are made. */
export function engineOptions(address: EngineAddress): Docker.DockerOptions {
  const url = new URL(address.dockerHost);
  switch (url.protocol) {
    case "unix:":
      return { socketPath: url.pathname };
    case "ssh:": {
      // Through the system's OpenSSH, as the docker CLI does: keys and known hosts are the operator's ssh configuration.
      const port = url.port ? Number(url.port) : undefined;
      const agent = sshHttpAgent({ host: url.hostname, port, user: decodeURIComponent(url.username) || undefined, configFile: env().sshConfig });
      return { protocol: "http", host: url.hostname, port: port ?? 22, agent } as Docker.DockerOptions;
    }
    case "tcp:":
    case "http:":
    case "https:": {
      const tls = address.tlsVerify || url.protocol === "https:";
      const certs = tls && address.certPath ? readCerts(address.certPath) : {};
      return {
        protocol: tls ? "https" : "http",
        host: url.hostname,
        port: Number(url.port || (tls ? 2376 : 2375)),
        ...certs,
      };
    }
    default:
      throw new Error(`unsupported Docker address ${address.dockerHost}`);
  }
}

function readCerts(dir: string) {
  return {
    ca: fs.readFileSync(path.join(dir, "ca.pem")),
    cert: fs.readFileSync(path.join(dir, "cert.pem")),
    key: fs.readFileSync(path.join(dir, "key.pem")),
  };
}

export function createEngineClient(address: EngineAddress): Docker {
  return new Docker(engineOptions(address));
}

/** An address fit to show: DOCKER_HOST may carry a password (ssh://user:secret@host); added engines cannot. */
export function addressWithoutPassword(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
  if (!scheme || /^unix:/i.test(scheme)) return url;
  // The host never holds "@", so the last one ends the user part, whatever the password holds ("@", "/", ":").
  const at = url.lastIndexOf("@");
  if (at < scheme.length) return url;
  const user = url.slice(scheme.length, at);
  const colon = user.indexOf(":");
  return colon === -1 ? url : `${scheme}${user.slice(0, colon)}@${url.slice(at + 1)}`;
}

/** Closes the connections a client keeps open (an ssh engine's ssh processes); the client is not used again. */
export function closeEngineClient(client: Docker) {
  (client.modem as { agent?: { destroy(): void } }).agent?.destroy();
}

const holder = globalThis as unknown as { kobuildEngine?: Docker };

/** The engine named by the configuration (DOCKER_HOST). */
export function getDefaultEngine(): Docker {
  const e = env();
  holder.kobuildEngine ??= createEngineClient({
    dockerHost: e.dockerHost,
    tlsVerify: e.dockerTlsVerify,
    certPath: e.dockerCertPath,
  });
  return holder.kobuildEngine;
}
