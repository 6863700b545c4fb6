//! The Settings screen: the workspace's settings (`engine::ops::settings`) with the facts the
//! window only shows (folder, how the key is protected, whether the OS keychain answers, the
//! severity rules), one command to change a setting, and where the sync schedule stands.
//!
//! A setting crosses as text both ways, as the command line takes it: the engine checks it and
//! its refusal (`invalid_input`, one line saying what is allowed) is what the field shows.

use crate::ipc::{CommandError, OpenWorkspace};
use crate::state::{drive, AppState};
use serde::{Deserialize, Serialize};
use tenantatlas_engine::ops::settings::{ReportBranding, WorkspaceSettings};
use tenantatlas_engine::ops::severity::{NewSeverityRule, SeverityRule};
use tenantatlas_engine::ops::tenant_add::{DEFAULT_AUTHORITY, DEFAULT_CLIENT_ID, DEFAULT_GRAPH};
use tenantatlas_engine::ops::workspace_status::keychain_available;
use ts_rs::TS;

/// The app registration and cloud new tenants connect with: the workspace's, or empty for
/// Microsoft's (`built_in`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TenantDefaults {
    pub client_id: String,
    pub authority: String,
    pub graph: String,
}

/// What review packs say about the MSP: the branding and the document control block. As values,
/// what the MSP set (empty: the default); as `report_defaults`, the defaults, for placeholders.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
pub struct ReportBrandingView {
    pub msp_name: String,
    /// The PNG file's path; empty: no logo.
    pub logo: String,
    /// `#rrggbb`.
    pub accent: String,
    pub footer: String,
    pub author: String,
    pub reviewer: String,
    pub distribution: String,
}

/// One of the MSP's severity rules, as `tenantatlas severity list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SeverityRuleRow {
    pub id: i32,
    /// Empty fields match anything.
    pub kind: Option<String>,
    pub drift: Option<String>,
    pub pattern: Option<String>,
    /// `high`, `medium`, `low` or `info`.
    pub severity: String,
    pub note: Option<String>,
    pub created_at: String,
}

/// A severity rule to add, as `tenantatlas severity set` takes it: at least one of kind, drift
/// and pattern; empty ones match anything.
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct NewSeverityRuleRequest {
    /// A kind's registry name (`deviceConfigurations`).
    pub kind: Option<String>,
    /// `missing`, `unexpected`, `modified`, `assignments` or `deleted`.
    pub drift: Option<String>,
    /// Text in a change's path, setting id or name, or the object's name.
    pub pattern: Option<String>,
    /// `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// Why, for colleagues.
    pub note: Option<String>,
}

/// Everything the Settings screen shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SettingsView {
    /// The open workspace: folder, protection, demo.
    pub workspace: OpenWorkspace,
    /// Whether the OS keychain answers on this machine.
    pub keychain_available: bool,
    /// 0: no schedule.
    pub sync_interval_minutes: u32,
    pub sla_warn_hours: u32,
    pub sla_overdue_hours: u32,
    /// What the MSP set; an empty field means Microsoft's (`built_in`).
    pub tenant_defaults: TenantDefaults,
    /// Microsoft's public cloud and the built-in client id: the fields' placeholders.
    pub built_in: TenantDefaults,
    pub notify_high_findings: bool,
    pub severity_rules: Vec<SeverityRuleRow>,
    /// Review packs' branding as set (empty fields follow the default).
    pub report: ReportBrandingView,
    /// The branding's defaults.
    pub report_defaults: ReportBrandingView,
}

/// Where the sync schedule stands, polled by the window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ScheduleStatus {
    /// 0: no schedule (or no workspace open).
    pub interval_minutes: u32,
    /// When the next scheduled sync is due; `None` when the schedule is off.
    pub next_at: Option<String>,
    /// A scheduled sync runs now.
    pub running: bool,
    /// When the last scheduled sync of this window started and finished.
    pub last_started_at: Option<String>,
    pub last_finished_at: Option<String>,
    /// How it ended, in words ("8 tenants synced; 3 new high findings").
    pub last_outcome: Option<String>,
}

