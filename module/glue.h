/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C functions the Rust side of lockclass_bench calls: what the 6.12 `kernel` crate lacks
 * (module parameters, preemption, CPU counts, config-dependent lockdep calls, kthreads with a
 * start barrier). The Rust declarations are generated from this file by bindgen at build time
 * (Kbuild: module/glue_bindings.rs), so the two cannot differ.
 */
#ifndef LOCKCLASS_BENCH_GLUE_H
#define LOCKCLASS_BENCH_GLUE_H

#ifdef LCB_BINDGEN
/* bindgen parses this file alone, without the kernel's headers: the types it needs. */
#include <stdbool.h>
#include <stddef.h>
typedef unsigned long long u64;
#else
#include <linux/types.h>
#endif

struct lock_class_key;

/* The parameters (params.def), as lcb_params() reads them. */
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
/* The precision scenario's name (precision/params.c); "" when none was given. */
const char *lcb_param_scenario(void);

void lcb_preempt_disable(void);
void lcb_preempt_enable(void);
void lcb_cond_resched(void);
unsigned int lcb_online_cpus(void);
unsigned int lcb_possible_cpus(void);
bool lcb_lockdep_enabled(void);
void lcb_register_key(struct lock_class_key *key);
void lcb_unregister_key(struct lock_class_key *key);
long lcb_gp_waits(void);
void lcb_reference_pairs(unsigned long n);
unsigned long lcb_max_lock_classes(void);
int lcb_run_threads(unsigned int n, void (*fn)(void *ctx, unsigned int idx), void *ctx);

#endif
