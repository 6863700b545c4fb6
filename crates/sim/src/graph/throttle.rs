//! Throttling as Microsoft documents it: token buckets per app per tenant and per tenant for all
//! apps, by service family. Each Graph request — including each `$batch` sub-request — takes one
//! token from every bucket that applies; an empty bucket answers 429.
//!
//! Limits (Microsoft Graph throttling guidance): Intune configuration 1000 / 20 s per app and tenant,
//! 2000 / 20 s per tenant; Intune writes 100 / 20 s per app and tenant, 200 per tenant; Intune
//! scripts and devices 2000 / 4000; conditional access 1 request / s per tenant for all apps (with no
//! `Retry-After`); Entra directory 3500 resource units / 10 s per app and tenant (small tenants).

use crate::kinds::Family;
use std::collections::HashMap;
use std::time::Instant;

#[derive(Clone, Debug)]
struct Bucket {
    tokens: f64,
    capacity: f64,
    per_second: f64,
    last: Instant,
}

impl Bucket {
    fn new(limit: f64, window_seconds: f64, now: Instant) -> Self {
        Bucket {
            tokens: limit,
            capacity: limit,
            per_second: limit / window_seconds,
            last: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.capacity);
        self.last = now;
    }

    /// Seconds until one token is available (0 when one is).
    fn wait(&self) -> f64 {
        if self.tokens >= 1.0 {
            0.0
        } else {
            (1.0 - self.tokens) / self.per_second
        }
    }
}

/// Which limit a request counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Scope {
    App,
    Tenant,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    tenant: String,
    app: Option<String>,
    family: Family,
    write: bool,
}

/// All buckets of a simulator.
#[derive(Default)]
pub struct Buckets {
    buckets: HashMap<Key, Bucket>,
}

/// The outcome of asking for a token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Admission {
    Allowed,
    /// Throttled; `retry_after` is `None` where the service sends no `Retry-After`.
    Throttled {
        retry_after: Option<u64>,
    },
}

fn limit(family: Family, write: bool, scope: Scope) -> Option<(f64, f64)> {
    let per = |app: f64, tenant: f64, window: f64| {
        Some((if scope == Scope::App { app } else { tenant }, window))
    };
    match (family, write) {
        (Family::IntuneConfig, false) => per(1000.0, 2000.0, 20.0),
        (Family::IntuneConfig, true) | (Family::IntuneScripts, true) => per(100.0, 200.0, 20.0),
        (Family::IntuneScripts, false) => per(2000.0, 4000.0, 20.0),
        (Family::ConditionalAccess, _) if scope == Scope::Tenant => Some((1.0, 1.0)),
        (Family::ConditionalAccess, _) => None,
        (Family::Directory, _) => per(3500.0, 8000.0, 10.0),
    }
}

impl Buckets {
    /// Takes one token from every bucket that applies, or none if any is empty.
    pub fn admit(
        &mut self,
        tenant: &str,
        app: &str,
        family: Family,
        write: bool,
        now: Instant,
    ) -> Admission {
        let mut keys = Vec::new();
        for scope in [Scope::App, Scope::Tenant] {
            for write_bucket in [false, write] {
                let Some((limit, window)) = limit(family, write_bucket, scope) else {
                    continue;
                };
                let key = Key {
                    tenant: tenant.to_string(),
                    app: (scope == Scope::App).then(|| app.to_string()),
                    family,
                    write: write_bucket,
                };
                if !keys.iter().any(|(k, _, _)| k == &key) {
                    keys.push((key, limit, window));
                }
            }
        }
        let mut wait: f64 = 0.0;
        for (key, limit, window) in &keys {
            let bucket = self
                .buckets
                .entry(key.clone())
                .or_insert_with(|| Bucket::new(*limit, *window, now));
            bucket.refill(now);
            wait = wait.max(bucket.wait());
        }
        if wait > 0.0 {
            let retry_after =
                (family != Family::ConditionalAccess).then(|| wait.ceil().max(1.0) as u64);
            return Admission::Throttled { retry_after };
        }
        for (key, _, _) in &keys {
            if let Some(bucket) = self.buckets.get_mut(key) {
                bucket.tokens -= 1.0;
            }
        }
        Admission::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn intune_allows_1000_per_20_seconds_per_app() {
        let mut b = Buckets::default();
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert_eq!(
                b.admit("t", "app", Family::IntuneConfig, false, t0),
                Admission::Allowed
            );
        }
        assert_eq!(
            b.admit("t", "app", Family::IntuneConfig, false, t0),
            Admission::Throttled {
                retry_after: Some(1)
            }
        );
        // Another app has its own bucket but shares the tenant's 2000.
        assert_eq!(
            b.admit("t", "other", Family::IntuneConfig, false, t0),
            Admission::Allowed
        );
        // 50 requests per second refill.
        let later = t0 + Duration::from_millis(100);
        assert_eq!(
            b.admit("t", "app", Family::IntuneConfig, false, later),
            Admission::Allowed
        );
    }

    #[test]
    fn conditional_access_is_one_per_second_without_retry_after() {
        let mut b = Buckets::default();
        let t0 = Instant::now();
        assert_eq!(
            b.admit("t", "a", Family::ConditionalAccess, false, t0),
            Admission::Allowed
        );
        assert_eq!(
            b.admit("t", "b", Family::ConditionalAccess, false, t0),
            Admission::Throttled { retry_after: None }
        );
        assert_eq!(
            b.admit(
                "t",
                "a",
                Family::ConditionalAccess,
                false,
                t0 + Duration::from_secs(1)
            ),
            Admission::Allowed
        );
    }

    #[test]
    fn writes_have_their_own_smaller_limit() {
        let mut b = Buckets::default();
        let t0 = Instant::now();
        for _ in 0..100 {
            assert_eq!(
                b.admit("t", "a", Family::IntuneConfig, true, t0),
                Admission::Allowed
            );
        }
        assert!(matches!(
            b.admit("t", "a", Family::IntuneConfig, true, t0),
            Admission::Throttled { .. }
        ));
        assert_eq!(
            b.admit("t", "a", Family::IntuneConfig, false, t0),
            Admission::Allowed
        );
    }
}
