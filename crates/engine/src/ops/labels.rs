//! Friendly setting names for the changes the diff and drift report: the workspace's settings
//! catalog definitions (read by sync, see `sync/definitions.rs`) put to work by `core::labels`.

use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use tenantatlas_core::kinds::ObjectKind;
use tenantatlas_core::labels::{label, ChangeLabel, SettingCatalog};

// The change's own types, so that front doors can read a `LabelledChange` (its category, say)
// without depending on `core` for them.
pub use tenantatlas_core::diff::{Change, ChangeCategory};

/// A change and its words, serialised as one object: the change's own fields (`path`, `setting`,
/// `before`, `after`, `category`, `text_diff`) and the label's (`setting_name`, `before_label`,
/// `after_label`, `summary`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LabelledChange {
    #[serde(flatten)]
    pub change: Change,
    #[serde(flatten)]
    pub label: ChangeLabel,
}

/// Each of `changes` (between `before` and `after`, two captures of an object of `kind`, as
/// captured) with its label.
pub fn labelled(
    kind: &ObjectKind,
    changes: Vec<Change>,
    catalog: &SettingCatalog,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<LabelledChange> {
    changes
        .into_iter()
        .map(|change| LabelledChange {
            label: label(kind, &change, catalog, before, after),
            change,
        })
        .collect()
}

impl Engine {
    /// The settings catalog definitions syncs have read into this workspace (global, the same
    /// for every tenant). Empty before the first sync of a tenant with settings catalog policies;
    /// labels then fall back to the definition ids.
    pub async fn setting_catalog(&self) -> Result<SettingCatalog, EngineError> {
        Ok(self.workspace.setting_catalog().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tenantatlas_core::diff::ChangeCategory;
    use tenantatlas_core::kinds::by_key;

    #[test]
    fn a_labelled_change_is_one_flat_object() {
        let change = Change {
            path: "passwordMinimumLength".into(),
            setting: Some("passwordMinimumLength".into()),
            before: Some(json!(8)),
            after: Some(json!(12)),
            category: ChangeCategory::Setting,
            text_diff: None,
        };
        let kind = by_key("deviceConfigurations").unwrap();
        let out = labelled(kind, vec![change], &SettingCatalog::new(), None, None);
        assert_eq!(
            serde_json::to_value(&out[0]).unwrap(),
            json!({
                "path": "passwordMinimumLength",
                "setting": "passwordMinimumLength",
                "before": 8,
                "after": 12,
                "category": "Setting",
                "text_diff": null,
                "setting_name": "Password minimum length",
                "before_label": "8",
                "after_label": "12",
                "summary": "Password minimum length: 8 → 12",
            })
        );
    }
}
