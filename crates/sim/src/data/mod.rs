//! Deterministic generation of a realistic MSP portfolio: tenants, directories and configuration.
//!
//! Everything is derived from `GenerateOptions::seed` through one `ChaCha8Rng` stream (each tenant
//! gets its own sub-seed drawn from it), so the same seed and options give byte-identical output.
//! GUIDs come from the generator, never from `uuid::new_v4`; timestamps are offsets back from a
//! fixed "now" of 2026-01-01T00:00:00Z, written in Graph's seven-digit format.
//!
//! The portfolio is built from *designs*: one realistic object per design (a settings catalog
//! template, a compliance policy, a CA policy, …), kept as a [`Proto`] without ids, timestamps or
//! tenant-specific references (those are `$…` placeholders resolved per tenant). The first designs
//! of each kind are the MSP's **golden** standard ("MSP - Win - BitLocker"); the rest and copies of
//! the golden ones fill each tenant up to its quota as tenant-specific extras.
//!
//! # Rules tests can rely on
//!
//! - Objects per tenant equal `objects_per_tenant` exactly; the split over kinds depends only on
//!   that number (see [`portfolio::quotas`]): with fewer objects than kinds, kinds are served in
//!   priority order (settings catalog, device configurations, compliance, CA, filters, …).
//! - Tenant 0: every scope in `model::ALL_SCOPES`, `device_code_allowed = true`, and it is the
//!   clean reference: every golden object that fits its quota, with golden content, no deviation.
//! - Tenant 1: `device_code_allowed = false` (with a "Block device code flow" CA policy when the CA
//!   quota allows), all scopes.
//! - Tenant 2: lacks `Policy.Read.All` and `Policy.ReadWrite.ConditionalAccess`, device code allowed.
//! - Other tenants: about 10 % refuse device code, about 15 % lack one random scope (never
//!   `User.Read`), about 25 % carry deviations from golden content, about 30 % miss some golden
//!   objects. [`Generated::manifests`] records exactly which, per tenant.
//! - Golden objects have the same names, content and assignment *group names* in every tenant
//!   unless the manifest lists them as deviated; ids, timestamps, `version` and referenced ids differ.
//! - Every assignment references a group and filter of its own tenant; every `settingDefinitionId`
//!   and every choice value used in settings has a definition in `setting_definitions`.
//! - Users: the first is the Intune admin `admin@<domain>` ("<tenant name> Admin"), the second the
//!   break-glass account; groups include the MSP's standard groups (`SG-Intune-…`) in every tenant.

mod access;
mod admx;
mod apps;
mod catalog;
pub(crate) mod entra;
mod identity;
mod intune;
pub(crate) mod intune_more;
mod materialise;
mod names;
mod portfolio;
mod scripts;
mod templates;
pub(crate) mod tenant_settings;

pub use tenant_settings::singleton_paths;
#[cfg(test)]
mod tests;

use crate::model::SimTenant;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The Entra collections and singletons generated on top of `--objects` (`data::entra`).
pub use entra::{KEYS as ENTRA_COLLECTIONS, SINGLETON_KEYS as ENTRA_SINGLETONS};
pub use portfolio::{Deviation, TenantManifest};
/// The collections of tenant-wide settings generated on top of `--objects` (device categories,
/// Apple and Android connections, …): what the demo counts apart from the portfolio.
pub use tenant_settings::KEYS as TENANT_SETTINGS;

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    pub seed: u64,
    pub tenants: usize,
    /// Configuration objects per tenant, across all kinds (groups are not counted).
    pub objects_per_tenant: usize,
}

/// The generated cloud.
#[derive(Clone, Debug, Default)]
pub struct Generated {
    pub tenants: Vec<SimTenant>,
    /// Settings catalog definitions (`#microsoft.graph.deviceManagementConfigurationSettingDefinition`
    /// and subtypes), served by `/deviceManagement/configurationSettings` in every tenant.
    pub setting_definitions: Vec<Value>,
    /// What the generator did to each tenant (same order as `tenants`): golden objects missing,
    /// deviations from golden content, tenant-specific extras. Ground truth for drift tests.
    pub manifests: Vec<TenantManifest>,
    /// The golden (MSP standard) objects that fit the quota, as `(kind key, display name)`.
    pub golden: Vec<(String, String)>,
}

/// Generates the whole simulated cloud.
pub fn generate(options: &GenerateOptions) -> Generated {
    let library = portfolio::Library::build();
    let quotas = portfolio::quotas(options.objects_per_tenant);
    let mut master = Gen::new(options.seed);
    let mut out = Generated {
        setting_definitions: catalog::definitions().to_vec(),
        golden: library.golden_names(&quotas),
        ..Default::default()
    };
    let mut used_domains = std::collections::HashSet::new();
    for index in 0..options.tenants {
        let mut gen = Gen::new(master.next_u64());
        let identity = identity::tenant_identity(index, &mut gen, &mut used_domains);
        let (mut tenant, manifest) = portfolio::build_tenant(identity, &library, &quotas, &mut gen);
        tenant_settings::add(&mut tenant, index);
        entra::add(&mut tenant, index);
        intune_more::add(&mut tenant);
        out.tenants.push(tenant);
        out.manifests.push(manifest);
    }
    out
}

/// Graph's "now" for generated data: 2026-01-01T00:00:00Z as Unix seconds.
pub(crate) const NOW: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

/// The random source for one tenant (or the master stream), with the helpers generation needs.
pub(crate) struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    pub(crate) fn new(seed: u64) -> Self {
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A number in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.rng.gen_range(0..n)
        }
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            self.rng.gen_range(lo..=hi)
        }
    }

    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p.clamp(0.0, 1.0))
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A random version-4 style GUID, lowercase.
    pub(crate) fn guid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        self.rng.fill_bytes(&mut bytes);
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        format_guid(&bytes)
    }

    /// A Graph timestamp between `min_days` and `max_days` before [`NOW`].
    pub(crate) fn days_ago(&mut self, min_days: i64, max_days: i64) -> i64 {
        NOW - self.range(min_days * DAY, max_days * DAY)
    }

    /// Formats Unix seconds with random sub-second ticks, as Graph writes Intune timestamps.
    pub(crate) fn stamp(&mut self, secs: i64) -> String {
        let ticks = self.range(0, 9_999_999);
        graph_time(secs, Some(ticks as u32))
    }
}

/// `2026-03-04T10:22:31.1234567Z` (with ticks) or `2026-03-04T10:22:31Z` (without).
pub(crate) fn graph_time(secs: i64, ticks: Option<u32>) -> String {
    let t =
        time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    match ticks {
        Some(ticks) => format!("{base}.{ticks:07}Z"),
        None => format!("{base}Z"),
    }
}

fn format_guid(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// A GUID that depends only on `key`: for objects Microsoft ships with the same id in every
/// tenant (built-in roles, templates, setting categories, ADMX definitions).
pub(crate) fn stable_guid(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format_guid(&bytes)
}

/// Builds a JSON object from `serde_json::json!` output; the designs use it for brevity.
pub(crate) fn obj(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Base64 of a script or payload body.
pub(crate) fn b64(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text.as_bytes())
}
