//! Friendly setting names for the changes the diff and drift report: the workspace's settings
//! catalog definitions (read by sync, see `sync/definitions.rs`) put to work by `core::labels`.

use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use tenantatlas_core::kinds::ObjectKind;
use tenantatlas_core::labels::{label, ChangeLabel, SettingCatalog};
use tenantatlas_core::redact;

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
        .map(|change| {
            let mut labelled = LabelledChange {
                label: label(kind, &change, catalog, before, after),
                change,
            };
            let c = &mut labelled;
            ShownChange {
                path: &c.change.path,
                setting: c.label.setting.as_deref().or(c.change.setting.as_deref()),
                before: &mut c.change.before,
                after: &mut c.change.after,
                before_label: &mut c.label.before,
                after_label: &mut c.label.after,
                summary: &mut c.label.summary,
                text_diff: &mut c.change.text_diff,
            }
            .hide_secrets();
            labelled
        })
        .collect()
}

/// A change about to be shown (a diff, a finding, a comparison): the parts that may carry a
/// secret's value, so that [`ShownChange::hide_secrets`] can hide them (`core::redact`).
pub(crate) struct ShownChange<'a> {
    pub path: &'a str,
    pub setting: Option<&'a str>,
    pub before: &'a mut Option<Value>,
    pub after: &'a mut Option<Value>,
    pub before_label: &'a mut Option<String>,
    pub after_label: &'a mut Option<String>,
    pub summary: &'a mut String,
    pub text_diff: &'a mut Option<String>,
}

impl ShownChange<'_> {
    /// A change of a secret (`…preSharedKey`, `…Password`) shows that it changed, never the
    /// values; any other change has secrets inside its values and text hidden.
    pub fn hide_secrets(self) {
        let hidden = || Some(Value::String(redact::SECRET.to_string()));
        if redact::is_secret_path(self.path) || self.setting.is_some_and(redact::is_secret_path) {
            for value in [self.before, self.after] {
                if value.is_some() {
                    *value = hidden();
                }
            }
            for label in [self.before_label, self.after_label] {
                if label.is_some() {
                    *label = Some(redact::SECRET.to_string());
                }
            }
            *self.summary = format!(
                "{}: changed ({})",
                self.setting.unwrap_or(self.path),
                redact::SECRET
            );
            *self.text_diff = None;
            return;
        }
        for value in [self.before, self.after].into_iter().flatten() {
            redact::secrets(value);
        }
        for text in [self.before_label, self.after_label, self.text_diff]
            .into_iter()
            .flatten()
        {
            *text = redact::text_secrets(text).0;
        }
        *self.summary = redact::text_secrets(self.summary).0;
    }
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
