# Guest script: allocation failure. Every 3rd table allocation fails; the RFC's fallback (the
# Location address as a static key) must be taken and counted, and the run must complete.
. /guest-lib.sh

dmesg -c >/dev/null
load strategy=mutex,spinlock,rcu,cached,dynamic mode=lookup,create,init,acquire fail_alloc_every=3 loops=200 runs=2 sites=64
unload
dmesg | grep -o "stats strategy=.*" | sed "s/^stats /lockclass-guest: fallback: /"
for s in mutex spinlock rcu cached dynamic; do
  dmesg | grep -q "stats strategy=$s .*fallbacks=[1-9]" || fail "$s took no fallback"
done
dmesg | grep -q "exit live_allocs=0 leaked=0" || fail "allocations left behind after failures"
say "fallback: every strategy fell back and completed, nothing left allocated"
