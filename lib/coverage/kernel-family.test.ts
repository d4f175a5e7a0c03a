import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { familyFromKernel, kernelFamily, KERNEL_FAMILIES } from "./kernel-family";

// Kernel ids as distributions name them (bundle ids of the real driver build's
// KERNEL_VERSIONS follow these names; COS bundles carry -cos).
const byFamily: Record<string, string[]> = {
  el6: ["2.6.32-754.35.1.el6.x86_64", "2.6.32-696.el6.x86_64"],
  el7: ["3.10.0-1160.42.2.el7.x86_64", "3.10.0-514.2.2.el7.x86_64", "3.10.0-1160.el7.x86_64", "3.10.0-957.27.2.el7.x86_64", "3.10.0-1160.rt56.1131.el7.x86_64"],
  el8: ["4.18.0-305.19.1.el8_4.x86_64", "4.18.0-80.el8.x86_64", "4.18.0-477.10.1.el8_8.x86_64", "4.18.0-305.rt7.72.el8.x86_64"],
  el9: ["5.14.0-70.13.1.el9_0.x86_64", "5.14.0-284.11.1.el9_2.x86_64", "5.14.0-362.8.1.el9_3.x86_64"],
  el10: ["6.12.0-55.9.1.el10_0.x86_64"],
  oracle: ["4.14.35-2047.510.5.5.el7uek.x86_64", "5.4.17-2136.300.7.el8uek.x86_64", "5.15.0-100.96.32.el9uek.x86_64"],
  amzn1: ["4.14.252-131.483.amzn1.x86_64"],
  amzn2: ["4.14.256-197.484.amzn2.x86_64", "5.10.102-99.473.amzn2.x86_64", "5.4.181-99.354.amzn2.x86_64"],
  amzn2023: ["6.1.21-1.45.amzn2023.x86_64", "6.1.66-91.160.amzn2023.x86_64"],
  fedora: ["5.14.12-100.fc33.x86_64", "6.0.7-301.fc37.x86_64", "5.6.6-300.fc32.x86_64"],
  ubuntu: [
    "5.4.0-1055-gcp",
    "4.15.0-1098-gcp~16.04",
    "5.11.0-1020-gcp~20.04",
    "5.4.0-100-generic",
    "4.4.0-210-generic",
    "4.15.0-1113-aws",
    "5.4.0-1068-azure",
    "5.4.0-1064-oracle",
    "5.4.0-1059-gke",
    "5.4.0-1049-gkeop",
    "4.15.0-1089-kvm",
    "5.15.0-43-lowlatency",
    "5.15.0-1004-ibm",
    "5.4.0-1036-gcp~18.04",
    "5.19.0-1025-aws~22.04",
  ],
  debian: [
    "4.19.0-18-amd64",
    "5.10.0-9-cloud-amd64",
    "5.15.0-1-cloud-amd64",
    "6.1.0-55-amd64",
    "6.1.0-56-cloud-amd64",
    "6.12.117+deb12-amd64",
    "3.16.0-11-amd64",
    "4.9.0-13-amd64",
    "5.10.0-26-rt-amd64",
    "6.1.0-0.deb11.17-amd64",
    "5.10.0-0.deb10.16-amd64",
  ],
  gardenlinux: ["5.15.125-gardenlinux-cloud-amd64"],
  cos: ["5.10.68-16623.39.6-cos", "5.4.104-16108.67.1-cos", "4.19.112-13310.1041.38-cos"],
  coreos: ["4.14.44-coreos-r1", "4.14.96-coreos-r1", "4.19.106-coreos"],
  flatcar: ["5.10.77-flatcar", "5.15.63-flatcar"],
  suse: ["4.12.14-122.37-default", "5.3.18-24.9-default", "5.14.21-150400.24.11-default", "5.3.18-150300.38.59-azure", "4.12.14-lp151.28.91-default"],
  linuxkit: ["5.10.104-linuxkit", "5.15.49-linuxkit"],
};

