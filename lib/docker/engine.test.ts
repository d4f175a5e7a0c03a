import http from "node:http";
import { describe, expect, it } from "vitest";
import { addressWithoutPassword, engineOptions } from "./engine";

describe("addressWithoutPassword", () => {
  it("drops the password of an ssh:// DOCKER_HOST, keeping the user", () => {
    expect(addressWithoutPassword("ssh://builder:hunter2@build-1.example.com:2222")).toBe("ssh://builder@build-1.example.com:2222");
  });

  it("drops passwords that hold @, / or :, and those of tcp:// addresses", () => {
    expect(addressWithoutPassword("ssh://builder:p@ss/w:rd@build-1.example.com")).toBe("ssh://builder@build-1.example.com");
    expect(addressWithoutPassword("tcp://ci:s3cret@10.0.0.5:2376")).toBe("tcp://ci@10.0.0.5:2376");
    expect(addressWithoutPassword("ssh://:only-a-password@host")).toBe("ssh://@host");
  });

  it("leaves addresses without a password as they are", () => {
    for (const url of ["unix:///var/run/docker.sock", "tcp://10.0.0.5:2376", "ssh://builder@host", "ssh://host"]) expect(addressWithoutPassword(url)).toBe(url);
  });
});

describe("engineOptions", () => {
  it("reaches an ssh:// engine over HTTP through an agent of ssh connections", () => {
    const options = engineOptions({ dockerHost: "ssh://builder@build-1.example.com:2222" }) as { protocol: string; host: string; port: number; agent: unknown };
    expect(options).toMatchObject({ protocol: "http", host: "build-1.example.com", port: 2222 });
    expect(options.agent).toBeInstanceOf(http.Agent);
  });
});
