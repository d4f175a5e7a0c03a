#!/usr/bin/env bash
# task-master stage: write the task file /build-tasks, one driver per line:
#   <kernel> <module-version> <mod|bpf>
#
# Kernels: the names of /bundles/bundle-<kernel>.tgz, or with
# USE_KERNELS_FILE=true the lines of /KERNEL_VERSIONS (bundles ignored).
# Module versions: the directories the patcher wrote to
# /kobuild-tmp/versions-src. Every kernel gets a `mod` task per version and a
# `bpf` task per version that has a bpf/ directory.
#
# A task is dropped when the cache (/kernel-modules, copied from the cache
# image) already holds its output or its unavailability marker, or else when
# a BLOCKLIST rule matches it (see kernel-modules/BLOCKLIST for the format).
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
export LC_ALL=C

bundles=${BUNDLES_DIR:-/bundles}
kernels_file=${KERNELS_FILE:-/KERNEL_VERSIONS}
blocklist=${BLOCKLIST_FILE:-/BLOCKLIST}
sources=${VERSIONS_SRC:-/kobuild-tmp/versions-src}
cache=${CACHE_DIR:-/kernel-modules}
tasks_file=${TASKS_FILE:-/build-tasks}
use_kernels_file=$(bool USE_KERNELS_FILE "${USE_KERNELS_FILE:-false}")

# --- kernels -------------------------------------------------------------------
candidates=()
if [[ "$use_kernels_file" == true ]]; then
  [[ -f "$kernels_file" ]] || die "USE_KERNELS_FILE=true but $kernels_file does not exist"
  while IFS= read -r line || [[ -n "$line" ]]; do
    line=${line%%#*}
    read -r -a fields <<<"$line" || true
    if [[ ${#fields[@]} -gt 0 ]]; then candidates+=("${fields[0]}"); fi
  done <"$kernels_file"
  source_note="$kernels_file"
else
  for bundle in "$bundles"/bundle-*.tgz; do
    [[ -e "$bundle" ]] || continue
    name=${bundle##*/bundle-}
    candidates+=("${name%.tgz}")
  done
  source_note="bundles in $bundles"
fi
kernels=()
if [[ ${#candidates[@]} -gt 0 ]]; then
  while IFS= read -r kernel; do
    if ! valid_kernel "$kernel"; then
      log "warning: kernel '$kernel' skipped: a kernel id may only hold letters, digits and . _ + ~ -"
    elif [[ "$kernel" != [0-9]* ]]; then
      log "warning: kernel '$kernel' skipped: no builder takes kernels that do not start with a digit"
    else
      kernels+=("$kernel")
    fi
  done < <(printf '%s\n' "${candidates[@]}" | sort -u)
fi

# --- module versions -------------------------------------------------------------
versions=()
for dir in "$sources"/*/; do
  [[ -d "$dir" ]] || continue
  version=${dir%/}
  versions+=("${version##*/}")
done
[[ ${#versions[@]} -gt 0 ]] || die "no driver sources in $sources: did the patcher run?"

# --- BLOCKLIST ---------------------------------------------------------------------
rule_kernel=() rule_version=() rule_flavour=() rule_text=()
if [[ -f "$blocklist" ]]; then
  n=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line=${line%%#*}
    read -r -a fields <<<"$line" || true
    [[ ${#fields[@]} -gt 0 ]] || continue
    if [[ ${#fields[@]} -gt 3 ]]; then
      log "warning: BLOCKLIST line $n ignored: more than three patterns: ${fields[*]}"
      continue
    fi
    for pattern in "${fields[@]}"; do
      if [[ "$pattern" == '~'* ]]; then
        rc=0
        [[ "" =~ ^(${pattern:1})$ ]] || rc=$?
        [[ $rc -ne 2 ]] || die "BLOCKLIST line $n: invalid regular expression '${pattern:1}'"
      fi
    done
    rule_kernel+=("${fields[0]}")
    rule_version+=("${fields[1]:-*}")
    rule_flavour+=("${fields[2]:-*}")
    rule_text+=("line $n: ${fields[*]}")
  done <"$blocklist"
  log "BLOCKLIST: ${#rule_text[@]} rule(s)"
else
  log "no BLOCKLIST at $blocklist: nothing is blocklisted"
fi

# A glob, or an extended regular expression after "~"; both match the whole
# value.
matches() {
  local value=$1 pattern=$2
  if [[ "$pattern" == '~'* ]]; then
    [[ "$value" =~ ^(${pattern:1})$ ]]
  else
    # Unquoted on purpose: the pattern is a glob.
    # shellcheck disable=SC2053
    [[ "$value" == $pattern ]]
  fi
}

# Whether a rule matches a task; sets matched_rule to the first one. No
# subshell: this runs for every task.
blocklisted_task() {
  local i
  for i in "${!rule_text[@]}"; do
    if matches "$1" "${rule_kernel[$i]}" && matches "$2" "${rule_version[$i]}" &&
      matches "$3" "${rule_flavour[$i]}"; then
      matched_rule=$i
      return 0
    fi
  done
  return 1
}

# The cache holds a task's result: the driver, or for bpf the marker saying
# it is unavailable (both spellings of the marker).
cached() {
  local kernel=$1 version=$2 flavour=$3 dir="$cache/$2"
  if [[ "$flavour" == mod ]]; then
    [[ -f "$dir/collector-$kernel.ko.gz" ]]
  else
    [[ -f "$dir/collector-ebpf-$kernel.o.gz" || -f "$dir/.collector-ebpf-$kernel.unavail" ||
      -f "$dir/collector-ebpf-$kernel.unavail" ]]
  fi
}

# --- tasks -------------------------------------------------------------------------
total=0 from_cache=0 blocklisted=0 matched_rule=
tmp="$tasks_file.tmp"
: >"$tmp"
for kernel in "${kernels[@]}"; do
  for version in "${versions[@]}"; do
    flavours=(mod)
    if [[ -d "$sources/$version/bpf" ]]; then flavours+=(bpf); fi
    for flavour in "${flavours[@]}"; do
      total=$((total + 1))
      if cached "$kernel" "$version" "$flavour"; then
        from_cache=$((from_cache + 1))
        echo "KOBUILD-SKIP kernel=$kernel version=$version flavour=$flavour reason=cache"
      elif blocklisted_task "$kernel" "$version" "$flavour"; then
        blocklisted=$((blocklisted + 1))
        log "blocklisted: $kernel $version $flavour (BLOCKLIST ${rule_text[$matched_rule]})"
        echo "KOBUILD-SKIP kernel=$kernel version=$version flavour=$flavour reason=blocklist"
      else
        printf '%s %s %s\n' "$kernel" "$version" "$flavour" >>"$tmp"
      fi
    done
  done
done
mv "$tmp" "$tasks_file"
# The plan, one machine-readable line per task, before any builder starts.
while read -r kernel version flavour; do
  echo "KOBUILD-PLAN kernel=$kernel version=$version flavour=$flavour"
done <"$tasks_file"

to_build=$(wc -l <"$tasks_file")
rhel8=$(grep -c '^[4-9]' "$tasks_file" || true)
rhel7=$(grep -c '^[0-3]' "$tasks_file" || true)
log "${#kernels[@]} kernel(s) from $source_note, module version(s) ${versions[*]}"
log "tasks: $total, already in the cache: $from_cache, blocklisted: $blocklisted, to build: $to_build (rhel-8 builder: $rhel8, rhel-7 builder: $rhel7)"
