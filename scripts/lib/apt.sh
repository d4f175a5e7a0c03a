# shellcheck shell=bash
# Package look-ups that survive stale package lists. A new machine's apt lists
# can be older than Debian's archive: they lack packages published since, and
# name versions the archive has replaced. Every look-up that comes up short
# refreshes the lists once per run and looks again; only then does a script
# give up, saying what is missing and what to run.
#
# Sourced by the scripts in scripts/; they define log() and die().
# APT_CONFIG is honoured as apt itself honours it (tests point it at lists of
# their own, so the machine's real lists are never touched).

apt_lists_refreshed=false

# Refreshes the package lists unless this run already did; false when that
# was done already or cannot be done (not root), so callers stop retrying.
apt_refresh_once() {
  local why=$1
  [[ "$apt_lists_refreshed" == false ]] || return 1
  if [[ "$(id -u)" -ne 0 ]]; then
    log "$why, and only root can refresh the package lists"
    return 1
  fi
  log "$why: refreshing the package lists (apt-get update)"
  apt_lists_refreshed=true
  # Wait for a concurrent apt instead of failing on its lock.
  apt-get update -q -o DPkg::Lock::Timeout=300 >&2 || { log "apt-get update failed"; return 1; }
}

# The hint every give-up ends with.
apt_hint() {
  if [[ "$apt_lists_refreshed" == true ]]; then
    printf 'the package lists were refreshed and still lack it: check that /etc/apt/sources.list names bookworm and bookworm-updates of a reachable mirror'
  else
    printf 'run: sudo apt-get update'
  fi
}

# True when apt knows every package named.
apt_knows() {
  local pkg
  for pkg in "$@"; do apt-cache show --no-all-versions "$pkg" >/dev/null 2>&1 || return 1; done
}

# Makes sure apt knows every package named, refreshing once if needed.
apt_ensure_known() {
  apt_knows "$@" && return 0
  local unknown=() pkg
  for pkg in "$@"; do apt_knows "$pkg" || unknown+=("$pkg"); done
  apt_refresh_once "apt knows no package ${unknown[*]}" && apt_knows "$@" && return 0
  die "apt knows no package ${unknown[*]}; $(apt_hint)"
}

# apt-get install, refreshing once when the lists are stale (an unknown
# package, or a version the archive no longer has: a 404 on download).
apt_install() {
  apt_ensure_known "$@"
  apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" && return 0
  apt_refresh_once "apt-get install $* failed" && apt-get install -y -q -o DPkg::Lock::Timeout=300 "$@" && return 0
  die "apt-get install $* failed; $(apt_hint)"
}

# apt-get download into the current directory, with the same retry.
apt_download() {
  apt-get download -q -o APT::Sandbox::User=root "$@" >&2 && return 0
  apt_refresh_once "apt-get download $* failed" && apt-get download -q -o APT::Sandbox::User=root "$@" >&2 && return 0
  die "apt-get download $* failed; $(apt_hint)"
}
