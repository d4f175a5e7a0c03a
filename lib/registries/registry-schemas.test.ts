import { describe, expect, it } from "vitest";
import { registryBaseUrl } from "./registry-http";
import { createRegistryBodySchema, pushBodySchema } from "./registry-schemas";

describe("createRegistryBodySchema", () => {
  it("takes host[:port] addresses and refuses schemes, paths and bad ports", () => {
    for (const url of ["127.0.0.1:5000", "quay.io", "registry.example.com:443", "[::1]:5000", "localhost:5000"]) {
      expect(createRegistryBodySchema.safeParse({ name: "r", url }).success, url).toBe(true);
    }
    for (const url of ["http://127.0.0.1:5000", "127.0.0.1:5000/v2", "127.0.0.1:70000", "", "a b"]) {
      expect(createRegistryBodySchema.safeParse({ name: "r", url }).success, url).toBe(false);
    }
  });

  it("wants a user name and a password together, and nothing else", () => {
    expect(createRegistryBodySchema.safeParse({ name: "r", url: "quay.io", username: "u" }).error?.issues[0]?.message).toBe("username and password go together");
    expect(createRegistryBodySchema.safeParse({ name: "r", url: "quay.io", token: "x" }).success).toBe(false);
    expect(pushBodySchema.safeParse({ registryId: 1, repository: "Drivers/x", tag: "a" }).success).toBe(false);
  });
});

describe("registryBaseUrl", () => {
  it("speaks plain HTTP to loopback registries only, as the engine does", () => {
    expect(registryBaseUrl("127.0.0.1:5000")).toBe("http://127.0.0.1:5000");
    expect(registryBaseUrl("localhost:5000")).toBe("http://localhost:5000");
    expect(registryBaseUrl("[::1]:5000")).toBe("http://[::1]:5000");
    expect(registryBaseUrl("quay.io")).toBe("https://quay.io");
    expect(registryBaseUrl("10.0.0.5:5000")).toBe("https://10.0.0.5:5000");
  });
});