describe("familyFromKernel", () => {
  for (const [family, kernels] of Object.entries(byFamily)) {
    it.each(kernels)(`%s is ${family}`, (kernel) => {
      expect(familyFromKernel(kernel)).toBe(family);
    });
  }

  it("names every kernel of the sample's KERNEL_VERSIONS", () => {
    const file = fs.readFileSync(path.join(__dirname, "..", "..", "sample", "collector", "kernel-modules", "KERNEL_VERSIONS"), "utf8");
    const families = file.split("\n").filter(Boolean).map((k) => `${k} ${familyFromKernel(k)}`);
    expect(families).toEqual([
      "3.10.0-1160.42.2.el7.x86_64 el7",
      "3.10.0-1160.el7.x86_64 el7",
      "3.10.0-514.2.2.el7.x86_64 el7",
      "4.14.44-coreos-r1 coreos",
      "4.15.0-1098-gcp~16.04 ubuntu",
      "4.18.0-305.19.1.el8_4.x86_64 el8",
      "5.10.68-16623.39.6-cos cos",
      "5.11.0-1020-gcp~20.04 ubuntu",
      "5.14.12-100.fc33.x86_64 fedora",
      "5.15.0-1-cloud-amd64 debian",
      "5.4.0-1055-gcp ubuntu",
      "6.1.0-55-amd64 debian",
      "6.1.0-56-amd64 debian",
      "6.1.0-56-cloud-amd64 debian",
      "6.12.117+deb12-amd64 debian",
    ]);
  });

  it.each(["5.10.68+", "4.19.202", "linux-6.1", "5.4.0"])("leaves %s as other: the id alone does not say", (kernel) => {
    expect(familyFromKernel(kernel)).toBe("other");
  });
});

describe("kernelFamily", () => {
  it("takes the bundle's BUNDLE_DISTRO when there is one", () => {
    // A COS bundle's uname, and minikube's plain version: only the bundle says which it is.
    expect(kernelFamily("5.10.68+", "cos")).toBe("cos");
    expect(kernelFamily("4.19.202", "minikube")).toBe("minikube");
    expect(kernelFamily("5.10.47-linuxkit", "dockerdesktop")).toBe("dockerdesktop");
    expect(kernelFamily("5.10.0-8-cloud-amd64", "gardenlinux")).toBe("gardenlinux");
    expect(kernelFamily("6.1.0-55-amd64", "debian")).toBe("debian");
    expect(kernelFamily("5.4.0-1055-gcp", " Ubuntu ")).toBe("ubuntu");
  });

  it("lets the kernel id pick the family inside redhat and coreos", () => {
    expect(kernelFamily("3.10.0-1160.el7.x86_64", "redhat")).toBe("el7");
    expect(kernelFamily("4.18.0-305.19.1.el8_4.x86_64", "redhat")).toBe("el8");
    expect(kernelFamily("5.10.102-99.473.amzn2.x86_64", "redhat")).toBe("amzn2");
    expect(kernelFamily("5.14.12-100.fc33.x86_64", "redhat")).toBe("fedora");
    expect(kernelFamily("5.4.0-1055-gcp", "redhat")).toBe("redhat");
    expect(kernelFamily("5.15.63-flatcar", "coreos")).toBe("flatcar");
    expect(kernelFamily("4.14.44-coreos-r1", "coreos")).toBe("coreos");
  });

  it("falls back to the kernel id for a missing or unknown distro", () => {
    expect(kernelFamily("3.10.0-1160.el7.x86_64", null)).toBe("el7");
    expect(kernelFamily("5.4.0-1055-gcp", "")).toBe("ubuntu");
    expect(kernelFamily("5.4.0-1055-gcp", "plan9")).toBe("ubuntu");
  });

  it("only ever answers a listed family", () => {
    const ids = new Set(KERNEL_FAMILIES.map((f) => f.id));
    for (const kernels of Object.values(byFamily)) for (const k of kernels) expect(ids.has(kernelFamily(k, null))).toBe(true);
  });
});
