#!/usr/bin/env bash
# Prepares the driver sources of every module version to build under
# /kobuild-tmp/versions-src/<module version>: the work branch's, and with
# legacy probes those of every collector version RELEASED_VERSIONS lists.

set -exuo pipefail

WORK_BRANCH="${1:-master}"
BUILD_LEGACY="${2:-false}"

mkdir -p /kobuild-tmp/versions-src

checkout_branch() {
	git -C /collector checkout "$1"
	git -C /collector checkout -- .
	git -C /collector clean -xdf
}

prepare_sources() {
	local version
	version="$(cat /collector/kernel-modules/MODULE_VERSION)"
	if [[ -d "/kobuild-tmp/versions-src/${version}" ]]; then
		echo "Module version ${version} is prepared already"
		return 0
	fi
	mkdir -p "/kobuild-tmp/versions-src/${version}"
	cp -r /collector/driver/. "/kobuild-tmp/versions-src/${version}/"
}

if [[ "${CHECKOUT_BEFORE_PATCHING,,}" == "true" ]]; then
	checkout_branch "$WORK_BRANCH"
fi
prepare_sources

if [[ "${BUILD_LEGACY,,}" != "true" ]]; then
	exit 0
fi

echo "Building legacy drivers"
while IFS='' read -r collector_ref || [[ -n "$collector_ref" ]]; do
	[[ -n "$collector_ref" ]] || continue
	echo "Preparing module source archive for collector version ${collector_ref}"
	checkout_branch "$collector_ref"
	prepare_sources
done < <(grep -v '^#' </collector/RELEASED_VERSIONS | awk -F'#' '{print $1}' | awk 'NF==2 {print $1}' | sort | uniq)

checkout_branch "$WORK_BRANCH"
