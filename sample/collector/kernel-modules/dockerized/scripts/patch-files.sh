#!/usr/bin/env bash
# patcher stage: prepare the driver sources of every module version to build,
# one directory per module version:
#   /kobuild-tmp/versions-src/<module-version>/   *.c *.h Makefile [bpf/]
#
# Environment (the Dockerfile's build args):
#   BRANCH                    the ref whose sources are built (default master)
#   LEGACY_PROBES             true: also every collector version listed in
#                             RELEASED_VERSIONS (default false)
#   CHECKOUT_BEFORE_PATCHING  true: check BRANCH out first, overwriting local
#                             changes; false: build the working tree as it is,
#                             uncommitted changes included (default true)
# Positional arguments, when given, stand for BRANCH and LEGACY_PROBES.
#
# kernel-modules/patches/<module-version>.patch of the BRANCH sources is
# applied with `patch -p1` at the root of each version's sources.
set -euo pipefail
# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

repo=${COLLECTOR_DIR:-/collector}
out=${VERSIONS_SRC:-/kobuild-tmp/versions-src}
work=${PATCHER_WORK:-/kobuild-tmp/patcher}
branch=${1:-${BRANCH:-master}}
legacy=$(bool LEGACY_PROBES "${2:-${LEGACY_PROBES:-false}}")
checkout=$(bool CHECKOUT_BEFORE_PATCHING "${CHECKOUT_BEFORE_PATCHING:-true}")

[[ -d "$repo/kernel-modules" ]] ||
  die "$repo has no kernel-modules/: the context's collector/ must be a collector checkout"
rm -rf "$out" "$work"
mkdir -p "$out" "$work"

have_git=false
if [[ -e "$repo/.git" ]] && command -v git >/dev/null; then
  # The context copy is owned by whoever ran the build, not by root.
  git config --global --add safe.directory "$repo"
  git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 && have_git=true
fi

