/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What libbpf's bpf_helpers.h would give, written out so the probe builds
 * with nothing but the kernel's own UAPI headers (the bundle's).
 */
#ifndef COLLECTOR_BPF_PROBE_H
#define COLLECTOR_BPF_PROBE_H

#include <linux/types.h>
#include <linux/bpf.h>

#define SEC(name) __attribute__((section(name), used))
#define COLLECTOR_INLINE static inline __attribute__((always_inline))

/* BTF-defined maps: the loader reads type and sizes from these members. */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name

/* Helpers are called by number; the numbers come from the bundle's bpf.h. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) =
	(void *)BPF_FUNC_map_lookup_elem;

enum collector_counter {
	COLLECTOR_EXECVE,
	COLLECTOR_COUNTERS,
};

#endif /* COLLECTOR_BPF_PROBE_H */
