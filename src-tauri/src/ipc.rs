//! What crosses IPC: the transport types of every command, generated into TypeScript in
//! `ui/src/lib/ipc/bindings/` (committed; a test fails when they drift from these types).
//!
//! They mirror engine types rather than re-export them, so the engine never depends on `ts-rs`
//! or `tauri`, and so nothing reaches the window by accident: a field is here because a screen
//! needs it. *Invariant:* no type here carries a token, key, passphrase or anything that could
//! open a tenant or the workspace — `tests::no_field_could_carry_a_secret` walks every command's
//! types and fails on a field whose name suggests one.

use serde::Serialize;
use tenantatlas_engine::ops::portfolio::{FindingCounts, PortfolioTenant};
use tenantatlas_engine::{EngineError, ProgressEvent};
use ts_rs::TS;

/// What kind of failure, for the UI to branch on (never on the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A tenant, object, version or run that does not exist.
    NotFound,
    /// Bad input (an argument, a file, a passphrase too weak for a new workspace).
    InvalidInput,
    /// Sign-in failed, was declined, revoked or expired.
    Auth,
    /// Microsoft Graph refused or failed.
    Graph,
    /// The workspace could not be opened or written (key, corruption, disk, held by another run).
    Workspace,
    /// The user cancelled.
    Cancelled,
    /// No workspace is open in this window: show the first-run screen.
    NoWorkspace,
    /// The same kind of work is already running in this window (a sync, the demo).
    Busy,
    /// Something that should not happen; the message says what.
    Internal,
}

/// Every command's error: a closed code and one line for people that says what to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError {
            code,
            message: message.into(),
        }
    }

    pub fn no_workspace() -> Self {
        CommandError::new(
            ErrorCode::NoWorkspace,
            "no workspace is open; open or create one, or explore the demo portfolio",
        )
    }
}

impl From<EngineError> for CommandError {
    fn from(e: EngineError) -> Self {
        use tenantatlas_engine::ErrorCode as E;
        let code = match e.code {
            E::NotFound => ErrorCode::NotFound,
            E::InvalidInput => ErrorCode::InvalidInput,
            E::Auth => ErrorCode::Auth,
            E::Graph => ErrorCode::Graph,
            E::Workspace => ErrorCode::Workspace,
            E::Cancelled => ErrorCode::Cancelled,
        };
        CommandError::new(code, e.message)
    }
}

/// How a workspace's database key is protected (from its `workspace.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// A random key in the OS keychain.
    Keychain,
    /// A key derived from a passphrase the engineer types.
    Passphrase,
}

/// The workspace open in this window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct OpenWorkspace {
    pub path: String,
    pub protection: Protection,
    /// The demo portfolio: invented data in a temporary folder, its simulated cloud running.
    pub demo: bool,
}

/// What the first-run screen needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct WorkspaceStatus {
    /// The default workspace folder (the OS's per-user data folder).
    pub default_path: String,
    /// Whether a workspace exists there.
    pub default_exists: bool,
    /// How the default workspace is protected; `None` when there is none yet.
    pub default_protection: Option<Protection>,
    /// Whether the OS keychain answers: a new workspace can keep its key there.
    pub keychain_available: bool,
    /// Whether opening the default workspace (or creating one, without a keychain) needs a
    /// passphrase typed in.
    pub passphrase_needed: bool,
    /// The workspace open in this window, if any.
    pub open: Option<OpenWorkspace>,
    /// The app was started to show the demo portfolio (`--demo`, as `cargo xtask demo` does):
    /// the window opens it at once. True in the first answer only.
    pub demo_requested: bool,
}

/// One step of the demo scenario, streamed while `open_demo` runs.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum DemoProgress {
    /// The simulated cloud is up, serving `tenants` customer tenants.
    CloudStarted { tenants: u32 },
    /// One tenant signed in (`sign_in`: `device_code` or `browser`).
    TenantConnected {
        name: String,
        domain: String,
        sign_in: String,
        done: u32,
        total: u32,
    },
    /// The first sync of every tenant; `tenant` events follow as each one progresses.
    Syncing { tenants: u32 },
    /// A step of one tenant's sync.
    Sync { progress: SyncProgress },
    /// The golden baseline was created from the reference tenant and assigned.
    BaselineAssigned { baseline: String, tenants: u32 },
    /// Drift was checked; findings are waiting.
    DriftChecked { tenants: u32, findings: u32 },
}

