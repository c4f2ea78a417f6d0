// SPDX-License-Identifier: GPL-2.0
/*
 * What the Rust side needs and the 6.12 `kernel` crate does not offer: static inlines and
 * macros (preemption, online CPUs), config-dependent lockdep calls, and kthreads with a start
 * barrier. Clocks and memory come from the `kernel` crate (`Ktime`, `KBox`).
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "glue.h"

void lcb_preempt_disable(void) { preempt_disable(); }
void lcb_preempt_enable(void) { preempt_enable(); }
void lcb_cond_resched(void) { cond_resched(); }
unsigned int lcb_online_cpus(void) { return num_online_cpus(); }
unsigned int lcb_possible_cpus(void) { return num_possible_cpus(); }
bool lcb_lockdep_enabled(void) { return IS_ENABLED(CONFIG_LOCKDEP) && debug_locks; }

/*
 * lockdep_unregister_key() ends with synchronize_rcu(): every call waits for one RCU grace
 * period. Counted, because on a 1-CPU non-preemptible kernel (Tiny RCU) that wait is nearly
 * free and the time alone would hide it.
 */
static atomic_long_t gp_waits = ATOMIC_LONG_INIT(0);

/* Register/unregister a dynamic key; no-ops without lockdep, so the module builds on any kernel. */
void lcb_register_key(struct lock_class_key *key) { lockdep_register_key(key); }
void lcb_unregister_key(struct lock_class_key *key)
{
	lockdep_unregister_key(key);
	if (IS_ENABLED(CONFIG_LOCKDEP))
		atomic_long_inc(&gp_waits);
}
long lcb_gp_waits(void) { return atomic_long_read(&gp_waits); }

/*
 * The load's own quiet check (module/reference.rs): refscale's "lock" section, n pairs of
 * spin_lock()/spin_unlock() on one lock, through lockdep as every strategy's lock is. It is in
 * no strategy and no comparison, so a load whose pair reads slow was slowed by the host.
 */
static DEFINE_SPINLOCK(lcb_reference_lock);
void lcb_reference_pairs(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		spin_lock(&lcb_reference_lock);
		spin_unlock(&lcb_reference_lock);
	}
}

/* Lockdep's class limit (0 without lockdep). Its current class count is not exported. */
unsigned long lcb_max_lock_classes(void)
{
#ifdef CONFIG_LOCKDEP
	return MAX_LOCKDEP_KEYS;
#else
	return 0;
#endif
}

/* Runs fn(ctx, i) on n kthreads, thread i bound to the i-th online CPU, all released together. */
struct lcb_group {
	void (*fn)(void *ctx, unsigned int idx);
	void *ctx;
	unsigned int n;
	atomic_t ready;
	struct completion done;
};

struct lcb_worker {
	struct lcb_group *g;
	unsigned int idx;
};

static int lcb_worker_fn(void *arg)
{
	struct lcb_worker *w = arg;
	struct lcb_group *g = w->g;

	/* Start barrier: nobody starts timing before every thread runs on its CPU. */
	atomic_inc(&g->ready);
	while (atomic_read(&g->ready) < g->n)
		cpu_relax();
	g->fn(g->ctx, w->idx);
	/*
	 * Every thread completes and exits in core code, so no module text runs once the caller
	 * has seen n completions (the module may be unloaded right after).
	 */
	kthread_complete_and_exit(&g->done, 0);
}

int lcb_run_threads(unsigned int n, void (*fn)(void *ctx, unsigned int idx), void *ctx)
{
	struct lcb_group g = { .fn = fn, .ctx = ctx, .n = n };
	struct task_struct **tasks;
	struct lcb_worker *workers;
	unsigned int i, cpu;
	int ret = 0;

	tasks = kcalloc(n, sizeof(*tasks), GFP_KERNEL);
	workers = kcalloc(n, sizeof(*workers), GFP_KERNEL);
	if (!tasks || !workers) {
		kfree(workers);
		kfree(tasks);
		return -ENOMEM;
	}
	/*
	 * Hold the online CPU set stable from the count below until every thread has exited:
	 * a CPU going offline meanwhile could leave fewer bound threads than `n` (a NULL task
	 * woken, a completion never counted) or migrate one off its CPU mid-run.
	 */
	cpus_read_lock();
	if (n == 0 || n > num_online_cpus()) {
		/* Validation allowed n: a CPU has gone offline since. */
		ret = n ? -EAGAIN : -EINVAL;
		goto out;
	}
	atomic_set(&g.ready, 0);
	init_completion(&g.done);

	i = 0;
	for_each_online_cpu(cpu) {
		if (i == n)
			break;
		workers[i] = (struct lcb_worker){ .g = &g, .idx = i };
		tasks[i] = kthread_create(lcb_worker_fn, &workers[i], "lockclass/%u", i);
		if (IS_ERR(tasks[i])) {
			ret = PTR_ERR(tasks[i]);
			/* Never-woken threads exit without running lcb_worker_fn. */
			while (i--)
				kthread_stop(tasks[i]);
			goto out;
		}
		kthread_bind(tasks[i], cpu);
		i++;
	}
	for (i = 0; i < n; i++)
		wake_up_process(tasks[i]);
	for (i = 0; i < n; i++)
		wait_for_completion(&g.done);
out:
	cpus_read_unlock();
	kfree(workers);
	kfree(tasks);
	return ret;
}
