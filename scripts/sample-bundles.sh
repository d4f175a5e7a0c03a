#!/usr/bin/env bash
# Build real kernel header bundles (bundle-<kernel>.tgz) for the sample driver
# build from Debian's linux-headers packages, into
# ${KOBUILD_CACHE_DIR:-${KOBUILD_DATA_DIR:-./data}/cache}/bundles/.
#
# Kernels are picked from what apt knows right now (never a hard-coded ABI,
# see scripts/sample-kernels.sh), plus one deliberate failing case, a RHEL 7
# kernel (see make_failing_bundle). What was picked, with each bundle's role,
# size and sha256, is written to sample-bundles.json beside bundles/.
#
# Every bundle is trimmed to a few MB and then proven to work inside
# kobuild/toolchain:bookworm-1: an out-of-tree module builds with the right
# vermagic and an eBPF object compiles against the kernel's UAPI headers.
#
# Cached: only missing bundles are built, downloaded .debs are kept in
# ${KOBUILD_CACHE_DIR:-...}/debs. Archives are byte-for-byte
# reproducible (sorted names, fixed mtime and owner, gzip -n).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DOCKER=/usr/bin/docker
readonly TOOLCHAIN_IMAGE=kobuild/toolchain:bookworm-1
# Fixed mtime for every archive member: same input, same sha256.
readonly ARCHIVE_MTIME=2020-01-01T00:00:00Z
readonly FAILING_KERNEL=3.10.0-1160.el7.x86_64

# The cache can be shared by several data directories (tests use fresh ones).
cache_dir="${KOBUILD_CACHE_DIR:-${KOBUILD_DATA_DIR:-./data}/cache}"
mkdir -p "$cache_dir/bundles" "$cache_dir/debs"
cache_dir="$(cd "$cache_dir" && pwd)"
readonly out_dir="$cache_dir/bundles"
readonly deb_dir="$cache_dir/debs"

