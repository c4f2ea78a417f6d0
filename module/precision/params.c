// SPDX-License-Identifier: GPL-2.0
/*
 * The precision scenarios' parameters (read by precision/mod.rs), and the two functions the
 * two-locations peer module takes its lock classes through (defined in Rust, exported here).
 */
#include <linux/lockdep_types.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "../glue.h"

static char *scenario = "";
module_param(scenario, charp, 0444);
MODULE_PARM_DESC(scenario, "Run this lockdep precision scenario instead of the benchmark, with the one strategy given by strategy= (fail_alloc_every and leak_keys apply, class-limit needs past_class_limit=1 and, with per-object keys, max_seconds above its grace-period estimate; other benchmark parameters are ignored): abba-two-sites, abba-across-objects, same-site-nesting, two-locations, reload-peer, reload-before, reload-after, class-limit, fallback-name (default: none)");

const char *lcb_param_scenario(void) { return scenario; }

/*
 * Defined in Rust (precision/mod.rs), called by the peer module (precision/two_locations.rs)
 * with the types both modules compile from precision/lock.rs and two_locations.rs; C only
 * exports them.
 */
struct lcb_shared_site;
struct lcb_lent_class;
int lcb_precision_class(const struct lcb_shared_site *site, struct lcb_lent_class *out);
void lcb_precision_release(const struct lcb_shared_site *site, struct lcb_lent_class *class);
EXPORT_SYMBOL_GPL(lcb_precision_class);
EXPORT_SYMBOL_GPL(lcb_precision_release);
int lcb_precision_peer_order(void);
EXPORT_SYMBOL_GPL(lcb_precision_peer_order);
