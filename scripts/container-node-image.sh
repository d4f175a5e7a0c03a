#!/usr/bin/env bash
# Makes, without any container registry, a Node base image for kobuild's
# Dockerfile: Debian bookworm (minbase, what node:20-bookworm-slim is built
# on) with this machine's own `node` binary, and git and openssh-client,
# which the runtime stage would otherwise install with apt. The container
# test builds the image from it (NODE_IMAGE=<this tag>); users keep the
# Dockerfile's default, the official Node image.
#
# Prints the image's tag. An image that already exists is reused; its tag
# names the node version, so another node makes another image.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly DOCKER=/usr/bin/docker
readonly MIRROR=http://deb.debian.org/debian
readonly SUITE=bookworm
readonly PACKAGES=git,openssh-client,ca-certificates
node_bin="$(command -v node)"
readonly TAG="kobuild/node:$("$node_bin" --version | tr -d v)-$SUITE-1"

log() { printf 'container-node-image: %s\n' "$*" >&2; }

if "$DOCKER" image inspect "$TAG" >/dev/null 2>&1; then
  echo "$TAG"
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  log "debootstrap is missing: run scripts/setup-machine.sh (or apt-get install debootstrap)"
  exit 1
fi

cache_dir="${KOBUILD_CACHE_DIR:-${KOBUILD_DATA_DIR:-./data}/cache}"
mkdir -p "$cache_dir/node-image"
work_dir="$(cd "$cache_dir/node-image" && pwd)"
rootfs="$work_dir/rootfs"
# A rootfs left by an interrupted run is incomplete: start over.
rm -rf "$rootfs"
mkdir -p "$work_dir/debs"
log "debootstrap $SUITE (minbase + $PACKAGES) into $rootfs"
debootstrap --variant=minbase --cache-dir="$work_dir/debs" --include="$PACKAGES" \
  "$SUITE" "$rootfs" "$MIRROR" >"$work_dir/debootstrap.log" 2>&1 || {
  log "debootstrap failed; last lines of $work_dir/debootstrap.log:"
  tail -n 30 "$work_dir/debootstrap.log" >&2
  exit 1
}
rm -f "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
# The machine's node links only against glibc and libstdc++, both in minbase.
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
tar -C "$rootfs" --numeric-owner -c . | "$DOCKER" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["node"]' \
  --change 'LABEL org.kobuild.role=node-base' \
  --message "kobuild node base: debootstrap $SUITE minbase + $PACKAGES + node $("$node_bin" --version)" \
  - "$TAG" >/dev/null
rm -rf "$rootfs"
"$DOCKER" run --rm --network none "$TAG" sh -c 'node --version >/dev/null && git --version >/dev/null && ssh -V 2>/dev/null' \
  || { log "the image $TAG cannot run node, git or ssh"; exit 1; }
log "made $TAG"
echo "$TAG"
