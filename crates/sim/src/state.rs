//! Shared mutable state of a running simulator: the tenants, issued tokens and codes, the clock,
//! throttling buckets and request statistics. One mutex guards it all; requests are short.

use crate::graph::throttle::Buckets;
use crate::model::{SimApp, SimTenant};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Options that shape behaviour at run time (as opposed to the generated data).
#[derive(Clone, Debug)]
pub struct Behaviour {
    /// Approve every device code as soon as it is issued, and every `/authorize` request without a page.
    pub auto_approve: bool,
    /// Probability of an injected 429 per Graph request (and per `$batch` sub-request).
    pub throttle_rate: f64,
    /// Probability of an injected fault (5xx or reset connection) per Graph HTTP request.
    pub fault_rate: f64,
    /// Injected 429s and faults hit one request (the same method, URL and body) at most this many
    /// times in a row, so a client that retries more often always gets through: tests that inject
    /// failures can never exhaust a correct client's retries by chance. The service has no such
    /// limit; injection is a test device.
    pub max_injected_in_a_row: u32,
    /// `Retry-After` (seconds) of an injected 429 outside Conditional Access, which sends none.
    pub injected_retry_after: u64,
    /// Added to every Graph and identity response.
    pub latency: Duration,
    /// Overrides every collection's default page size when set (never above the kind's `$top` limit).
    pub page_size: Option<usize>,
    /// Lifetime of access tokens.
    pub access_token_lifetime: Duration,
    /// Polling interval announced for device codes.
    pub device_code_interval: u64,
    /// Lifetime of device codes.
    pub device_code_lifetime: u64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            auto_approve: false,
            throttle_rate: 0.0,
            fault_rate: 0.0,
            max_injected_in_a_row: 3,
            injected_retry_after: 1,
            latency: Duration::ZERO,
            page_size: None,
            access_token_lifetime: Duration::from_secs(3599),
            device_code_interval: 5,
            device_code_lifetime: 900,
        }
    }
}

/// What an access token grants, looked up by Graph on every request.
#[derive(Clone, Debug)]
pub struct AccessGrant {
    pub tenant_id: String,
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
    pub expires_at: u64,
    pub revoked: bool,
}

/// How long a refresh token may go unused: Entra's `MaxInactiveTime`, 90 days, which can no
/// longer be configured (entra-docs `configurable-token-lifetimes.md`). Every token a refresh
/// issues starts a new window; the chain itself has no maximum age (`MaxAgeSingleFactor` and
/// `MaxAgeMultiFactor` are "until-revoked").
pub const REFRESH_TOKEN_MAX_INACTIVE: u64 = 90 * 24 * 3600;

/// A refresh token's session.
#[derive(Clone, Debug)]
pub struct RefreshGrant {
    pub tenant_id: String,
    pub client_id: String,
    pub user_id: String,
    /// Scopes as requested at sign-in (resource scopes only).
    pub scopes: Vec<String>,
    pub revoked: bool,
    /// Set once the token was redeemed: refresh tokens rotate, the old one stops working.
    pub redeemed: bool,
    /// When it was issued (simulator clock, Unix seconds); it expires
    /// [`REFRESH_TOKEN_MAX_INACTIVE`] later unless redeemed before.
    pub issued_at: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceCodeStatus {
    Pending,
    Approved,
    Declined,
    Redeemed,
}

#[derive(Clone, Debug)]
pub struct DeviceCodeGrant {
    pub user_code: String,
    pub client_id: String,
    /// The tenant in the authority path (`common`, `organizations`, a GUID or a domain).
    pub authority_tenant: String,
    /// The tenant whose user approved (set on approval).
    pub tenant_id: Option<String>,
    pub scopes: Vec<String>,
    pub expires_at: u64,
    pub interval: u64,
    pub last_poll: Option<u64>,
    pub status: DeviceCodeStatus,
}

#[derive(Clone, Debug)]
pub struct AuthCodeGrant {
    pub client_id: String,
    pub tenant_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub scopes: Vec<String>,
    pub nonce: Option<String>,
    pub expires_at: u64,
}

/// Request counts, for tests and benchmarks (`GET /_sim/stats`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// HTTP requests that reached the Graph host (each `$batch` counts once).
    pub requests: u64,
    /// Graph requests as throttling counts them: every `$batch` sub-request counts.
    pub graph_calls: u64,
    pub batches: u64,
    /// 429 responses, including those inside `$batch` responses.
    pub throttled: u64,
    pub faults: u64,
    /// HTTP requests to the identity host.
    pub identity_requests: u64,
    /// Graph calls by method and path template (`GET /beta/deviceManagement/deviceConfigurations/{id}`).
    pub by_route: BTreeMap<String, u64>,
}

