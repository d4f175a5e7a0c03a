import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { failureLine, failureSignature, normaliseFailureLine } from "@/lib/driver-images/failure-signature";

// Real logs: /FAILURES of sample builds (the 3.10 bundle without headers;
// bpf-ringbuf's probe on 6.1 headers; tag 3.10.0's module, without the
// strlcpy patch, on 6.12), and a module, a program and a header compiled
// against the 6.1 bundle with the toolchain image.
const fixtures = path.join(__dirname, "__fixtures__", "failure-logs");
const log = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");

describe("failureSignature on real logs", () => {
  it.each([
    [
      "3.10.0-1160.el7.x86_64-2.1.0-mod.log",
      { kernel: "3.10.0-1160.el7.x86_64", moduleVersion: "2.1.0" },
      "compiler",
      "/kobuild-tmp/builder/tasks/c9230ab29a0a5ea4-2.1.0-mod/main.c:6:10: fatal error: linux/errno.h: No such file or directory",
      "main.c: fatal error: linux/errno.h: No such file or directory",
    ],
    [
      "3.10.0-1160.el7.x86_64-2.0.0-mod.log",
      { kernel: "3.10.0-1160.el7.x86_64", moduleVersion: "2.0.0" },
      "compiler",
      "/kobuild-tmp/builder/tasks/c9230ab29a0a5ea4-2.0.0-mod/main.c:6:10: fatal error: linux/init.h: No such file or directory",
      "main.c: fatal error: linux/init.h: No such file or directory",
    ],
    [
      "6.1.0-55-amd64-2.3.0-bpf.log",
      { kernel: "6.1.0-55-amd64", moduleVersion: "2.3.0" },
      "compiler",
      "/kobuild-tmp/builder/tasks/4b4ff68ecede57c5-2.3.0-bpf/probe.c:35:15: error: use of undeclared identifier 'BPF_MAP_TYPE_CGRP_STORAGE'; did you mean 'BPF_MAP_TYPE_CGROUP_STORAGE'?",
      "probe.c: error: use of undeclared identifier 'BPF_MAP_TYPE_CGRP_STORAGE'; did you mean 'BPF_MAP_TYPE_CGROUP_STORAGE'?",
    ],
    [
      "6.12.117+deb12-amd64-2.1.0-mod.log",
      { kernel: "6.12.117+deb12-amd64", moduleVersion: "2.1.0" },
      "compiler",
      "/kobuild-tmp/builder/tasks/c58e8f6377385e50-2.1.0-mod/main.c:36:13: error: implicit declaration of function ‘strlcpy’; did you mean ‘strncpy’? [-Werror=implicit-function-declaration]",
      "main.c: error: implicit declaration of function ‘strlcpy’; did you mean ‘strncpy’? [-Werror=implicit-function-declaration]",
    ],
    [
      "modpost-undefined.log",
      { kernel: "6.1.0-55-amd64" },
      "modpost",
      'ERROR: modpost: "collector_missing_helper" [/w/src/collector.ko] undefined!',
      'ERROR: modpost: "collector_missing_helper" [collector.ko] undefined!',
    ],
    [
      "ld-undefined-reference.log",
      { kernel: "6.1.0-55-amd64" },
      "linker",
      "u.c:(.text.startup+0x1): undefined reference to `foo'",
      "u.c:(.text.startup+<addr>): undefined reference to `foo'",
    ],
    [
      "gcc-include-chain.log",
      { kernel: "6.1.0-55-amd64" },
      "compiler",
      "/w/k/usr/src/linux-headers-6.1.0-55-amd64/include/uapi/linux/stddef.h:5:10: fatal error: linux/compiler_types.h: No such file or directory",
      "stddef.h: fatal error: linux/compiler_types.h: No such file or directory",
    ],
  ] as const)("%s", (file, context, source, line, signature) => {
    expect(failureSignature(log(file), context)).toEqual({ source, line, signature });
  });

  it("gives one cause on two kernels one signature, and two causes two", () => {
    const a = failureSignature(log("6.1.0-55-amd64-2.3.0-bpf.log"), { kernel: "6.1.0-55-amd64", moduleVersion: "2.3.0" });
    const b = failureSignature(log("6.1.0-56-cloud-amd64-2.3.0-bpf.log"), { kernel: "6.1.0-56-cloud-amd64", moduleVersion: "2.3.0" });
    expect(a!.line).not.toBe(b!.line);
    expect(a!.signature).toBe(b!.signature);
    const c = failureSignature(log("3.10.0-1160.el7.x86_64-2.1.0-mod.log"), { kernel: "3.10.0-1160.el7.x86_64" });
    const d = failureSignature(log("3.10.0-1160.el7.x86_64-2.0.0-mod.log"), { kernel: "3.10.0-1160.el7.x86_64" });
    expect(c!.signature).not.toBe(d!.signature);
  });
});