/// One step of a tenant's sync, streamed while `sync_all` (or the demo) runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncProgress {
    /// A tenant's sync started; `steps` is the number of kinds it will read.
    Started {
        tenant_id: String,
        name: String,
        steps: u32,
    },
    /// One kind of the tenant was read completely.
    KindRead {
        tenant_id: String,
        kind: String,
        objects: u32,
    },
    /// Per-object details are being read.
    DetailsRead {
        tenant_id: String,
        done: u32,
        total: u32,
    },
    /// The tenant's sync ended: `succeeded`, `partial` or `failed`.
    Finished { tenant_id: String, status: String },
    /// A report being made reached step `step` of `steps` (`what`: "typesetting", …); the tenant's
    /// domain for a review pack, none for the portfolio report.
    ReportStep {
        tenant: Option<String>,
        step: u32,
        steps: u32,
        what: String,
    },
}

impl From<ProgressEvent> for SyncProgress {
    fn from(event: ProgressEvent) -> Self {
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        match event {
            ProgressEvent::SyncStarted {
                tenant,
                name,
                steps,
            } => SyncProgress::Started {
                tenant_id: tenant,
                name,
                steps: n(steps),
            },
            ProgressEvent::KindRead {
                tenant,
                kind,
                objects,
            } => SyncProgress::KindRead {
                tenant_id: tenant,
                kind,
                objects: n(objects),
            },
            ProgressEvent::DetailsRead {
                tenant,
                done,
                total,
            } => SyncProgress::DetailsRead {
                tenant_id: tenant,
                done: n(done),
                total: n(total),
            },
            ProgressEvent::SyncFinished { tenant, status } => SyncProgress::Finished {
                tenant_id: tenant,
                status,
            },
            ProgressEvent::ReportStep {
                tenant,
                step,
                steps,
                what,
            } => SyncProgress::ReportStep {
                tenant,
                step: n(step),
                steps: n(steps),
                what,
            },
        }
    }
}

/// How one tenant's sync ended, in `sync_all`'s answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SyncOutcome {
    pub tenant_id: String,
    pub name: String,
    /// `succeeded`, `partial`, `failed`, or `cancelled`.
    pub status: String,
    pub objects: u32,
    pub versions_added: u32,
    /// Kinds not read for want of consent, and why.
    pub skipped: Vec<String>,
    /// The errors' messages (with Graph request ids where Microsoft gave one).
    pub errors: Vec<String>,
    pub duration_ms: u32,
}

/// Standing findings by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct SeverityCounts {
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub info: u32,
}

/// Standing findings by severity across the portfolio at the end of one day (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct DayFindings {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub findings: SeverityCounts,
    /// Tenants with a drift check on or before that day.
    pub checked: u32,
}

impl From<tenantatlas_engine::ops::portfolio::DayFindings> for DayFindings {
    fn from(d: tenantatlas_engine::ops::portfolio::DayFindings) -> Self {
        DayFindings {
            day: d.day,
            findings: severity_counts(&d.findings),
            checked: u32::try_from(d.checked).unwrap_or(u32::MAX),
        }
    }
}

/// One tenant on the portfolio screen.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct PortfolioRow {
    pub id: String,
    pub name: String,
    pub domain: String,
    /// `active`, `onboarding` or `archived`.
    pub state: String,
    /// When the last sync that captured a snapshot (succeeded or partial) ran; `None` before the
    /// first.
    pub last_good_sync: Option<String>,
    /// How the newest finished sync ended: `succeeded`, `partial` or `failed`.
    pub last_sync_status: Option<String>,
    /// When the newest finished sync started, whatever its outcome.
    pub last_sync_attempt: Option<String>,
    /// Since when the tenant's syncs have failed (`None` unless the newest failed).
    pub failing_since: Option<String>,
    /// Names of the baselines assigned to the tenant.
    pub baselines: Vec<String>,
    /// The newest drift run's score, 0–100; `None` before the first drift check.
    pub score: Option<f64>,
    /// The score in words: `good`, `needs_attention`, `at_risk`, `failing`, `not_checked`.
    pub rating: Option<String>,
    /// When the newest drift check ran.
    pub scored_at: Option<String>,
    /// The scores of the last (up to 10) drift runs, oldest first.
    pub score_trend: Vec<f64>,
    /// Open and acknowledged findings by severity.
    pub findings: SeverityCounts,
    /// Risk-accepted findings (with an exception still valid), counted apart.
    pub risk_accepted: u32,
    /// Graph permissions the tenant's consent lacks.
    pub missing_permissions: Vec<String>,
    /// When the saved sign-in lapses unless a sync uses it first.
    pub sign_in_lapses_at: Option<String>,
    /// `current`, `lapsing`, `expired`, `revoked` or `none`.
    pub sign_in_status: String,
    /// Only signing in again helps (expired, revoked, or no sign-in saved).
    pub needs_reconnect: bool,
}

