#!/usr/bin/env bash
# Prepare a fresh Debian machine for kobuild's test suite: a running Docker
# engine with BuildKit step logs unclipped, Debian's docker client (20.10, with
# built-in BuildKit), chromium for the browser tests, debootstrap for the
# toolchain image and docker-registry for push/pull tests.
#
# Safe to run again: an engine that already answers is left alone (never
# restarted), and only missing packages are installed.
set -euo pipefail

readonly DOCKER=/usr/bin/docker
readonly DEFAULT_HOST=unix:///var/run/docker.sock
readonly DOCKERD_LOG=/var/log/kobuild-dockerd.log
readonly WAIT_SECONDS=60
# xz-utils and curl: used by the other scripts and by the _ping fallback.
# openssh-client reaches ssh:// engines; openssh-server is for the tests' own
# sshd on loopback (the policy below keeps the package's sshd from starting).
# busybox-static: the one-binary base image of the tests' private engines.
# podman: the Podman engine of the tests (its Docker-compatible service on a private socket).
# docker-compose: the container test reads compose.yaml with it.
readonly PACKAGES=(docker.io chromium debootstrap docker-registry xz-utils curl openssh-client openssh-server busybox-static podman docker-compose)
readonly POLICY=/usr/sbin/policy-rc.d

log() { printf 'setup-machine: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

docker_host="${DOCKER_HOST:-$DEFAULT_HOST}"

# A unix socket path when the engine is local, empty otherwise (tcp/ssh hosts).
socket_path() {
  case "$docker_host" in
    unix://*) printf '%s' "${docker_host#unix://}" ;;
    *) printf '' ;;
  esac
}

# True when an engine answers. Prefer Debian's client; fall back to a raw
# _ping so this also works before docker.io is installed.
engine_answers() {
  if [[ -x "$DOCKER" ]]; then
    DOCKER_HOST="$docker_host" "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1
    return
  fi
  local sock
  sock="$(socket_path)"
  if [[ -n "$sock" && -S "$sock" ]] && command -v curl >/dev/null 2>&1; then
    [[ "$(curl -fsS --max-time 5 --unix-socket "$sock" http://localhost/_ping 2>/dev/null)" == "OK" ]]
    return
  fi
  return 1
}

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

is_debian() {
  [[ -r /etc/os-release ]] && grep -qE '^(ID|ID_LIKE)=.*debian' /etc/os-release &&
    command -v apt-get >/dev/null 2>&1
}

# An engine started by someone else may clip BuildKit step logs at 1 MiB:
# say so, but leave it running (kobuild also spots the clipping message).
warn_if_clipping() {
  [[ "$docker_host" == "$DEFAULT_HOST" ]] || return 0
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  [[ -n "$pid" && -r "/proc/$pid/environ" ]] || return 0
  if ! tr '\0' '\n' <"/proc/$pid/environ" | grep -q '^BUILDKIT_STEP_LOG_MAX_SIZE='; then
    log "warning: dockerd (pid $pid) runs without BUILDKIT_STEP_LOG_MAX_SIZE/SPEED, so BuildKit"
    log "  clips long step logs; restart it with both set to 1073741824 to lift that"
  fi
}

report_engine() {
  warn_if_clipping
  DOCKER_HOST="$docker_host" "$DOCKER" version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}})'
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
else
  missing=("${PACKAGES[@]}")
fi

engine_ok=false
engine_answers && engine_ok=true

if [[ ${#missing[@]} -eq 0 && "$engine_ok" == true ]]; then
  log "all packages present; engine answers on $docker_host"
  report_engine
  exit 0
fi

# We cannot install or start anything ourselves: say exactly what is missing.
if [[ "$(id -u)" -ne 0 ]] || ! is_debian; then
  log "this machine is not ready, and this script can only fix that as root on Debian."
  if [[ ${#missing[@]} -gt 0 ]]; then
    log "missing packages: ${missing[*]}"
    log "  install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  sock="$(socket_path)"
  if [[ "$engine_ok" != true && -n "$sock" && -S "$sock" && ! -w "$sock" ]]; then
    log "a Docker engine socket exists at $sock but this user ($(id -un)) may not use it"
    log "  add the user to its group: sudo usermod -aG $(stat -c %G "$sock") $(id -un) (then log in again)"
  elif [[ "$engine_ok" != true ]]; then
    log "no Docker engine answers on $docker_host"
    log "  start one with: sudo env BUILDKIT_STEP_LOG_MAX_SIZE=1073741824 BUILDKIT_STEP_LOG_MAX_SPEED=1073741824 \\"
    log "    dockerd --host $DEFAULT_HOST --bridge=none --iptables=false --ip-masq=false &"
    log "  (the BUILDKIT_* variables keep BuildKit from clipping step logs at 1 MiB)"
  fi
  exit 1
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  # Keep the packages' init scripts from starting services: docker.io would
  # start dockerd with default flags (bridge, iptables, clipped BuildKit
  # logs) and docker-registry would listen on :5000. A policy-rc.d that exits
  # 101 is Debian's switch for that; only add one if the machine has none.
  own_policy=false
  if [[ ! -e "$POLICY" ]]; then
    printf '#!/bin/sh\n# kobuild setup-machine.sh: no service starts during install\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    own_policy=true
    trap 'rm -f "$POLICY"' EXIT
  fi
  log "installing: ${missing[*]}"
  # Stale lists (an unknown package, or a version the archive dropped) are
  # refreshed once and the install tried again: see scripts/lib/apt.sh.
  apt_install "${missing[@]}"
  if [[ "$own_policy" == true ]]; then
    rm -f "$POLICY"
    trap - EXIT
  fi
fi

if engine_answers; then
  log "engine answers on $docker_host"
else
  sock="$(socket_path)"
  if [[ -z "$sock" ]]; then
    log "DOCKER_HOST=$docker_host is not a local unix socket and does not answer;"
    log "  unset DOCKER_HOST to let this script start a local engine, or start that engine yourself."
    exit 1
  fi
  # A dockerd that is still starting holds the pid file; a second one would
  # refuse to start, so only wait for it.
  running_pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -n "$running_pid" ]] && kill -0 "$running_pid" 2>/dev/null; then
    log "dockerd (pid $running_pid) is running but not answering yet; waiting for it"
  else
    log "starting dockerd on unix://$sock (log: $DOCKERD_LOG)"
    # setsid+nohup: the engine must outlive the calling shell (a test runner
    # may kill its process group when it finishes). No bridge and no
    # iptables: builds and containers run with network none and the host
    # firewall is left alone. The BUILDKIT_* limits stop BuildKit from
    # clipping step logs at 1 MiB (-1 would clip everything).
    setsid nohup env \
      BUILDKIT_STEP_LOG_MAX_SIZE=1073741824 \
      BUILDKIT_STEP_LOG_MAX_SPEED=1073741824 \
      dockerd --host "unix://$sock" --bridge=none --iptables=false --ip-masq=false \
      >>"$DOCKERD_LOG" 2>&1 </dev/null &
    disown || true
  fi
  waited=0
  until engine_answers; do
    if ((waited >= WAIT_SECONDS)); then
      log "dockerd did not answer within ${WAIT_SECONDS}s; last lines of $DOCKERD_LOG:"
      tail -n 30 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  log "engine answers after ${waited}s"
fi

report_engine
