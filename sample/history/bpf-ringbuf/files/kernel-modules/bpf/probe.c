// SPDX-License-Identifier: GPL-2.0
/*
 * collector eBPF probe: counts execve calls and process exits per CPU,
 * sends every exec to user space through a ring buffer and keeps an exec
 * count on each cgroup.
 *
 * Needs Linux 6.2 or newer: cgroup local storage (BPF_MAP_TYPE_CGRP_STORAGE,
 * bpf_cgrp_storage_get) first appeared there. Against older kernels' headers
 * the probe does not compile, so the build records a failure for them.
 */
#include <linux/version.h>

#include "probe.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, COLLECTOR_COUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} collector_counters SEC(".maps");

struct collector_exec_event {
	__u64 cgroup_id;
	__u32 tgid;
	__u32 cpu;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} collector_events SEC(".maps");

/* Stored on the cgroup itself: freed with it, no id map to clean up. */
struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} collector_cgroup_execs SEC(".maps");

static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) =
	(void *)BPF_FUNC_ringbuf_reserve;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) =
	(void *)BPF_FUNC_ringbuf_submit;
static __u64 (*bpf_get_current_cgroup_id)(void) =
	(void *)BPF_FUNC_get_current_cgroup_id;
static __u64 (*bpf_get_current_pid_tgid)(void) =
	(void *)BPF_FUNC_get_current_pid_tgid;
static __u32 (*bpf_get_smp_processor_id)(void) =
	(void *)BPF_FUNC_get_smp_processor_id;
static void *(*bpf_cgrp_storage_get)(void *map, void *cgroup, void *value,
				     __u64 flags) =
	(void *)BPF_FUNC_cgrp_storage_get;

/* Kernel functions (kfuncs) resolved by the loader through BTF. */
struct cgroup;
extern struct cgroup *bpf_cgroup_from_id(__u64 cgid) SEC(".ksyms");
extern void bpf_cgroup_release(struct cgroup *cgrp) SEC(".ksyms");

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

SEC("tp_btf/sched_process_exec")
int collector_exec(__u64 *ctx)
{
	__u64 cgroup_id = bpf_get_current_cgroup_id();
	struct collector_exec_event *event;
	struct cgroup *cgroup;
	__u64 *execs;

	event = bpf_ringbuf_reserve(&collector_events, sizeof(*event), 0);
	if (event) {
		event->cgroup_id = cgroup_id;
		event->tgid = bpf_get_current_pid_tgid() >> 32;
		event->cpu = bpf_get_smp_processor_id();
		bpf_ringbuf_submit(event, 0);
	}

	cgroup = bpf_cgroup_from_id(cgroup_id);
	if (!cgroup)
		return 0;
	execs = bpf_cgrp_storage_get(&collector_cgroup_execs, cgroup, 0,
				     BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (execs)
		__sync_fetch_and_add(execs, 1);
	bpf_cgroup_release(cgroup);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
/* The kernel the probe was built for, as older loaders expect it. */
__u32 collector_kernel_version SEC("version") = LINUX_VERSION_CODE;
