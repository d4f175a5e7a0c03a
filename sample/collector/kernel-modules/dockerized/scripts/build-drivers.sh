#!/usr/bin/env bash
# builder stages: compile this builder's share of /build-tasks.
#
#   build-drivers.sh rhel-8   tasks whose kernel starts with 4-9
#   build-drivers.sh rhel-7   tasks whose kernel starts with 0-3
#
# BUILD_JOBS tasks run at once (0 or unset: one per CPU). Each needed bundle
# is extracted once, by the first of its tasks to start, and deleted after
# its last task, so disk use stays bounded however many bundles a shard has
# (tasks come grouped by kernel). Outputs:
#   /kernel-modules/<mv>/collector-<kernel>.ko.gz        kernel module
#   /kernel-modules/<mv>/collector-ebpf-<kernel>.o.gz    eBPF probe
#   /kernel-modules/<mv>/.collector-ebpf-<kernel>.unavail
#       no eBPF probe for that kernel: it is older than 4.14 (written by the
#       bpf task), or module version <mv> has no bpf/ (written by the mod
#       task, since such a version has no bpf task at all)
#   /FAILURES/<kernel>/<mv>/<mod|bpf>.log                 output of a failed task
# Failed drivers do not fail the build; only a broken builder does.
#
# Progress, one line each on stdout:
#   KOBUILD-BUILDER builder=<name> tasks=<m> jobs=<j>
#   KOBUILD-TASK start kernel=<k> version=<mv> flavour=<mod|bpf>
#   KOBUILD-TASK end kernel=<k> version=<mv> flavour=<mod|bpf> result=<built|failed|unavailable> seconds=<s.ss>
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
export LC_ALL=C

tasks_file=${TASKS_FILE:-/build-tasks}
bundles=${BUNDLES_DIR:-/bundles}
sources=${VERSIONS_SRC:-/kobuild-tmp/versions-src}
out=${OUTPUT_DIR:-/kernel-modules}
failures=${FAILURES_DIR:-/FAILURES}
work=${BUILDER_WORK:-/kobuild-tmp/builder}

# Odd characters in kernel ids (~ +) stay out of make's paths: trees and
# build directories are named by a hash of the id.
key() { printf '%s' "$1" | sha1sum | cut -c1-16; }

# --- bundles: extracted on first use, deleted after their last task ------------
# Both run under the kernel's lock. A bundle that cannot be extracted leaves
# $dir.error, the reason its tasks fail.
extract_bundle() {
  local kernel=$1 dir=$2 bundle="$bundles/bundle-$1.tgz" err
  mkdir -p "$dir.tmp"
  if [[ ! -f "$bundle" ]]; then
    echo "no bundle for $kernel: $bundle does not exist" >"$dir.error"
  elif ! err=$(tar -xzf "$bundle" -C "$dir.tmp" --no-same-owner 2>&1); then
    printf 'cannot extract %s:\n%s\n' "$bundle" "$err" >"$dir.error"
  else
    mv "$dir.tmp" "$dir"
    return 0
  fi
  rm -rf "$dir.tmp"
}

# The bundle's kernel version as "<version> <patchlevel>": its BUNDLE_VERSION
# and BUNDLE_MAJOR, else the leading numbers of the kernel id.
kernel_version() {
  local kernel=$1 root=$2 major='' minor=''
  if [[ -f "$root/BUNDLE_VERSION" && -f "$root/BUNDLE_MAJOR" ]]; then
    major=$(read_value "$root/BUNDLE_VERSION")
    minor=$(read_value "$root/BUNDLE_MAJOR")
  fi
  if ! [[ "$major" =~ ^[0-9]+$ && "$minor" =~ ^[0-9]+$ ]]; then
    [[ "$kernel" =~ ^([0-9]+)\.([0-9]+) ]] || return 1
    major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  fi
  echo "$((10#$major)) $((10#$minor))"
}

