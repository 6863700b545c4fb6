//! Workspace settings (`tenantatlas settings`, the desktop app's Settings screen): the sync
//! schedule, the sync SLA, the app registration and cloud new tenants connect with, and whether
//! new high-severity findings raise a notification.
//!
//! The workspace stores only what the MSP set (`store::settings`); every other key has its default
//! from here, so a workspace that never changed a setting follows the product's default. Setting a
//! key checks the value, stores it and appends a `settings.set` audit entry in one transaction.

use crate::ops::findings::actor;
use crate::ops::queries::{format_time, parse_time};
use crate::ops::tenant_add::{uuid_like, DEFAULT_AUTHORITY, DEFAULT_CLIENT_ID, DEFAULT_GRAPH};
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_store::AuditInput;
use time::OffsetDateTime;

/// How often tenants sync while the desktop app is open, in minutes; 0 turns the schedule off.
pub const SYNC_INTERVAL: &str = "sync.interval_minutes";
/// A tenant whose last good sync is older than this many hours is late…
pub const SLA_WARN: &str = "sla.warn_hours";
/// …and older than this, overdue.
pub const SLA_OVERDUE: &str = "sla.overdue_hours";
/// The app registration new tenants sign in with (a GUID); empty: the built-in client id.
pub const TENANT_CLIENT_ID: &str = "tenant.client_id";
/// The sign-in authority new tenants use; empty: Microsoft's public cloud.
pub const TENANT_AUTHORITY: &str = "tenant.authority";
/// The Graph root new tenants use; empty: Microsoft's public cloud.
pub const TENANT_GRAPH: &str = "tenant.graph";
/// Whether the desktop app raises an OS notification when a scheduled sync opens high findings.
pub const NOTIFY_HIGH: &str = "notify.high_findings";
/// Review packs' branding: the MSP's name on the cover and in every page's header…
pub const REPORT_MSP_NAME: &str = "report.msp_name";
/// …its logo (a PNG file, read when a pack is made)…
pub const REPORT_LOGO: &str = "report.logo";
/// …its accent colour (`#rrggbb`)…
pub const REPORT_ACCENT: &str = "report.accent";
/// …the footer text on every page…
pub const REPORT_FOOTER: &str = "report.footer";
/// …and the document control block: author, reviewer, distribution.
pub const REPORT_AUTHOR: &str = "report.author";
pub const REPORT_REVIEWER: &str = "report.reviewer";
pub const REPORT_DISTRIBUTION: &str = "report.distribution";

/// The longest branding text; a footer longer than this would not fit a line anyway.
const REPORT_TEXT_MAX: usize = 200;
/// The largest logo file read.
pub const REPORT_LOGO_MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Every key, in the order the front doors list them.
pub const KEYS: &[&str] = &[
    SYNC_INTERVAL,
    SLA_WARN,
    SLA_OVERDUE,
    TENANT_CLIENT_ID,
    TENANT_AUTHORITY,
    TENANT_GRAPH,
    NOTIFY_HIGH,
    REPORT_MSP_NAME,
    REPORT_LOGO,
    REPORT_ACCENT,
    REPORT_FOOTER,
    REPORT_AUTHOR,
    REPORT_REVIEWER,
    REPORT_DISTRIBUTION,
];

/// The schedule's bounds when it is on: more often than every 15 minutes would spend tenants'
/// Graph throttling budget on little news; a day is the longest the SLA's defaults make sense with.
pub const SYNC_INTERVAL_MIN: u32 = 15;
pub const SYNC_INTERVAL_MAX: u32 = 1440;
/// The SLA's longest bound: a year.
const SLA_MAX_HOURS: u32 = 8760;

/// The workspace's settings, each with its default where the MSP set nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkspaceSettings {
    /// 0: no schedule; otherwise 15–1440. Default 60.
    pub sync_interval_minutes: u32,
    /// Default 24.
    pub sla_warn_hours: u32,
    /// Always more than `sla_warn_hours`. Default 72.
    pub sla_overdue_hours: u32,
    /// `None`: the built-in client id ([`DEFAULT_CLIENT_ID`]).
    pub tenant_client_id: Option<String>,
    /// `None`: Microsoft's public cloud ([`DEFAULT_AUTHORITY`]).
    pub tenant_authority: Option<String>,
    /// `None`: Microsoft's public cloud ([`DEFAULT_GRAPH`]).
    pub tenant_graph: Option<String>,
    /// Default true.
    pub notify_high_findings: bool,
    /// Review packs' branding; empty texts are left out of the packs.
    pub report: ReportBranding,
    /// The keys the MSP set; every other has its default.
    pub set: Vec<String>,
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            sync_interval_minutes: 60,
            sla_warn_hours: 24,
            sla_overdue_hours: 72,
            tenant_client_id: None,
            tenant_authority: None,
            tenant_graph: None,
            notify_high_findings: true,
            report: ReportBranding::default(),
            set: Vec::new(),
        }
    }
}

