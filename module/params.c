// SPDX-License-Identifier: GPL-2.0
/*
 * insmod parameters of lockclass_bench, from the one list in params.def. Kernel 6.12's Rust
 * `module!` has no parameters, so they are declared here and read by the Rust side in one
 * call (lcb_params()); validation (with a log line naming the bad value and the valid ones) is
 * done in Rust, in params.rs.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "glue.h"

/*
 * The variables. A string parameter points at its default array until insmod sets it, so
 * `threads` can tell its default list (cut to the online CPUs) from the same list given.
 */
#define DEFINE_charp(name, def) static char name##_default[] = def; static char *name = name##_default;
#define DEFINE_int(name, def) static int name = def;
#define DEFINE_bool(name, def) static bool name = def;
#define PARAM(name, kind, def, desc) DEFINE_##kind(name, def) module_param(name, kind, 0444); MODULE_PARM_DESC(name, desc);
#define TABLE_PARAM(name, kind, def) DEFINE_##kind(name, def) module_param(name, kind, 0444);
#include "params.def"
#undef PARAM
#undef TABLE_PARAM

void lcb_params(struct lcb_params *out)
{
#define PARAM(name, kind, def, desc) out->name = name;
#define TABLE_PARAM(name, kind, def) out->name = name;
#include "params.def"
#undef PARAM
#undef TABLE_PARAM
	out->threads_is_default = threads == threads_default;
}