# A ref -> its commit. $2 = tag: a release, tags are tried first; otherwise
# branches first. Then any commit-ish, then the remote's branch.
resolve() {
  local ref=$1 kind=${2:-branch} candidate order
  [[ -n "$ref" && "$ref" != -* && "$ref" != *[[:space:]]* ]] || return 1
  if [[ "$kind" == tag ]]; then
    order=("refs/tags/$ref" "refs/heads/$ref")
  else
    order=("refs/heads/$ref" "refs/tags/$ref")
  fi
  for candidate in "${order[@]}" "$ref" "refs/remotes/origin/$ref"; do
    if git -C "$repo" rev-parse -q --verify "$candidate^{commit}" 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

# The files of one commit that matter to the driver build, into $2.
export_commit() {
  local commit=$1 dest=$2
  mkdir -p "$dest"
  git -C "$repo" archive --format=tar "$commit" -- kernel-modules | tar -x -C "$dest"
  if git -C "$repo" cat-file -e "$commit:RELEASED_VERSIONS" 2>/dev/null; then
    git -C "$repo" show "$commit:RELEASED_VERSIONS" >"$dest/RELEASED_VERSIONS"
  fi
}

# --- BRANCH ---------------------------------------------------------------
if [[ "$checkout" == true ]]; then
  [[ "$have_git" == true ]] ||
    die "CHECKOUT_BEFORE_PATCHING=true needs the repository's .git in the context (or pass CHECKOUT_BEFORE_PATCHING=false)"
  commit=$(resolve "$branch") || die "BRANCH '$branch' is no branch, tag or commit of the repository"
  if git -C "$repo" show-ref -q --verify "refs/heads/$branch"; then
    git -C "$repo" checkout -q -f "$branch"
  else
    git -C "$repo" checkout -q -f --detach "$commit"
  fi
  log "BRANCH $branch: checked out ${commit:0:12} (CHECKOUT_BEFORE_PATCHING=true: local changes are not built)"
  # Exactly what is committed: untracked leftovers never reach the build.
  export_commit "$commit" "$work/branch"
else
  mkdir -p "$work/branch"
  cp -a "$repo/kernel-modules" "$work/branch/"
  if [[ -f "$repo/RELEASED_VERSIONS" ]]; then cp "$repo/RELEASED_VERSIONS" "$work/branch/"; fi
  if [[ "$have_git" == true ]]; then
    head=$(git -C "$repo" rev-parse -q --verify 'HEAD^{commit}' || echo none)
    changed=$(git -C "$repo" status --porcelain -- kernel-modules | wc -l)
    log "BRANCH $branch is not checked out (CHECKOUT_BEFORE_PATCHING=false): building the working tree at ${head:0:12} as it is, $changed changed path(s) under kernel-modules/"
  else
    log "building the working tree as it is (CHECKOUT_BEFORE_PATCHING=false, no .git in the context)"
  fi
fi

labels=("$branch")
trees=("$work/branch")

# --- LEGACY_PROBES: the released collector versions -------------------------
if [[ "$legacy" == true ]]; then
  released="$work/branch/RELEASED_VERSIONS"
  [[ -f "$released" ]] || die "LEGACY_PROBES=true but the BRANCH sources have no RELEASED_VERSIONS"
  [[ "$have_git" == true ]] || die "LEGACY_PROBES=true needs the repository's .git in the context"
  declare -A seen=()
  versions=()
  n=0
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line=${line%%#*}
    read -r -a fields <<<"$line" || true
    if [[ ${#fields[@]} -eq 0 ]]; then continue; fi
    if [[ ${#fields[@]} -ne 2 ]]; then
      log "RELEASED_VERSIONS line $n ignored: expected '<collector-version> <product-version>', got '${fields[*]}'"
      continue
    fi
    if [[ -z "${seen[${fields[0]}]:-}" ]]; then
      seen[${fields[0]}]=1
      versions+=("${fields[0]}")
    fi
  done <"$released"
  log "LEGACY_PROBES=true: collector versions ${versions[*]:-(none)}"
  for version in "${versions[@]}"; do
    commit=$(resolve "$version" tag) || die "RELEASED_VERSIONS lists $version but the repository has no such tag"
    export_commit "$commit" "$work/released/$version"
    labels+=("$version")
    trees+=("$work/released/$version")
  done
fi

# --- one source directory per module version ---------------------------------
patches="$work/branch/kernel-modules/patches"
declare -A prepared_from=()
summary=()
for i in "${!labels[@]}"; do
  label=${labels[$i]} tree=${trees[$i]}
  [[ -f "$tree/kernel-modules/MODULE_VERSION" ]] || die "$label has no kernel-modules/MODULE_VERSION"
  [[ -d "$tree/kernel-modules/probe" ]] || die "$label has no kernel-modules/probe/"
  module_version=$(read_value "$tree/kernel-modules/MODULE_VERSION")
  valid_module_version "$module_version" || die "$label: invalid module version '$module_version'"
  if [[ -n "${prepared_from[$module_version]:-}" ]]; then
    log "$label: module version $module_version, already prepared from ${prepared_from[$module_version]}: built once"
    continue
  fi
  note=""
  if [[ -f "$patches/$module_version.patch" ]]; then
    if ! result=$(patch -p1 --batch --forward --no-backup-if-mismatch -d "$tree" <"$patches/$module_version.patch" 2>&1); then
      printf '%s\n' "$result" >&2
      die "$label: kernel-modules/patches/$module_version.patch does not apply to module version $module_version"
    fi
    note=", patched with kernel-modules/patches/$module_version.patch ($(grep -c '^patching file' <<<"$result") file(s))"
  fi
  dest="$out/$module_version"
  mkdir -p "$dest"
  cp -a "$tree/kernel-modules/probe/." "$dest/"
  if [[ -d "$tree/kernel-modules/bpf" ]]; then
    cp -a "$tree/kernel-modules/bpf" "$dest/bpf"
    note="$note, with eBPF probe"
  else
    note="$note, no eBPF probe"
  fi
  prepared_from[$module_version]=$label
  summary+=("$module_version")
  log "$label: module version $module_version$note"
done
rm -rf "$work"
log "prepared module versions: ${summary[*]}"
