import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngineClient } from "@/lib/docker/engine";
import { probeEngine } from "@/lib/docker/probe-engine";

describe("probeEngine against a real engine", () => {
  it("reports the engine's version and API version, as the docker CLI sees them", async () => {
    const cli = execFileSync("/usr/bin/docker", ["version", "--format", "{{.Server.Version}} {{.Server.APIVersion}}"], {
      encoding: "utf8",
    }).trim();
    const state = await probeEngine(createEngineClient({ dockerHost: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" }));
    expect(state.reachable).toBe(true);
    if (!state.reachable) return;
    expect(`${state.version} ${state.apiVersion}`).toBe(cli);
    expect(state.buildkit).toBe(true);
  });

  it("says why when no engine listens at the address", async () => {
    const missing = path.join("/tmp", `kobuild-no-engine-${process.pid}.sock`);
    const state = await probeEngine(createEngineClient({ dockerHost: `unix://${missing}` }));
    expect(state).toEqual({ reachable: false, error: "no engine socket at that path" });
  });
});
