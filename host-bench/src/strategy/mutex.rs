// SPDX-License-Identifier: GPL-2.0

//! `mutex`: the RFC as posted, the content-keyed table read under a sleeping bucket lock.

table_strategy!(
    MutexTable,
    "mutex",
    crate::locks::SleepingMutex,
    lookup_locked,
    "`Table::lookup_locked` with a [`SleepingMutex`](crate::locks::SleepingMutex) per bucket."
);
