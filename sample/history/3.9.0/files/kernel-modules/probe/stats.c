// SPDX-License-Identifier: GPL-2.0
/*
 * collector: the call counter and its /proc entry.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "collector.h"

static atomic64_t calls = ATOMIC64_INIT(0);
static struct proc_dir_entry *proc_entry;

void collector_count_call(void)
{
	atomic64_inc(&calls);
}

static int collector_show(struct seq_file *m, void *v)
{
	seq_printf(m, "version %s\ncalls %lld\n", COLLECTOR_MODULE_VERSION,
		   (long long)atomic64_read(&calls));
	return 0;
}

int collector_stats_init(void)
{
	proc_entry = proc_create_single(COLLECTOR_PROC_NAME, 0444, NULL,
					collector_show);
	return proc_entry ? 0 : -ENOMEM;
}

void collector_stats_exit(void)
{
	proc_remove(proc_entry);
}
