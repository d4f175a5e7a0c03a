import { describe, expect, it } from "vitest";
import { compareQuerySchema, failuresQuerySchema, subjectRefSchema } from "./coverage-schemas";

describe("subjectRefSchema", () => {
  it.each([
    ["build:12", { kind: "build", id: 12 }],
    ["image:3", { kind: "image", id: 3 }],
    ["12", { kind: "build", id: 12 }],
  ])("reads %s", (value, expected) => {
    expect(subjectRefSchema.parse(value)).toEqual(expected);
  });

  it.each(["", "build:", "job:1", "image:-1", "build:1.5", "Build:1", "build: 1", "image:1234567890123", "1;2"])("refuses %j", (value) => {
    const result = subjectRefSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/build:<id>, image:<id> or a build id/);
  });
});

describe("compareQuerySchema", () => {
  it("needs both sides and bounds the number of changes listed", () => {
    expect(compareQuerySchema.parse({ from: "build:1", to: "image:2" })).toEqual({ from: { kind: "build", id: 1 }, to: { kind: "image", id: 2 }, limit: 10_000 });
    expect(compareQuerySchema.safeParse({ from: "1" }).success).toBe(false);
    expect(compareQuerySchema.safeParse({ from: "1", to: "2", limit: "0" }).success).toBe(false);
    expect(compareQuerySchema.safeParse({ from: "1", to: "2", limit: "many" }).success).toBe(false);
  });
});

describe("failuresQuerySchema", () => {
  it("takes a flavour, a module version and a kernel family", () => {
    expect(failuresQuerySchema.parse({ flavour: "bpf", moduleVersion: "2.3.0-rc1", distro: "el7" })).toEqual({ flavour: "bpf", moduleVersion: "2.3.0-rc1", distro: "el7" });
    expect(failuresQuerySchema.parse({})).toEqual({});
  });

  it.each([
    [{ flavour: "ko" }, /flavour/],
    [{ moduleVersion: "../2.2.0" }, /module version/],
    [{ distro: "windows" }, /kernel family: el6, el7/],
  ])("refuses %j", (query, reason) => {
    const result = failuresQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(`${result.error!.issues[0]!.path.join(".")} ${result.error!.issues[0]!.message}`).toMatch(reason);
  });
});
