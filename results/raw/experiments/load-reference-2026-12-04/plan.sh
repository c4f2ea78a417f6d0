. /guest-lib.sh
check_debug_locks
load strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=100000 runs=5 warmup=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
check_debug_locks
unload
load strategy=noop,mutex,spinlock,rcu,location,macro,cached,pool,tracked mode=lookup sites=1024,256,16,1 loops=100000 runs=5 warmup=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
unload
load strategy=all mode=lookup,create,init,acquire,atomic sites=64 loops=100000 runs=5 warmup=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
check_debug_locks
unload
load strategy=noop,mutex,spinlock,rcu,location,macro,cached,pool,tracked mode=lookup sites=1024,256,16,1 loops=100000 runs=5 warmup=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
unload
load strategy=mutex,spinlock,rcu,cached mode=create,init sites=64,1024 loops=100000 runs=5 warmup=1 fail_alloc_every=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
unload
load strategy=mutex,spinlock,rcu,cached,pool,macro mode=create sites=1024 loops=100000 runs=5 warmup=1 lockdep_classes=$(lockdep_value lock-classes || echo -1)
unload
check_debug_locks
