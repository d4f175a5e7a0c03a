import { describe, expect, it } from "vitest";
import { BundleError } from "./bundle-error";
import { parseBundleFileName } from "./parse-bundle-name";

describe("parseBundleFileName", () => {
  it.each([
    "3.10.0-1160.42.2.el7.x86_64",
    "4.14.44-coreos-r1",
    "5.10.68-16623.39.6-cos",
    "4.15.0-1098-gcp~16.04",
    "6.1.0-56-amd64",
    "6.12.117+deb12-amd64",
  ])("reads the kernel %s", (kernel) => {
    expect(parseBundleFileName(`bundle-${kernel}.tgz`)).toBe(kernel);
  });

  it.each([
    "headers.tar.gz",
    "bundle-6.1.0-56-amd64.tar.gz",
    "bundle-.tgz",
    "bundle-6.1.0-56-amd64.tgz.part",
    "x/bundle-6.1.0-56-amd64.tgz",
    "bundle-../../etc/passwd.tgz",
    "bundle-6.1.0\\..\\x.tgz",
    "bundle-.hidden.tgz",
    "bundle-6.1.0 56.tgz",
    "bundle-6.1.0\n.tgz",
    `bundle-${"6".repeat(201)}.tgz`,
  ])("refuses %j", (name) => {
    expect(() => parseBundleFileName(name)).toThrowError(BundleError);
    try {
      parseBundleFileName(name);
    } catch (error) {
      expect((error as BundleError).reason).toBe("bad_name");
      expect((error as BundleError).code).toBe("unprocessable");
    }
  });
});
