//! A tenant's inventory: every object the workspace holds for it, live and deleted, with what a
//! list needs to filter on — its kind in words, the platforms it targets and how many
//! assignments it has — read from each object's latest captured content in one query.
//!
//! `policies list` gives ids, kinds and names only; the desktop app's Tenant screen filters by
//! platform and by assigned/unassigned, which only the content says. Both rules here are pure
//! functions of a kind and a content ([`platforms_of`], [`assignment_count`]).

use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use tenantatlas_core::kinds::{self, ObjectKind};
use tenantatlas_store::ObjectFilter;

/// A device platform, in the order the Intune admin center lists them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Windows,
    Macos,
    Ios,
    Android,
    Linux,
}

/// One object of a tenant's inventory, at its latest version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InventoryItem {
    pub object_id: String,
    /// The kind's registry key and its name in the MSP's words.
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    /// Gone from the tenant since a later sync; its last captured version is kept.
    pub deleted: bool,
    pub version_no: u32,
    /// The platforms the object targets; empty when it targets none in particular (a
    /// Conditional Access policy, a role, a scope tag) or its content does not say.
    pub platforms: Vec<Platform>,
    /// How many assignments it has; `None` for kinds that are not assigned (named locations,
    /// Conditional Access policies, which name their users in their conditions).
    pub assignments: Option<u32>,
}

impl Engine {
    /// Every object of `tenant` (live, then deleted ones, each by kind and name) with its
    /// platforms and assignment count.
    pub async fn inventory(&self, tenant: &str) -> Result<Vec<InventoryItem>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        let mut objects = Vec::new();
        for deleted in [false, true] {
            let filter = ObjectFilter {
                deleted,
                ..ObjectFilter::default()
            };
            objects.extend(self.workspace.list_objects(&tenant.id, &filter).await?);
        }
        let hashes: Vec<String> = objects
            .iter()
            .map(|o| o.hash.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let contents: HashMap<String, Value> = self.workspace.get_contents(&hashes).await?;
        Ok(objects
            .into_iter()
            .map(|o| {
                let kind = kinds::by_key(&o.kind);
                let content = contents.get(&o.hash).unwrap_or(&Value::Null);
                InventoryItem {
                    kind_label: kinds::label(&o.kind).to_string(),
                    platforms: kind.map(|k| platforms_of(k, content)).unwrap_or_default(),
                    assignments: assignment_count(content),
                    object_id: o.object_id,
                    kind: o.kind,
                    name: o.display_name,
                    deleted: o.deleted,
                    version_no: o.version_no,
                }
            })
            .collect())
    }
}

/// The platforms an object of `kind` targets, from what its content says: the settings
/// catalog's `platforms`, an assignment filter's `platform`, or the Graph type's prefix
/// (`#microsoft.graph.iosGeneralDeviceConfiguration`); kinds that exist for one platform only
/// (PowerShell scripts, macOS shell scripts, update rings) say it by themselves.
pub fn platforms_of(kind: &ObjectKind, content: &Value) -> Vec<Platform> {
    let fixed = match kind.key {
        "deviceManagementScripts"
        | "deviceHealthScripts"
        | "groupPolicyConfigurations"
        | "windowsAutopilotDeploymentProfiles"
        | "windowsFeatureUpdateProfiles"
        | "windowsQualityUpdateProfiles"
        | "windowsDriverUpdateProfiles" => Some(Platform::Windows),
        "deviceShellScripts" | "deviceCustomAttributeShellScripts" => Some(Platform::Macos),
        _ => None,
    };
    if let Some(platform) = fixed {
        return vec![platform];
    }
    // `platforms` is a Graph flags enum: "windows10", "macOS", or several joined by commas.
    let named = ["platforms", "platform"]
        .iter()
        .find_map(|field| content.get(*field).and_then(Value::as_str));
    let words: Vec<&str> = match named {
        Some(text) => text.split(',').map(str::trim).collect(),
        None => content
            .get("@odata.type")
            .and_then(Value::as_str)
            .map(|t| vec![t.trim_start_matches("#microsoft.graph.")])
            .unwrap_or_default(),
    };
    let found: BTreeSet<Platform> = words.iter().filter_map(|w| platform_word(w)).collect();
    found.into_iter().collect()
}

