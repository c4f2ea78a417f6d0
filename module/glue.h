/* SPDX-License-Identifier: GPL-2.0 */
/* The C functions the Rust side of lockclass_bench calls (declared again in glue.rs). */
#ifndef LOCKCLASS_BENCH_GLUE_H
#define LOCKCLASS_BENCH_GLUE_H

#include <linux/types.h>

struct lock_class_key;

const char *lcb_param_strategy(void);
const char *lcb_param_mode(void);
const char *lcb_param_threads(void);
const char *lcb_param_sites(void);
int lcb_param_loops(void);
int lcb_param_runs(void);
int lcb_param_warmup(void);
bool lcb_param_atomic_demo(void);
int lcb_param_fail_alloc_every(void);
bool lcb_param_leak_keys(void);
bool lcb_param_threads_is_default(void);
int lcb_param_max_seconds(void);
int lcb_param_lockdep_classes(void);
bool lcb_param_past_class_limit(void);

u64 lcb_now_ns(void);
void lcb_preempt_disable(void);
void lcb_preempt_enable(void);
void lcb_cond_resched(void);
unsigned int lcb_online_cpus(void);
bool lcb_lockdep_enabled(void);
void lcb_register_key(struct lock_class_key *key);
void lcb_unregister_key(struct lock_class_key *key);
long lcb_gp_waits(void);
unsigned long lcb_max_lock_classes(void);
s64 lcb_time_unregister_ns(void);
void lcb_alloc_fail_every(int k);
long lcb_live_allocs(void);
void *lcb_alloc(size_t size);
void lcb_free(void *p);
int lcb_run_threads(unsigned int n, void (*fn)(void *ctx, unsigned int idx), void *ctx);

#endif