/// What review packs say about the MSP that makes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportBranding {
    /// Default "Managed service provider" (a pack always names who made it).
    pub msp_name: String,
    /// A PNG file; `None`: no logo.
    pub logo: Option<String>,
    /// `#rrggbb`; default a dark blue that prints as dark grey.
    pub accent: String,
    pub footer: String,
    pub author: String,
    pub reviewer: String,
    pub distribution: String,
}

impl Default for ReportBranding {
    fn default() -> Self {
        ReportBranding {
            msp_name: "Managed service provider".into(),
            logo: None,
            accent: "#1f4e79".into(),
            footer: "Confidential".into(),
            author: String::new(),
            reviewer: String::new(),
            distribution: String::new(),
        }
    }
}

/// One setting as `tenantatlas settings` lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SettingEntry {
    pub key: &'static str,
    /// The value in force (the default's value where nothing was set).
    pub value: Value,
    /// Nothing was set: the value is the default.
    pub default: bool,
    /// What the key may hold, in words.
    pub allowed: &'static str,
}

impl WorkspaceSettings {
    /// The client id new tenants sign in with.
    pub fn client_id(&self) -> &str {
        self.tenant_client_id
            .as_deref()
            .unwrap_or(DEFAULT_CLIENT_ID)
    }

    pub fn authority(&self) -> &str {
        self.tenant_authority
            .as_deref()
            .unwrap_or(DEFAULT_AUTHORITY)
    }

    pub fn graph(&self) -> &str {
        self.tenant_graph.as_deref().unwrap_or(DEFAULT_GRAPH)
    }

    /// Every key with its value in force, in [`KEYS`] order.
    pub fn entries(&self) -> Vec<SettingEntry> {
        KEYS.iter()
            .map(|&key| SettingEntry {
                key,
                value: self.value(key),
                default: !self.set.iter().any(|k| k == key),
                allowed: allowed(key),
            })
            .collect()
    }

    fn value(&self, key: &str) -> Value {
        match key {
            SYNC_INTERVAL => json!(self.sync_interval_minutes),
            SLA_WARN => json!(self.sla_warn_hours),
            SLA_OVERDUE => json!(self.sla_overdue_hours),
            TENANT_CLIENT_ID => json!(self.client_id()),
            TENANT_AUTHORITY => json!(self.authority()),
            TENANT_GRAPH => json!(self.graph()),
            NOTIFY_HIGH => json!(self.notify_high_findings),
            REPORT_MSP_NAME => json!(self.report.msp_name),
            REPORT_LOGO => json!(self.report.logo.as_deref().unwrap_or("")),
            REPORT_ACCENT => json!(self.report.accent),
            REPORT_FOOTER => json!(self.report.footer),
            REPORT_AUTHOR => json!(self.report.author),
            REPORT_REVIEWER => json!(self.report.reviewer),
            REPORT_DISTRIBUTION => json!(self.report.distribution),
            _ => Value::Null,
        }
    }