# Sets the caller's $tree to the build tree of an extracted bundle; prints
# why when there is none.
bundle_tree() {
  local root=$1 build_dir=.
  if [[ ! -d "$root" ]]; then
    cat "$root.error" 2>/dev/null || echo "bundle not extracted"
    return 1
  fi
  [[ -f "$root/BUNDLE_UNAME" ]] || { echo "the bundle has no BUNDLE_UNAME"; return 1; }
  if [[ -f "$root/BUNDLE_BUILD_DIR" ]]; then build_dir=$(read_value "$root/BUNDLE_BUILD_DIR"); fi
  if [[ "$build_dir" == /* || "/$build_dir/" == */../* ]]; then
    echo "BUNDLE_BUILD_DIR '$build_dir' leaves the bundle"
    return 1
  fi
  [[ -d "$root/$build_dir" ]] || { echo "BUNDLE_BUILD_DIR '$build_dir' is not a directory of the bundle"; return 1; }
  tree="$root/$build_dir"
}

# Returns 0 built, 1 failed. Its output is the task's log.
build_mod() {
  local kernel=$1 version=$2 root=$3 dest=$4 build=$5 tree uname vermagic
  bundle_tree "$root" || return 1
  uname=$(read_value "$root/BUNDLE_UNAME")
  rm -rf "$build"
  mkdir -p "$build"
  cp -a "$sources/$version/." "$build/" || return 1
  rm -rf "$build/bpf"
  echo "kobuild: collector $version kernel module for $kernel (BUNDLE_UNAME $uname), tree $tree"
  make -C "$tree" M="$build" COLLECTOR_MODULE_VERSION="$version" modules ||
    { echo "kobuild: make failed"; return 1; }
  [[ -f "$build/collector.ko" ]] || { echo "kobuild: make produced no collector.ko"; return 1; }
  vermagic=$(modinfo -F vermagic "$build/collector.ko") || { echo "kobuild: modinfo failed"; return 1; }
  if [[ "${vermagic%% *}" != "$uname" ]]; then
    echo "kobuild: vermagic '$vermagic' does not start with BUNDLE_UNAME '$uname': the module would not load"
    return 1
  fi
  echo "kobuild: vermagic $vermagic"
  gzip -n -9 -c "$build/collector.ko" >"$dest/collector-$kernel.ko.gz.tmp" &&
    mv "$dest/collector-$kernel.ko.gz.tmp" "$dest/collector-$kernel.ko.gz"
}

# Returns 0 built, 1 failed, 3 unavailable. Its output is the task's log.
build_bpf() {
  local kernel=$1 version=$2 root=$3 dest=$4 build=$5 tree numbers major minor arch machine
  if [[ ! -d "$sources/$version/bpf" ]]; then
    echo "module version $version has no eBPF probe" >"$dest/.collector-ebpf-$kernel.unavail"
    return 3
  fi
  if numbers=$(kernel_version "$kernel" "$root"); then
    read -r major minor <<<"$numbers"
    if ((major < 4 || (major == 4 && minor < 14))); then
      echo "kernel $major.$minor is older than 4.14" >"$dest/.collector-ebpf-$kernel.unavail"
      return 3
    fi
  fi
  bundle_tree "$root" || return 1
  # The bundle's architecture: x86 unless it ships exactly one other.
  arch=x86
  if [[ ! -d "$tree/arch/x86" ]]; then
    local arches=("$tree"/arch/*/)
    if [[ ${#arches[@]} -eq 1 && -d "${arches[0]}" ]]; then
      arch=${arches[0]%/}
      arch=${arch##*/}
    fi
  fi
  rm -rf "$build"
  mkdir -p "$build"
  cp -a "$sources/$version/bpf/." "$build/" || return 1
  echo "kobuild: collector $version eBPF probe for $kernel, UAPI headers of $tree (arch $arch)"
  (
    set -x
    clang -O2 -g -target bpf -D__EXPORTED_HEADERS__ -I"$build" \
      -I"$tree/arch/$arch/include/uapi" -I"$tree/arch/$arch/include/generated/uapi" \
      -I"$tree/include/uapi" -I"$tree/include/generated/uapi" -I"$tree/include" \
      -c "$build/probe.c" -o "$build/probe.o"
  ) || { echo "kobuild: clang failed"; return 1; }
  machine=$(readelf -h "$build/probe.o" | sed -n 's/^ *Machine: *//p')
  [[ "$machine" == *BPF* ]] || { echo "kobuild: probe.o is not a BPF object (machine '$machine')"; return 1; }
  gzip -n -9 -c "$build/probe.o" >"$dest/collector-ebpf-$kernel.o.gz.tmp" &&
    mv "$dest/collector-ebpf-$kernel.o.gz.tmp" "$dest/collector-ebpf-$kernel.o.gz"
}

# Runs "$@" (from $2 on) holding the lock of the kernel whose tree is $1.
with_kernel_lock() {
  local root=$1 fd
  shift
  exec {fd}>"$root.lock"
  flock "$fd"
  "$@"
  exec {fd}>&-
}

acquire_bundle() {
  local kernel=$1 root=$2
  if [[ ! -d "$root" && ! -f "$root.error" ]]; then extract_bundle "$kernel" "$root"; fi
}

# $root.uses counts the kernel's tasks not yet finished.
release_bundle() {
  local root=$1 uses
  uses=$(<"$root.uses")
  uses=$((uses - 1))
  echo "$uses" >"$root.uses"
  if ((uses <= 0)); then rm -rf "$root"; fi
}

# --- one task (runs in parallel) ----------------------------------------------
run_task() {
  local kernel version flavour rest start id root build dest logdir logfile rc=0 result seconds excerpt
  read -r kernel version flavour rest <<<"$1"
  start=$EPOCHREALTIME
  printf 'KOBUILD-TASK start kernel=%s version=%s flavour=%s\n' "$kernel" "$version" "$flavour"
  id=$(key "$kernel")
  root="$work/kernels/$id"
  build="$work/tasks/$id-$version-$flavour"
  dest="$out/$version"
  logdir="$failures/$kernel/$version"
  logfile="$logdir/$flavour.log"
  mkdir -p "$dest" "$logdir"
  with_kernel_lock "$root" acquire_bundle "$kernel" "$root"
  if [[ "$flavour" == mod ]]; then
    build_mod "$kernel" "$version" "$root" "$dest" "$build" >"$logfile" 2>&1 || rc=$?
    # A version without bpf/ has no bpf task: its marker comes with the module.
    if [[ ! -d "$sources/$version/bpf" ]]; then
      echo "module version $version has no eBPF probe" >"$dest/.collector-ebpf-$kernel.unavail"
    fi
  else
    build_bpf "$kernel" "$version" "$root" "$dest" "$build" >"$logfile" 2>&1 || rc=$?
  fi
  rm -rf "$build"
  with_kernel_lock "$root" release_bundle "$root"
  case $rc in
    0) result=built ;;
    3) result=unavailable ;;
    *) result=failed ;;
  esac
  if [[ $result == failed ]]; then
    # The log stays in /FAILURES; its first errors go to the build output too.
    excerpt=$(grep -m 5 -iE 'error|cannot|no bundle' "$logfile" || tail -n 5 "$logfile")
    printf '%s\n' "kobuild: $kernel $version $flavour failed, see $logfile:" "  | ${excerpt//$'\n'/$'\n'  | }"
  else
    rm -f "$logfile"
  fi
  seconds=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }')
  printf 'KOBUILD-TASK end kernel=%s version=%s flavour=%s result=%s seconds=%s\n' \
    "$kernel" "$version" "$flavour" "$result" "$seconds"
  echo "$result" >>"$work/results"
}

case "${1:-}" in
  --task) run_task "$2"; exit 0 ;;
  rhel-8) builder=rhel-8 first='[4-9]' ;;
  rhel-7) builder=rhel-7 first='[0-3]' ;;
  *) die "usage: $0 rhel-7|rhel-8" ;;
