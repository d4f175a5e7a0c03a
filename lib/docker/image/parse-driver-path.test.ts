import { describe, expect, it } from "vitest";
import { parseDriverPath, parseFailurePath } from "./parse-driver-path";

describe("parseDriverPath", () => {
  it.each([
    ["/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko.gz", "2.2.0", "5.4.0-1055-gcp", "mod", "driver"],
    ["/kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.o.gz", "2.2.0", "5.4.0-1055-gcp", "bpf", "driver"],
    ["/kernel-modules/2.2.0/collector-4.15.0-1098-gcp~16.04.ko.gz", "2.2.0", "4.15.0-1098-gcp~16.04", "mod", "driver"],
    ["/kernel-modules/2.1.0/collector-ebpf-5.10.68+.o.gz", "2.1.0", "5.10.68+", "bpf", "driver"],
    ["/kernel-modules/2.1.0/collector-3.10.0-1160.42.2.el7.x86_64.ko.gz", "2.1.0", "3.10.0-1160.42.2.el7.x86_64", "mod", "driver"],
    ["/kernel-modules/2.1.0/collector-4.18.0-305.19.1.el8_4.x86_64.ko.gz", "2.1.0", "4.18.0-305.19.1.el8_4.x86_64", "mod", "driver"],
    ["/kernel-modules/2.2.0/collector-6.12.117+deb12-amd64.ko.gz", "2.2.0", "6.12.117+deb12-amd64", "mod", "driver"],
    ["/kernel-modules/2.2.0/.collector-ebpf-3.10.0-514.2.2.el7.x86_64.unavail", "2.2.0", "3.10.0-514.2.2.el7.x86_64", "bpf", "marker"],
    ["/kernel-modules/2.0.1/collector-ebpf-3.10.0-514.2.2.el7.x86_64.unavail", "2.0.1", "3.10.0-514.2.2.el7.x86_64", "bpf", "marker"],
    // The task master counts a module's marker as done too (upstream's driver_is_cached).
    ["/kernel-modules/2.2.0/.collector-5.4.0-1055-gcp.unavail", "2.2.0", "5.4.0-1055-gcp", "mod", "marker"],
    ["/kernel-modules/2.3.0-rc1/collector-ebpf-5.14.12-100.fc33.x86_64.o.gz", "2.3.0-rc1", "5.14.12-100.fc33.x86_64", "bpf", "driver"],
    // Relative to /kernel-modules, as the brief states the shapes.
    ["2.2.0/collector-5.15.0-1-cloud-amd64.ko.gz", "2.2.0", "5.15.0-1-cloud-amd64", "mod", "driver"],
    ["2.2.0/collector-ebpf-4.14.44-coreos-r1.o.gz", "2.2.0", "4.14.44-coreos-r1", "bpf", "driver"],
  ])("%s", (p, moduleVersion, kernel, flavour, kind) => {
    expect(parseDriverPath(p)).toEqual({ moduleVersion, kernel, flavour, kind });
  });

  it.each([
    "/kernel-modules/2.2.0",
    "/kernel-modules/collector-5.4.0-1055-gcp.ko.gz", // no module version directory
    "/kernel-modules/2.2.0/sub/collector-5.4.0-1055-gcp.ko.gz",
    "/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.ko", // not gzipped
    "/kernel-modules/2.2.0/collector-5.4.0-1055-gcp.o.gz", // a probe without ebpf- in its name
    "/kernel-modules/2.2.0/collector-ebpf-5.4.0-1055-gcp.ko.gz", // never a kernel called "ebpf-..."
    "/kernel-modules/2.2.0/collector-.ko.gz",
    "/kernel-modules/2.2.0/collector-5.4.0 1055.ko.gz",
    "/kernel-modules/2.2.0/README",
    "/other/2.2.0/collector-5.4.0-1055-gcp.ko.gz",
    "/kernel-modulesX/2.2.0/collector-5.4.0-1055-gcp.ko.gz",
    "",
  ])("%s is not a driver", (p) => {
    expect(parseDriverPath(p)).toBeNull();
  });
});

