// Names of what a driver image holds, after the build's file contracts:
//
//   /kernel-modules/<mv>/collector-<kernel>.ko.gz             kernel module
//   /kernel-modules/<mv>/collector-ebpf-<kernel>.o.gz         eBPF probe
//   /kernel-modules/<mv>/.collector-ebpf-<kernel>.unavail     no eBPF probe for that kernel
//   /kernel-modules/<mv>/collector-ebpf-<kernel>.unavail      (older spelling of the marker)
//   /kernel-modules/<mv>/.collector-<kernel>.unavail          no kernel module for that kernel (the
//                                                             task master counts it as done, too)
//   /FAILURES/<kernel>/<mv>/<mod|bpf>.log                     a failed task's build output
//   /FAILURES/<mv>/<kernel>/<mod|bpf>.log                     (older layout)
//
// Paths may be given absolute (`/kernel-modules/2.2.0/...`) or relative to
// their root directory (`2.2.0/...`).

import type { Flavour } from "@/lib/vocabulary";

export type { Flavour };

export type DriverPath = {
  moduleVersion: string;
  kernel: string;
  flavour: Flavour;
  kind: "driver" | "marker";
};

// A kernel id is a bundle name: it starts with its version number and holds
// letters, digits and . _ + ~ - (5.10.68+, 4.15.0-1098-gcp~16.04, ...el8_4.x86_64).
// Requiring the leading digit also keeps `collector-ebpf-…` from ever reading
// as a kernel module for a kernel called `ebpf-…`.
const KERNEL = String.raw`\d[\w.+~-]*`;
const MODULE_VERSION = String.raw`[A-Za-z0-9][\w.+-]*`;

// Order matters: every eBPF name also starts with `collector-`.
const DRIVER_PATTERNS: Array<{ re: RegExp; flavour: Flavour; kind: DriverPath["kind"] }> = [
  { re: new RegExp(`^(${MODULE_VERSION})/collector-ebpf-(${KERNEL})\\.o\\.gz$`), flavour: "bpf", kind: "driver" },
  { re: new RegExp(`^(${MODULE_VERSION})/\\.?collector-ebpf-(${KERNEL})\\.unavail$`), flavour: "bpf", kind: "marker" },
  { re: new RegExp(`^(${MODULE_VERSION})/collector-(${KERNEL})\\.ko\\.gz$`), flavour: "mod", kind: "driver" },
  { re: new RegExp(`^(${MODULE_VERSION})/\\.?collector-(${KERNEL})\\.unavail$`), flavour: "mod", kind: "marker" },
];

function relativeTo(root: string, p: string): string | null {
  if (!p.startsWith("/")) return p;
  return p.startsWith(`${root}/`) ? p.slice(root.length + 1) : null;
}

export function parseDriverPath(pathInImage: string): DriverPath | null {
  const rel = relativeTo("/kernel-modules", pathInImage);
  if (rel === null) return null;
  for (const { re, flavour, kind } of DRIVER_PATTERNS) {
    const m = re.exec(rel);
    if (m) return { moduleVersion: m[1]!, kernel: m[2]!, flavour, kind };
  }
  return null;
}

export type FailurePath = {
  kernel: string;
  moduleVersion: string;
  flavour: Flavour;
  /** kernel-first is the current layout, version-first the older one. */
  layout: "kernel-first" | "version-first";
  /** True when nothing in the two names told the layouts apart (see parseFailurePath). */
  ambiguous: boolean;
};

/** Semver-like: what a module version looks like (2.2.0, 2.3.0-rc1). */
const VERSION_LIKE = /^\d+\.\d+\.\d+(?:[-+.][\w.-]*)?$/;
const PLAIN_VERSION = /^\d+\.\d+\.\d+$/;
const SEGMENT = /^[A-Za-z0-9][\w.+~-]*$/;
const KERNEL_START = /^\d/;

function parts(s: string): number {
  return s.split(/[.+~_-]/).filter(Boolean).length;
}

/**
 * Which of the two directory names under /FAILURES is the module version.
 *
 * Rule, first that decides:
 * 0. Only one of them starts with a digit: that one is the kernel.
 * 1. Only one of them is semver-like (`\d+\.\d+\.\d+([-+.][\w.-]*)?`): that one.
 *    (4.15.0-1098-gcp~16.04 is not: `~` is outside the pattern.)
 * 2. Both are: the one with fewer parts, counting pieces between . - + ~ _ —
 *    kernels carry a distro build suffix (5.4.0-1055-gcp has 5 parts,
 *    3.10.0-1160.42.2.el7.x86_64 has 9), module versions rarely do (2.2.0 has 3).
 * 3. Same number of parts: the plain X.Y.Z one (2.2.0 beside 5.10.68+).
 * 4. Still undecided (2.2.0 beside a minikube kernel 4.19.94): the current,
 *    kernel-first layout, marked `ambiguous` so a reader of a whole /FAILURES
 *    tree can settle it by the layout the tree's other logs show.
 */
export function parseFailurePath(pathInImage: string): FailurePath | null {
  const rel = relativeTo("/FAILURES", pathInImage);
  if (rel === null) return null;
  const m = /^([^/]+)\/([^/]+)\/(mod|bpf)\.log$/.exec(rel);
  if (!m) return null;
  const a = m[1]!;
  const b = m[2]!;
  const flavour = m[3] as Flavour;
  if (!SEGMENT.test(a) || !SEGMENT.test(b)) return null;

  const kernelFirst = (ambiguous = false): FailurePath => ({ kernel: a, moduleVersion: b, flavour, layout: "kernel-first", ambiguous });
  const versionFirst = (): FailurePath => ({ kernel: b, moduleVersion: a, flavour, layout: "version-first", ambiguous: false });

  const aKernel = KERNEL_START.test(a);
  const bKernel = KERNEL_START.test(b);
  if (aKernel !== bKernel) return aKernel ? kernelFirst() : versionFirst();
  const aLike = VERSION_LIKE.test(a);
  const bLike = VERSION_LIKE.test(b);
  if (aLike !== bLike) return bLike ? kernelFirst() : versionFirst();
  if (!aLike) return kernelFirst(true);
  const pa = parts(a);
  const pb = parts(b);
  if (pa !== pb) return pb < pa ? kernelFirst() : versionFirst();
  const aPlain = PLAIN_VERSION.test(a);
  const bPlain = PLAIN_VERSION.test(b);
  if (aPlain !== bPlain) return bPlain ? kernelFirst() : versionFirst();
  return kernelFirst(true);
}

/** The same log read with the other layout (used to settle ambiguous names). */
export function swapFailureLayout(f: FailurePath): FailurePath {
  return {
    kernel: f.moduleVersion,
    moduleVersion: f.kernel,
    flavour: f.flavour,
    layout: f.layout === "kernel-first" ? "version-first" : "kernel-first",
    ambiguous: f.ambiguous,
  };
}
