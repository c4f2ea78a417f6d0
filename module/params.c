// SPDX-License-Identifier: GPL-2.0
/*
 * insmod parameters of lockclass_bench. Kernel 6.12's Rust `module!` has no parameters, so
 * they are declared here and read by the Rust side through the accessors below; validation
 * (with a log line naming the bad value and the valid ones) is done in Rust, in params.rs.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "glue.h"

static char *strategy = "all";
module_param(strategy, charp, 0444);
/* Its description lists the strategy table: written from that table in param_desc.rs. */

static char *mode = "all";
module_param(mode, charp, 0444);
/* Its description lists the modes: written from them in param_desc.rs. */

/* Compared by address: the default list is cut to the online CPUs, an explicit one is not. */
static char threads_default[] = "1,2";
static char *threads = threads_default;
module_param(threads, charp, 0444);
MODULE_PARM_DESC(threads, "Thread counts for the concurrent mode, comma list of distinct values, each 1..online CPUs (default 1,2, cut to the online CPUs)");

static char *sites = "64";
module_param(sites, charp, 0444);
MODULE_PARM_DESC(sites, "Distinct call sites cycled through, comma list, each 1..1024 (default 64)");

static int loops = 100000;
module_param(loops, int, 0444);
MODULE_PARM_DESC(loops, "Operations per timed run, 1..10000000 (default 100000)");

static int runs = 5;
module_param(runs, int, 0444);
MODULE_PARM_DESC(runs, "Timed runs per strategy x mode x sites x threads, 1..1000 (default 5)");

static int warmup = 1;
module_param(warmup, int, 0444);
MODULE_PARM_DESC(warmup, "Untimed warm-up runs before the timed ones, 0..100 (default 1)");

static bool atomic_demo;
module_param(atomic_demo, bool, 0444);
MODULE_PARM_DESC(atomic_demo, "Run the mutex strategy in the atomic mode anyway, to provoke the 'sleeping function called from invalid context' report (default N)");

static int fail_alloc_every;
module_param(fail_alloc_every, int, 0444);
MODULE_PARM_DESC(fail_alloc_every, "Fail every k-th allocation of the tables, to exercise the fallback to the Location address as a static key; 0 = never (default 0)");

static bool leak_keys;
module_param(leak_keys, bool, 0444);
MODULE_PARM_DESC(leak_keys, "Behave as the RFC as posted: never unregister or free the table's keys, not even on unload (default N)");

static int max_seconds = 120;
module_param(max_seconds, int, 0444);
MODULE_PARM_DESC(max_seconds, "Refuse a plan whose estimated run time (measured grace period and per-operation costs, printed at load) exceeds this many seconds, 1..86400 (default 120)");

static int lockdep_classes = -1;
module_param(lockdep_classes, int, 0444);
MODULE_PARM_DESC(lockdep_classes, "Lock classes lockdep already holds (lock-classes in /proc/lockdep_stats); -1 = unknown: assume half of lockdep's limit is taken (default -1)");

static bool past_class_limit;
module_param(past_class_limit, bool, 0444);
MODULE_PARM_DESC(past_class_limit, "Run a plan that may create more lock classes than lockdep has room for (lockdep then turns itself off); its result rows are marked (default N)");

const char *lcb_param_strategy(void) { return strategy; }
const char *lcb_param_mode(void) { return mode; }
const char *lcb_param_threads(void) { return threads; }
bool lcb_param_threads_is_default(void) { return threads == threads_default; }
const char *lcb_param_sites(void) { return sites; }
int lcb_param_loops(void) { return loops; }
int lcb_param_runs(void) { return runs; }
int lcb_param_warmup(void) { return warmup; }
bool lcb_param_atomic_demo(void) { return atomic_demo; }
int lcb_param_fail_alloc_every(void) { return fail_alloc_every; }
bool lcb_param_leak_keys(void) { return leak_keys; }
int lcb_param_max_seconds(void) { return max_seconds; }
int lcb_param_lockdep_classes(void) { return lockdep_classes; }
bool lcb_param_past_class_limit(void) { return past_class_limit; }