fn severity_counts(c: &FindingCounts) -> SeverityCounts {
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    SeverityCounts {
        high: n(c.high),
        medium: n(c.medium),
        low: n(c.low),
        info: n(c.info),
    }
}

impl From<PortfolioTenant> for PortfolioRow {
    fn from(t: PortfolioTenant) -> Self {
        PortfolioRow {
            findings: severity_counts(&t.findings),
            risk_accepted: u32::try_from(t.risk_accepted).unwrap_or(u32::MAX),
            id: t.id,
            name: t.name,
            domain: t.domain,
            state: t.state,
            last_good_sync: t.last_good_sync,
            last_sync_status: t.last_sync_status,
            last_sync_attempt: t.last_sync_attempt,
            failing_since: t.failing_since,
            baselines: t.baselines,
            score: t.score,
            rating: t.rating,
            scored_at: t.scored_at,
            score_trend: t.score_trend,
            missing_permissions: t.missing_permissions,
            sign_in_lapses_at: t.sign_in_lapses_at,
            sign_in_status: t.sign_in_status,
            needs_reconnect: t.needs_reconnect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use ts_rs::{Config, TypeVisitor};

    /// Numbers cross IPC as JSON numbers, so `u64` is `number` in TypeScript, never `bigint`.
    fn config() -> Config {
        Config::new().with_large_int("number")
    }

    /// Every named type a command returns or streams, and every type those depend on, by name:
    /// the declaration ts-rs generates for it.
    fn command_types() -> BTreeMap<String, String> {
        struct Collect(BTreeMap<String, String>, Config);
        impl TypeVisitor for Collect {
            fn visit<T: TS + 'static + ?Sized>(&mut self) {
                let Some(path) = T::output_path() else {
                    return;
                };
                let name = path.file_stem().unwrap().to_string_lossy().to_string();
                if self.0.contains_key(&name) {
                    return;
                }
                self.0.insert(name, T::export_to_string(&self.1).unwrap());
                T::visit_dependencies(self);
            }
        }
        let mut all = Collect(BTreeMap::new(), config());
        crate::commands::visit_command_types(&mut all);
        all.0
    }

    fn bindings_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/ipc/bindings")
    }

