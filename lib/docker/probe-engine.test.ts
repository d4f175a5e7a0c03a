import { describe, expect, it } from "vitest";
import { engineProductOf } from "./probe-engine";

describe("engineProductOf", () => {
  it("tells Podman's Docker-compatible service from Docker by the components its /version names", () => {
    // As Podman 4.3.1 (Debian 12) answers: API 1.41 like Docker 20.10, its name only among the components.
    const podman = { Version: "4.3.1", ApiVersion: "1.41", Platform: { Name: "linux/amd64/debian-12" }, Components: [{ Name: "Podman Engine" }, { Name: "Conmon" }, { Name: "OCI Runtime (runc)" }] };
    // As Docker 20.10.24 (Debian's docker.io) answers.
    const docker = { Version: "20.10.24+dfsg1", ApiVersion: "1.41", Platform: { Name: "" }, Components: [{ Name: "Engine" }, { Name: "containerd" }, { Name: "runc" }, { Name: "docker-init" }] };
    expect(engineProductOf(podman as never)).toBe("podman");
    expect(engineProductOf(docker as never)).toBe("docker");
    // Docker Desktop and Docker CE name their platform; old engines send no components at all.
    expect(engineProductOf({ Version: "27.0.3", ApiVersion: "1.46", Platform: { Name: "Docker Engine - Community" }, Components: [{ Name: "Engine" }] } as never)).toBe("docker");
    expect(engineProductOf({ Version: "1.13.1", ApiVersion: "1.26" } as never)).toBe("docker");
  });
});
