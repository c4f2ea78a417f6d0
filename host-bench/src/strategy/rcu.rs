// SPDX-License-Identifier: GPL-2.0

//! `rcu`: the content-keyed table read with no lock (as lockdep reads its key hash under RCU);
//! inserts take a spinning bucket lock.

table_strategy!(
    RcuTable,
    "rcu",
    crate::locks::SpinLock,
    lookup_lockfree,
    "`Table::lookup_lockfree`; a miss inserts under the bucket's [`SpinLock`](crate::locks::SpinLock)."
);
