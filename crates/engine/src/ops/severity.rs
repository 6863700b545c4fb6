//! The MSP's severity overrides (`tenantatlas severity …`): its own rules on top of the built-in
//! table of `core::severity`, stored in the workspace and applied by every drift run from then on.

use crate::ops::findings::actor;
use crate::{Engine, EngineError};
use serde_json::json;
use tenantatlas_core::kinds;
use tenantatlas_core::severity::{Severity, SeverityOverride, SeverityRules};
use tenantatlas_store::SeverityRuleRecord;

/// The drift types a rule can name.
pub const DRIFTS: &[&str] = &[
    "missing",
    "unexpected",
    "modified",
    "assignments",
    "deleted",
];

/// A rule as the front doors show it: as the workspace stores it.
pub type SeverityRule = SeverityRuleRecord;

/// `severity set`.
#[derive(Clone, Debug, Default)]
pub struct NewSeverityRule {
    pub kind: Option<String>,
    pub drift: Option<String>,
    pub pattern: Option<String>,
    pub severity: String,
    pub note: Option<String>,
}

impl Engine {
    /// Adds an override; the next drift run applies it.
    pub async fn add_severity_rule(
        &self,
        rule: &NewSeverityRule,
    ) -> Result<SeverityRule, EngineError> {
        let severity = Severity::parse(&rule.severity).ok_or_else(|| {
            EngineError::invalid(format!(
                "unknown severity '{}'; use high, medium, low or info",
                rule.severity
            ))
        })?;
        let kind = match rule
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            Some(k) => Some(
                kinds::REGISTRY
                    .iter()
                    .find(|x| x.key.eq_ignore_ascii_case(k))
                    .ok_or_else(|| {
                        EngineError::invalid(format!(
                            "unknown kind '{k}'; the kinds are the names `tenantatlas policies list --tenant T` shows"
                        ))
                    })?
                    .key
                    .to_string(),
            ),
            None => None,
        };
        let drift = match rule
            .drift
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(d) => Some(
                DRIFTS
                    .iter()
                    .find(|x| x.eq_ignore_ascii_case(d))
                    .ok_or_else(|| {
                        EngineError::invalid(format!(
                            "unknown drift '{d}'; use {}",
                            DRIFTS.join(", ")
                        ))
                    })?
                    .to_string(),
            ),
            None => None,
        };
        let pattern = rule
            .pattern
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        if kind.is_none() && drift.is_none() && pattern.is_none() {
            return Err(EngineError::invalid(
                "a severity rule needs --kind, --drift or --match; one rule for all drift would hide the built-in table",
            ));
        }
        let mut record = SeverityRuleRecord {
            id: 0,
            kind,
            drift,
            pattern,
            severity: severity.as_str().to_string(),
            note: rule.note.clone().filter(|n| !n.trim().is_empty()),
            created_at: String::new(),
        };
        record.id = self.workspace.add_severity_rule(&record).await?;
        self.workspace
            .append_audit(
                &actor(),
                "severity.set",
                &record.id.to_string(),
                &json!({
                    "kind": record.kind,
                    "drift": record.drift,
                    "pattern": record.pattern,
                    "severity": record.severity,
                    "note": record.note,
                }),
            )
            .await?;
        self.list_severity_rules()
            .await?
            .into_iter()
            .find(|r| r.id == record.id)
            .ok_or_else(|| EngineError::not_found("the new severity rule vanished"))
    }

    pub async fn list_severity_rules(&self) -> Result<Vec<SeverityRule>, EngineError> {
        Ok(self.workspace.list_severity_rules().await?)
    }

    pub async fn remove_severity_rule(&self, id: i64) -> Result<(), EngineError> {
        if !self.workspace.remove_severity_rule(id).await? {
            return Err(EngineError::not_found(format!(
                "no severity rule {id}; `tenantatlas severity list` shows them"
            )));
        }
        self.workspace
            .append_audit(&actor(), "severity.remove", &id.to_string(), &json!({}))
            .await?;
        Ok(())
    }

    /// The built-in table with the workspace's overrides, as drift applies it.
    pub(crate) async fn severity_rules(&self) -> Result<SeverityRules, EngineError> {
        let overrides = self
            .workspace
            .list_severity_rules()
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(SeverityOverride {
                    kind: r.kind,
                    drift: r.drift,
                    pattern: r.pattern,
                    severity: Severity::parse(&r.severity)?,
                })
            })
            .collect();
        Ok(SeverityRules::new(overrides))
    }
}
