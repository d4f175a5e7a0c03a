import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("fills in the documented defaults", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({ host: "127.0.0.1", port: 3000, dockerHost: "unix:///var/run/docker.sock" });
    expect(e.dataDir).toBe(path.resolve("./data"));
  });

  it("names the variable and the value that is wrong", () => {
    expect(() => parseEnv({ KOBUILD_PORT: "http" })).toThrow(EnvError);
    expect(() => parseEnv({ KOBUILD_PORT: "70000" })).toThrow(/KOBUILD_PORT must be between 1 and 65535 \(got "70000"\)/);
    expect(() => parseEnv({ DOCKER_HOST: "/var/run/docker.sock" })).toThrow(/^DOCKER_HOST must look like/);
  });

  it("accepts the engine address forms dockerode understands", () => {
    for (const value of ["unix:///run/user/1000/docker.sock", "tcp://10.0.0.5:2376", "ssh://builder@ci-7"]) {
      expect(parseEnv({ DOCKER_HOST: value }).dockerHost).toBe(value);
    }
  });
});

describe("KOBUILD_SSH_CONFIG", () => {
  it("names an ssh_config file that exists", () => {
    expect(parseEnv({ KOBUILD_SSH_CONFIG: __filename }).sshConfig).toBe(__filename);
    expect(parseEnv({}).sshConfig).toBeUndefined();
    expect(() => parseEnv({ KOBUILD_SSH_CONFIG: "/nonexistent/ssh_config" })).toThrow(/^KOBUILD_SSH_CONFIG must name an ssh_config file that exists/);
    expect(() => parseEnv({ KOBUILD_SSH_CONFIG: path.dirname(__filename) })).toThrow(/^KOBUILD_SSH_CONFIG must name/);
  });
});

describe("KOBUILD_SECRET_KEY", () => {
  it("takes 32 bytes as hex or base64 and never repeats a wrong value", () => {
    const hex = "ab".repeat(32);
    expect(parseEnv({ KOBUILD_SECRET_KEY: hex }).secretKey).toEqual(Buffer.from(hex, "hex"));
    const b64 = Buffer.alloc(32, 7).toString("base64");
    expect(parseEnv({ KOBUILD_SECRET_KEY: b64 }).secretKey).toEqual(Buffer.alloc(32, 7));
    expect(parseEnv({}).secretKey).toBeNull();
    const short = "too-short-to-be-a-key";
    expect(() => parseEnv({ KOBUILD_SECRET_KEY: short })).toThrow(/^KOBUILD_SECRET_KEY must be 32 bytes/);
    expect(() => parseEnv({ KOBUILD_SECRET_KEY: short })).not.toThrow(new RegExp(short));
  });
});

describe("KOBUILD_GIT_TIMEOUT_SECONDS", () => {
  it("bounds a fetch from a workspace's remote, five minutes unless set", () => {
    expect(parseEnv({}).gitTimeoutSeconds).toBe(300);
    expect(parseEnv({ KOBUILD_GIT_TIMEOUT_SECONDS: "20" }).gitTimeoutSeconds).toBe(20);
    expect(() => parseEnv({ KOBUILD_GIT_TIMEOUT_SECONDS: "0" })).toThrow(/^KOBUILD_GIT_TIMEOUT_SECONDS must be between 1 and 3600/);
    expect(() => parseEnv({ KOBUILD_GIT_TIMEOUT_SECONDS: "1m" })).toThrow(/^KOBUILD_GIT_TIMEOUT_SECONDS must be a whole number of seconds/);
  });
});

describe("KOBUILD_CONTEXT_STALL_SECONDS", () => {
  it("bounds how long an engine may take none of a build context, five minutes unless set", () => {
    expect(parseEnv({}).contextStallSeconds).toBe(300);
    expect(parseEnv({ KOBUILD_CONTEXT_STALL_SECONDS: "2" }).contextStallSeconds).toBe(2);
    expect(() => parseEnv({ KOBUILD_CONTEXT_STALL_SECONDS: "0" })).toThrow(/^KOBUILD_CONTEXT_STALL_SECONDS must be between 1 and 86400/);
    expect(() => parseEnv({ KOBUILD_CONTEXT_STALL_SECONDS: "-5" })).toThrow(/^KOBUILD_CONTEXT_STALL_SECONDS must be a whole number of seconds/);
    expect(() => parseEnv({ KOBUILD_CONTEXT_STALL_SECONDS: "5m" })).toThrow(/^KOBUILD_CONTEXT_STALL_SECONDS must be a whole number of seconds/);
  });
});

