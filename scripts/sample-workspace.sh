#!/usr/bin/env bash
# Materialise the sample collector repository, with history, at
#   ${KOBUILD_DATA_DIR:-./data}/workspaces/sample      (relative to the repo root)
#
# Its commits are replayed from sample/history/steps: release tags carrying
# older module versions, `master` = sample/collector as it is, and feature
# branches. Author, committer and dates are fixed, so the same sample files
# always give the same commit hashes.
#
# Idempotent: the workspace records a hash of everything it was made from.
#   - same hash: left alone (local changes included);
#   - different hash, no local changes: rebuilt;
#   - different hash and local changes (uncommitted or untracked files, new
#     commits, branches, tags or stashes): nothing is touched and the script
#     exits with status 3, unless --force, which moves the old workspace aside
#     (to sample.replaced-<time>) and says so. Nothing is ever deleted with
#     changes in it.
#
# Usage: scripts/sample-workspace.sh [--force]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
readonly sample="$repo_root/sample"
readonly steps_file="$sample/history/steps"
readonly script="$repo_root/scripts/sample-workspace.sh"
# Bump when the way the repository is made changes without its inputs.
readonly FORMAT=1
readonly AUTHOR_NAME="kobuild sample"
readonly AUTHOR_EMAIL="sample@kobuild.invalid"

force=false
case "${1:-}" in
  --force) force=true ;;
  '') ;;
  -h | --help) sed -n '2,/^set -euo/p' "$script" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--force]" >&2; exit 2 ;;
esac

log() { printf 'sample-workspace: %s\n' "$*"; }
die() { printf 'sample-workspace: error: %s\n' "$*" >&2; exit 1; }

data_dir=${KOBUILD_DATA_DIR:-./data}
mkdir -p "$data_dir/workspaces"
data_dir=$(cd "$data_dir" && pwd)
readonly workspaces="$data_dir/workspaces"
readonly target="$workspaces/sample"
readonly marker_name=kobuild-sample

[[ -f "$steps_file" && -d "$sample/collector" ]] || die "missing $sample/collector or $steps_file"

# One run at a time per data directory.
if command -v flock >/dev/null; then
  exec 9>"$workspaces/.sample.lock"
  flock 9
fi

# Git as this script needs it: no user or system configuration (signing,
# hooks, autocrlf would change or break the commits), fixed identity.
g() {
  GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null \
    git -c user.name="$AUTHOR_NAME" -c user.email="$AUTHOR_EMAIL" \
    -c core.autocrlf=false -c core.fileMode=true -c commit.gpgSign=false \
    -c tag.gpgSign=false -c init.defaultBranch=master -c advice.detachedHead=false "$@"
}