describe("parseFailurePath", () => {
  // Real-shaped names from both layouts; the kernel list is the sample's KERNEL_VERSIONS.
  const kernels = [
    "3.10.0-1160.42.2.el7.x86_64",
    "3.10.0-514.2.2.el7.x86_64",
    "4.14.44-coreos-r1",
    "4.15.0-1098-gcp~16.04",
    "4.18.0-305.19.1.el8_4.x86_64",
    "5.10.68-16623.39.6-cos",
    "5.11.0-1020-gcp~20.04",
    "5.11.0-1021-gcp",
    "5.14.12-100.fc33.x86_64",
    "5.15.0-1-cloud-amd64",
    "5.4.0-1055-gcp",
    "6.12.117+deb12-amd64",
    "5.10.68+",
    "4.19.0-18-amd64",
  ];
  const versions = ["2.2.0", "2.1.0", "2.0.1", "1.6.0"];

  for (const kernel of kernels) {
    for (const moduleVersion of versions) {
      it(`tells ${kernel} from ${moduleVersion} in both layouts`, () => {
        expect(parseFailurePath(`/FAILURES/${kernel}/${moduleVersion}/mod.log`)).toEqual({
          kernel,
          moduleVersion,
          flavour: "mod",
          layout: "kernel-first",
          ambiguous: false,
        });
        expect(parseFailurePath(`/FAILURES/${moduleVersion}/${kernel}/bpf.log`)).toEqual({
          kernel,
          moduleVersion,
          flavour: "bpf",
          layout: "version-first",
          ambiguous: false,
        });
      });
    }
  }

  it("tells a pre-release module version from a kernel with a build suffix", () => {
    expect(parseFailurePath("/FAILURES/5.4.0-1055-gcp/2.3.0-rc1/mod.log")).toMatchObject({ kernel: "5.4.0-1055-gcp", moduleVersion: "2.3.0-rc1" });
    expect(parseFailurePath("/FAILURES/2.3.0-rc1/3.10.0-1160.42.2.el7.x86_64/mod.log")).toMatchObject({
      kernel: "3.10.0-1160.42.2.el7.x86_64",
      moduleVersion: "2.3.0-rc1",
    });
  });

  it("takes a name that does not start with a digit as the module version", () => {
    expect(parseFailurePath("/FAILURES/dev/4.19.94/mod.log")).toMatchObject({ kernel: "4.19.94", moduleVersion: "dev", layout: "version-first" });
  });

  it("marks two plain X.Y.Z names as ambiguous and reads them kernel first", () => {
    expect(parseFailurePath("/FAILURES/4.19.94/2.2.0/mod.log")).toEqual({
      kernel: "4.19.94",
      moduleVersion: "2.2.0",
      flavour: "mod",
      layout: "kernel-first",
      ambiguous: true,
    });
  });

  it("accepts paths relative to /FAILURES", () => {
    expect(parseFailurePath("5.4.0-1055-gcp/2.2.0/bpf.log")).toMatchObject({ kernel: "5.4.0-1055-gcp", moduleVersion: "2.2.0", flavour: "bpf" });
  });

  it.each([
    "/FAILURES/5.4.0-1055-gcp/2.2.0/other.log",
    "/FAILURES/5.4.0-1055-gcp/2.2.0/mod.txt",
    "/FAILURES/5.4.0-1055-gcp/mod.log",
    "/FAILURES/x/5.4.0-1055-gcp/2.2.0/mod.log",
    "/FAILURES/.hidden/2.2.0/mod.log",
    "/kernel-modules/5.4.0-1055-gcp/2.2.0/mod.log",
  ])("%s is not a failure log", (p) => {
    expect(parseFailurePath(p)).toBeNull();
  });
});
