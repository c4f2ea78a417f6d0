# Guest script: the review's point about the mutex table. With preemption disabled the
# `mutex` strategy must provoke "BUG: sleeping function called from invalid context" (the
# host expects that report), while the other table strategies run clean in the same mode.
. /guest-lib.sh

load strategy=spinlock,rcu,location,macro,cached mode=atomic loops=200 runs=1 sites=32
unload
say "atomic: spinlock, rcu, location, macro, cached ran with preemption disabled"
dmesg | grep -q "sleeping function called" && fail "a report appeared before the mutex demo"
# Without atomic_demo the mutex strategy refuses the mode with a clear line.
load strategy=mutex mode=atomic loops=200 runs=1 sites=32
dmesg | grep -q "skip strategy=mutex mode=atomic reason=might_sleep" || fail "mutex did not refuse atomic mode"
unload
load strategy=mutex mode=atomic atomic_demo=1 loops=200 runs=1 sites=32
unload
dmesg | grep -q "BUG: sleeping function called from invalid context" || fail "mutex in atomic context did not provoke the report"
say "atomic: mutex provoked the sleeping-in-atomic report, as expected"
