//! One captured object in words, as `policies show` prints it: its name, kind, version and
//! capture time, who gets it (Include/Exclude, groups and filters by name, "All devices") and what
//! it configures (settings catalog names and options, Conditional Access states as the portal
//! says them), all put into words by `core::labels` with the names the tenant's own directory
//! and captured objects give its ids (`ops::diff::refs_for`).

use crate::{Engine, EngineError};
use serde::Serialize;
use tenantatlas_core::kinds;
use tenantatlas_core::labels::{
    describe, describe_assignments, type_words, AssignmentWords, SettingWords,
};

/// What `policies show` prints by default (`--json` prints the stored object itself).
#[derive(Clone, Debug, Serialize)]
pub struct PolicyView {
    /// The tenant's domain and name.
    pub tenant: String,
    pub tenant_name: String,
    /// The kind's registry key and its name in the MSP's words.
    pub kind: String,
    pub kind_label: String,
    /// The object's Graph type in words ("Windows10 general configuration"), when it says more
    /// than the kind.
    pub type_label: Option<String>,
    pub object_id: String,
    pub name: String,
    pub version_no: u32,
    pub captured_at: String,
    /// Whether the object is gone from the tenant now (whatever version is shown).
    pub deleted: bool,
    pub assignments: Vec<AssignmentWords>,
    pub settings: Vec<SettingWords>,
}

impl Engine {
    /// One object at a version (default: the latest) in words. Ids resolve with the tenant's
    /// current names: its directory and its latest snapshot's filters, locations and apps.
    pub async fn policy_view(
        &self,
        tenant: &str,
        object_id: &str,
        version: Option<u32>,
    ) -> Result<PolicyView, EngineError> {
        let mut object = self.policy(tenant, object_id, version).await?;
        // What is shown never holds a secret (`core::redact`).
        tenantatlas_core::redact::secrets(&mut object.content);
        let tenant = self.tenant(tenant).await?;
        let (_, side) = self.latest_side(&tenant).await?;
        let catalog = self.setting_catalog().await?;
        let kind = kinds::by_key(&object.kind);
        let name = kind
            .and_then(|k| object.content.get(k.name_field))
            .and_then(|v| v.as_str())
            .unwrap_or(&object.display_name)
            .to_string();
        let kind_label = kind.map_or_else(|| object.kind.clone(), |k| k.label.to_string());
        Ok(PolicyView {
            type_label: type_words(&object.content)
                .filter(|t| !t.eq_ignore_ascii_case(&kind_label)),
            kind_label,
            tenant: tenant.domain,
            tenant_name: tenant.name,
            assignments: describe_assignments(&object.content, &side.refs),
            settings: kind
                .map(|k| describe(k, &object.content, &catalog, &side.refs))
                .unwrap_or_default(),
            kind: object.kind,
            object_id: object.object_id,
            name,
            version_no: object.version_no,
            captured_at: object.captured_at,
            deleted: object.deleted,
        })
    }
}
