// SPDX-License-Identifier: GPL-2.0
/*
 * What the Rust side needs and the 6.12 `kernel` crate does not offer: static inlines and
 * macros (preemption, clocks, online CPUs), config-dependent lockdep calls, kthreads with a
 * start barrier, and the module's one allocator (counted, with optional fault injection).
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
#include <linux/timekeeping.h>

#include "glue.h"

u64 lcb_now_ns(void) { return ktime_get_ns(); }
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

/* Lockdep's class limit (0 without lockdep). Its current class count is not exported. */
unsigned long lcb_max_lock_classes(void)
{
#ifdef CONFIG_LOCKDEP
	return MAX_LOCKDEP_KEYS;
#else
	return 0;
#endif
}

/*
 * ns that one lockdep_unregister_key() of a registered, never used key takes on this kernel:
 * what the plan's cost model charges per unregistration (mostly the grace period). 0 without
 * lockdep, -ENOMEM if no scratch key could be allocated.
 */
s64 lcb_time_unregister_ns(void)
{
	struct lock_class_key *key;
	u64 t0, t1;

	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return 0;
	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return -ENOMEM;
	lockdep_register_key(key);
	t0 = ktime_get_ns();
	lcb_unregister_key(key);
	t1 = ktime_get_ns();
	kfree(key);
	return t1 - t0;
}

static atomic_long_t live_allocs = ATOMIC_LONG_INIT(0);
static atomic_long_t alloc_calls = ATOMIC_LONG_INIT(0);
static int fail_every;

void lcb_alloc_fail_every(int k) { fail_every = k; atomic_long_set(&alloc_calls, 0); }
long lcb_live_allocs(void) { return atomic_long_read(&live_allocs); }

/*
 * Zeroed memory; GFP_ATOMIC when the caller cannot sleep (the spinlock, rcu and cached tables
 * may be asked for a class with preemption disabled), GFP_KERNEL otherwise.
 */
void *lcb_alloc(size_t size)
{
	void *p;

	if (fail_every > 0 && atomic_long_inc_return(&alloc_calls) % fail_every == 0)
		return NULL;
	p = kzalloc(size, preemptible() ? GFP_KERNEL : GFP_ATOMIC);
	if (p)
		atomic_long_inc(&live_allocs);
	return p;
}

void lcb_free(void *p)
{
	if (p)
		atomic_long_dec(&live_allocs);
	kfree(p);
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
