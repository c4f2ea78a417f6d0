# Guest script: load/unload cycles. For each strategy, CYCLES insmod/rmmod cycles (creating
# classes and acquiring locks with them each time); after every unload no lockdep class of the
# module may be left (by name) and the module must report nothing left allocated; lockdep's
# total class count is reported, since the rest of the kernel adds classes meanwhile. Then the RFC
# as posted (leak_keys=1), whose keys are never unregistered, for comparison. kmemleak scans
# after the cycles, before that demonstration.
# Boot with kmemleak=on. CYCLES comes from /cycles.conf (default 100).
. /guest-lib.sh
CYCLES=100
[ -r /cycles.conf ] && . /cycles.conf

# One cycle first, so classes of kernel paths used for the first time are in the baseline.
load strategy=all mode=acquire loops=10 runs=1 warmup=0 sites=8
unload
base=$(lockdep_value lock-classes || echo none)
say "cycles: baseline lock-classes=$base, $CYCLES cycles per strategy"
for s in noop mutex spinlock rcu location macro dynamic cached; do
  i=0
  while [ $i -lt "$CYCLES" ]; do
    i=$((i + 1))
    dmesg -c >/dev/null
    insmod "$KO" strategy=$s mode=acquire loops=10 runs=1 warmup=0 sites=8 || fail "insmod $s (cycle $i)"
    during=$(our_classes)
    rmmod "$MODNAME" || fail "rmmod $s (cycle $i)"
    dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "$s left allocations behind (cycle $i)"
    left=$(our_classes)
    [ "$left" = 0 ] || fail "$s: $left lockdep classes of the module left after unload (cycle $i)"
  done
  now=$(lockdep_value lock-classes || echo none)
  say "cycles: $s: $CYCLES cycles, $during classes of the module while loaded, none after each unload (lockdep total $now, baseline $base)"
done
check_debug_locks
# Before the leak demonstration below, whose unreachable buckets kmemleak would rightly report.
kmemleak_scan

# The RFC as posted never unregisters: each load leaves its keys registered and its memory.
dmesg -c >/dev/null
load strategy=mutex mode=lookup loops=10 runs=1 warmup=0 sites=64 leak_keys=1
unload
leaked=$(dmesg | sed -n 's/.*exit live_allocs=\([0-9]*\) leaked=\([0-9]*\).*/\1 \2/p')
say "cycles: leak_keys=1 (RFC as posted): live_allocs and leaked objects after unload: $leaked"
[ -n "$leaked" ] && [ "${leaked%% *}" -gt 0 ] || fail "leak_keys=1 should leave its keys behind"
check_debug_locks
