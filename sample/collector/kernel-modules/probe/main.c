// SPDX-License-Identifier: GPL-2.0
/*
 * collector: the kobuild sample kernel module. It counts the calls of one
 * kernel function through a kprobe and reports them in /proc/collector.
 */
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

#include "collector.h"

static char *probe_symbol = COLLECTOR_DEFAULT_SYMBOL;
module_param(probe_symbol, charp, 0444);
MODULE_PARM_DESC(probe_symbol, "kernel function whose calls are counted");

/* The kprobe keeps a pointer to its name: give it a copy the module owns. */
static char symbol_name[COLLECTOR_SYMBOL_LEN];

static int collector_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	collector_count_call();
	return 0;
}

static struct kprobe collector_kprobe = {
	.pre_handler = collector_pre_handler,
};

static int __init collector_init(void)
{
	int err;

	/* strscpy: strlcpy is gone since Linux 6.8. */
	if (strscpy(symbol_name, probe_symbol, sizeof(symbol_name)) < 0)
		return -ENAMETOOLONG;
	collector_kprobe.symbol_name = symbol_name;

	err = collector_stats_init();
	if (err)
		return err;
	err = register_kprobe(&collector_kprobe);
	if (err) {
		collector_stats_exit();
		return err;
	}
	pr_info("collector %s: counting calls of %s\n",
		COLLECTOR_MODULE_VERSION, symbol_name);
	return 0;
}

static void __exit collector_exit(void)
{
	unregister_kprobe(&collector_kprobe);
	/* Calls the kprobe could not report (recursion, NMI) are counted too. */
	collector_count_missed(collector_kprobe.nmissed);
	collector_stats_exit();
}

module_init(collector_init);
module_exit(collector_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(COLLECTOR_MODULE_VERSION);
MODULE_DESCRIPTION("kobuild sample collector: counts calls of a kernel function");
