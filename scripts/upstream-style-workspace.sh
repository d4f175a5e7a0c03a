#!/usr/bin/env bash
# Makes the upstream-style driver repository (test/workspaces/upstream-style)
# at <dir>: a git repository with default branch main, release tags 1.0.0 and
# 1.1.0, and a branch topic. Author, committer and dates are fixed, so the
# same files always give the same commits. <dir> is replaced.
#
# Usage: scripts/upstream-style-workspace.sh <dir>
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
readonly src="$PWD/test/workspaces/upstream-style"
dest=${1:?usage: $0 <dir>}

export GIT_AUTHOR_NAME="kobuild test" GIT_AUTHOR_EMAIL="test@kobuild.invalid"
export GIT_COMMITTER_NAME="kobuild test" GIT_COMMITTER_EMAIL="test@kobuild.invalid"
# No user or system configuration: signing, hooks or autocrlf would change the commits.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
day=0
g() { git -C "$dest" "$@"; }
commit() {
  day=$((day + 1))
  export GIT_AUTHOR_DATE="2024-01-0${day}T12:00:00Z" GIT_COMMITTER_DATE="2024-01-0${day}T12:00:00Z"
  g add -A
  g commit -q -m "$1"
}
# The tree of main, then the files that differ at a ref.
tree_of() {
  find "$dest" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
  cp -a "$src/main/." "$dest/"
  if [[ -n "${1:-}" ]]; then
    (cd "$src/$1" && find . -type f ! -name remove -print0 | xargs -0 -I{} cp --parents {} "$dest/")
    if [[ -f "$src/$1/remove" ]]; then
      while read -r gone; do rm -rf "${dest:?}/$gone"; done <"$src/$1/remove"
    fi
  fi
}

rm -rf "$dest"
mkdir -p "$dest"
git init -q -b main "$dest"
tree_of 1.0.0 && commit "collector 1.0.0" && g tag 1.0.0
tree_of 1.1.0 && commit "collector 1.1.0: an eBPF probe" && g tag 1.1.0
tree_of && commit "module version 1.2.0"
g checkout -q -b topic
tree_of topic && commit "topic: a probe on per-cgroup storage"
g checkout -q main
g log --oneline --all --decorate | sed 's/^/upstream-style: /'
