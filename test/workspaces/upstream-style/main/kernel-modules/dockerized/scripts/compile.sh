#!/usr/bin/env bash
# Builds every task of its standard input, one after the other: a kernel
# module (mod) or an eBPF probe (bpf) of a module version for a kernel.
# Drivers go to /kernel-modules/<module version>/, the output of a task that
# failed to /FAILURES/<module version>/<kernel>/<driver type>.log.

set -euo pipefail

mkdir -p /kernel-modules /FAILURES

bundle_value() {
	cat "$1/$2"
}

compile_kmod() {
	local src="$1" tree="$2" bundle="$3" kernel="$4" build="$5" out="$6"
	echo "Compiling kernel module for '${kernel}'"
	rm -rf "$build" && mkdir -p "$build"
	cp -r "$src/." "$build/" && rm -rf "$build/bpf"
	# Called as a condition, a function runs without errexit: each step says how it failed.
	make -C "$tree" M="$build" modules || return 1
	local vermagic uname
	vermagic="$(modinfo -F vermagic "$build/collector.ko")" || return 1
	vermagic="${vermagic%% *}"
	uname="$(bundle_value "$bundle" BUNDLE_UNAME)"
	if [[ "$vermagic" != "$uname" ]]; then
		echo "Corrupted probe, KO_VERSION=${vermagic}, BUNDLE_UNAME=${uname}" >&2
		return 1
	fi
	gzip -n -c "$build/collector.ko" >"$out/collector-${kernel}.ko.gz.tmp" && mv "$out/collector-${kernel}.ko.gz.tmp" "$out/collector-${kernel}.ko.gz"
}

compile_bpf() {
	local src="$1" tree="$2" bundle="$3" kernel="$4" build="$5" out="$6" major minor
	echo "Compiling eBPF probe for '${kernel}'"
	major="$(bundle_value "$bundle" BUNDLE_VERSION)"
	minor="$(bundle_value "$bundle" BUNDLE_MAJOR)"
	if ((major < 4 || (major == 4 && minor < 14))); then
		echo "Kernel version ${kernel} does not support eBPF probe building, skipping ..."
		touch "$out/collector-ebpf-${kernel}.unavail"
		return 0
	fi
	rm -rf "$build" && mkdir -p "$build"
	clang -O2 -g -target bpf -D__EXPORTED_HEADERS__ \
		-I"$tree/arch/x86/include/uapi" -I"$tree/arch/x86/include/generated/uapi" \
		-I"$tree/include/uapi" -I"$tree/include/generated/uapi" -I"$tree/include" \
		-c "$src/bpf/probe.c" -o "$build/probe.o" || return 1
	gzip -n -c "$build/probe.o" >"$out/collector-ebpf-${kernel}.o.gz.tmp" && mv "$out/collector-ebpf-${kernel}.o.gz.tmp" "$out/collector-ebpf-${kernel}.o.gz"
}

while read -r kernel version driver_type _; do
	[[ -n "${kernel:-}" ]] || continue
	bundle="/bundles/bundle-${kernel}"
	if [[ ! -d "$bundle" ]]; then
		mkdir -p "$bundle"
		tar -xzf "${bundle}.tgz" -C "$bundle"
	fi
	tree="${bundle}/$(bundle_value "$bundle" BUNDLE_BUILD_DIR)"
	out="/kernel-modules/${version}"
	mkdir -p "$out"
	log="/FAILURES/${version}/${kernel}/${driver_type}.log"
	mkdir -p "$(dirname "$log")"
	# The task's output goes to the build's log as it comes, and to its failure log.
	if "compile_${driver_type/mod/kmod}" "/kobuild-tmp/versions-src/${version}" "$tree" "$bundle" "$kernel" "/tmp/build-${driver_type}" "$out" 2>&1 | tee "$log"; then
		rm "$log"
	else
		echo "Failed to build ${driver_type} driver for ${kernel}" >&2
	fi
done < <(sort | uniq)
