//! A rate limit on consumed capacity: after each request, wait until the units consumed so far
//! fit the rate since the start.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Capacity units per second, shared by a run's segments.
pub(crate) struct Limiter {
    rate: Option<f64>,
    /// When the run started, and the units consumed since.
    spent: Mutex<(Instant, f64)>,
}

impl Limiter {
    pub(crate) fn new(rate: Option<f64>) -> Self {
        Self {
            rate,
            spent: Mutex::new((Instant::now(), 0.0)),
        }
    }

    /// Records `units` consumed (a request the server reported none for counts one) and waits
    /// as long as the rate asks.
    pub(crate) async fn spend(&self, units: Option<f64>) {
        let wait = self.wait(units.unwrap_or(1.0), Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// How long to wait at `now` after consuming `units` more.
    fn wait(&self, units: f64, now: Instant) -> Duration {
        let Some(rate) = self.rate else {
            return Duration::ZERO;
        };
        let mut spent = self.spent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        spent.1 += units;
        let due = spent.0 + Duration::from_secs_f64(spent.1 / rate);
        due.saturating_duration_since(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_keeps_consumption_at_the_rate() {
        let limiter = Limiter::new(Some(10.0));
        let start = limiter.spent.lock().expect("lock").0;
        // 5 units at the start: due half a second in.
        assert_eq!(limiter.wait(5.0, start), Duration::from_millis(500));
        // 5 more after 2 seconds: due at 1 s, already past.
        assert_eq!(limiter.wait(5.0, start + Duration::from_secs(2)), Duration::ZERO);
        // 30 more at 2 s: 40 units are due at 4 s.
        assert_eq!(
            limiter.wait(30.0, start + Duration::from_secs(2)),
            Duration::from_secs(2)
        );
        assert_eq!(Limiter::new(None).wait(1e9, start), Duration::ZERO);
    }
}
