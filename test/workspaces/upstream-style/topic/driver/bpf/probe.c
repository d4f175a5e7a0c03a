#include <linux/types.h>
#include <linux/bpf.h>

/* Per-cgroup storage maps came with 6.2: 6.1 kernels' headers lack the type. */
__attribute__((section("tracepoint/syscalls/sys_enter_execve"), used))
int probe(void *ctx)
{
	return BPF_MAP_TYPE_CGRP_STORAGE > 0 ? BPF_OK : BPF_OK;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