impl From<&SeverityRule> for SeverityRuleRow {
    fn from(r: &SeverityRule) -> Self {
        SeverityRuleRow {
            id: i32::try_from(r.id).unwrap_or(i32::MAX),
            kind: r.kind.clone(),
            drift: r.drift.clone(),
            pattern: r.pattern.clone(),
            severity: r.severity.clone(),
            note: r.note.clone(),
            created_at: r.created_at.clone(),
        }
    }
}

fn tenant_defaults(s: &WorkspaceSettings) -> TenantDefaults {
    TenantDefaults {
        client_id: s.tenant_client_id.clone().unwrap_or_default(),
        authority: s.tenant_authority.clone().unwrap_or_default(),
        graph: s.tenant_graph.clone().unwrap_or_default(),
    }
}

/// The branding the MSP set: a key not set is empty, so its field shows the default as a
/// placeholder.
fn report_branding(s: &WorkspaceSettings) -> ReportBrandingView {
    use tenantatlas_engine::ops::settings as keys;
    let set = |key: &str, value: &str| {
        if s.set.iter().any(|k| k == key) {
            value.to_string()
        } else {
            String::new()
        }
    };
    let r = &s.report;
    ReportBrandingView {
        msp_name: set(keys::REPORT_MSP_NAME, &r.msp_name),
        logo: r.logo.clone().unwrap_or_default(),
        accent: set(keys::REPORT_ACCENT, &r.accent),
        footer: set(keys::REPORT_FOOTER, &r.footer),
        author: set(keys::REPORT_AUTHOR, &r.author),
        reviewer: set(keys::REPORT_REVIEWER, &r.reviewer),
        distribution: set(keys::REPORT_DISTRIBUTION, &r.distribution),
    }
}

fn report_defaults() -> ReportBrandingView {
    let d = ReportBranding::default();
    ReportBrandingView {
        msp_name: d.msp_name,
        logo: String::new(),
        accent: d.accent,
        footer: d.footer,
        author: d.author,
        reviewer: d.reviewer,
        distribution: d.distribution,
    }
}

impl AppState {
    /// The Settings screen's content.
    pub async fn settings(&self) -> Result<SettingsView, CommandError> {
        let keychain = tokio::task::spawn_blocking(keychain_available)
            .await
            .unwrap_or(false);
        let opened = self.opened().await?;
        let s = opened.engine.settings().await?;
        let rules = opened.engine.list_severity_rules().await?;
        Ok(SettingsView {
            workspace: opened.describe(),
            keychain_available: keychain,
            sync_interval_minutes: s.sync_interval_minutes,
            sla_warn_hours: s.sla_warn_hours,
            sla_overdue_hours: s.sla_overdue_hours,
            tenant_defaults: tenant_defaults(&s),
            built_in: TenantDefaults {
                client_id: DEFAULT_CLIENT_ID.to_string(),
                authority: DEFAULT_AUTHORITY.to_string(),
                graph: DEFAULT_GRAPH.to_string(),
            },
            notify_high_findings: s.notify_high_findings,
            severity_rules: rules.iter().map(SeverityRuleRow::from).collect(),
            report: report_branding(&s),
            report_defaults: report_defaults(),
        })
    }

    /// Sets one setting from its text, as `tenantatlas settings set` does; answers the screen's
    /// content afterwards.
    pub async fn set_setting(
        &self,
        setting: &str,
        value: &str,
    ) -> Result<SettingsView, CommandError> {
        {
            let opened = self.opened().await?;
            drive(opened.engine.set_setting(setting, value))?;
        }
        self.settings().await
    }