    /// The settings from what the workspace stores. A stored value that no longer reads (written
    /// by a newer version, say) keeps its default rather than locking the MSP out.
    fn from_stored(stored: &BTreeMap<String, Value>) -> WorkspaceSettings {
        let mut s = WorkspaceSettings::default();
        for (key, value) in stored {
            let read = match key.as_str() {
                SYNC_INTERVAL => whole(value).map(|v| s.sync_interval_minutes = v),
                SLA_WARN => whole(value).map(|v| s.sla_warn_hours = v),
                SLA_OVERDUE => whole(value).map(|v| s.sla_overdue_hours = v),
                TENANT_CLIENT_ID => text(value).map(|v| s.tenant_client_id = Some(v)),
                TENANT_AUTHORITY => text(value).map(|v| s.tenant_authority = Some(v)),
                TENANT_GRAPH => text(value).map(|v| s.tenant_graph = Some(v)),
                NOTIFY_HIGH => value.as_bool().map(|v| s.notify_high_findings = v),
                REPORT_MSP_NAME => text(value).map(|v| s.report.msp_name = v),
                REPORT_LOGO => text(value).map(|v| s.report.logo = Some(v)),
                REPORT_ACCENT => text(value).map(|v| s.report.accent = v),
                REPORT_FOOTER => text(value).map(|v| s.report.footer = v),
                REPORT_AUTHOR => text(value).map(|v| s.report.author = v),
                REPORT_REVIEWER => text(value).map(|v| s.report.reviewer = v),
                REPORT_DISTRIBUTION => text(value).map(|v| s.report.distribution = v),
                _ => None,
            };
            if read.is_some() {
                s.set.push(key.clone());
            }
        }
        if s.sla_overdue_hours <= s.sla_warn_hours {
            s.sla_overdue_hours = s.sla_warn_hours.saturating_add(1);
        }
        s
    }
}

fn whole(value: &Value) -> Option<u32> {
    value.as_u64().and_then(|v| u32::try_from(v).ok())
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn allowed(key: &str) -> &'static str {
    match key {
        SYNC_INTERVAL => "0 (no schedule) or 15 to 1440 minutes",
        SLA_WARN => "hours, fewer than sla.overdue_hours",
        SLA_OVERDUE => "hours, more than sla.warn_hours",
        TENANT_CLIENT_ID => "an app registration's client id (a GUID); empty for the built-in one",
        TENANT_AUTHORITY => "an https URL; empty for Microsoft's public cloud",
        TENANT_GRAPH => "an https URL; empty for Microsoft's public cloud",
        NOTIFY_HIGH => "true or false",
        REPORT_MSP_NAME | REPORT_FOOTER | REPORT_AUTHOR | REPORT_REVIEWER | REPORT_DISTRIBUTION => {
            "text of up to 200 characters; empty for the default"
        }
        REPORT_LOGO => "the path of a PNG file of up to 8 MiB; empty for no logo",
        REPORT_ACCENT => "a colour as #rrggbb; empty for the default",
        _ => "",
    }
}

/// A whole number of hours or minutes, as typed.
fn number(key: &str, value: &str) -> Result<u32, EngineError> {
    value.trim().parse::<u32>().map_err(|_| {
        EngineError::invalid(format!(
            "{key} takes {}; '{value}' is not a whole number",
            allowed(key)
        ))
    })
}

fn https_url(key: &str, value: &str) -> Result<String, EngineError> {
    let trimmed = value.trim().trim_end_matches('/');
    let ok = url::Url::parse(trimmed)
        .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()));
    if !ok {
        return Err(EngineError::invalid(format!(
            "{key} takes {}; '{value}' is not an https URL",
            allowed(key)
        )));
    }
    Ok(trimmed.to_string())
}

/// A logo setting: an absolute path to a regular PNG file of at most
/// [`REPORT_LOGO_MAX_BYTES`] (checked by its signature now; decoded when a pack is made).
fn logo_path(key: &str, path: &str) -> Result<String, EngineError> {
    let absolute = std::path::absolute(path)
        .map_err(|e| EngineError::invalid(format!("{key}: '{path}' is not a usable path ({e})")))?;
    let bytes = crate::ops::input::read_bounded(&absolute, REPORT_LOGO_MAX_BYTES)
        .map_err(|e| EngineError::invalid(format!("{key}: {e}")))?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(EngineError::invalid(format!(
            "{key}: {} is not a PNG file; save the logo as PNG and set it again",
            absolute.display()
        )));
    }
    Ok(absolute.display().to_string())
}

