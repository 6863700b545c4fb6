//! The Tenant screen's commands: one tenant's overview, its inventory, one object in words (with
//! its stored JSON and its versions), and two versions of an object compared in words.
//!
//! The transport types mirror the engine's (`ops::inventory`, `ops::policy_view`,
//! `ops::diff::VersionDiff`) as `ipc.rs` does for the portfolio, and live here so that screens
//! built side by side do not all grow one file. The overview is the tenant's portfolio row: the
//! same figures the Portfolio showed the moment before, never a second opinion.

use crate::ipc::{CommandError, PortfolioRow};
use crate::state::{drive, AppState};
use serde::Serialize;
use tenantatlas_engine::ops::inventory::{InventoryItem, Platform as EnginePlatform};
use tenantatlas_engine::ops::labels::LabelledChange;
use tenantatlas_engine::EngineError;
use ts_rs::TS;

type Answer<T> = Result<T, CommandError>;

/// A device platform an object targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Windows,
    Macos,
    Ios,
    Android,
    Linux,
}

impl From<EnginePlatform> for Platform {
    fn from(p: EnginePlatform) -> Self {
        match p {
            EnginePlatform::Windows => Platform::Windows,
            EnginePlatform::Macos => Platform::Macos,
            EnginePlatform::Ios => Platform::Ios,
            EnginePlatform::Android => Platform::Android,
            EnginePlatform::Linux => Platform::Linux,
        }
    }
}

/// One object in the tenant's inventory, at its latest version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct InventoryRow {
    pub object_id: String,
    /// The kind's registry key (`deviceCompliancePolicies`) and its name in words.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    /// Gone from the tenant; its last captured version is kept.
    pub deleted: bool,
    pub version_no: u32,
    /// Empty when the object targets no platform in particular.
    pub platforms: Vec<Platform>,
    /// `None` for kinds that are not assigned (Conditional Access, named locations).
    pub assignments: Option<u32>,
}

impl From<InventoryItem> for InventoryRow {
    fn from(i: InventoryItem) -> Self {
        InventoryRow {
            platforms: i.platforms.into_iter().map(Platform::from).collect(),
            object_id: i.object_id,
            kind: i.kind,
            kind_label: i.kind_label,
            name: i.name,
            deleted: i.deleted,
            version_no: i.version_no,
            assignments: i.assignments,
        }
    }
}

/// One configured value in the portal's words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SettingLine {
    /// "Require Device Encryption", "Conditions › Users › Include groups".
    pub setting: String,
    /// "Enabled", "SG-Pilot, SG-Admins", "42 lines".
    pub value: String,
}

/// Who gets the object: one assignment with its group and filter by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AssignmentLine {
    /// "Include" or "Exclude".
    pub mode: String,
    /// "All devices", a group's name, or "unknown group <id>".
    pub target: String,
    /// The assignment filter by name with its mode: "Corporate devices (include)".
    pub filter: Option<String>,
    /// What else it says: "Intent: required".
    pub details: Option<String>,
}

/// One captured version of an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct VersionEntry {
    pub version_no: u32,
    /// When the sync that captured it read it.
    pub captured_at: String,
}

/// One object at one version: in words, as stored, and its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ObjectDetail {
    pub object_id: String,
    pub kind: String,
    pub kind_label: String,
    /// The Graph type in words, when it says more than the kind.
    pub type_label: Option<String>,
    pub name: String,
    pub version_no: u32,
    pub captured_at: String,
    /// Gone from the tenant now, whatever version is shown.
    pub deleted: bool,
    pub settings: Vec<SettingLine>,
    pub assignments: Vec<AssignmentLine>,
    /// The object as stored, pretty-printed: text for the window, never markup.
    pub raw_json: String,
    /// Every version, newest first.
    pub versions: Vec<VersionEntry>,
}

/// What a change is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeArea {
    /// A configured value.
    Setting,
    /// Who gets the object.
    Assignment,
    /// What describes it: name, description, scope tags.
    Property,
    /// A script's body.
    Script,
}

/// One difference between two versions, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ChangeLine {
    /// What changed, by name ("Password minimum length", "Assignment: group SG-Pilot").
    pub setting: String,
    pub area: ChangeArea,
    /// The value before and after in words; `None` when absent, or when it is long text.
    pub before: Option<String>,
    pub after: Option<String>,
    /// One line: "Password minimum length: 8 → 12".
    pub summary: String,
    /// A unified line diff, for long text (scripts, XML).
    pub text_diff: Option<String>,
}

