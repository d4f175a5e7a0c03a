// SPDX-License-Identifier: GPL-2.0
/*
 * collector eBPF probe: counts execve calls and process exits per CPU.
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

COLLECTOR_INLINE void count(__u32 which)
{
	__u64 *value = bpf_map_lookup_elem(&collector_counters, &which);

	/* Per-CPU slots: a plain increment cannot race. */
	if (value)
		*value += 1;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int collector_execve(void *ctx)
{
	count(COLLECTOR_EXECVE);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int collector_exit(void *ctx)
{
	count(COLLECTOR_EXIT);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
/* The kernel the probe was built for, as older loaders expect it. */
__u32 collector_kernel_version SEC("version") = LINUX_VERSION_CODE;