/// What `value` (as typed) means for `key` given the settings now: the JSON to store, or `None`
/// to clear the key back to its default.
fn parse(key: &str, value: &str, now: &WorkspaceSettings) -> Result<Option<Value>, EngineError> {
    match key {
        SYNC_INTERVAL => {
            let minutes = number(key, value)?;
            if minutes != 0 && !(SYNC_INTERVAL_MIN..=SYNC_INTERVAL_MAX).contains(&minutes) {
                return Err(EngineError::invalid(format!(
                    "{key} takes {}; {minutes} is out of range",
                    allowed(key)
                )));
            }
            Ok(Some(json!(minutes)))
        }
        SLA_WARN => {
            let hours = number(key, value)?;
            if hours == 0 || hours >= now.sla_overdue_hours {
                return Err(EngineError::invalid(format!(
                    "{key} takes 1 to {} hours, fewer than sla.overdue_hours ({}); raise sla.overdue_hours first",
                    now.sla_overdue_hours.saturating_sub(1),
                    now.sla_overdue_hours
                )));
            }
            Ok(Some(json!(hours)))
        }
        SLA_OVERDUE => {
            let hours = number(key, value)?;
            if hours <= now.sla_warn_hours || hours > SLA_MAX_HOURS {
                return Err(EngineError::invalid(format!(
                    "{key} takes {} to {SLA_MAX_HOURS} hours, more than sla.warn_hours ({})",
                    now.sla_warn_hours + 1,
                    now.sla_warn_hours
                )));
            }
            Ok(Some(json!(hours)))
        }
        TENANT_CLIENT_ID => match value.trim() {
            "" => Ok(None),
            id => uuid_like(id).map(|id| Some(json!(id))).ok_or_else(|| {
                EngineError::invalid(format!(
                    "{key} takes {}; '{value}' is not a GUID",
                    allowed(key)
                ))
            }),
        },
        TENANT_AUTHORITY | TENANT_GRAPH => match value.trim() {
            "" => Ok(None),
            url => Ok(Some(json!(https_url(key, url)?))),
        },
        NOTIFY_HIGH => match value.trim().to_ascii_lowercase().as_str() {
            "true" | "on" | "yes" => Ok(Some(json!(true))),
            "false" | "off" | "no" => Ok(Some(json!(false))),
            _ => Err(EngineError::invalid(format!(
                "{key} takes true or false; '{value}' is neither"
            ))),
        },
        REPORT_MSP_NAME | REPORT_FOOTER | REPORT_AUTHOR | REPORT_REVIEWER | REPORT_DISTRIBUTION => {
            let value = value.trim();
            if value.is_empty() {
                return Ok(None);
            }
            if value.chars().count() > REPORT_TEXT_MAX || value.chars().any(char::is_control) {
                return Err(EngineError::invalid(format!(
                    "{key} takes {}; this one is longer or holds control characters",
                    allowed(key)
                )));
            }
            Ok(Some(json!(value)))
        }
        REPORT_ACCENT => match value.trim() {
            "" => Ok(None),
            colour => tenantatlas_report::doc::Rgb::parse_hex(colour)
                .map(|rgb| Some(json!(rgb.to_hex())))
                .ok_or_else(|| {
                    EngineError::invalid(format!(
                        "{key} takes {}; '{value}' is not one",
                        allowed(key)
                    ))
                }),
        },
        REPORT_LOGO => match value.trim() {
            "" => Ok(None),
            path => Ok(Some(json!(logo_path(key, path)?))),
        },
        _ => Err(EngineError::invalid(format!(
            "unknown setting '{key}'; the settings are {}",
            KEYS.join(", ")
        ))),
    }
}

/// Where the sync schedule stands: what the desktop app's scheduler and its Settings screen read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyncSchedule {
    /// 0: no schedule.
    pub interval_minutes: u32,
    /// When the newest sync of any kind (scheduled, Sync all, the command line) started.
    pub last_started_at: Option<String>,
    /// When the schedule wants the next sync; `None` when it is off.
    pub next_at: Option<String>,
    /// Whether that time has come.
    pub due: bool,
}

/// When the next scheduled sync is due: `interval_minutes` after the newest sync started, or
/// `now` for a workspace never synced (or whose time does not read); `None` when the schedule is
/// off.
pub fn next_sync_at(
    last_started: Option<OffsetDateTime>,
    interval_minutes: u32,
    now: OffsetDateTime,
) -> Option<OffsetDateTime> {
    if interval_minutes == 0 {
        return None;
    }
    Some(last_started.map_or(now, |at| {
        at + time::Duration::minutes(i64::from(interval_minutes))
    }))
}

impl Engine {
    /// The workspace's settings, with defaults for what was never set.
    pub async fn settings(&self) -> Result<WorkspaceSettings, EngineError> {
        let stored = self.workspace.list_settings().await?;
        Ok(WorkspaceSettings::from_stored(&stored))
    }

