// SPDX-License-Identifier: GPL-2.0
/*
 * collector: the kobuild sample kernel module. It counts the calls of
 * do_sys_openat2 through a kprobe and reports them in /proc/collector.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/module.h>

#include "collector.h"

static int collector_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	collector_count_call();
	return 0;
}

static struct kprobe collector_kprobe = {
	.symbol_name = COLLECTOR_SYMBOL,
	.pre_handler = collector_pre_handler,
};

static int __init collector_init(void)
{
	int err;

	err = collector_stats_init();
	if (err)
		return err;
	err = register_kprobe(&collector_kprobe);
	if (err) {
		collector_stats_exit();
		return err;
	}
	pr_info("collector %s: counting calls of %s\n",
		COLLECTOR_MODULE_VERSION, COLLECTOR_SYMBOL);
	return 0;
}

static void __exit collector_exit(void)
{
	unregister_kprobe(&collector_kprobe);
	collector_stats_exit();
}

module_init(collector_init);
module_exit(collector_exit);

MODULE_LICENSE("GPL");
MODULE_VERSION(COLLECTOR_MODULE_VERSION);
MODULE_DESCRIPTION("kobuild sample collector: counts calls of do_sys_openat2");
