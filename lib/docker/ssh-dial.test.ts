import { describe, expect, it } from "vitest";
import { describeSshFailure, sshDialArgs } from "./ssh-dial";

describe("sshDialArgs", () => {
  it("runs docker system dial-stdio on the host in batch mode, the host after --", () => {
    const args = sshDialArgs({ host: "build-1.example.com", port: 2222, user: "builder", configFile: "/etc/kobuild/ssh_config" });
    expect(args.slice(0, 2)).toEqual(["-F", "/etc/kobuild/ssh_config"]);
    expect(args).toContain("BatchMode=yes");
    expect(args.slice(args.indexOf("-p"), args.indexOf("-p") + 2)).toEqual(["-p", "2222"]);
    expect(args.slice(args.indexOf("-l"), args.indexOf("-l") + 2)).toEqual(["-l", "builder"]);
    expect(args.slice(-5)).toEqual(["--", "build-1.example.com", "docker", "system", "dial-stdio"]);
  });

  it("leaves port, user and config to ssh's own configuration when not given", () => {
    const args = sshDialArgs({ host: "builder" });
    expect(args).not.toContain("-F");
    expect(args).not.toContain("-p");
    expect(args).not.toContain("-l");
  });
});

describe("describeSshFailure", () => {
  // What OpenSSH 9.2 prints for each, in batch mode.
  it.each([
    ["Host key verification failed.\r\n", 255, /not in known_hosts/],
    ["No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\r\nHost key verification failed.\r\n", 255, /not in known_hosts/],
    ["@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key verification failed.\r\n", 255, /key has changed/],
    ["root@127.0.0.1: Permission denied (publickey).\r\n", 255, /refused kobuild's key/],
    ["ssh: connect to host 127.0.0.1 port 2222: Connection refused\r\n", 255, /connection refused/],
    ["bash: line 1: docker: command not found\n", 127, /no docker command/],
    ["Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n", 1, /cannot reach its engine/],
    ["something else\n", 3, /^ssh exited with 3: something else$/],
  ])("%j", (stderr, code, expected) => {
    expect(describeSshFailure(stderr, code)).toMatch(expected);
  });
});