    /// The UI imports the generated types from `ui/src/lib/ipc/bindings/`; this test fails when
    /// a Rust type changed and the committed TypeScript did not.
    #[test]
    fn typescript_bindings_are_current() {
        let update = std::env::var_os("UPDATE_BINDINGS").is_some();
        let mut stale = Vec::new();
        for (name, generated) in command_types() {
            let path = bindings_dir().join(format!("{name}.ts"));
            if update {
                std::fs::write(&path, &generated).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != generated {
                stale.push(path.display().to_string());
            }
        }
        assert!(
            stale.is_empty(),
            "{} out of date; run `UPDATE_BINDINGS=1 cargo test -p tenantatlas-desktop` and commit them",
            stale.join(", ")
        );
    }

    /// Words in a field name that suggest it could carry something that opens a tenant or the
    /// workspace. Matched against the name's words (`access_token` → `access`, `token`).
    const SECRET_WORDS: &[&str] = &[
        "token",
        "tokens",
        "secret",
        "secrets",
        "password",
        "passwd",
        "passphrase",
        "key",
        "keys",
        "verifier",
        "assertion",
        "refresh",
        "credential",
        "credentials",
        "cookie",
        "pem",
        "pkce",
        "bearer",
        "authorization",
        "seed",
        "salt",
        "hash",
    ];

    /// Field names of a ts-rs declaration with their types: `name: type` pairs after comments
    /// are removed, the names of object members only.
    fn fields(decl: &str) -> Vec<(String, String)> {
        let mut text = String::new();
        let mut rest = decl;
        while let Some(start) = rest.find("/*") {
            text.push_str(&rest[..start]);
            rest = rest[start..]
                .find("*/")
                .map_or("", |end| &rest[start + end + 2..]);
        }
        text.push_str(rest);
        let text: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//") && !l.starts_with("import"))
            .collect::<Vec<_>>()
            .join(" ");
        let body = text.split_once('=').map_or("", |(_, b)| b);
        let mut out = Vec::new();
        for part in body.split(['{', ',', '}']) {
            if let Some((name, ty)) = part.split_once(':') {
                let name = name.trim().trim_matches('"').trim_end_matches('?');
                if !name.is_empty() {
                    out.push((name.to_string(), ty.trim().to_string()));
                }
            }
        }
        out
    }

    fn words(name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut word = String::new();
        for c in name.chars() {
            if (c == '_' || c == '-' || c.is_uppercase()) && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            if c.is_alphanumeric() {
                word.push(c.to_ascii_lowercase());
            }
        }
        if !word.is_empty() {
            out.push(word);
        }
        out
    }

    /// The fields of a declaration whose names could carry a secret, as `Type.field: type`;
    /// a `boolean` carries none whatever its name (`passphrase_needed`).
    fn suspicious(ty: &str, decl: &str) -> Vec<String> {
        // A union of string literals (`ErrorCode`) has no fields; anything else must.
        let body = decl.split_once(" = ").map_or("", |(_, b)| b);
        let found = fields(decl);
        assert!(
            !found.is_empty() || !body.contains('{'),
            "no fields read from {ty}: {decl}"
        );
        found
            .into_iter()
            .filter(|(name, field_type)| {
                let secret = words(name)
                    .iter()
                    .any(|w| SECRET_WORDS.contains(&w.as_str()))
                    || ["token", "secret", "password", "passphrase", "verifier"]
                        .iter()
                        .any(|w| name.to_lowercase().contains(w));
                secret && field_type != "boolean"
            })
            .map(|(name, field_type)| format!("{ty}.{name}: {field_type}"))
            .collect()
    }

    /// The rule: tokens and keys never cross IPC. Every type a command answers with or
    /// streams, and every type inside those, is checked.
    #[test]
    fn no_field_could_carry_a_secret() {
        let types = command_types();
        assert!(types.contains_key("PortfolioRow") && types.contains_key("SyncProgress"));
        let found: Vec<String> = types
            .iter()
            .flat_map(|(ty, decl)| suspicious(ty, decl))
            .collect();
        assert!(
            found.is_empty(),
            "fields that could carry a secret cross IPC: {}",
            found.join(", ")
        );
    }

    #[test]
    fn the_secret_check_sees_fields_it_should_refuse() {
        let decl = "export type X = { name: string, /** doc: with colon */ refresh_token: string | null, \"accessToken\": string, passphrase_needed: boolean, inner: { client_key?: string } };";
        let names: Vec<String> = fields(decl).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "name",
                "refresh_token",
                "accessToken",
                "passphrase_needed",
                "inner",
                "client_key"
            ]
        );
        assert_eq!(
            suspicious("X", decl),
            [
                "X.refresh_token: string | null",
                "X.accessToken: string",
                "X.client_key: string"
            ]
        );
        assert_eq!(words("accessToken"), ["access", "token"]);
        assert_eq!(
            words("sign_in_refreshed_at"),
            ["sign", "in", "refreshed", "at"]
        );
        assert_eq!(words("keychain_available"), ["keychain", "available"]);
    }

    #[test]
    fn errors_serialise_as_code_and_message() {
        let e: CommandError = EngineError::not_found("no tenant 'x'").into();
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "not_found", "message": "no tenant 'x'"})
        );
        assert_eq!(
            serde_json::to_value(CommandError::no_workspace()).unwrap()["code"],
            "no_workspace"
        );
    }

    #[test]
    fn progress_is_tagged_for_the_ui() {
        let p = DemoProgress::Sync {
            progress: ProgressEvent::SyncFinished {
                tenant: "t1".into(),
                status: "succeeded".into(),
            }
            .into(),
        };
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"step": "sync", "progress": {"event": "finished", "tenant_id": "t1", "status": "succeeded"}})
        );
    }
}
