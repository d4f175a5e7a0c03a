// SPDX-License-Identifier: GPL-2.0
/*
 * collector eBPF probe: counts execve calls per CPU.
 * Built by the dockerized build with clang -target bpf against the UAPI
 * headers of each kernel bundle.
 */
#include <linux/version.h>

#include "probe.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COLLECTOR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} collector_counters SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int collector_execve(void *ctx)
{
	__u32 key = COLLECTOR_EXECVE;
	__u64 *value = bpf_map_lookup_elem(&collector_counters, &key);

	/* Per-CPU slots: a plain increment cannot race. */
	if (value)
		*value += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
/* The kernel the probe was built for, as older loaders expect it. */
__u32 collector_kernel_version SEC("version") = LINUX_VERSION_CODE;