esac

jobs=${BUILD_JOBS:-0}
[[ "$jobs" =~ ^[0-9]+$ ]] || die "BUILD_JOBS must be a number, got '$jobs'"
jobs=$((10#$jobs))
if ((jobs == 0)); then jobs=$(nproc); fi

[[ -f "$tasks_file" ]] || die "$tasks_file does not exist: the task-master stage writes it"
mkdir -p "$out" "$failures"
rm -rf "$work"
mkdir -p "$work/kernels" "$work/tasks"
: >"$work/results"

tasks=()
declare -A kernel_uses=()
while read -r kernel version flavour rest || [[ -n "${kernel:-}" ]]; do
  [[ -n "${kernel:-}" ]] || continue
  # shellcheck disable=SC2053 # $first is a glob
  [[ "$kernel" == $first* ]] || continue
  if ! valid_kernel "$kernel" || ! valid_module_version "${version:-}" ||
    [[ "${flavour:-}" != mod && "${flavour:-}" != bpf ]] || [[ -n "${rest:-}" ]]; then
    log "warning: malformed task line skipped: $kernel ${version:-} ${flavour:-} ${rest:-}"
    continue
  fi
  if [[ ! -d "$sources/$version" ]]; then
    log "warning: task skipped, no sources for module version $version: $kernel $version $flavour"
    continue
  fi
  tasks+=("$kernel $version $flavour")
  kernel_uses[$kernel]=$((${kernel_uses[$kernel]:-0} + 1))
done <"$tasks_file"
for kernel in "${!kernel_uses[@]}"; do
  echo "${kernel_uses[$kernel]}" >"$work/kernels/$(key "$kernel").uses"
done

printf 'KOBUILD-BUILDER builder=%s tasks=%d jobs=%d\n' "$builder" "${#tasks[@]}" "$jobs"
started=$EPOCHREALTIME
if [[ ${#tasks[@]} -gt 0 ]]; then
  # Grouped by kernel (stable), so each bundle's tree lives briefly.
  printf '%s\n' "${tasks[@]}" | sort -s -k1,1 | xargs -d '\n' -r -n 1 -P "$jobs" "$0" --task
fi

built=$(grep -cx built "$work/results" || true)
failed=$(grep -cx failed "$work/results" || true)
unavailable=$(grep -cx unavailable "$work/results" || true)
rm -rf "$work"
# Logs of good tasks are gone: drop the directories they leave empty.
find "$failures" "$out" -mindepth 1 -depth -type d -empty -delete
log "$builder builder: ${#tasks[@]} task(s) in $(awk -v s="$started" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.2f", e - s }') s: $built built, $failed failed, $unavailable unavailable"
