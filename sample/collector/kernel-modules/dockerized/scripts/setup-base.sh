#!/usr/bin/env bash
# Base stages (rhel-8-base, rhel-7-base): check that the image has every tool
# the later stages call, so a wrong base image fails here with a clear message
# instead of as hundreds of failed drivers.
#
# REDHAT_USERNAME / REDHAT_PASSWORD are accepted like the real build's, which
# registers ubi images to install packages. The sample's toolchain images are
# made locally and need no registration: it is skipped. Their values are
# never printed.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

stage=${1:-base}
if [[ -n "${REDHAT_USERNAME:-}" || -n "${REDHAT_PASSWORD:-}" ]]; then
  log "$stage: Red Hat credentials given; registration skipped (the sample's base images need no subscription)"
fi
missing=()
for tool in bash make gcc clang modinfo readelf gzip tar git patch xargs sha1sum awk nproc; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[[ ${#missing[@]} -eq 0 ]] || die "$stage: the base image lacks ${missing[*]}"
log "$stage: gcc $(gcc -dumpfullversion), $(clang --version | head -n 1)"
