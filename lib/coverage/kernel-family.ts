// The distribution family a kernel belongs to, for grouping a coverage grid.
//
// A bundle's BUNDLE_DISTRO says it when kobuild has the bundle (coreos,
// debian, gardenlinux, cos, redhat, suse, ubuntu, minikube, linuxkit,
// dockerdesktop, oracle); "redhat" and "coreos" span several families, so the
// kernel id decides between them. Without a bundle (kernels of a
// KERNEL_VERSIONS plan, or of an image kobuild only read) the kernel id alone
// decides, by the naming each distribution uses:
//
//   3.10.0-1160.42.2.el7.x86_64          RHEL/CentOS: .el<N> in the release (.el8_4 for a minor)
//   5.4.17-2136.300.7.el8uek.x86_64      Oracle's Unbreakable Enterprise Kernel
//   5.10.102-99.473.amzn2.x86_64         Amazon Linux: .amzn1, .amzn2, .amzn2023
//   5.14.12-100.fc33.x86_64              Fedora
//   5.4.0-1055-gcp, 4.15.0-1098-gcp~16.04  Ubuntu: <version>-<abi>-<flavour>, backports ~<release>
//   4.19.0-18-amd64, 6.12.117+deb12-amd64  Debian: the flavour ends with the architecture
//   5.10.68-16623.39.6-cos               Container-Optimized OS (bundle name; its uname is 5.10.68+)
//   4.14.44-coreos-r1, 5.15.63-flatcar   Container Linux, Flatcar
//   5.14.21-150400.24.11-default         SUSE: a dotted release and -default (or -azure, -rt ...)

export type KernelFamilyId =
  | "el6"
  | "el7"
  | "el8"
  | "el9"
  | "el10"
  | "oracle"
  | "amzn1"
  | "amzn2"
  | "amzn2023"
  | "fedora"
  | "redhat"
  | "ubuntu"
  | "debian"
  | "gardenlinux"
  | "cos"
  | "coreos"
  | "flatcar"
  | "suse"
  | "minikube"
  | "linuxkit"
  | "dockerdesktop"
  | "other";

/** Every family, in the order a grid groups them. */
export const KERNEL_FAMILIES: readonly { id: KernelFamilyId; label: string }[] = [
  { id: "el6", label: "RHEL / CentOS 6" },
  { id: "el7", label: "RHEL / CentOS 7" },
  { id: "el8", label: "RHEL / CentOS 8" },
  { id: "el9", label: "RHEL / CentOS 9" },
  { id: "el10", label: "RHEL / CentOS 10" },
  { id: "redhat", label: "Red Hat family, other" },
  { id: "oracle", label: "Oracle Linux UEK" },
  { id: "amzn1", label: "Amazon Linux 1" },
  { id: "amzn2", label: "Amazon Linux 2" },
  { id: "amzn2023", label: "Amazon Linux 2023" },
  { id: "fedora", label: "Fedora" },
  { id: "ubuntu", label: "Ubuntu" },
  { id: "debian", label: "Debian" },
  { id: "gardenlinux", label: "Garden Linux" },
  { id: "cos", label: "Container-Optimized OS" },
  { id: "coreos", label: "Container Linux (CoreOS)" },
  { id: "flatcar", label: "Flatcar" },
  { id: "suse", label: "SUSE" },
  { id: "minikube", label: "minikube" },
  { id: "linuxkit", label: "LinuxKit" },
  { id: "dockerdesktop", label: "Docker Desktop" },
  { id: "other", label: "Other" },
];

const FAMILY_IDS = new Set<string>(KERNEL_FAMILIES.map((f) => f.id));

export function isKernelFamily(id: string): id is KernelFamilyId {
  return FAMILY_IDS.has(id);
}

// BUNDLE_DISTRO values that name one family outright.
const DISTRO_FAMILY: Record<string, KernelFamilyId> = {
  ubuntu: "ubuntu",
  debian: "debian",
  gardenlinux: "gardenlinux",
  cos: "cos",
  suse: "suse",
  sles: "suse",
  opensuse: "suse",
  minikube: "minikube",
  linuxkit: "linuxkit",
  dockerdesktop: "dockerdesktop",
  oracle: "oracle",
  fedora: "fedora",
  amazon: "amzn2",
};

// Debian's flavours end with the architecture; Ubuntu's never do.
const DEBIAN_ARCH = /-(?:amd64|arm64|686|686-pae|armmp|armmp-lpae|armel|marvell|rpi|powerpc64le|ppc64el|s390x|mips64r2el|loong64)$/;
const UBUNTU = /^\d+\.\d+\.\d+-\d+-[a-z][a-z0-9]*(?:-[a-z0-9]+)*(?:~\d+\.\d+(?:\.\d+)?)?$/;
const SUSE_FLAVOUR = /^\d+\.\d+\.\d+-(?:lp)?\d+(?:\.\d+)+-(?:default|azure|rt|preempt|kvmsmall|vanilla|64kb|ec2|pae|xen|gcp)$/;

/** The family of a kernel id, from the kernel id alone. */
export function familyFromKernel(kernel: string): KernelFamilyId {
  const k = kernel.toLowerCase();
  if (/\.el\d+uek\b|uek\./.test(k)) return "oracle";
  const amazon = /\.amzn(1|2|2023)(?:\.|$)/.exec(k);
  if (amazon) return `amzn${amazon[1]}` as KernelFamilyId;
  const el = /\.el(\d+)(?:_\d+)?(?:\.|$)/.exec(k);
  if (el) return isKernelFamily(`el${el[1]}`) ? (`el${el[1]}` as KernelFamilyId) : "redhat";
  if (/\.fc\d+(?:\.|$)/.test(k)) return "fedora";
  if (/-cos$/.test(k)) return "cos";
  if (/flatcar/.test(k)) return "flatcar";
  if (/-coreos(?:-r\d+)?$/.test(k)) return "coreos";
  if (/gardenlinux/.test(k)) return "gardenlinux";
  if (/-linuxkit$/.test(k)) return "linuxkit";
  if (/minikube/.test(k)) return "minikube";
  if (SUSE_FLAVOUR.test(k) || /-default$/.test(k)) return "suse";
  if (/\+deb\d+|\.deb\d+\.|\+bpo-/.test(k) || DEBIAN_ARCH.test(k)) return "debian";
  if (UBUNTU.test(k)) return "ubuntu";
  return "other";
}

/**
 * The family of a kernel: its bundle's BUNDLE_DISTRO when kobuild has the
 * bundle (refined by the id for distros that span families), else its id.
 */
export function kernelFamily(kernel: string, distro?: string | null): KernelFamilyId {
  const d = distro?.trim().toLowerCase();
  if (!d) return familyFromKernel(kernel);
  const fromId = familyFromKernel(kernel);
  if (d === "redhat" || d === "rhel" || d === "centos") {
    return fromId.startsWith("el") || fromId.startsWith("amzn") || fromId === "fedora" || fromId === "oracle" ? fromId : "redhat";
  }
  if (d === "coreos") return fromId === "flatcar" ? "flatcar" : "coreos";
  return DISTRO_FAMILY[d] ?? fromId;
}