impl From<LabelledChange> for ChangeLine {
    fn from(c: LabelledChange) -> Self {
        use tenantatlas_engine::ops::labels::ChangeCategory as C;
        ChangeLine {
            setting: c.label.setting.unwrap_or_else(|| c.change.path.clone()),
            area: match c.change.category {
                C::Setting => ChangeArea::Setting,
                C::Assignment => ChangeArea::Assignment,
                C::Property => ChangeArea::Property,
                C::Script => ChangeArea::Script,
            },
            before: c.label.before,
            after: c.label.after,
            summary: c.label.summary,
            text_diff: c.change.text_diff,
        }
    }
}

/// Two versions of one object compared in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct VersionChanges {
    pub object_id: String,
    pub name: String,
    pub kind_label: String,
    pub from_version: u32,
    pub from_captured_at: String,
    pub to_version: u32,
    pub to_captured_at: String,
    /// Empty when the two versions configure the same thing.
    pub changes: Vec<ChangeLine>,
}

impl AppState {
    /// The tenant's row of the portfolio: who it is, its sync and sign-in health, score,
    /// findings and permission gaps.
    pub async fn tenant_overview(&self, tenant_id: &str) -> Answer<PortfolioRow> {
        let opened = self.opened().await?;
        let tenant = opened.engine.tenant(tenant_id).await?;
        let row = opened
            .engine
            .portfolio()
            .await?
            .into_iter()
            .find(|t| t.id == tenant.id)
            .ok_or_else(|| {
                EngineError::not_found(format!("no tenant '{tenant_id}' in this workspace"))
            })?;
        Ok(row.into())
    }

    /// Every object of the tenant, live and deleted.
    pub async fn tenant_inventory(&self, tenant_id: &str) -> Answer<Vec<InventoryRow>> {
        let opened = self.opened().await?;
        let items = opened.engine.inventory(tenant_id).await?;
        Ok(items.into_iter().map(InventoryRow::from).collect())
    }

    /// The break-glass accounts named for the tenant, in order.
    pub async fn break_glass_accounts(&self, tenant_id: &str) -> Answer<Vec<String>> {
        let opened = self.opened().await?;
        Ok(opened.engine.break_glass_accounts(tenant_id).await?)
    }

    /// Names the tenant's break-glass accounts; the next sync reads them.
    pub async fn set_break_glass_accounts(
        &self,
        tenant_id: &str,
        accounts: &[String],
    ) -> Answer<Vec<String>> {
        let opened = self.opened().await?;
        Ok(opened
            .engine
            .set_break_glass_accounts(tenant_id, accounts)
            .await?)
    }

    /// One object at `version` (the latest when `None`).
    pub async fn object_detail(
        &self,
        tenant_id: &str,
        object_id: &str,
        version: Option<u32>,
    ) -> Answer<ObjectDetail> {
        let opened = self.opened().await?;
        let engine = &opened.engine;
        let (view, stored, history) = drive(async {
            let view = engine.policy_view(tenant_id, object_id, version).await?;
            let stored = engine
                .policy(tenant_id, object_id, Some(view.version_no))
                .await?;
            let history = engine.history(tenant_id, object_id).await?;
            Ok::<_, EngineError>((view, stored, history))
        })?;
        let mut versions: Vec<VersionEntry> = history
            .into_iter()
            .filter(|v| v.kind == view.kind)
            .map(|v| VersionEntry {
                version_no: v.version_no,
                captured_at: v.captured_at,
            })
            .collect();
        versions.reverse();
        Ok(ObjectDetail {
            // Raw, but never with a secret in it (`core::redact`).
            raw_json: serde_json::to_string_pretty(&tenantatlas_core::redact::without_secrets(
                &stored.content,
            ))
            .unwrap_or_default(),
            settings: view
                .settings
                .into_iter()
                .map(|s| SettingLine {
                    setting: s.setting,
                    value: s.value,
                })
                .collect(),
            assignments: view
                .assignments
                .into_iter()
                .map(|a| AssignmentLine {
                    mode: a.mode,
                    target: a.target,
                    filter: a.filter,
                    details: a.details,
                })
                .collect(),
            versions,
            object_id: view.object_id,
            kind: view.kind,
            kind_label: view.kind_label,
            type_label: view.type_label,
            name: view.name,
            version_no: view.version_no,
            captured_at: view.captured_at,
            deleted: view.deleted,
        })
    }