    /// Adds a severity rule (checked and audited by the engine); answers the screen's content.
    pub async fn add_severity_rule(
        &self,
        rule: NewSeverityRuleRequest,
    ) -> Result<SettingsView, CommandError> {
        {
            let opened = self.opened().await?;
            let rule = NewSeverityRule {
                kind: rule.kind,
                drift: rule.drift,
                pattern: rule.pattern,
                severity: rule.severity,
                note: rule.note,
            };
            drive(opened.engine.add_severity_rule(&rule))?;
        }
        self.settings().await
    }

    /// Removes a severity rule (audited); answers the screen's content.
    pub async fn remove_severity_rule(&self, id: i32) -> Result<SettingsView, CommandError> {
        {
            let opened = self.opened().await?;
            drive(opened.engine.remove_severity_rule(i64::from(id)))?;
        }
        self.settings().await
    }

    /// Where the schedule stands: the engine's next time, this window's scheduled runs.
    pub async fn schedule_status(&self) -> Result<ScheduleStatus, CommandError> {
        let schedule = self.opened().await?.engine.sync_schedule().await?;
        let runs = self.schedule.snapshot();
        Ok(ScheduleStatus {
            interval_minutes: schedule.interval_minutes,
            next_at: schedule.next_at,
            running: runs.running,
            last_started_at: runs.last_started_at,
            last_finished_at: runs.last_finished_at,
            last_outcome: runs.last_outcome,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn settings_are_read_set_and_refused_in_words() {
        let state = AppState::default();
        assert_eq!(
            state.settings().await.unwrap_err().code,
            ErrorCode::NoWorkspace
        );
        let dir = tempfile::tempdir().unwrap();
        state
            .open_workspace(
                &dir.path().join("ws"),
                Some("a long enough settings passphrase".into()),
            )
            .await
            .unwrap();
        let view = state.settings().await.unwrap();
        assert_eq!(view.sync_interval_minutes, 60);
        assert_eq!(view.tenant_defaults.client_id, "");
        assert_eq!(view.built_in.client_id, DEFAULT_CLIENT_ID);
        assert!(view.severity_rules.is_empty());
        assert_eq!(view.report, ReportBrandingView::default());
        assert_eq!(view.report_defaults.accent, "#1f4e79");
        let view = state
            .set_setting("report.msp_name", "Northwind IT")
            .await
            .unwrap();
        assert_eq!(view.report.msp_name, "Northwind IT");
        assert_eq!(
            view.report.footer, "",
            "a default stays empty, shown as placeholder"
        );
        let refused = state
            .set_setting("report.accent", "blue")
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);

        let view = state.set_setting("sla.warn_hours", "12").await.unwrap();
        assert_eq!(view.sla_warn_hours, 12);
        let refused = state
            .set_setting("sync.interval_minutes", "5")
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        assert!(
            refused.message.contains("15 to 1440"),
            "{}",
            refused.message
        );

        let view = state
            .add_severity_rule(NewSeverityRuleRequest {
                drift: Some("deleted".into()),
                severity: "high".into(),
                ..NewSeverityRuleRequest::default()
            })
            .await
            .unwrap();
        assert_eq!(view.severity_rules.len(), 1);
        let refused = state
            .add_severity_rule(NewSeverityRuleRequest {
                severity: "urgent".into(),
                ..NewSeverityRuleRequest::default()
            })
            .await
            .unwrap_err();
        assert!(
            refused.message.contains("high, medium, low or info"),
            "{}",
            refused.message
        );
        let id = view.severity_rules[0].id;
        assert!(state
            .remove_severity_rule(id)
            .await
            .unwrap()
            .severity_rules
            .is_empty());
        assert_eq!(
            state.remove_severity_rule(id).await.unwrap_err().code,
            ErrorCode::NotFound
        );

        let status = state.schedule_status().await.unwrap();
        assert_eq!(status.interval_minutes, 60);
        assert!(status.next_at.is_some() && !status.running);
        assert_eq!(status.last_outcome, None);
    }
}
