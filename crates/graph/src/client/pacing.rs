//! Client-side pacing: one token bucket per throttling family, per client (= per tenant).
//!
//! The buckets do not reserve: a request waits (holding nothing) until every bucket it needs has
//! enough tokens, then takes a concurrency permit and takes the tokens atomically right before it
//! is sent. Taking tokens at the moment of sending means requests that queued behind the
//! concurrency limit can never bunch up and exceed the service's own bucket.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tenantatlas_core::kinds::ThrottleFamily;
use tokio::time::Instant;

/// A limit: at most `requests` per `per`, refilled continuously; bursts up to `requests`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub requests: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn new(requests: u32, per: Duration) -> Self {
        Rate { requests, per }
    }

    fn per_second(self) -> f64 {
        f64::from(self.requests.max(1)) / self.per.as_secs_f64().max(f64::EPSILON)
    }

    /// The time between two requests at a steady rate.
    pub fn interval(self) -> Duration {
        self.per / self.requests.max(1)
    }
}

/// Client-side limits per throttling family. The defaults sit about 10 % below Microsoft's
/// documented per-app-and-tenant limits, so a lone TenantAtlas never meets a 429 of its own making
/// and leaves some room for other apps in the tenant.
#[derive(Clone, Debug, PartialEq)]
pub struct Pacing {
    /// Documented 1000 / 20 s.
    pub intune_config: Rate,
    /// Documented 2000 / 20 s.
    pub intune_scripts: Rate,
    /// Documented 1 / s per tenant for all apps; bursts of one only.
    pub conditional_access: Rate,
    /// Documented 3500 resource units / 10 s for the smallest tenants.
    pub directory: Rate,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing {
            intune_config: Rate::new(900, Duration::from_secs(20)),
            intune_scripts: Rate::new(1800, Duration::from_secs(20)),
            conditional_access: Rate::new(1, Duration::from_millis(1100)),
            directory: Rate::new(3000, Duration::from_secs(10)),
        }
    }
}

impl Pacing {
    pub fn rate(&self, family: ThrottleFamily) -> Rate {
        match family {
            ThrottleFamily::IntuneConfig => self.intune_config,
            ThrottleFamily::IntuneScripts => self.intune_scripts,
            ThrottleFamily::ConditionalAccess => self.conditional_access,
            ThrottleFamily::Directory => self.directory,
        }
    }

