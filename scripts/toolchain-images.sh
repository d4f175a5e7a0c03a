#!/usr/bin/env bash
# Create, without any container registry, the local images the sample driver
# build starts from:
#   kobuild/toolchain:bookworm-1      compilers and kbuild tools (stands in for
#                                     the ubi8 and ubi7 toolchains)
#   kobuild/drivers-base:1            tiny one-layer base of the final driver
#                                     image and of squash (stands in for ubi8)
#   kobuild/collector-drivers:empty   the "no cache" image: empty /kernel-modules
#                                     and /FAILURES
#
# Images are made with `docker import` of a locally built root filesystem:
# that works whether or not a registry is reachable, so it is the only path.
# An image that already exists is reused; bump its tag when its recipe changes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DOCKER=/usr/bin/docker
readonly MIRROR=http://deb.debian.org/debian
readonly SUITE=bookworm
readonly TOOLCHAIN_IMAGE=kobuild/toolchain:bookworm-1
readonly BASE_IMAGE=kobuild/drivers-base:1
readonly EMPTY_IMAGE=kobuild/collector-drivers:empty
# gcc/make/libc6-dev/libelf-dev/libelf1: kbuild and objtool; dwarves (pahole):
# 6.12 headers generate BTF; clang/llvm: eBPF probes; kmod (modinfo) and
# binutils (readelf): checking what was built; git/patch: preparing sources.
readonly TOOLCHAIN_PACKAGES=gcc,make,libc6-dev,libelf-dev,libelf1,clang,llvm,bc,kmod,dwarves,git,patch,gzip,xz-utils,findutils,coreutils,file,binutils,ca-certificates

cache_dir="${KOBUILD_CACHE_DIR:-${KOBUILD_DATA_DIR:-./data}/cache}"
mkdir -p "$cache_dir/toolchain"
work_dir="$(cd "$cache_dir/toolchain" && pwd)"

log() { printf 'toolchain-images: %s\n' "$*" >&2; }
have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
image_size() { "$DOCKER" image inspect -f '{{.Size}}' "$1" | awk '{ if ($1 < 1e6) printf "%.1f kB", $1 / 1e3; else printf "%.0f MB", $1 / 1e6 }'; }

script_start=$SECONDS

build_toolchain() {
  local rootfs="$work_dir/rootfs" started=$SECONDS
  if ! command -v debootstrap >/dev/null 2>&1; then
    log "debootstrap is missing: run scripts/setup-machine.sh (or apt-get install debootstrap)"
    exit 1
  fi
  # A rootfs left by an interrupted run is incomplete: start over.
  rm -rf "$rootfs"
  mkdir -p "$work_dir/debs"
  log "debootstrap $SUITE (minbase + toolchain) into $rootfs"
  # --cache-dir keeps the downloaded .debs, so a rebuild does not fetch again.
  debootstrap --variant=minbase --cache-dir="$work_dir/debs" \
    --include="$TOOLCHAIN_PACKAGES" "$SUITE" "$rootfs" "$MIRROR" >"$work_dir/debootstrap.log" 2>&1 || {
    log "debootstrap failed; last lines of $work_dir/debootstrap.log:"
    tail -n 30 "$work_dir/debootstrap.log" >&2
    exit 1
  }
  # Package caches and lists are useless in the image and cost ~100 MB.
  rm -f "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  log "debootstrap took $((SECONDS - started))s; importing"
  started=$SECONDS
  tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["/bin/bash"]' \
    --change 'LABEL org.kobuild.role=toolchain' \
    --message "kobuild toolchain: debootstrap $SUITE minbase + $TOOLCHAIN_PACKAGES" \
    - "$TOOLCHAIN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "import took $((SECONDS - started))s"
}

# The tools the builds rely on must run, and clang must emit a BPF object.
# Building a real kernel module needs header bundles: scripts/sample-bundles.sh
# proves that with this image for every bundle it makes.
verify_toolchain() {
  # shellcheck disable=SC2016 # expanded inside the container
  "$DOCKER" run --rm --network none "$TOOLCHAIN_IMAGE" bash -euo pipefail -c '
    for tool in gcc make ld clang llc llvm-strip pahole modinfo readelf bc git patch gzip file; do
      command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
    done
    cd "$(mktemp -d)"
    printf "int x(void) { return 42; }\n" >probe.c
    gcc -c probe.c -o probe-gcc.o
    clang -O2 -g -target bpf -c probe.c -o probe-bpf.o
    readelf -h probe-bpf.o | grep -q "Machine:.*BPF"
    echo "gcc $(gcc -dumpfullversion), $(clang --version | head -n1), pahole $(pahole --version)"
  '
}

if have_image "$TOOLCHAIN_IMAGE"; then
  log "$TOOLCHAIN_IMAGE exists: reused"
else
  build_toolchain
  verify_toolchain >&2
fi

if have_image "$BASE_IMAGE"; then
  log "$BASE_IMAGE exists: reused"
else
  # A handful of directories is all the final image needs: the builds only
  # COPY /kernel-modules and /FAILURES into it. One import = one layer.
  base_root="$(mktemp -d)"
  trap 'rm -rf "$base_root"' EXIT
  mkdir -p "$base_root"/{etc,kernel-modules,FAILURES,tmp}
  chmod 1777 "$base_root/tmp"
  printf '%s\n' 'NAME="kobuild drivers base"' 'ID=kobuild-drivers-base' 'VERSION_ID=1' \
    'PRETTY_NAME="kobuild drivers base 1"' >"$base_root/etc/os-release"
  tar -C "$base_root" --numeric-owner --owner=0 --group=0 --sort=name -c . | "$DOCKER" import \
    --change 'LABEL org.kobuild.role=drivers-base' \
    --message "kobuild drivers base (stands in for ubi8)" \
    - "$BASE_IMAGE" >/dev/null
  rm -rf "$base_root"
  trap - EXIT
  log "$BASE_IMAGE imported"
fi
layers="$("$DOCKER" image inspect -f '{{len .RootFS.Layers}}' "$BASE_IMAGE")"
if [[ "$layers" != 1 ]]; then
  log "$BASE_IMAGE has $layers layers, expected exactly 1: remove it and run again"
  exit 1
fi

if have_image "$EMPTY_IMAGE"; then
  log "$EMPTY_IMAGE exists: reused"
else
  # Built FROM the base so it shares its single layer; the label alone tells
  # the two apart. No context is sent.
  printf '%s\n' "FROM $BASE_IMAGE" 'LABEL org.kobuild.role=empty-driver-cache' |
    DOCKER_BUILDKIT=1 "$DOCKER" build --quiet --tag "$EMPTY_IMAGE" - >/dev/null
  log "$EMPTY_IMAGE built"
fi
# The "no cache" image must really hold no drivers and no failures. It has no
# shell to run, so list its filesystem instead.
probe="$("$DOCKER" create "$EMPTY_IMAGE" /none)"
contents="$("$DOCKER" export "$probe" | tar -t)"
"$DOCKER" rm "$probe" >/dev/null
if grep -qE '^(\./)?(kernel-modules|FAILURES)/.+' <<<"$contents"; then
  log "$EMPTY_IMAGE is not empty:"
  grep -E '^(\./)?(kernel-modules|FAILURES)/.+' <<<"$contents" | head >&2
  exit 1
fi

for image in "$TOOLCHAIN_IMAGE" "$BASE_IMAGE" "$EMPTY_IMAGE"; do
  printf '%-34s %s\n' "$image" "$(image_size "$image")"
done
log "done in $((SECONDS - script_start))s"
