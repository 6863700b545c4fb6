//! When and how long to wait before trying again.

use rand::Rng;
use reqwest::header::HeaderMap;
use std::time::Duration;

/// Bounds of the retry loop. Throttling and failures are counted apart: a 429 is the service
/// asking us to slow down, not something going wrong, so it gets a larger budget.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts of one request that fails with 5xx, a reset connection or a timeout (6).
    pub max_attempts: u32,
    /// 429 answers one request may receive before the client gives up (10).
    pub max_throttled: u32,
    /// First backoff ceiling (1 s); doubles per attempt.
    pub backoff_base: Duration,
    /// Largest backoff (60 s).
    pub backoff_cap: Duration,
    /// A `Retry-After` above this is cut to it (300 s), so a broken header cannot park a sync.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            max_throttled: 10,
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32 << attempt.saturating_sub(1).min(16);
        self.backoff_base
            .saturating_mul(factor)
            .min(self.backoff_cap)
    }

    /// After the `attempt`-th failure (1-based): full jitter, uniform in `[0, min(cap, base·2^(n-1))]`.
    pub(crate) fn failure_delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt);
        rand::thread_rng().gen_range(Duration::ZERO..=ceiling)
    }

    /// After the `attempt`-th 429 without `Retry-After`: never below `base` (conditional access
    /// refills one request per second, so retrying sooner only earns another 429), jittered up to
    /// `min(cap, base·2^n)`.
    pub(crate) fn throttle_delay(&self, attempt: u32) -> Duration {
        let ceiling = self.ceiling(attempt + 1).max(self.backoff_base);
        rand::thread_rng().gen_range(self.backoff_base..=ceiling)
    }

    /// The `Retry-After` of a response in seconds, capped; `None` when absent or not a number.
    pub(crate) fn retry_after(&self, value: Option<&str>) -> Option<Duration> {
        let seconds: f64 = value?.trim().parse().ok()?;
        if !seconds.is_finite() || seconds < 0.0 {
            return None;
        }
        Some(Duration::from_secs_f64(seconds).min(self.max_retry_after))
    }

    pub(crate) fn retry_after_header(&self, headers: &HeaderMap) -> Option<Duration> {
        self.retry_after(
            headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
        )
    }
}

/// Statuses worth another attempt besides 429: the service or a gateway failed, not the request.
/// 501 and 505 will not change on retry.
pub(crate) fn transient_status(status: u16) -> bool {
    (500..600).contains(&status) && status != 501 && status != 505
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_backoff_grows_and_stays_under_the_cap() {
        let policy = RetryPolicy::default();
        for attempt in 1..=20 {
            let ceiling = policy.ceiling(attempt);
            assert!(policy.failure_delay(attempt) <= ceiling);
            assert!(ceiling <= Duration::from_secs(60));
        }
        assert_eq!(policy.ceiling(1), Duration::from_secs(1));
        assert_eq!(policy.ceiling(3), Duration::from_secs(4));
        assert_eq!(policy.ceiling(30), Duration::from_secs(60));
    }

    #[test]
    fn throttle_backoff_waits_at_least_a_second() {
        let policy = RetryPolicy::default();
        for attempt in 1..=12 {
            let delay = policy.throttle_delay(attempt);
            assert!(
                delay >= Duration::from_secs(1) && delay <= Duration::from_secs(60),
                "{delay:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_seconds_and_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.retry_after(Some("7")), Some(Duration::from_secs(7)));
        assert_eq!(
            policy.retry_after(Some(" 0.5 ")),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            policy.retry_after(Some("86400")),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            policy.retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
        assert_eq!(policy.retry_after(Some("-1")), None);
        assert_eq!(policy.retry_after(None), None);
    }

    #[test]
    fn only_server_side_failures_are_transient() {
        assert!(
            transient_status(500)
                && transient_status(502)
                && transient_status(503)
                && transient_status(504)
        );
        assert!(!transient_status(501) && !transient_status(404) && !transient_status(429));
    }
}