    /// Where the sync schedule stands now.
    pub async fn sync_schedule(&self) -> Result<SyncSchedule, EngineError> {
        let now = OffsetDateTime::now_utc();
        let interval_minutes = self.settings().await?.sync_interval_minutes;
        let last_started_at = self.workspace.last_run_started_at("sync").await?;
        let next = next_sync_at(
            last_started_at.as_deref().and_then(parse_time),
            interval_minutes,
            now,
        );
        Ok(SyncSchedule {
            interval_minutes,
            last_started_at,
            next_at: next.map(format_time),
            due: next.is_some_and(|at| at <= now),
        })
    }

    /// Sets `key` to `value` as typed (`"60"`, `"true"`, a URL; empty clears a `tenant.*` key),
    /// after checking it, and records the change in the audit log. Answers the settings now.
    pub async fn set_setting(
        &self,
        key: &str,
        value: &str,
    ) -> Result<WorkspaceSettings, EngineError> {
        let key = key.trim();
        let now = self.settings().await?;
        let parsed = parse(key, value, &now)?;
        let audit = AuditInput {
            actor: actor(),
            action: "settings.set".to_string(),
            subject: key.to_string(),
            details: json!({"key": key, "value": parsed}),
        };
        self.workspace
            .change_setting(key, parsed.as_ref(), &audit)
            .await?;
        tracing::info!(key, "setting changed");
        self.settings().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(key: &str, value: &str) -> Result<Option<Value>, String> {
        parse(key, value, &WorkspaceSettings::default()).map_err(|e| e.to_string())
    }

    #[test]
    fn values_are_checked_with_what_is_allowed() {
        assert_eq!(check(SYNC_INTERVAL, "0"), Ok(Some(json!(0))));
        assert_eq!(check(SYNC_INTERVAL, " 240 "), Ok(Some(json!(240))));
        assert!(check(SYNC_INTERVAL, "5")
            .unwrap_err()
            .contains("15 to 1440"));
        assert!(check(SYNC_INTERVAL, "hourly")
            .unwrap_err()
            .contains("not a whole number"));
        assert!(check(SLA_WARN, "72")
            .unwrap_err()
            .contains("fewer than sla.overdue_hours (72)"));
        assert!(check(SLA_OVERDUE, "24")
            .unwrap_err()
            .contains("more than sla.warn_hours (24)"));
        assert_eq!(check(SLA_OVERDUE, "25"), Ok(Some(json!(25))));
        assert_eq!(check(TENANT_CLIENT_ID, ""), Ok(None));
        assert_eq!(
            check(TENANT_CLIENT_ID, "0E1B2C3D-1111-2222-3333-444455556666"),
            Ok(Some(json!("0e1b2c3d-1111-2222-3333-444455556666")))
        );
        assert!(check(TENANT_CLIENT_ID, "my-app")
            .unwrap_err()
            .contains("not a GUID"));
        assert_eq!(
            check(TENANT_AUTHORITY, "https://login.microsoftonline.us/"),
            Ok(Some(json!("https://login.microsoftonline.us")))
        );
        assert!(check(TENANT_GRAPH, "http://graph.example")
            .unwrap_err()
            .contains("https"));
        assert_eq!(check(NOTIFY_HIGH, "Off"), Ok(Some(json!(false))));
        assert!(check("sync.every", "1")
            .unwrap_err()
            .contains("unknown setting"));
        for key in KEYS {
            let e = check(key, "\u{1}?").unwrap_err();
            assert!(!e.contains('\n') && e.starts_with(key), "{e}");
        }
    }

    #[test]
    fn the_next_scheduled_sync_follows_the_newest_sync_started() {
        let now = time::macros::datetime!(2026-12-05 09:00 UTC);
        let last = time::macros::datetime!(2026-12-05 08:30 UTC);
        assert_eq!(next_sync_at(Some(last), 0, now), None);
        assert_eq!(
            next_sync_at(Some(last), 60, now),
            Some(time::macros::datetime!(2026-12-05 09:30 UTC))
        );
        assert_eq!(next_sync_at(None, 60, now), Some(now));
    }

    #[test]
    fn a_stored_value_that_does_not_read_keeps_its_default() {
        let stored: BTreeMap<String, Value> = [
            (SYNC_INTERVAL.to_string(), json!("often")),
            (NOTIFY_HIGH.to_string(), json!(false)),
        ]
        .into();
        let s = WorkspaceSettings::from_stored(&stored);
        assert_eq!(s.sync_interval_minutes, 60);
        assert!(!s.notify_high_findings);
        assert_eq!(s.set, [NOTIFY_HIGH]);
    }
}