    /// Versions `from` and `to` of one object compared in words.
    pub async fn object_diff(
        &self,
        tenant_id: &str,
        object_id: &str,
        from: u32,
        to: u32,
    ) -> Answer<VersionChanges> {
        let opened = self.opened().await?;
        let diff = drive(
            opened
                .engine
                .diff_versions(tenant_id, object_id, Some(from), Some(to)),
        )?;
        Ok(VersionChanges {
            object_id: diff.object_id,
            name: diff.name,
            kind_label: diff.kind_label,
            from_version: diff.from_version,
            from_captured_at: diff.from_captured_at,
            to_version: diff.to_version,
            to_captured_at: diff.to_captured_at,
            changes: diff.changes.into_iter().map(ChangeLine::from).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_workspace_the_tenant_screen_says_so() {
        let state = AppState::default();
        let code = state.tenant_inventory("t1").await.unwrap_err().code;
        assert_eq!(code, ErrorCode::NoWorkspace);
        let code = state.object_diff("t1", "o1", 1, 2).await.unwrap_err().code;
        assert_eq!(code, ErrorCode::NoWorkspace);
    }

    /// The demo through the methods the Tenant screen calls: a tenant's overview and inventory,
    /// one object in words and as stored, a diff of two versions, and what an unknown tenant or
    /// object answers.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_tenant_screen_reads_a_demo_tenant() {
        let state = Arc::new(AppState::default());
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();
        let rows = state.portfolio().await.unwrap();
        let row = rows.iter().find(|r| r.score.is_some()).unwrap();

        let overview = state.tenant_overview(&row.id).await.unwrap();
        assert_eq!(&overview, row);
        let by_domain = state.tenant_overview(&row.domain).await.unwrap();
        assert_eq!(by_domain.id, row.id);

        let inventory = state.tenant_inventory(&row.id).await.unwrap();
        assert!(inventory.len() > 20, "{}", inventory.len());
        assert!(inventory
            .iter()
            .any(|i| i.platforms.contains(&Platform::Windows)));
        let assigned = inventory
            .iter()
            .find(|i| i.assignments.is_some_and(|n| n > 0) && !i.deleted)
            .expect("an assigned object");

        let detail = state
            .object_detail(&row.id, &assigned.object_id, None)
            .await
            .unwrap();
        assert_eq!(detail.name, assigned.name);
        assert_eq!(detail.version_no, assigned.version_no);
        assert_eq!(detail.versions[0].version_no, assigned.version_no);
        assert!(!detail.assignments.is_empty());
        assert!(!detail.settings.is_empty());
        let raw: serde_json::Value = serde_json::from_str(&detail.raw_json).unwrap();
        assert!(raw.is_object() && detail.raw_json.contains('\n'));

        // The demo's golden objects are captured once: a diff of a version with itself is empty,
        // and a version that does not exist is not found, with advice.
        let same = state
            .object_diff(&row.id, &assigned.object_id, 1, 1)
            .await
            .unwrap();
        assert_eq!((same.from_version, same.to_version), (1, 1));
        assert!(same.changes.is_empty());
        let missing = state
            .object_diff(&row.id, &assigned.object_id, 1, 99)
            .await
            .unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound, "{}", missing.message);

        let unknown = state.tenant_overview("nobody.example").await.unwrap_err();
        assert_eq!(unknown.code, ErrorCode::NotFound);
        let unknown = state
            .object_detail(&row.id, "no-such-object", None)
            .await
            .unwrap_err();
        assert_eq!(unknown.code, ErrorCode::NotFound);

        // Break-glass accounts: named, read back in order, refused when not an account.
        assert!(state
            .break_glass_accounts(&row.id)
            .await
            .unwrap()
            .is_empty());
        let named = state
            .set_break_glass_accounts(&row.id, &[format!("BG1@{}", row.domain)])
            .await
            .unwrap();
        assert_eq!(named, vec![format!("bg1@{}", row.domain)]);
        assert_eq!(
            state.break_glass_accounts(&row.domain).await.unwrap(),
            named
        );
        let refused = state
            .set_break_glass_accounts(&row.id, &["nobody".to_string()])
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput, "{}", refused.message);
    }
}
