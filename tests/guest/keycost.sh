# Guest script (busybox sh -e) of scripts/keycost.sh, which puts `percpu=0|1` in front: with 1,
# a module holding per-CPU data is loaded first. Then the benchmark module's `init` plan, whose
# load prints the key-cost rows.
. /guest-lib.sh

check_debug_locks
if [ "$percpu" = 1 ]; then
  insmod /lockclass_percpu.ko || fail "insmod lockclass_percpu.ko"
  say "loaded lockclass_percpu (per-CPU data)"
fi
load strategy=macro,pool,location,cached,rcu mode=init sites=64 loops=2000 runs=5 warmup=1
check_debug_locks
unload