describe("failureLine fallbacks", () => {
  // The strlcpy log without its compiler lines: what is left is make's.
  const makeOnly = log("6.12.117+deb12-amd64-2.1.0-mod.log")
    .split("\n")
    .filter((l) => !/error:|^ {2,}|^\s+\d+ \||^\s+\|/.test(l))
    .join("\n");

  it("takes make's first Error line when no compiler spoke", () => {
    expect(failureLine(makeOnly)).toEqual({
      source: "make",
      line: "make[2]: *** [scripts/Makefile.build:234: /kobuild-tmp/builder/tasks/c58e8f6377385e50-2.1.0-mod/main.o] Error 1",
    });
    expect(failureSignature(makeOnly, { kernel: "6.12.117+deb12-amd64" })!.signature).toBe("make[<n>]: *** [scripts/Makefile.build: main.o] Error <n>");
  });

  it("takes the builder's reason when nothing was compiled", () => {
    // build-drivers.sh's own lines, as it writes them into the task's log.
    const vermagic =
      "kobuild: collector 2.2.0 kernel module for 6.1.0-56-amd64 (BUNDLE_UNAME 6.1.0-56-amd64), tree /kobuild-tmp/builder/kernels/56580155cb2ef437/./usr/src/linux-headers-6.1.0-56-amd64\n" +
      "kobuild: vermagic '6.1.0-55-amd64 SMP preempt mod_unload modversions ' does not start with BUNDLE_UNAME '6.1.0-56-amd64': the module would not load\n";
    expect(failureSignature(vermagic, { kernel: "6.1.0-56-amd64" })).toEqual({
      source: "builder",
      line: "kobuild: vermagic '6.1.0-55-amd64 SMP preempt mod_unload modversions ' does not start with BUNDLE_UNAME '6.1.0-56-amd64': the module would not load",
      signature: "kobuild: vermagic '<kernel> SMP preempt mod_unload modversions ' does not start with BUNDLE_UNAME '<kernel>': the module would not load",
    });
    expect(failureSignature("no bundle for 5.4.0-1055-gcp: /bundles/bundle-5.4.0-1055-gcp.tgz does not exist\n", { kernel: "5.4.0-1055-gcp" })!.signature).toBe(
      "no bundle for <kernel>: bundle-<kernel>.tgz does not exist",
    );
  });

  it("falls back to the last line, and has nothing to say about an empty log", () => {
    expect(failureLine("kobuild: collector 2.2.0 eBPF probe\nkobuild: clang failed\n")).toEqual({ source: "last-line", line: "kobuild: clang failed" });
    expect(failureSignature("", { kernel: "6.1.0-55-amd64" })).toBeNull();
    expect(failureSignature("\n  \n", { kernel: "6.1.0-55-amd64" })).toBeNull();
  });
});

describe("normaliseFailureLine", () => {
  it("names the kernel's uname and module version by their role", () => {
    expect(
      normaliseFailureLine("kobuild: vermagic '5.10.68+ SMP mod_unload' does not start with BUNDLE_UNAME '5.10.68-16623.39.6-cos' for 2.2.0", {
        kernel: "5.10.68-16623.39.6-cos",
        uname: "5.10.68+",
        moduleVersion: "2.2.0",
      }),
    ).toBe("kobuild: vermagic '<kernel> SMP mod_unload' does not start with BUNDLE_UNAME '<kernel>' for <module-version>");
  });

  it("keeps names with digits inside (x86_64, el7) and include paths", () => {
    expect(normaliseFailureLine("arch/x86/include/asm/ptrace.h:99:1: error: unknown type name ‘u64_el7’", { kernel: "3.10.0-1160.el7.x86_64" })).toBe(
      "arch/x86/include/asm/ptrace.h: error: unknown type name ‘u64_el7’",
    );
  });

  it("cuts a very long line", () => {
    expect(normaliseFailureLine(`error: ${"x".repeat(1000)}`, { kernel: "6.1.0-55-amd64" }).length).toBe(300);
  });
});
