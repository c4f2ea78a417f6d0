// SPDX-License-Identifier: GPL-2.0

//! The patch series' address cache (`lockclass_core::seq_cache`, a mirror of
//! `kernel/patches/0006`): a reader against a writer that replaces the entry, and the module
//! loader's forget against a writer.

use super::{model, site};
use lockclass_core::seq_cache::{SeqCache, SeqClass};
use loom::sync::Arc;
use loom::thread;

/// One entry, so that every site shares it.
type OneEntry = SeqCache<1>;

fn class(key: usize, name: &'static str) -> SeqClass {
    SeqClass { key, name }
}

/// A reader of site 0 and of site 1 while a writer replaces site 0's class with site 1's: each
/// read is a miss or that site's own class, never a class torn between the two writes.
pub(super) fn seq_reader_against_writer() {
    model(|| {
        let (a, b) = (site(0), site(1));
        let (ca, cb) = (class(0x1000, "a.rs:1:1"), class(0x2000, "b.rs:2:2"));
        let c = Arc::new(OneEntry::new());
        c.put(a, ca);
        let w = {
            let c = c.clone();
            thread::spawn(move || c.put(b, cb))
        };
        let ra = c.get(a);
        let rb = c.get(b);
        w.join().unwrap();
        assert!(ra.is_none() || ra == Some(ca), "site a read {ra:?}");
        assert!(rb.is_none() || rb == Some(cb), "site b read {rb:?}");
        // Nobody else wrote: the writer's class is in.
        assert_eq!(c.get(b), Some(cb));
    });
}

/// Two writers of different sites race for the entry and a reader reads: one writer or none
/// wins each round, and whatever is read is a site's own class.
pub(super) fn seq_two_writers() {
    model(|| {
        let (a, b) = (site(0), site(1));
        let (ca, cb) = (class(0x1000, "a.rs:1:1"), class(0x2000, "b.rs:2:2"));
        let c = Arc::new(OneEntry::new());
        let wa = {
            let c = c.clone();
            thread::spawn(move || c.put(a, ca))
        };
        c.put(b, cb);
        let (ra, rb) = (c.get(a), c.get(b));
        wa.join().unwrap();
        assert!(ra.is_none() || ra == Some(ca), "site a read {ra:?}");
        assert!(rb.is_none() || rb == Some(cb), "site b read {rb:?}");
        let (ra, rb) = (c.get(a), c.get(b));
        assert!(ra.is_some() || rb.is_some(), "both writers lost");
    });
}

/// The loader forgets site 0's module while a writer caches site 1 (code that still runs):
/// afterwards site 0 is not cached, whichever came first, and site 1 reads its own class or
/// nothing.
pub(super) fn seq_forget_against_writer() {
    model(|| {
        let (a, b) = (site(0), site(1));
        let (ca, cb) = (class(0x1000, "a.rs:1:1"), class(0x2000, "b.rs:2:2"));
        let c = Arc::new(OneEntry::new());
        c.put(a, ca);
        let w = {
            let c = c.clone();
            thread::spawn(move || c.put(b, cb))
        };
        c.forget(core::ptr::from_ref(a) as usize, 1);
        w.join().unwrap();
        assert_eq!(
            c.get(a),
            None,
            "site a still cached after its module was forgotten"
        );
        let rb = c.get(b);
        assert!(rb.is_none() || rb == Some(cb), "site b read {rb:?}");
    });
}
