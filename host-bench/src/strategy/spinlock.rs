// SPDX-License-Identifier: GPL-2.0

//! `spinlock`: the content-keyed table read under a spinning bucket lock, as reviewers suggested.

table_strategy!(
    SpinlockTable,
    "spinlock",
    crate::locks::SpinLock,
    lookup_locked,
    "`Table::lookup_locked` with a [`SpinLock`](crate::locks::SpinLock) per bucket."
);
