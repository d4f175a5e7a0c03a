import "server-only";
import fs from "node:fs";
import path from "node:path";
import Docker from "dockerode";
import { env } from "@/lib/env";

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
    case "ssh:":
      return {
        protocol: "ssh",
        host: url.hostname,
        port: url.port ? Number(url.port) : 22,
        username: url.username || undefined,
      };
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
