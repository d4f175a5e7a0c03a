#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>

static int __init collector_init(void)
{
	pr_info("collector: loaded\n");
	return 0;
}

static void __exit collector_exit(void)
{
}

module_init(collector_init);
module_exit(collector_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("upstream-style test driver");
