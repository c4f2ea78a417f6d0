// SPDX-License-Identifier: GPL-2.0

//! The strategies without a table: `noop` (the harness baseline), `location` (the `Location`
//! as a static key) and `macro` (today's API, one `static` key per call site).

use super::{Env, Held, Strategy};
use core::marker::PhantomData;

macro_rules! static_strategy {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $class:ident) => {
        $(#[$doc])*
        pub struct $ty<E>(PhantomData<fn() -> E>);

        impl<E: Env> $ty<E> {
            /// The strategy (it has no state).
            pub const fn empty() -> Self {
                Self(PhantomData)
            }
        }

        impl<E: Env> Strategy for $ty<E> {
            type Env = E;
            const NAME: &'static str = $name;
            const ATOMIC_SAFE: bool = true;

            fn new() -> Self {
                Self::empty()
            }

            #[inline(always)]
            fn class(&self, site: &'static E::Site, _flags: E::Flags) -> Held<'_, E> {
                Held::lasting(E::$class(site))
            }
        }
    };
}

static_strategy!(
    /// `noop`: no work, the call site's own address. Shows what the harness costs.
    Noop,
    "noop",
    site_class
);
static_strategy!(
    /// `location`: no table; the `Location` object's address is the static key (lockdep
    /// accepts any address in kernel or module static memory). Zero lookup cost, but one
    /// site can have several `Location` objects (one per crate instantiating a generic), and
    /// the keys live in the module's memory, so they go away with it.
    LocationKey,
    "location",
    location_class
);
static_strategy!(
    /// `macro`: today's API. `static_lock_class!()` at each call site makes one `static` key
    /// per expansion: zero run-time cost, infallible, but lock constructors must be macros.
    Macro,
    "macro",
    macro_class
);
