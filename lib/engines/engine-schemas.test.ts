import { describe, expect, it } from "vitest";
import { addEngineBodySchema, engineIdParamsSchema, updateEngineBodySchema } from "./engine-schemas";

const firstIssue = (input: unknown) => {
  const issue = addEngineBodySchema.safeParse(input).error?.issues[0];
  return issue ? `${issue.path.join(".")}: ${issue.message}` : null;
};

describe("addEngineBodySchema", () => {
  it("takes unix, tcp and ssh addresses as DOCKER_HOST does", () => {
    for (const url of ["unix:///var/run/docker.sock", "unix:///tmp/kobuild-e2e.sock", "tcp://10.0.0.5:2376", "tcp://build-1.example.com:2375", "tcp://[::1]:2375", "ssh://builder@10.0.0.7", "ssh://host.example.com:2222", "ssh://host"]) {
      expect(addEngineBodySchema.safeParse({ name: "e", url }).success, url).toBe(true);
    }
  });

  it("refuses addresses without a scheme, with a path, a password, a bad port, or http", () => {
    for (const url of ["/var/run/docker.sock", "unix://relative.sock", "tcp://10.0.0.5", "tcp://10.0.0.5:2376/v1", "tcp://10.0.0.5:70000", "ssh://user:secret@host", "http://10.0.0.5:2375", "unix:///tmp/a b.sock", "tcp://a_b:2375", ""]) {
      expect(addEngineBodySchema.safeParse({ name: "e", url }).success, url).toBe(false);
    }
    expect(firstIssue({ name: "e", url: "ftp://x" })).toMatch(/^url: must look like unix:\/\/\//);
  });

  it("fills the concurrency with 1 and keeps it between 1 and 64, whole", () => {
    expect(addEngineBodySchema.parse({ name: "e", url: "tcp://h:2375" }).concurrency).toBe(1);
    expect(addEngineBodySchema.parse({ name: "e", url: "tcp://h:2375", concurrency: 64 }).concurrency).toBe(64);
    expect(firstIssue({ name: "e", url: "tcp://h:2375", concurrency: 0 })).toBe("concurrency: must be at least 1");
    expect(firstIssue({ name: "e", url: "tcp://h:2375", concurrency: 65 })).toBe("concurrency: must be at most 64");
    expect(firstIssue({ name: "e", url: "tcp://h:2375", concurrency: 1.5 })).toBe("concurrency: must be a whole number from 1 to 64");
    expect(firstIssue({ name: "e", url: "tcp://h:2375", concurrency: "2" })).toBe("concurrency: must be a whole number from 1 to 64");
  });

  it("wants a name of letters, digits, spaces and _ . -, trimmed", () => {
    expect(addEngineBodySchema.parse({ name: "  build host 2.b_c-d ", url: "tcp://h:2375" }).name).toBe("build host 2.b_c-d");
    expect(firstIssue({ name: "<script>", url: "tcp://h:2375" })).toBe("name: may hold letters, digits, spaces and _ . -");
    expect(firstIssue({ name: "   ", url: "tcp://h:2375" })).toBe("name: must not be empty");
    expect(firstIssue({ name: "x".repeat(65), url: "tcp://h:2375" })).toBe("name: must be at most 64 characters");
  });

  it("takes a certificate directory with tcp only, as an absolute path", () => {
    expect(addEngineBodySchema.safeParse({ name: "e", url: "tcp://h:2376", certPath: "/etc/kobuild/certs" }).success).toBe(true);
    expect(firstIssue({ name: "e", url: "unix:///var/run/docker.sock", certPath: "/etc/kobuild/certs" })).toBe("certPath: a TLS certificate directory goes with a tcp:// address only");
    expect(firstIssue({ name: "e", url: "tcp://h:2376", certPath: "certs" })).toBe("certPath: must be an absolute directory path on the dashboard's host");
  });

  it("refuses fields it does not know", () => {
    expect(addEngineBodySchema.safeParse({ name: "e", url: "tcp://h:2375", password: "x" }).success).toBe(false);
  });
});

describe("updateEngineBodySchema", () => {
  it("changes a name or a concurrency, and wants one of them", () => {
    expect(updateEngineBodySchema.parse({ concurrency: 3 })).toEqual({ concurrency: 3 });
    expect(updateEngineBodySchema.parse({ name: "renamed" })).toEqual({ name: "renamed" });
    expect(updateEngineBodySchema.safeParse({}).error?.issues[0]?.message).toBe("give a name or a concurrency to change");
    expect(updateEngineBodySchema.safeParse({ url: "tcp://h:2375" }).success).toBe(false);
    expect(updateEngineBodySchema.safeParse({ concurrency: 0 }).success).toBe(false);
  });
});

describe("engineIdParamsSchema", () => {
  it("takes ids and refuses paths", () => {
    expect(engineIdParamsSchema.safeParse({ id: "eng_0a1b2c3d" }).success).toBe(true);
    expect(engineIdParamsSchema.safeParse({ id: "default" }).success).toBe(true);
    expect(engineIdParamsSchema.safeParse({ id: "../etc" }).success).toBe(false);
  });
});