describe("the limits", () => {
  it("default to the documented values and take whole numbers in range", () => {
    expect(parseEnv({})).toMatchObject({ maxJsonBytes: 1024 ** 2, maxLogBytes: 1024 ** 3, sessionIdleMs: 12 * 3_600_000, maxEventStreams: 512, maxEventStreamsPerBuild: 128 });
    expect(parseEnv({ KOBUILD_SESSION_IDLE_MINUTES: "30", KOBUILD_MAX_LOG_BYTES: "65536" })).toMatchObject({ sessionIdleMs: 1_800_000, maxLogBytes: 65536 });
    expect(() => parseEnv({ KOBUILD_MAX_JSON_BYTES: "1k" })).toThrow(/^KOBUILD_MAX_JSON_BYTES must be a whole number of bytes \(got "1k"\)$/);
    expect(() => parseEnv({ KOBUILD_SESSION_IDLE_MINUTES: "0" })).toThrow(/^KOBUILD_SESSION_IDLE_MINUTES must be between 1 and 10080/);
    expect(() => parseEnv({ KOBUILD_MAX_EVENT_STREAMS_PER_BUILD: "-1" })).toThrow(/^KOBUILD_MAX_EVENT_STREAMS_PER_BUILD must be a whole number/);
  });
});

describe("webhook settings", () => {
  it("links to the dashboard at KOBUILD_PUBLIC_URL, else at its own address", () => {
    expect(parseEnv({}).publicUrl).toBe("http://127.0.0.1:3000");
    expect(parseEnv({ KOBUILD_HOST: "::1", KOBUILD_PORT: "4180" }).publicUrl).toBe("http://[::1]:4180");
    expect(parseEnv({ KOBUILD_PUBLIC_URL: "https://kobuild.example.com/ci/" }).publicUrl).toBe("https://kobuild.example.com/ci");
    expect(() => parseEnv({ KOBUILD_PUBLIC_URL: "kobuild.example.com" })).toThrow(/^KOBUILD_PUBLIC_URL must be an http:\/\/ or https:\/\/ address/);
  });

  it("retries failed deliveries on the real schedule unless KOBUILD_WEBHOOK_RETRY_SECONDS says otherwise", () => {
    expect(parseEnv({}).webhookRetrySeconds).toEqual([1, 5, 30, 120, 600]);
    expect(parseEnv({ KOBUILD_WEBHOOK_RETRY_SECONDS: "0,1" }).webhookRetrySeconds).toEqual([0, 1]);
    expect(() => parseEnv({ KOBUILD_WEBHOOK_RETRY_SECONDS: "1,,2" })).toThrow(/^KOBUILD_WEBHOOK_RETRY_SECONDS must be a comma-separated list/);
    expect(() => parseEnv({ KOBUILD_WEBHOOK_RETRY_SECONDS: "90000" })).toThrow(/at most 86400 seconds/);
  });

  it("refuse internal receivers unless KOBUILD_WEBHOOK_ALLOW_PRIVATE is true", () => {
    expect(parseEnv({}).webhookAllowPrivate).toBe(false);
    expect(parseEnv({ KOBUILD_WEBHOOK_ALLOW_PRIVATE: "true" }).webhookAllowPrivate).toBe(true);
    expect(parseEnv({ KOBUILD_WEBHOOK_ALLOW_PRIVATE: "0" }).webhookAllowPrivate).toBe(false);
    expect(() => parseEnv({ KOBUILD_WEBHOOK_ALLOW_PRIVATE: "yes" })).toThrow(/^KOBUILD_WEBHOOK_ALLOW_PRIVATE /);
  });
});

describe("channel settings", () => {
  it("squash a channel's merged catch-up above 100 layers unless KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS says otherwise", () => {
    expect(parseEnv({}).channelSquashAboveLayers).toBe(100);
    expect(parseEnv({ KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS: "40" }).channelSquashAboveLayers).toBe(40);
    expect(() => parseEnv({ KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS: "127" })).toThrow(/^KOBUILD_CHANNEL_SQUASH_ABOVE_LAYERS must be between 1 and 120/);
  });
});

describe("operating settings", () => {
  it("take a metrics token long enough to be one, never repeating a wrong one", () => {
    const token = "m".repeat(32);
    expect(parseEnv({ KOBUILD_METRICS_TOKEN: token }).metricsToken).toBe(token);
    expect(parseEnv({}).metricsToken).toBeNull();
    expect(() => parseEnv({ KOBUILD_METRICS_TOKEN: "short-token" })).toThrow(/^KOBUILD_METRICS_TOKEN must be 32 to 200 characters .* \(got "\(hidden\)"\)$/);
  });

  it("log at info unless KOBUILD_LOG_LEVEL names a level, and give builds 30 s on SIGTERM unless told", () => {
    expect(parseEnv({})).toMatchObject({ logLevel: "info", shutdownGraceSeconds: 30 });
    expect(parseEnv({ KOBUILD_LOG_LEVEL: "debug", KOBUILD_SHUTDOWN_GRACE_SECONDS: "0" })).toMatchObject({ logLevel: "debug", shutdownGraceSeconds: 0 });
    expect(() => parseEnv({ KOBUILD_LOG_LEVEL: "verbose" })).toThrow(/^KOBUILD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)$/);
    expect(() => parseEnv({ KOBUILD_SHUTDOWN_GRACE_SECONDS: "soon" })).toThrow(/^KOBUILD_SHUTDOWN_GRACE_SECONDS must be a whole number of seconds/);
  });
});