# Everything the workspace is made from: the sample files (with whether they
# are scripts, the only mode recorded), this script and FORMAT.
source_hash() {
  {
    echo "format $FORMAT"
    sha256sum "$script" | cut -d' ' -f1
    (cd "$sample" && find collector history -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha256sum | cut -d' ' -f1
}

refs_hash() {
  g -C "$1" for-each-ref --format='%(refname) %(objectname)' | sha256sum | cut -d' ' -f1
}

# Non-empty when the workspace has changes of its user: files differing from
# HEAD, untracked files, or refs (commits, branches, tags, stash) other than
# those it was made with.
local_changes() {
  local dir=$1 recorded_refs=$2 status
  status=$(g -C "$dir" status --porcelain --untracked-files=all 2>&1) || status="(git status failed: $status)"
  if [[ -n "$status" ]]; then
    printf 'uncommitted changes:\n%s\n' "$status"
  fi
  if [[ "$(refs_hash "$dir")" != "$recorded_refs" ]]; then
    printf 'commits, branches, tags or stashes differ from those the workspace was made with:\n%s\n' \
      "$(g -C "$dir" for-each-ref --format='  %(refname:short) %(objectname:short)')"
  fi
}

# --- is there anything to do? ----------------------------------------------
current=$(source_hash)
replace=""
if [[ -e "$target" ]]; then
  marker="$target/.git/$marker_name"
  if [[ ! -f "$marker" ]]; then
    if [[ "$force" != true ]]; then
      die "$target exists but was not made by this script; move it away or run with --force (it will be moved aside, not deleted)"
    fi
    replace=aside
  else
    recorded=$(sed -n 's/^source //p' "$marker")
    recorded_refs=$(sed -n 's/^refs //p' "$marker")
    changes=$(local_changes "$target" "$recorded_refs")
    if [[ "$recorded" == "$current" ]]; then
      if [[ -n "$changes" ]]; then
        log "$target is up to date with sample/ and has local changes: left as it is"
      else
        log "$target is up to date: left as it is"
      fi
      exit 0
    fi
    if [[ -n "$changes" ]]; then
      if [[ "$force" != true ]]; then
        printf 'sample-workspace: %s is stale (sample/ changed since it was made) but has local changes:\n%s\n' "$target" "$changes" >&2
        printf 'sample-workspace: nothing was changed. Commit or save your work elsewhere, or run with --force to move the workspace aside and make a new one.\n' >&2
        exit 3
      fi
      replace=aside
    else
      replace=delete
      log "$target is stale (sample/ changed since it was made): rebuilding"
    fi
  fi
fi

# --- replay the history into a fresh repository ------------------------------
tmp=$(mktemp -d "$workspaces/.sample.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
repo="$tmp/repo"
stage="$tmp/trees"
mkdir -p "$stage"
g init -q -b master "$repo"
declare -A commit_of=()

# The tree of a step: its base, then its files/, then its removals. Modes are
# normalised (scripts 755, everything else 644) so checkouts with other
# umasks give the same hashes.
make_tree() {
  local step=$1 base=$2 dest="$stage/$1" overlay="$sample/history/$1" path
  if [[ "$base" == collector ]]; then
    cp -a "$sample/collector" "$dest"
  else
    [[ -d "$stage/$base" ]] || die "step $step: base $base is not an earlier step"
    cp -a "$stage/$base" "$dest"
  fi
  if [[ -d "$overlay/files" ]]; then cp -a "$overlay/files/." "$dest/"; fi
  if [[ -f "$overlay/remove" ]]; then
    while IFS= read -r path || [[ -n "$path" ]]; do
      path=${path%%#*}
      path=${path//[[:space:]]/}
      [[ -n "$path" ]] || continue
      [[ "$path" != /* && "/$path/" != */../* ]] || die "step $step: bad path in remove: $path"
      rm -rf "${dest:?}/$path"
    done <"$overlay/remove"
  fi
  find "$dest" -type d -exec chmod 755 {} +
  find "$dest" -type f -exec chmod 644 {} +
  find "$dest" -type f -name '*.sh' -exec chmod 755 {} +
}

summary=()
while read -r step parent base ref date subject; do
  [[ -n "$step" && "$step" != \#* ]] || continue
  [[ -n "$subject" ]] || die "steps: incomplete line for $step"
  make_tree "$step" "$base"
  rm -f "$repo/.git/index"
  (cd "$stage/$step" && g --git-dir="$repo/.git" --work-tree=. add -A)
  tree=$(g -C "$repo" write-tree)
  parent_args=()
  if [[ "$parent" != - ]]; then
    [[ -n "${commit_of[$parent]:-}" ]] || die "steps: parent $parent of $step is not an earlier step"
    parent_args=(-p "${commit_of[$parent]}")
  fi
  commit=$(GIT_AUTHOR_NAME="$AUTHOR_NAME" GIT_AUTHOR_EMAIL="$AUTHOR_EMAIL" GIT_AUTHOR_DATE="$date" \
    GIT_COMMITTER_NAME="$AUTHOR_NAME" GIT_COMMITTER_EMAIL="$AUTHOR_EMAIL" GIT_COMMITTER_DATE="$date" \
    g -C "$repo" commit-tree "$tree" "${parent_args[@]}" -m "$subject")
  commit_of[$step]=$commit
  case "$ref" in
    tag:*)
      GIT_COMMITTER_NAME="$AUTHOR_NAME" GIT_COMMITTER_EMAIL="$AUTHOR_EMAIL" GIT_COMMITTER_DATE="$date" \
        g -C "$repo" tag -a -m "collector ${ref#tag:}" "${ref#tag:}" "$commit"
      ;;
    branch:*) g -C "$repo" update-ref "refs/heads/${ref#branch:}" "$commit" ;;
    *) die "steps: ref of $step must be tag:<name> or branch:<name>, got $ref" ;;
  esac
  module_version=$(tr -d '[:space:]' <"$stage/$step/kernel-modules/MODULE_VERSION")
  bpf="eBPF probe"
  [[ -d "$stage/$step/kernel-modules/bpf" ]] || bpf="no eBPF probe"
  summary+=("$(printf '  %-7s %-12s %s  module %s, %s' "${ref%%:*}" "${ref#*:}" "${commit:0:12}" "$module_version" "$bpf")")
done <"$steps_file"
[[ -n "${commit_of[master]:-}" ]] || die "steps: no master step"

rm -f "$repo/.git/index"
g -C "$repo" checkout -q -f master
g -C "$repo" gc -q --prune=now
printf 'source %s\nrefs %s\n' "$current" "$(refs_hash "$repo")" >"$repo/.git/$marker_name"

# --- put it in place -----------------------------------------------------------
if [[ "$replace" == aside ]]; then
  aside="$target.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$target" "$aside"
  log "moved the previous workspace (with its changes) to $aside"
elif [[ "$replace" == delete ]]; then
  rm -rf "$target"
fi
mv "$repo" "$target"
log "made $target (source ${current:0:12}), checked out at master:"
printf '%s\n' "${summary[@]}"
