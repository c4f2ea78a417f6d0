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

/// The classes of site 0 (a) and site 1 (b).
const CA: SeqClass = SeqClass {
    key: 0x1000,
    name: "a.rs:1:1",
};
const CB: SeqClass = SeqClass {
    key: 0x2000,
    name: "b.rs:2:2",
};

/// The entry holding a's class, and a thread that caches b's in it.
fn a_cached_b_writing() -> (Arc<OneEntry>, thread::JoinHandle<()>) {
    let c = Arc::new(OneEntry::new());
    c.put(site(0), CA);
    let w = {
        let c = c.clone();
        thread::spawn(move || c.put(site(1), CB))
    };
    (c, w)
}

/// A reader of site 0 and of site 1 while a writer replaces site 0's class with site 1's: each
/// read is a miss or that site's own class, never a class torn between the two writes.
pub(super) fn seq_reader_against_writer() {
    model(|| {
        let (a, b) = (site(0), site(1));
        let (c, w) = a_cached_b_writing();
        let ra = c.get(a);
        let rb = c.get(b);
        w.join().unwrap();
        assert!(ra.is_none() || ra == Some(CA), "site a read {ra:?}");
        assert!(rb.is_none() || rb == Some(CB), "site b read {rb:?}");
        // Nobody else wrote: the writer's class is in.
        assert_eq!(c.get(b), Some(CB));
    });
}

/// Two writers of different sites race for the entry and a reader reads: one writer or none
/// wins each round, and whatever is read is a site's own class.
pub(super) fn seq_two_writers() {
    model(|| {
        let (a, b) = (site(0), site(1));
        let c = Arc::new(OneEntry::new());
        let wa = {
            let c = c.clone();
            thread::spawn(move || c.put(a, CA))
        };
        c.put(b, CB);
        let (ra, rb) = (c.get(a), c.get(b));
        wa.join().unwrap();
        assert!(ra.is_none() || ra == Some(CA), "site a read {ra:?}");
        assert!(rb.is_none() || rb == Some(CB), "site b read {rb:?}");
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
        let (c, w) = a_cached_b_writing();
        c.forget(core::ptr::from_ref(a) as usize, 1);
        w.join().unwrap();
        assert_eq!(
            c.get(a),
            None,
            "site a still cached after its module was forgotten"
        );
        let rb = c.get(b);
        assert!(rb.is_none() || rb == Some(CB), "site b read {rb:?}");
    });
}
