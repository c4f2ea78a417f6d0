// SPDX-License-Identifier: GPL-2.0
/*
 * A module that only holds per-CPU data. lockdep's static_obj() ends in
 * is_module_percpu_address(), which walks every loaded module and, for each one with per-CPU
 * data, every possible CPU: loading this shows what one more such module adds to a lock's
 * init (scripts/keycost.sh).
 */
#include <linux/module.h>
#include <linux/percpu.h>

static DEFINE_PER_CPU(unsigned long, lockclass_percpu_word);

static int __init lockclass_percpu_init(void)
{
	this_cpu_write(lockclass_percpu_word, 1);
	return 0;
}

static void __exit lockclass_percpu_exit(void)
{
}

module_init(lockclass_percpu_init);
module_exit(lockclass_percpu_exit);
MODULE_DESCRIPTION("Holds per-CPU data (lockclass-bench's key-cost sweep)");
MODULE_LICENSE("GPL");
