#!/usr/bin/env bash
# Picks the Debian kernels of the sample from what apt lists right now (never
# a hard-coded ABI), one "<role> <kernel>" line each:
#   older     the second newest 6.1 ABI (amd64)
#   newest    the newest 6.1 ABI (amd64)
#   flavour   the cloud-amd64 flavour of the newest 6.1 ABI (rt-amd64 without one)
#   series    the newest 6.12 ABI (amd64)
# When the lists lack any of them, they are refreshed once and looked at
# again (scripts/lib/apt.sh); only then does it stop, saying what is missing.
#
# Run it to see the choice; scripts/sample-bundles.sh sources it and calls
# pick_sample_kernels, which sets sample_roles and sample_kernels.
set -euo pipefail

_sample_kernels_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! declare -F log >/dev/null; then
  log() { printf 'sample-kernels: %s\n' "$*" >&2; }
  die() { log "$*"; exit 1; }
fi
# shellcheck source=lib/apt.sh
. "$_sample_kernels_dir/lib/apt.sh"

# Sets pick_problem and returns 1 when the lists lack a kernel the sample needs.
_pick_from_lists() {
  local all abis_61 abi_612 newest_61 other
  all="$(apt-cache search --names-only '^linux-headers-6' | cut -d' ' -f1 | LC_ALL=C sort -u)"
  abis_61="$(sed -n 's/^linux-headers-\(6\.1\.0-[0-9]*\)-amd64$/\1/p' <<<"$all" | sort -V | tail -n 2)"
  abi_612="$(sed -n 's/^linux-headers-\(6\.12\.[0-9]*+deb[0-9]*\)-amd64$/\1/p' <<<"$all" | sort -V | tail -n 1)"
  if [[ -z "$abis_61" || "$(wc -l <<<"$abis_61")" -lt 2 ]]; then
    pick_problem="apt lists fewer than two 6.1 ABIs (linux-headers-6.1.0-NN-amd64)"
    return 1
  fi
  if [[ -z "$abi_612" ]]; then
    pick_problem="apt lists no 6.12 ABI (linux-headers-6.12.N+debNN-amd64)"
    return 1
  fi
  newest_61="$(tail -n 1 <<<"$abis_61")"
  if grep -qx "linux-headers-$newest_61-cloud-amd64" <<<"$all"; then
    other="$newest_61-cloud-amd64"
  elif grep -qx "linux-headers-$newest_61-rt-amd64" <<<"$all"; then
    other="$newest_61-rt-amd64"
  else
    pick_problem="apt lists neither a cloud-amd64 nor an rt-amd64 flavour of $newest_61"
    return 1
  fi
  sample_roles=(older newest flavour series)
  sample_kernels=("$(head -n 1 <<<"$abis_61")-amd64" "$newest_61-amd64" "$other" "$abi_612-amd64")
}

pick_sample_kernels() {
  pick_problem=""
  _pick_from_lists && return 0
  apt_refresh_once "$pick_problem" && _pick_from_lists && return 0
  die "$pick_problem; $(apt_hint)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  pick_sample_kernels
  for i in "${!sample_kernels[@]}"; do printf '%s %s\n' "${sample_roles[$i]}" "${sample_kernels[$i]}"; done
fi
