/* SPDX-License-Identifier: GPL-2.0 */
/* The C functions the Rust side of lockclass_bench calls (declared again in glue.rs). */
#ifndef LOCKCLASS_BENCH_GLUE_H
#define LOCKCLASS_BENCH_GLUE_H

#include <linux/types.h>

struct lock_class_key;

/* The parameters (params.def), as lcb_params() reads them; glue.rs mirrors this struct. */
#define LCB_TYPE_charp const char *
#define LCB_TYPE_int int
#define LCB_TYPE_bool bool
struct lcb_params {
#define PARAM(name, kind, def, desc) LCB_TYPE_##kind name;
#define TABLE_PARAM(name, kind, def) LCB_TYPE_##kind name;
#include "params.def"
#undef PARAM
#undef TABLE_PARAM
	/* `threads` was not given: its default list, which is cut to the online CPUs. */
	bool threads_is_default;
};
void lcb_params(struct lcb_params *out);
size_t lcb_params_size(void);

u64 lcb_now_ns(void);
void lcb_preempt_disable(void);
void lcb_preempt_enable(void);
void lcb_cond_resched(void);
unsigned int lcb_online_cpus(void);
unsigned int lcb_possible_cpus(void);
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