/// Everything the simulator knows.
pub struct World {
    pub tenants: Vec<SimTenant>,
    /// App registrations, with their admin consent per tenant (see `identity::apps`).
    pub apps: Vec<SimApp>,
    pub setting_definitions: Vec<Value>,
    pub access_tokens: HashMap<String, AccessGrant>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub device_codes: HashMap<String, DeviceCodeGrant>,
    pub auth_codes: HashMap<String, AuthCodeGrant>,
    pub buckets: Buckets,
    pub stats: Stats,
    pub behaviour: Behaviour,
    /// Seconds added to the wall clock (`POST /_sim/clock`), so tests can expire tokens and codes.
    pub clock_offset: u64,
    pub rng: ChaCha8Rng,
    /// The sign-in host's base URL, for `WWW-Authenticate` challenges.
    pub authority: String,
    /// How many times in a row each request (by `injection_key`) met an injected failure.
    pub injection_streaks: HashMap<String, u32>,
    /// The Graph call being answered (method, version, path, query), for injected 429s.
    pub injection_key: String,
}

impl World {
    pub fn new(
        tenants: Vec<SimTenant>,
        setting_definitions: Vec<Value>,
        behaviour: Behaviour,
        seed: u64,
    ) -> Self {
        World {
            apps: crate::identity::portfolio_apps(&tenants),
            tenants,
            setting_definitions,
            access_tokens: HashMap::new(),
            refresh_tokens: HashMap::new(),
            device_codes: HashMap::new(),
            auth_codes: HashMap::new(),
            buckets: Buckets::default(),
            stats: Stats::default(),
            behaviour,
            clock_offset: 0,
            // Runtime randomness (tokens, injected faults) is seeded too, but request interleaving
            // makes it differ between runs; generated data never depends on it.
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_5eed),
            authority: String::new(),
            injection_streaks: HashMap::new(),
            injection_key: String::new(),
        }
    }

    /// Seconds since the Unix epoch on the simulator's clock.
    pub fn now(&self) -> u64 {
        unix_now() + self.clock_offset
    }

    /// The simulator's clock as `SystemTime`.
    pub fn now_time(&self) -> SystemTime {
        SystemTime::now() + Duration::from_secs(self.clock_offset)
    }

    /// Finds a tenant by GUID or by one of its domains, case-insensitively.
    pub fn tenant_index(&self, id_or_domain: &str) -> Option<usize> {
        self.tenants.iter().position(|t| {
            t.id.eq_ignore_ascii_case(id_or_domain) || t.domain.eq_ignore_ascii_case(id_or_domain)
        })
    }

    /// The app registration with this client id (case-insensitive), if one exists.
    pub fn app(&self, client_id: &str) -> Option<&SimApp> {
        self.apps
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }

    pub fn app_mut(&mut self, client_id: &str) -> Option<&mut SimApp> {
        self.apps
            .iter_mut()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }

    pub fn random_token(&mut self, bytes: usize) -> String {
        use base64::Engine;
        let raw: Vec<u8> = (0..bytes).map(|_| self.rng.gen()).collect();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
    }

    pub fn random_guid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.gen();
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        probability > 0.0 && self.rng.gen_bool(probability.min(1.0))
    }

    /// Whether to inject a failure into the request `key`: by `probability`, but never more than
    /// `max_injected_in_a_row` times in a row for one request.
    pub fn inject(&mut self, probability: f64, key: &str) -> bool {
        let streak = self.injection_streaks.get(key).copied().unwrap_or(0);
        if streak < self.behaviour.max_injected_in_a_row && self.chance(probability) {
            self.injection_streaks.insert(key.to_string(), streak + 1);
            true
        } else {
            if streak > 0 {
                self.injection_streaks.remove(key);
            }
            false
        }
    }
}

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats a time the way Graph does: `2026-03-04T10:22:31.1234567Z` (seven fractional digits).
pub fn graph_time(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let dt = time::OffsetDateTime::from_unix_timestamp(since.as_secs() as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        dt.year(),
        dt.month() as u8,
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        since.subsec_nanos() / 100
    )
}

/// Nanoseconds since the epoch, for unique temporary names.
pub fn unix_now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}
