//! Absolute CLOCK_MONOTONIC deadlines, in milliseconds and nanoseconds.
use rustix::time::{ClockId, Timespec, clock_gettime};

/// A point on CLOCK_MONOTONIC, in nanoseconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Instant(pub u64);

impl Instant {
    pub fn now() -> Instant {
        let t = clock_gettime(ClockId::Monotonic);
        Instant(t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64)
    }
    #[inline(never)]
    pub fn after_ms(self, ms: u64) -> Instant {
        Instant(self.0.saturating_add(ms.saturating_mul(1_000_000)))
    }
    /// The time left from `now` until `self` (zero when past), for `poll`.
    pub fn until(self, now: Instant) -> Timespec {
        let d = self.0.saturating_sub(now.0);
        Timespec { tv_sec: (d / 1_000_000_000) as i64, tv_nsec: (d % 1_000_000_000) as i64 }
    }
}