    /// The most requests of a family that may leave at the same instant (a `$batch` holds no
    /// more sub-requests of a family than this).
    pub fn burst(&self, family: ThrottleFamily) -> usize {
        self.rate(family).requests.max(1) as usize
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    last: Instant,
    /// Set after a 429: the service told us (or we decided) to leave the family alone until then.
    hold_until: Option<Instant>,
}

impl Bucket {
    fn new(rate: Rate, now: Instant) -> Self {
        let capacity = f64::from(rate.requests.max(1));
        Bucket {
            tokens: capacity,
            capacity,
            per_second: rate.per_second(),
            last: now,
            hold_until: None,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = now;
    }

    /// How long until `n` tokens are available and no hold applies.
    fn wait(&self, n: u32, now: Instant) -> Duration {
        let needed = f64::from(n).min(self.capacity);
        let refill = if self.tokens >= needed {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((needed - self.tokens) / self.per_second)
        };
        let hold = self
            .hold_until
            .map(|until| until.saturating_duration_since(now))
            .unwrap_or_default();
        refill.max(hold)
    }
}

/// The buckets of one client.
#[derive(Debug)]
pub(crate) struct Pacer {
    pacing: Pacing,
    buckets: Mutex<HashMap<ThrottleFamily, Bucket>>,
}

/// What a request costs: tokens per family.
pub(crate) type Cost = [(ThrottleFamily, u32)];

impl Pacer {
    pub(crate) fn new(pacing: Pacing) -> Self {
        Pacer {
            pacing,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn pacing(&self) -> &Pacing {
        &self.pacing
    }

    fn with_buckets<T>(
        &self,
        now: Instant,
        f: impl FnOnce(&mut HashMap<ThrottleFamily, Bucket>) -> T,
    ) -> T {
        // A panic while holding this lock cannot leave a bucket half-updated in a way that
        // matters, so a poisoned lock is simply taken over.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        for family in [
            ThrottleFamily::IntuneConfig,
            ThrottleFamily::IntuneScripts,
            ThrottleFamily::ConditionalAccess,
            ThrottleFamily::Directory,
        ] {
            buckets
                .entry(family)
                .or_insert_with(|| Bucket::new(self.pacing.rate(family), now))
                .refill(now);
        }
        f(&mut buckets)
    }

    /// How long until every bucket in `cost` can pay (zero when it can now).
    pub(crate) fn wait(&self, cost: &Cost, now: Instant) -> Duration {
        self.with_buckets(now, |buckets| {
            cost.iter()
                .map(|(family, n)| {
                    buckets
                        .get(family)
                        .map(|b| b.wait(*n, now))
                        .unwrap_or_default()
                })
                .max()
                .unwrap_or_default()
        })
    }

    /// Takes the tokens of `cost` from every bucket if all can pay now; otherwise takes nothing.
    pub(crate) fn try_take(&self, cost: &Cost, now: Instant) -> bool {
        self.with_buckets(now, |buckets| {
            let ready = cost.iter().all(|(family, n)| {
                buckets
                    .get(family)
                    .map(|b| b.wait(*n, now).is_zero())
                    .unwrap_or(true)
            });
            if ready {
                for (family, n) in cost {
                    if let Some(bucket) = buckets.get_mut(family) {
                        bucket.tokens -= f64::from(*n).min(bucket.capacity);
                    }
                }
            }
            ready
        })
    }

    /// Keeps a family quiet until `until` (after a 429), unless it is already held longer.
    pub(crate) fn hold(&self, family: ThrottleFamily, until: Instant) {
        let now = Instant::now();
        tracing::debug!(
            family = ?family,
            hold_ms = until.saturating_duration_since(now).as_millis() as u64,
            "throttled: the family waits"
        );
        self.with_buckets(now, |buckets| {
            if let Some(bucket) = buckets.get_mut(&family) {
                bucket.hold_until = Some(bucket.hold_until.map_or(until, |held| held.max(until)));
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pacer(rate: Rate) -> Pacer {
        Pacer::new(Pacing {
            intune_config: rate,
            ..Pacing::default()
        })
    }

    #[test]
    fn bursts_up_to_the_limit_then_refills_at_the_rate() {
        let p = pacer(Rate::new(10, Duration::from_secs(1)));
        let cost = [(ThrottleFamily::IntuneConfig, 1)];
        let now = Instant::now();
        for _ in 0..10 {
            assert!(p.try_take(&cost, now));
        }
        assert!(!p.try_take(&cost, now));
        let wait = p.wait(&cost, now);
        assert!(
            wait > Duration::from_millis(95) && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        assert!(p.try_take(&cost, now + Duration::from_millis(100)));
    }

    #[test]
    fn conditional_access_goes_one_at_a_time_every_1_1_seconds() {
        let p = Pacer::new(Pacing::default());
        let cost = [(ThrottleFamily::ConditionalAccess, 1)];
        let now = Instant::now();
        assert!(p.try_take(&cost, now));
        assert_eq!(p.wait(&cost, now), Duration::from_millis(1100));
        // A batch asking for more than the burst only waits for a full bucket.
        assert_eq!(
            p.wait(
                &[(ThrottleFamily::ConditionalAccess, 5)],
                now + Duration::from_millis(1100)
            ),
            Duration::ZERO
        );
    }

    #[test]
    fn a_batch_takes_from_every_family_or_from_none() {
        let p = pacer(Rate::new(2, Duration::from_secs(1)));
        let now = Instant::now();
        assert!(p.try_take(&[(ThrottleFamily::IntuneConfig, 2)], now));
        let mixed = [
            (ThrottleFamily::Directory, 5),
            (ThrottleFamily::IntuneConfig, 1),
        ];
        assert!(!p.try_take(&mixed, now));
        // The directory bucket was not charged for the refused batch.
        assert!(p.try_take(&[(ThrottleFamily::Directory, 3000)], now));
    }

    #[test]
    fn a_hold_delays_the_family_only() {
        let p = Pacer::new(Pacing::default());
        let now = Instant::now();
        p.hold(ThrottleFamily::IntuneConfig, now + Duration::from_secs(3));
        assert!(p.wait(&[(ThrottleFamily::IntuneConfig, 1)], now) > Duration::from_secs(2));
        assert_eq!(
            p.wait(&[(ThrottleFamily::Directory, 1)], now),
            Duration::ZERO
        );
        // A shorter hold does not shorten a longer one.
        p.hold(ThrottleFamily::IntuneConfig, now + Duration::from_secs(1));
        assert!(p.wait(&[(ThrottleFamily::IntuneConfig, 1)], now) > Duration::from_secs(2));
    }
}
