//! Host mirror of the lock-class strategies (skeleton).
