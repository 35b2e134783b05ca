//! The audit clock: where `created` and `updated` come from. Injectable, so tests freeze time
//! instead of sleeping.

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

/// A source of the current time.
///
/// ```
/// use ddbgen_runtime::{Clock, SystemClock};
///
/// let before = ddbgen_runtime::codegen::Utc::now();
/// assert!(SystemClock.now() >= before);
/// ```
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
///
/// ```
/// use ddbgen_runtime::{Clock, SystemClock};
///
/// let _now = SystemClock.now();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told: for tests.
///
/// ```
/// use ddbgen_runtime::codegen::DateTime;
/// use ddbgen_runtime::{Clock, FixedClock};
///
/// let clock = FixedClock::new(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
/// let shared = clock.clone(); // give one to the repository, move time with the other
/// shared.set(DateTime::from_timestamp(1_700_000_100, 0).unwrap());
/// assert_eq!(clock.now().timestamp(), 1_700_000_100);
/// ```
#[derive(Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    /// A clock standing at `time`.
    pub fn new(time: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(time)))
    }

    /// Moves the clock (and every clone of it) to `time`.
    pub fn set(&self, time: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = time;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl fmt::Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FixedClock").field(&self.now()).finish()
    }
}
