#!/usr/bin/env bash
# Writes /build-tasks: every kernel x module version x driver type, less what
# the cache holds, less what the two BLOCKLIST files block.

set -exuo pipefail

KERNELS_FILE="${KERNELS_FILE:-/KERNEL_VERSIONS}"
BLOCKLIST_DIR="${BLOCKLIST_DIR:-/scripts}"

: >/all-build-tasks

driver_is_cached() {
	local kernel_version="$1" version="$2" driver_type="$3" driver unavailable
	if [[ "$driver_type" == "mod" ]]; then
		driver="collector-${kernel_version}.ko.gz"
		unavailable=".collector-${kernel_version}.unavail"
	else
		driver="collector-ebpf-${kernel_version}.o.gz"
		unavailable=".collector-ebpf-${kernel_version}.unavail"
	fi
	[[ -f "/kernel-modules/${version}/${driver}" || -f "/kernel-modules/${version}/${unavailable}" ]]
}

process_driver() {
	local kernel_version="$1" module_dir="$2" version
	version="$(basename "$module_dir")"
	if ! driver_is_cached "$kernel_version" "$version" mod; then
		printf '%s %s %s\n' "$kernel_version" "$version" mod >>/all-build-tasks
	fi
	if [[ -d "${module_dir}/bpf" ]] && ! driver_is_cached "$kernel_version" "$version" bpf; then
		printf '%s %s %s\n' "$kernel_version" "$version" bpf >>/all-build-tasks
	fi
}

shopt -s nullglob
for module_dir in /kobuild-tmp/versions-src/*/; do
	if [[ "${USE_KERNELS_FILE,,}" == "true" ]]; then
		while IFS="" read -r kernel_version || [[ -n "$kernel_version" ]]; do
			process_driver "$kernel_version" "$module_dir"
		done <"$KERNELS_FILE"
	else
		for bundle in /bundles/bundle-*.tgz; do
			kernel_version="${bundle%.tgz}"
			kernel_version="${kernel_version#/bundles/bundle-}"
			process_driver "$kernel_version" "$module_dir"
		done
	fi
done

# A pattern is a glob (only * is special) or, after ~, a regular expression;
# a rule has up to three, a missing one matches anything.
pattern_re() {
	if [[ -z "$1" || "$1" == "*" ]]; then
		printf '.*'
	elif [[ "$1" == "~"* ]]; then
		printf '%s' "${1:1}"
	else
		printf '%s' "$1" | sed -e 's/[][\\/$.^+?(){}|]/\\&/g' -e 's/\*/.*/g'
	fi
}

apply_blocklist() {
	local blocklist="$1" line kernel version type rule
	local -a rules=()
	while IFS= read -r line || [[ -n "$line" ]]; do
		line="${line%%#*}"
		read -r kernel version type _ <<<"$line" || true
		[[ -n "${kernel:-}" ]] || continue
		rules+=("^($(pattern_re "$kernel"))[[:space:]]+($(pattern_re "${version:-}"))[[:space:]]+($(pattern_re "${type:-}"))$")
	done <"$blocklist"
	while IFS= read -r task; do
		[[ -n "$task" ]] || continue
		for rule in "${rules[@]}"; do
			if [[ "$task" =~ $rule ]]; then continue 2; fi
		done
		printf '%s\n' "$task"
	done
}

apply_blocklist "${BLOCKLIST_DIR}/BLOCKLIST" </all-build-tasks >/non-blocklisted-build-tasks
apply_blocklist "${BLOCKLIST_DIR}/dockerized/BLOCKLIST" </non-blocklisted-build-tasks >/build-tasks
