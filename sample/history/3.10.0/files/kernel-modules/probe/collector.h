/* SPDX-License-Identifier: GPL-2.0 */
/*
 * collector: the kobuild sample kernel module. Shared declarations of its
 * two compilation units.
 */
#ifndef COLLECTOR_H
#define COLLECTOR_H

/* Passed by the Makefile from kernel-modules/MODULE_VERSION. */
#ifndef COLLECTOR_MODULE_VERSION
#define COLLECTOR_MODULE_VERSION "unknown"
#endif

#define COLLECTOR_PROC_NAME "collector"
/* Any traced function name can be given at load time. */
#define COLLECTOR_DEFAULT_SYMBOL "do_sys_openat2"
#define COLLECTOR_SYMBOL_LEN 128

void collector_count_call(void);
int collector_stats_init(void);
void collector_stats_exit(void);

#endif /* COLLECTOR_H */