log() { printf 'sample-bundles: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

script_start=$SECONDS
# Unpacking and merging ~160 MB of headers per kernel is slow on a throttled
# VM disk (measured 8-9 s per step here, under 0.5 s on tmpfs): work in
# /dev/shm when it has room, else in TMPDIR.
tmp_parent="${TMPDIR:-/tmp}"
if [[ -d /dev/shm && -w /dev/shm ]] && (($(df -Pk /dev/shm | awk 'NR == 2 { print $4 }') > 1048576)); then
  tmp_parent=/dev/shm
fi
work_root="$(mktemp -d "$tmp_parent/kobuild-bundles.XXXXXX")"
staged=""
trap 'rm -rf "$work_root" ${staged:+"$staged"}' EXIT

# --- what runs inside the toolchain container -------------------------------
# Mode "scan": the full tree comes as a tar on stdin; build the coverage
# module and eBPF object and print, one per line, every file of the tree the
# compilers read (kbuild's .cmd dependency lists and clang -MD).
# Mode "verify": a bundle .tgz comes on stdin; build against it and check
# vermagic, kernelrelease and the eBPF object's machine.
# Mode "verify-failing": the module build must fail in the compiler.
#
# The coverage module includes the headers a typical syscall/network tracing
# driver uses, so the trimmed trees keep all of them and what they pull in;
# a driver limited to these headers builds against every bundle.
read -r -d '' IN_CONTAINER <<'CONTAINER' || true
set -euo pipefail
mode=$1
mkdir -p /b /m
cd /m
if [[ $mode == scan ]]; then tar -x -C /b; else tar -xz -C /b; fi
build_dir=$(cat /b/BUNDLE_BUILD_DIR)
T=$(cd "/b/$build_dir" && pwd)
cat >hello.c <<'EOF'
#include <linux/module.h>
#include <linux/init.h>
static int __init hello_init(void) { pr_info("hello\n"); return 0; }
static void __exit hello_exit(void) {}
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
EOF
if [[ $mode == verify-failing ]]; then
  echo 'obj-m := hello.o' >Makefile
  if make -C "$T" M=/m modules >build.log 2>&1; then
    echo "the failing bundle built a module" >&2; exit 1
  fi
  grep -q 'fatal error: linux/module.h: No such file or directory' build.log || {
    echo "unexpected failure:" >&2; cat build.log >&2; exit 1; }
  echo "fails as intended: $(grep -m1 'fatal error' build.log)"
  exit 0
fi
{
  printf '#include <linux/%s.h>\n' module kernel init version types errno string \
    atomic spinlock mutex list hashtable wait kthread delay jiffies time ktime \
    percpu cpumask cpu slab vmalloc mm mman highmem pagemap uaccess sched \
    sched/mm sched/signal sched/task cred capability pid_namespace utsname \
    cgroup ptrace binfmts audit compat fs file fdtable mount namei dcache \
    quota tty poll cdev device miscdevice kdev_t proc_fs seq_file debugfs \
    tracepoint kprobes ftrace net socket un in in6 ip ipv6 tcp udp netdevice \
    skbuff netlink
  printf '#include <net/%s.h>\n' sock af_unix inet_sock ipv6 tcp
  printf '#include <trace/events/%s.h>\n' sched syscalls
  printf '#include <asm/%s.h>\n' syscall unistd ptrace
  echo 'static int __init cover_init(void) { return 0; }'
  echo 'static void __exit cover_exit(void) {}'
  echo 'module_init(cover_init); module_exit(cover_exit); MODULE_LICENSE("GPL");'
} >cover.c
# Only UAPI headers that compile with exactly the include path below (some,
# such as linux/ptrace.h or linux/in.h, pull kernel-internal headers in).
{
  printf '#include <linux/%s.h>\n' types bpf limits fcntl in6 un socket if_ether \
    udp version sched
  echo '#include <asm/unistd.h>'
  echo '__attribute__((section("tracepoint/syscalls/sys_enter_execve"), used))'
  echo 'int probe(void *ctx) { return BPF_OK + __NR_execve * 0; }'
  echo 'char LICENSE[] __attribute__((section("license"), used)) = "GPL";'
} >probe.c
echo 'obj-m := hello.o cover.o' >Makefile
make -C "$T" M=/m modules >build.log 2>&1 || { cat build.log >&2; exit 1; }
clang -O2 -g -target bpf -D__EXPORTED_HEADERS__ \
  -I"$T/arch/x86/include/uapi" -I"$T/arch/x86/include/generated/uapi" \
  -I"$T/include/uapi" -I"$T/include/generated/uapi" -I"$T/include" \
  -MD -MF probe.d -c probe.c -o probe.o
if [[ $mode == scan ]]; then
  # Paths are relative to the tree (kbuild) or absolute (clang); config
  # marker files behind $(wildcard ...) are optional and left out.
  cat .*.cmd probe.d | tr ' \\' '\n\n' | grep -v -e wildcard -e '^)' |
    sed -e "s|^$T/||" -e 's|^\./||' | grep -E '^(include|arch)/' | sort -u |
    while read -r f; do if [[ -f $T/$f ]]; then echo "$f"; fi; done
  exit 0
fi
uname=$(cat /b/BUNDLE_UNAME)
for ko in hello.ko cover.ko; do
  vermagic=$(modinfo -F vermagic "$ko")
  [[ $vermagic == "$uname "* ]] || { echo "$ko vermagic '$vermagic' is not $uname" >&2; exit 1; }
done
# Not `make kernelrelease`: Debian 6.1 trees compute that from the upstream
# version (6.1.N) while KERNELRELEASE itself comes from .kernelvariables.
release=$(cat "$T/include/config/kernel.release")
[[ $release == "$uname" ]] || { echo "kernel.release '$release' is not $uname" >&2; exit 1; }
readelf -h probe.o | grep -q 'Machine:.*BPF' || { echo "probe.o is not a BPF object" >&2; exit 1; }
echo "ok: vermagic $(modinfo -F vermagic hello.ko | cut -d' ' -f1), kernelrelease $release, eBPF object $(stat -c %s probe.o) bytes"
CONTAINER

# The tree goes in on stdin (works with any engine, no bind mounts) and is
# unpacked on tmpfs: unpacking 80 MB into the container's overlay takes ~13 s,
# on tmpfs under 1 s. exec: kbuild runs fixdep, modpost and objtool from it.
in_toolchain() {
  "$DOCKER" run --rm -i --network none --tmpfs /b:rw,exec --tmpfs /m:rw,exec \
    "$TOOLCHAIN_IMAGE" bash -c "$IN_CONTAINER" in-container "$@"
}

# --- helpers -----------------------------------------------------------------

# Deterministic tar.gz of a directory: names sorted, one mtime, root owner,
# normalized modes, no gzip timestamp.
write_archive() {
  local root=$1 dest=$2
  tar -C "$root" --sort=name --format=gnu --mtime="$ARCHIVE_MTIME" \
    --owner=0 --group=0 --numeric-owner --mode='a+rX,u+w,go-w' -c . |
    gzip -n -9 >"$dest"
}

# sha256 over the sorted (path, content sha256) list of every file of the
# bundle but its BUNDLE_* metadata: stable across machines and runs.
tree_checksum() {
  (cd "$1" && find . -type f ! -path './BUNDLE_*' -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# Move a finished archive into the bundles directory. The work dir may be on
# tmpfs, where mv would copy in place: copy next to it first, then rename, so
# a reader never sees half a bundle.
publish() {
  local src=$1 name=$2
  staged="$(mktemp "$cache_dir/.bundle-staged.XXXXXX")"
  cp "$src" "$staged"
  chmod 644 "$staged"
  mv "$staged" "$out_dir/$name"
  staged=""
}

# One value per file, no trailing newline (the bundle contract).
write_meta() {
  local root=$1 uname=$2 version=$3 major=$4 minor=$5 distro=$6 build_dir=$7
  printf '%s' "$uname" >"$root/BUNDLE_UNAME"
  printf '%s' "$version" >"$root/BUNDLE_VERSION"
  printf '%s' "$major" >"$root/BUNDLE_MAJOR"
  printf '%s' "$minor" >"$root/BUNDLE_MINOR"
  printf '%s' "$distro" >"$root/BUNDLE_DISTRO"
  printf '%s' "$build_dir" >"$root/BUNDLE_BUILD_DIR"
  printf '%s' "$(tree_checksum "$root")" >"$root/BUNDLE_CHECKSUM"
}

# shellcheck source=sample-kernels.sh
. scripts/sample-kernels.sh

# Download a package into the .deb cache unless that exact version is there;
# set fetched_deb to its path (not printed: a $(...) subshell would lose
# what scripts/lib/apt.sh knows of the lists being refreshed already).
fetch_deb() {
  local pkg=$1 record version arch file
  apt_ensure_known "$pkg"
  record="$(apt-cache show --no-all-versions "$pkg")"
  version="$(sed -n 's/^Version: //p' <<<"$record" | head -n1)"
  arch="$(sed -n 's/^Architecture: //p' <<<"$record" | head -n1)"
  file="$deb_dir/${pkg}_${version//:/%3a}_${arch}.deb"
  if [[ ! -f "$file" ]]; then
    # Stale lists name versions the archive has dropped (security updates
    # replace them): apt_download refreshes once, and the version changes.
    pushd "$deb_dir" >/dev/null
    apt_download "$pkg"
    popd >/dev/null
    if [[ ! -f "$file" && "$apt_lists_refreshed" == true ]]; then
      fetch_deb "$pkg"
      return
    fi
  fi
  [[ -f "$file" ]] || die "expected $file after downloading $pkg"
  fetched_deb=$file
}

# --- choosing kernels ----------------------------------------------------------

pick_sample_kernels
kernels=("${sample_kernels[@]}")

# --- one Debian bundle ---------------------------------------------------------

make_debian_bundle() {
  local kernel=$1 started=$SECONDS
  local work="$work_root/$kernel" depends common kbuild_pkg
  mkdir -p "$work/x"

  # The flavour package names its common tree and its kbuild package
  # (linux-kbuild-6.1 for every 6.1 ABI, one per ABI for 6.12).
  depends="$(apt-cache show --no-all-versions "linux-headers-$kernel" | sed -n 's/^Depends: //p' | head -n1 | tr ',|' '\n' | awk '{print $1}')"
  common="$(grep -E '^linux-headers-.*-common(-rt)?$' <<<"$depends" | head -n1)" || die "no common headers package in the Depends of linux-headers-$kernel"
  kbuild_pkg="$(grep -E '^linux-kbuild-' <<<"$depends" | head -n1)" || die "no kbuild package in the Depends of linux-headers-$kernel"
  for pkg in "linux-headers-$kernel" "$common" "$kbuild_pkg"; do
    fetch_deb "$pkg"
    dpkg-deb -x "$fetched_deb" "$work/x"
  done

  # A relocatable tree: the flavour tree's Makefile includes the common one
  # by absolute path and scripts/tools are links into the kbuild package.
  local flavour="$work/x/usr/src/linux-headers-$kernel" full="$work/full"
  local tree="$full/usr/src/linux-headers-$kernel" kbuild
  [[ -d "$flavour" && -d "$work/x/usr/src/$common" ]] || die "unexpected layout in the packages of $kernel"
  kbuild="$(readlink -f "$flavour/scripts")"
  kbuild="${kbuild%/scripts}"
  [[ -d "$kbuild/scripts" ]] || die "cannot find the kbuild tree of $kernel"
  mkdir -p "$tree"
  cp -a "$work/x/usr/src/$common/." "$tree/"
  cp -a "$flavour/." "$tree/"
  cp "$work/x/usr/src/$common/Makefile" "$tree/Makefile"
  rm -rf "$tree/scripts" "$tree/tools" "$tree/certs"
  cp -rL "$kbuild/scripts" "$kbuild/tools" "$kbuild/certs" "$tree/"

  # The uname is what modules get as vermagic (UTS_RELEASE). Debian's 6.1
  # trees carry the upstream "6.1.N" in include/config/kernel.release and set
  # KERNELRELEASE in .kernelvariables instead: make the file agree.
  local uname
  uname="$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$tree/include/generated/utsrelease.h")"
  [[ "$uname" == "$kernel" ]] || die "UTS_RELEASE '$uname' of linux-headers-$kernel is not $kernel"
  printf '%s\n' "$uname" >"$tree/include/config/kernel.release"

  # Trim: keep kbuild itself (everything outside include/ and arch/), the
  # generated and config files, arch/x86's own files and UAPI, and of the
  # other headers exactly those the coverage builds read. Dropped: other
  # arches, unused headers, empty include/config markers, and vmlinux (6.12;
  # only used to add BTF to modules, kbuild skips that without it).
  local keep="$work/keep" deps="$work/deps" root="$work/root"
  printf '%s' "./usr/src/linux-headers-$kernel" >"$full/BUNDLE_BUILD_DIR"
  tar -C "$full" -c . | in_toolchain scan >"$deps" || die "coverage build against the full $kernel tree failed"
  (
    cd "$tree"
    find . \( -path ./include -o -path ./arch -o -path ./vmlinux \) -prune -o \( -type f -o -type l \) -print
    find ./include/config -type f -size +0
    find ./include/generated ./arch/x86/include/generated ./arch/x86/include/uapi -type f
    find ./arch/x86 -maxdepth 1 -type f
    sed 's|^|./|' "$deps"
  ) | sed 's|^\./||' | LC_ALL=C sort -u >"$keep"
  mkdir -p "$root/usr/src/linux-headers-$kernel"
  tar -C "$tree" -c -h -T "$keep" | tar -x -C "$root/usr/src/linux-headers-$kernel"

  local version major minor
  version="$(sed -n 's/^VERSION = //p' "$tree/Makefile")"
  major="$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")"
  minor="$(sed -n 's/^SUBLEVEL = //p' "$tree/Makefile")"
  write_meta "$root" "$uname" "$version" "$major" "$minor" debian "./usr/src/linux-headers-$uname"

  local tmp="$work/bundle.tgz"
  write_archive "$root" "$tmp"
  in_toolchain verify <"$tmp" >"$work/verify.log" || die "the trimmed $kernel bundle does not build"
  publish "$tmp" "bundle-$kernel.tgz"
  log "bundle-$kernel.tgz: $(wc -l <"$keep") files, $(du -sk "$root" | cut -f1) kB tree, $(sed 's/^ok: //' "$work/verify.log") ($((SECONDS - started))s)"
  rm -rf "$work"
}

# --- the deliberate failing case -----------------------------------------------

# A RHEL 7 kernel whose bundle cannot build anything: Debian's archive has no
# 3.x headers, so the tree is a skeleton with no kernel headers and a minimal
# stand-in Makefile that runs the compiler the way kbuild would. Every module
# build fails in the compiler ("fatal error: linux/module.h: No such file or
# directory"). Being 3.x it goes to the RHEL 7 builder, and being older than
# 4.14 its eBPF probe is "unavailable".
make_failing_bundle() {
  local kernel=$FAILING_KERNEL started=$SECONDS
  local root="$work_root/failing" tmp="$work_root/failing.tgz"
  mkdir -p "$root/include/config" "$root/include/generated/uapi/linux"
  printf '%s\n' "$kernel" >"$root/include/config/kernel.release"
  printf '#define UTS_RELEASE "%s"\n' "$kernel" >"$root/include/generated/utsrelease.h"
  printf '#define LINUX_VERSION_CODE %d\n#define KERNEL_VERSION(a,b,c) (((a) << 16) + ((b) << 8) + (c))\n' \
    $(((3 << 16) + (10 << 8))) >"$root/include/generated/uapi/linux/version.h"
  cat >"$root/Makefile" <<'EOF'
# kobuild sample: a deliberately broken stand-in for the kernel-devel tree of
# RHEL 7's 3.10.0-1160.el7.x86_64. No 3.x headers exist in Debian's archive,
# so this tree ships none and every module build fails in the compiler.
KERNELRELEASE := 3.10.0-1160.el7.x86_64
srctree := $(CURDIR)

.PHONY: all modules clean kernelrelease
all: modules

modules:
	@test -n "$(M)" || { echo "usage: make -C $(srctree) M=<module dir> modules" >&2; exit 2; }
	@set -e; found=; for src in $(M)/*.c; do \
	  [ -f "$$src" ] || continue; found=1; \
	  echo "  CC [M]  $${src%.c}.o"; \
	  $(CC) -nostdinc -I$(srctree)/include -I$(srctree)/include/generated/uapi \
	    -D__KERNEL__ -DMODULE -c -o "$${src%.c}.o" "$$src"; \
	done; [ -n "$$found" ] || { echo "no C sources in $(M)" >&2; exit 2; }

clean:
	@rm -f $(M)/*.o $(M)/*.ko

kernelrelease:
	@echo $(KERNELRELEASE)
EOF
  write_meta "$root" "$kernel" 3 10 0 redhat .
  write_archive "$root" "$tmp"
  in_toolchain verify-failing <"$tmp" >"$work_root/failing.log" || die "the failing bundle did not fail as intended"
  publish "$tmp" "bundle-$kernel.tgz"
  log "bundle-$kernel.tgz: deliberate failure, $(sed 's/^fails as intended: //' "$work_root/failing.log") ($((SECONDS - started))s)"
}

# --- main ------------------------------------------------------------------------

wanted=()
for kernel in "${kernels[@]}" "$FAILING_KERNEL"; do wanted+=("bundle-$kernel.tgz"); done
log "kernels: ${kernels[*]} $FAILING_KERNEL"

missing=()
for kernel in "${kernels[@]}" "$FAILING_KERNEL"; do
  [[ -f "$out_dir/bundle-$kernel.tgz" ]] || missing+=("$kernel")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  "$DOCKER" image inspect "$TOOLCHAIN_IMAGE" >/dev/null 2>&1 ||
    die "$TOOLCHAIN_IMAGE is missing: run scripts/toolchain-images.sh first"
  for kernel in "${missing[@]}"; do
    if [[ "$kernel" == "$FAILING_KERNEL" ]]; then
      make_failing_bundle
    else
      make_debian_bundle "$kernel"
    fi
  done
fi

# Bundles of ABIs apt no longer picks would silently join the sample build.
for file in "$out_dir"/bundle-*.tgz; do
  [[ -e "$file" ]] || continue
  name="$(basename "$file")"
  # A here-string, not a pipe: grep -q leaves at its first match, and under
  # pipefail the writer's SIGPIPE would read as "not wanted".
  if ! grep -qxF "$name" <<<"$(printf '%s\n' "${wanted[@]}")"; then
    log "removing $name: no longer among the picked kernels"
    rm -f "$file"
  fi
done

for name in "${wanted[@]}"; do
  printf '%-44s %6s kB\n' "$name" "$(($(stat -c %s "$out_dir/$name") / 1024))"
done

# The record of what was picked, for whoever must know without picking again
# (the tests: which kernel plays which part changes as Debian publishes).
record="$cache_dir/sample-bundles.json"
{
  printf '{"kernels": ['
  roles=("${sample_roles[@]}" failing)
  all=("${kernels[@]}" "$FAILING_KERNEL")
  for i in "${!all[@]}"; do
    file="$out_dir/bundle-${all[$i]}.tgz"
    ((i == 0)) || printf ','
    printf '\n  {"role": "%s", "kernel": "%s", "file": "%s", "size": %d, "sha256": "%s"}' \
      "${roles[$i]}" "${all[$i]}" "bundle-${all[$i]}.tgz" "$(stat -c %s "$file")" "$(sha256sum "$file" | cut -d' ' -f1)"
  done
  printf '\n]}\n'
} >"$record.tmp"
mv "$record.tmp" "$record"
log "${#missing[@]} built, $((${#wanted[@]} - ${#missing[@]})) cached, in $((SECONDS - script_start))s"
