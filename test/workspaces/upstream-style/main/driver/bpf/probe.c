#include <linux/types.h>
#include <linux/bpf.h>

__attribute__((section("tracepoint/syscalls/sys_enter_execve"), used))
int probe(void *ctx)
{
	return BPF_OK;
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
