// SPDX-License-Identifier: GPL-2.0

//! Rust lock classes sample.
//!
//! Locks constructed with `Mutex::new_tracked()` and `SpinLock::new_tracked()` get the lockdep
//! class of their call site, without a macro; a `#[track_caller]` constructor of a driver's own
//! type passes its caller's site on. The sample prints each lock's class name, takes the locks
//! nested so that lockdep records the classes and their order, and constructs one lock in atomic
//! context (under a spinlock), where nothing may sleep.

use core::pin::Pin;
use kernel::prelude::*;
use kernel::sync::{LockClass, Mutex, SpinLock};

module! {
    type: RustLockClasses,
    name: "rust_lock_classes",
    author: "lockclass-bench",
    description: "Rust lock classes sample",
    license: "GPL",
}

/// A driver type that embeds a lock: each caller of `Counter::new()` gets a class.
struct Counter {
    count: Pin<KBox<Mutex<u64>>>,
    class: LockClass,
}

impl Counter {
    #[track_caller]
    fn new(flags: kernel::alloc::Flags) -> Result<Self> {
        Ok(Self {
            // Both calls see this function's caller: one site, one class.
            count: KBox::pin_init(Mutex::new_tracked(0), flags)?,
            class: LockClass::caller(),
        })
    }
}

struct RustLockClasses {
    rx: Counter,
    tx: Counter,
    pool: KVec<Counter>,
    state: Pin<KBox<SpinLock<u32>>>,
}

impl kernel::Module for RustLockClasses {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Rust lock classes sample (init)\n");

        let rx = Counter::new(GFP_KERNEL)?;
        let tx = Counter::new(GFP_KERNEL)?;
        pr_info!("rx counter: class {}\n", rx.class.name());
        pr_info!("tx counter: class {}\n", tx.class.name());

        // One site in a loop: many locks, one class.
        let mut pool = KVec::new();
        for _ in 0..4 {
            pool.push(Counter::new(GFP_KERNEL)?, GFP_KERNEL)?;
        }
        let shared = pool
            .iter()
            .all(|c| core::ptr::eq(c.class.key(), pool[0].class.key()));
        pr_info!(
            "pool counters: {} locks, class {}, one class: {}\n",
            pool.len(),
            pool[0].class.name(),
            shared
        );

        let state = KBox::pin_init(SpinLock::new_tracked(0), GFP_KERNEL)?;
        // Constructed in atomic context: the class lookup neither sleeps nor allocates.
        let atomic = {
            let mut guard = state.lock();
            *guard += 1;
            Counter::new(GFP_ATOMIC)?
        };
        pr_info!("atomic counter: class {}\n", atomic.class.name());
        pool.push(atomic, GFP_KERNEL)?;

        // Nest them (rx -> tx -> pool -> state) so lockdep records the classes and their order.
        {
            let mut r = rx.count.lock();
            let mut t = tx.count.lock();
            for c in pool.iter() {
                let mut p = c.count.lock();
                *p += 1;
                *state.lock() += 1;
            }
            *r += 1;
            *t += 1;
        }
        pr_info!(
            "distinct classes: rx/tx {}, rx/pool {}\n",
            !core::ptr::eq(rx.class.key(), tx.class.key()),
            !core::ptr::eq(rx.class.key(), pool[0].class.key())
        );

        Ok(RustLockClasses {
            rx,
            tx,
            pool,
            state,
        })
    }
}

impl Drop for RustLockClasses {
    fn drop(&mut self) {
        let total = *self.rx.count.lock() + *self.tx.count.lock();
        pr_info!(
            "Rust lock classes sample (exit): {} counts, state {}, {} pool counters\n",
            total,
            *self.state.lock(),
            self.pool.len()
        );
    }
}
