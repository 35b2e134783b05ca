//! [`RetryPolicy`]: how batches retry what DynamoDB left unprocessed, and how many requests
//! they run at once.

use std::time::Duration;

/// How batches retry what DynamoDB left unprocessed (or throttled), and how many requests
/// one call runs at once. The delay before retry `n` (from 0) is a random duration from zero
/// to `min(cap, base × 2ⁿ)`: exponential backoff with full jitter.
///
/// ```
/// use std::time::Duration;
/// use ddbgen_runtime::RetryPolicy;
///
/// let patient = RetryPolicy { attempts: 20, cap: Duration::from_secs(10), ..RetryPolicy::default() };
/// assert_eq!(patient.concurrency, RetryPolicy::default().concurrency);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests per chunk, the first included; what is unprocessed after the last is returned.
    pub attempts: u32,
    /// The first retry's delay bound.
    pub base: Duration,
    /// The largest delay bound.
    pub cap: Duration,
    /// Chunks sent at once.
    pub concurrency: usize,
}

impl Default for RetryPolicy {
    /// 10 attempts, 25 ms base, 2 s cap, 4 chunks at once.
    fn default() -> Self {
        Self {
            attempts: 10,
            base: Duration::from_millis(25),
            cap: Duration::from_secs(2),
            concurrency: 4,
        }
    }
}

impl RetryPolicy {
    /// The delay before retry `retry` (from 0): uniform in `[0, min(cap, base × 2^retry)]`.
    pub fn delay(&self, retry: u32) -> Duration {
        let bound = self.base.saturating_mul(1u32 << retry.min(20)).min(self.cap);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        // Without randomness (which does not happen on supported platforms), wait the bound.
        let random = getrandom::u64().unwrap_or(u64::MAX);
        Duration::from_nanos(random % (nanos + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_exponentially_within_the_cap_and_jitter() {
        let policy = RetryPolicy {
            attempts: 5,
            base: Duration::from_millis(10),
            cap: Duration::from_millis(100),
            concurrency: 1,
        };
        for retry in 0..40 {
            let bound = Duration::from_millis(10 * (1u64 << retry.min(20))).min(Duration::from_millis(100));
            for _ in 0..20 {
                assert!(policy.delay(retry) <= bound);
            }
        }
        let delays: std::collections::HashSet<Duration> = (0..20).map(|_| policy.delay(3)).collect();
        assert!(delays.len() > 1, "full jitter draws different delays");
    }
}
