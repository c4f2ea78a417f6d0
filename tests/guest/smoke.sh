# Guest script (busybox sh -e): the CI smoke run. Every strategy x mode with small loops,
# then unload, reload and unload again with lockdep's class count checked, then bad
# parameters, each of which must fail with EINVAL, a log line, and nothing left behind.
. /guest-lib.sh

check_debug_locks
lockdep_stats
dmesg -c >/dev/null
# Concurrent mode at every thread count up to the CPUs (1 on User-Mode Linux).
load strategy=all mode=all loops=300 runs=2 warmup=1 sites=4,32 threads=$(seq -s, 1 "$(nproc)")
check_debug_locks
# The plan runs `init` on a lockdep kernel: one key-cost row per key kind (keycost.rs).
kinds=$(dmesg | grep -o 'lockclass_bench: keycost key=[a-z_]*' | sed 's/.*key=//' | sort | tr '\n' ' ')
[ "$kinds" = "module_pool module_rodata module_static pool registered vmlinux_static " ] || fail "keycost rows: got '$kinds'"
say "ok: keycost rows for $kinds"
unload
dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "unload left allocations behind"
left=$(our_classes)
[ "$left" = 0 ] || fail "$left lockdep classes of the module left after unload"
say "ok: no lockdep class of the module left after unload"

# A second load of every table strategy, with lock acquisition, then unload: again none left.
load strategy=mutex,spinlock,rcu,cached,pool,dynamic mode=lookup,acquire loops=100 runs=1 warmup=0 sites=32
during=$(our_classes)
unload
left=$(our_classes)
[ "$left" = 0 ] || fail "$left lockdep classes of the module left after the second unload"
say "ok: $during classes of the module while loaded, none after the second unload"

# Each bad parameter set: EINVAL, a log line naming the parameter, no module left, no class
# of the module left in lockdep.
bad() {
  want=$1; shift
  dmesg -c >/dev/null
  expect_einval "$@"
  dmesg | grep -q -- "$want" || fail "no log line matching '$want' for: $*"
  if grep -q '^lockclass_bench ' /proc/modules; then fail "module still loaded after: $*"; fi
  [ "$(our_classes)" = 0 ] || fail "lockdep classes of the module left after: $*"
  say "ok: refused: $* ($(dmesg | grep -m1 -o -- "$want.*" | cut -c1-100))"
}
long=$(printf 'x%.0s' $(seq 1 300))
refuse_all() {
  bad "error param=strategy value=bogus valid=" strategy=bogus
  bad "error param=strategy value= " strategy=
  bad "error param=strategy value=MUTEX" strategy=MUTEX
  bad "error param=strategy value=mutex,,rcu" strategy=mutex,,rcu
  bad "error param=strategy value=all,mutex" strategy=all,mutex
  bad "error param=strategy value=(too long)" "strategy=$long"
  bad "error param=mode value=bogus valid=" mode=bogus
  bad "error param=mode value=Lookup" mode=Lookup
  bad "error param=mode value=lookup, " mode=lookup,
  bad "error param=threads value=0 valid=1.." threads=0
  bad "error param=threads value=-1" threads=-1
  bad "error param=threads value=99" threads=99
  bad "error param=threads value=two" threads=two
  bad "error param=sites value=0 valid=1..1024" sites=0
  bad "error param=sites value=1025" sites=1025
  bad "error param=sites value=1,,2" sites=1,,2
  bad "error param=loops value=0 valid=1..10000000" loops=0
  bad "error param=loops value=-5" loops=-5
  bad "error param=loops value=2000000000" loops=2000000000
  bad "error param=runs value=0" runs=0
  bad "error param=runs value=1001" runs=1001
  bad "error param=warmup value=-1" warmup=-1
  bad "error param=warmup value=101" warmup=101
  bad "error param=fail_alloc_every value=-1" fail_alloc_every=-1
  bad "error param=loops value=10000000 valid=total<=" loops=10000000 runs=1000
  # Not a number at all: the kernel's own parameter parser refuses it before init runs.
  bad "invalid for parameter .loops" loops=abc
}
refuse_all
say "ok: every refused load left no module and no lockdep class of the module"
check_debug_locks
say "smoke: all checks passed"
