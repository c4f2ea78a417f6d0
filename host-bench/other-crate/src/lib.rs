//! A second crate (skeleton).