const without = (source: Record<string, string>, ...names: string[]) => Object.fromEntries(Object.entries(source).filter(([name]) => !names.includes(name)));

describe("single sign-on (KOBUILD_OIDC_*)", () => {
  const complete = {
    KOBUILD_OIDC_ISSUER: "https://login.example.com/realms/main",
    KOBUILD_OIDC_CLIENT_ID: "kobuild",
    KOBUILD_OIDC_CLIENT_SECRET: "s3cret-value-of-the-client",
    KOBUILD_OIDC_ADMIN_VALUES: "kobuild-admins",
    KOBUILD_OIDC_OPERATOR_VALUES: " release , firmware ,",
  };

  it("is off without any of its variables, and on with issuer, client, secret and a role mapping", () => {
    expect(parseEnv({}).oidc).toBeNull();
    expect(parseEnv(complete).oidc).toEqual({
      issuer: complete.KOBUILD_OIDC_ISSUER,
      clientId: "kobuild",
      clientSecret: complete.KOBUILD_OIDC_CLIENT_SECRET,
      roleClaim: "groups",
      roleValues: { admin: ["kobuild-admins"], operator: ["release", "firmware"], viewer: [] },
      scopes: "openid profile email",
      name: "single sign-on",
    });
  });

  it("names the variable a partial configuration lacks, and never shows the secret", () => {
    expect(() => parseEnv(without(complete, "KOBUILD_OIDC_CLIENT_ID"))).toThrow(/^KOBUILD_OIDC_CLIENT_ID must be set \(single sign-on is half configured/);
    expect(() => parseEnv({ KOBUILD_OIDC_NAME: "Okta" })).toThrow(/^KOBUILD_OIDC_ISSUER must be set/);
    expect(() => parseEnv(without(complete, "KOBUILD_OIDC_ADMIN_VALUES", "KOBUILD_OIDC_OPERATOR_VALUES"))).toThrow(/^KOBUILD_OIDC_VIEWER_VALUES or KOBUILD_OIDC_OPERATOR_VALUES or KOBUILD_OIDC_ADMIN_VALUES must be set/);
    try {
      parseEnv({ ...complete, KOBUILD_OIDC_CLIENT_SECRET: "x".repeat(5000) });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/^KOBUILD_OIDC_CLIENT_SECRET must be at most 4096 characters \(got "\(hidden\)"\)$/);
    }
  });

  it("takes the secret from a file, and refuses http:// issuers but on loopback", () => {
    const file = path.join(os.tmpdir(), `kobuild-oidc-secret-${process.pid}`);
    fs.writeFileSync(file, "from-a-file\n", { mode: 0o600 });
    expect(parseEnv({ ...without(complete, "KOBUILD_OIDC_CLIENT_SECRET"), KOBUILD_OIDC_CLIENT_SECRET_FILE: file }).oidc?.clientSecret).toBe("from-a-file");
    expect(() => parseEnv({ ...complete, KOBUILD_OIDC_CLIENT_SECRET_FILE: file })).toThrow(/^KOBUILD_OIDC_CLIENT_SECRET_FILE must not be set together/);
    fs.rmSync(file);
    expect(() => parseEnv({ ...complete, KOBUILD_OIDC_ISSUER: "http://login.example.com" })).toThrow(/^KOBUILD_OIDC_ISSUER must be an https:\/\/ address \(http:\/\/ only on loopback\)/);
    expect(parseEnv({ ...complete, KOBUILD_OIDC_ISSUER: "http://127.0.0.1:4901" }).oidc?.issuer).toBe("http://127.0.0.1:4901");
    expect(() => parseEnv({ ...complete, KOBUILD_OIDC_SCOPES: "profile email" })).toThrow(/^KOBUILD_OIDC_SCOPES must include openid/);
    expect(() => parseEnv({ ...complete, KOBUILD_OIDC_ROLE_CLAIM: "groups..x" })).toThrow(/^KOBUILD_OIDC_ROLE_CLAIM must be a claim name or a dotted path/);
  });
});
