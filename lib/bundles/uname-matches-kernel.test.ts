import { describe, expect, it } from "vitest";
import { unameMatchesKernel } from "./uname-matches-kernel";

describe("unameMatchesKernel", () => {
  it.each([
    ["6.1.0-56-amd64", "6.1.0-56-amd64"],
    ["3.10.0-1160.el7.x86_64", "3.10.0-1160.el7.x86_64"],
    ["4.15.0-1098-gcp", "4.15.0-1098-gcp~16.04"],
    ["5.10.68+", "5.10.68-16623.39.6-cos"],
    ["6.12.117+deb12-amd64", "6.12.117+deb12-amd64"],
  ])("accepts %s in bundle-%s.tgz", (uname, kernel) => {
    expect(unameMatchesKernel(uname, kernel)).toBe(true);
  });

  it.each([
    ["5.4.0-9999-aws", "5.4.0-1055-gcp"],
    ["5.4.0-105", "5.4.0-1055-gcp"],
    ["5.4.0-1055-g", "5.4.0-1055-gcp"],
    ["5.4.0-1055-gcp-extra", "5.4.0-1055-gcp"],
    ["+", "5.4.0"],
  ])("refuses %s in bundle-%s.tgz", (uname, kernel) => {
    expect(unameMatchesKernel(uname, kernel)).toBe(false);
  });
});
