# Guest script: the precision scenarios' parameters. An unknown scenario, a scenario with
# other than exactly one strategy, and class-limit without past_class_limit=1 are refused
# with EINVAL and a line naming what is valid; nothing is left loaded; lockdep stays on.
. /guest-lib.sh

dmesg -c >/dev/null
expect_einval scenario=no-such-scenario strategy=mutex
dmesg | grep -q "error param=scenario value=no-such-scenario valid=abba-two-sites,abba-across-objects,same-site-nesting,two-locations,generic,generic-inline,reload-peer,reload-before,reload-after,class-limit,fallback-name" \
  || fail "unknown scenario: no log line listing the valid ones"
expect_einval scenario=abba-two-sites strategy=all
expect_einval scenario=abba-two-sites strategy=mutex,rcu
dmesg | grep -q "error param=strategy value=mutex,rcu valid=noop,mutex,spinlock,rcu,location,macro,dynamic,cached,pool,tracked" \
  || fail "two strategies: no log line listing the valid ones"
expect_einval scenario=class-limit strategy=dynamic
dmesg | grep -q "set past_class_limit=1 to allow it" || fail "class-limit without past_class_limit: no reason given"
# The peer module takes classes from a running scenario only.
load strategy=noop mode=lookup sites=1 loops=10 runs=1 warmup=0
if insmod /lockclass_precision_peer.ko 2>/dev/null; then
  rmmod lockclass_precision_peer; fail "the peer module loaded without a two-locations scenario"
fi
say "ok: the peer module refused to load without a scenario"
unload
lsmod | grep -q lockclass && fail "a module was left loaded: $(lsmod | grep lockclass)"
dmesg | grep -q "precision start" && fail "a refused scenario started"
check_debug_locks
say "precision parameters: every bad combination refused, nothing left behind"
