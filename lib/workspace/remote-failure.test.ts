import { describe, expect, it } from "vitest";
import { describeRemoteFailure } from "./remote-failure";

// git 2.39's, OpenSSH 9.2's and curl 7.88's own words, recorded against real
// remotes on this machine (closed ports, a name that does not resolve, a
// missing repository, sshd with an unknown host key or a refused key).
const SAID = {
  gitRefused: "fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused\n",
  gitUnknownHost: "fatal: unable to look up nosuch.invalid (port 9418) (Name or service not known)\n",
  gitNotExported: "fatal: remote error: access denied or repository not exported: /nope.git\n",
  httpsRefused: "fatal: unable to access 'https://127.0.0.1:1/x/': Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server\n",
  httpsUnknownHost: "fatal: unable to access 'https://nosuch.invalid/x/': Could not resolve host: nosuch.invalid\n",
  httpsCredentials: "fatal: could not read Username for 'https://example.com': terminal prompts disabled\n",
  sshRefused: "ssh: connect to host 127.0.0.1 port 1: Connection refused\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n",
  sshUnknownHost: "ssh: Could not resolve hostname nosuch.invalid: Name or service not known\nfatal: Could not read from remote repository.\n",
  sshHostKey: "Host key verification failed.\nfatal: Could not read from remote repository.\n",
  sshKeyRefused: "root@127.0.0.1: Permission denied (publickey).\nfatal: Could not read from remote repository.\n",
  fileMissing: "fatal: '/nope' does not appear to be a git repository\nfatal: Could not read from remote repository.\n",
};

describe("describeRemoteFailure", () => {
  it.each([
    ["gitRefused", false, /connection refused/],
    ["httpsRefused", false, /connection refused/],
    ["sshRefused", false, /connection refused/],
    ["gitUnknownHost", false, /^unknown host nosuch\.invalid$/],
    ["httpsUnknownHost", false, /^unknown host nosuch\.invalid$/],
    ["sshUnknownHost", false, /^unknown host nosuch\.invalid$/],
    ["sshHostKey", true, /host's key is not in known_hosts/],
    ["sshKeyRefused", true, /refused kobuild's key/],
    ["httpsCredentials", true, /asks for credentials .* never prompts/],
    ["gitNotExported", true, /no such repository/],
    ["fileMissing", true, /no such repository/],
  ] as const)("%s: answered %s", (key, answered, reason) => {
    const failure = describeRemoteFailure(SAID[key]);
    expect(failure.answered).toBe(answered);
    expect(failure.reason).toMatch(reason);
  });

  it("falls back to git's own fatal line", () => {
    expect(describeRemoteFailure("warning: x\nfatal: something new\n")).toEqual({ answered: true, reason: "git: something new" });
  });
});
