# Guest script (busybox sh -e): the CI smoke run. Every strategy x mode with small loops,
# then unload, reload and unload again with lockdep's class count checked, then bad
# parameters, each of which must fail with EINVAL, a log line, and nothing left behind.
. /guest-lib.sh

check_debug_locks
lockdep_stats
dmesg -c >/dev/null
load strategy=all mode=all loops=300 runs=2 warmup=1 sites=4,32 threads=1,2
check_debug_locks
unload
dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "unload left allocations behind"
after_first=$(lockdep_value lock-classes || echo none)
say "lock-classes after first unload: $after_first"

# A second load of every table strategy, then unload: lockdep must be back where it was.
load strategy=mutex,spinlock,rcu,cached,dynamic mode=lookup,create loops=100 runs=1 warmup=0 sites=32
unload
after_second=$(lockdep_value lock-classes || echo none)
say "lock-classes after second unload: $after_second"
[ "$after_first" = "$after_second" ] || fail "lock classes not back to baseline after unload ($after_first -> $after_second)"
say "ok: unload returns lockdep to its baseline"

# Each bad parameter set: EINVAL, a log line naming the parameter, no module left, no class
# left registered.
bad() {
  want=$1; shift
  dmesg -c >/dev/null
  expect_einval "$@"
  dmesg | grep -q -- "$want" || fail "no log line matching '$want' for: $*"
  if grep -q '^lockclass_bench ' /proc/modules; then fail "module still loaded after: $*"; fi
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
# Twice: the first pass may be the first time the kernel takes some of its own locks on the
# load-failure path (new classes that are not ours); the second pass must change nothing.
refuse_all
before=$(lockdep_value lock-classes || echo none)
refuse_all
after=$(lockdep_value lock-classes || echo none)
[ "$before" = "$after" ] || fail "refused loads changed lock-classes ($before -> $after)"
say "ok: a second pass of refused loads left lockdep unchanged ($after classes)"
check_debug_locks
say "smoke: all checks passed"