/// The platform a Graph word begins with (`windows10AndLater`, `win32LobApp`, `iOS`,
/// `iosVppApp`, `macOSDmgApp`, `androidWorkProfile…`, `aospDevice…`, `linux`).
fn platform_word(word: &str) -> Option<Platform> {
    let lower = word.to_ascii_lowercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| lower.starts_with(p));
    if starts(&[
        "windows",
        "win32",
        "win10",
        "microsoftstore",
        "officesuite",
        "winget",
    ]) {
        Some(Platform::Windows)
    } else if starts(&["macos", "mac"]) {
        Some(Platform::Macos)
    } else if starts(&["ios", "managedios", "ipad"]) {
        Some(Platform::Ios)
    } else if starts(&["android", "aosp", "managedandroid"]) {
        Some(Platform::Android)
    } else if starts(&["linux"]) {
        Some(Platform::Linux)
    } else {
        None
    }
}

/// How many assignments `content` carries; `None` when it has no `assignments` at all.
pub fn assignment_count(content: &Value) -> Option<u32> {
    content
        .get("assignments")
        .and_then(Value::as_array)
        .map(|a| u32::try_from(a.len()).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(kind: &str, content: Value, expect: &[Platform]) {
        let kind = kinds::by_key(kind).expect("a registry kind");
        assert_eq!(platforms_of(kind, &content), expect, "{kind:?} {content}");
    }

    #[test]
    fn platforms_come_from_the_content_or_the_kind() {
        use Platform::*;
        check(
            "configurationPolicies",
            json!({"platforms": "windows10"}),
            &[Windows],
        );
        check(
            "configurationPolicies",
            json!({"platforms": "macOS, iOS"}),
            &[Macos, Ios],
        );
        check("configurationPolicies", json!({"platforms": "none"}), &[]);
        check(
            "assignmentFilters",
            json!({"platform": "windows10AndLater"}),
            &[Windows],
        );
        check(
            "assignmentFilters",
            json!({"platform": "androidForWork"}),
            &[Android],
        );
        check(
            "deviceConfigurations",
            json!({"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration"}),
            &[Ios],
        );
        check(
            "deviceCompliancePolicies",
            json!({"@odata.type": "#microsoft.graph.windows10CompliancePolicy"}),
            &[Windows],
        );
        check(
            "deviceCompliancePolicies",
            json!({"@odata.type": "#microsoft.graph.aospDeviceOwnerCompliancePolicy"}),
            &[Android],
        );
        check(
            "mobileApps",
            json!({"@odata.type": "#microsoft.graph.win32LobApp"}),
            &[Windows],
        );
        check(
            "mobileApps",
            json!({"@odata.type": "#microsoft.graph.macOSDmgApp"}),
            &[Macos],
        );
        check(
            "mobileApps",
            json!({"@odata.type": "#microsoft.graph.webApp"}),
            &[],
        );
        check("deviceManagementScripts", json!({}), &[Windows]);
        check("deviceShellScripts", json!({}), &[Macos]);
        check(
            "conditionalAccessPolicies",
            json!({"@odata.type": "#microsoft.graph.conditionalAccessPolicy"}),
            &[],
        );
    }

    #[test]
    fn assignments_are_counted_where_the_kind_has_them() {
        assert_eq!(assignment_count(&json!({"assignments": []})), Some(0));
        assert_eq!(
            assignment_count(&json!({"assignments": [{"target": {}}, {"target": {}}]})),
            Some(2)
        );
        assert_eq!(assignment_count(&json!({"displayName": "Office"})), None);
    }
}
