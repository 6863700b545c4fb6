//! Baselines as the desktop app's Baselines screen shows them: each with the average score of its
//! tenants, and one in full — its objects (name templates and pins shown), its versions, and per
//! assigned tenant the score, rating and how many baseline objects are in place, missing or
//! configured differently.
//!
//! The figures are read, never computed anew: a tenant's score and rating are its newest drift
//! run's (as the portfolio shows them; a run scores the tenant against all its baselines at once),
//! and the counts come from the tenant's findings of this baseline that still stand. Nothing here
//! reads a snapshot, so the screen answers at once across hundreds of tenants.

use crate::ops::baselines::{placeholders_of, Baseline};
use crate::ops::findings::{Finding, FindingFilter, FindingState};
use crate::{Engine, EngineError};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use tenantatlas_core::kinds;
use tenantatlas_core::templates;
use tenantatlas_store::baselines as store_baselines;
use time::Date;

/// A baseline in the list, with how its tenants score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineRow {
    pub baseline: Baseline,
    /// The mean of the assigned tenants' scores; `None` until one has been checked.
    pub average_score: Option<f64>,
    /// How many assigned tenants have a score.
    pub scored_tenants: u64,
}

/// One object the baseline expects.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineObject {
    pub kind: String,
    pub kind_label: String,
    /// The name as the baseline keeps it: a template when it uses placeholders.
    pub name: String,
    pub templated: bool,
    /// Domains of the tenants where this object is matched by hand (pinned) to another name.
    pub pinned_in: Vec<String>,
}

/// One version of the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineVersion {
    pub version: i64,
    pub created_at: String,
    /// `tenant`, `file` or `approved`.
    pub origin: String,
    pub source: String,
    pub objects: u64,
}

/// An assigned tenant and how it stands against the baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineTenant {
    pub tenant_id: String,
    pub domain: String,
    pub name: String,
    /// Its values for the baseline's placeholders.
    pub vars: BTreeMap<String, String>,
    /// The tenant's score and rating from its newest drift run; `None` before the first.
    pub score: Option<f64>,
    pub rating: Option<String>,
    pub scored_at: Option<String>,
    /// Baseline objects with no standing finding: in place, or drift whose risk is accepted.
    pub matched: u64,
    /// Standing findings of this baseline: objects missing (or deleted), objects configured
    /// differently, and objects of its kinds that match none of its objects.
    pub missing: u64,
    pub different: u64,
    pub unexpected: u64,
    /// Of the matched, how many drift with their risk accepted.
    pub accepted: u64,
}

/// One baseline in full.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineDetail {
    pub baseline: Baseline,
    /// By kind, then name.
    pub objects: Vec<BaselineObject>,
    /// Newest first.
    pub versions: Vec<BaselineVersion>,
    /// By domain.
    pub tenants: Vec<BaselineTenant>,
}

/// A tenant's newest score, rating and when it was taken.
struct Scored {
    score: Option<f64>,
    rating: Option<String>,
    scored_at: Option<String>,
}

impl Engine {
    /// Every baseline at its latest version, with its tenants' average score.
    pub async fn baseline_rows(&self) -> Result<Vec<BaselineRow>, EngineError> {
        let scores = self.scores_by_domain().await?;
        Ok(self
            .list_baselines()
            .await?
            .into_iter()
            .map(|baseline| {
                let known: Vec<f64> = baseline
                    .tenants
                    .iter()
                    .filter_map(|d| scores.get(d).and_then(|s| s.score))
                    .collect();
                BaselineRow {
                    average_score: (!known.is_empty())
                        .then(|| round(known.iter().sum::<f64>() / known.len() as f64)),
                    scored_tenants: known.len() as u64,
                    baseline,
                }
            })
            .collect())
    }

    /// One baseline in full; findings are judged on `today` (expired risk acceptances reopen).
    pub async fn baseline_detail(
        &self,
        name: &str,
        today: Date,
    ) -> Result<BaselineDetail, EngineError> {
        let info = self.baseline_info(name).await?;
        let baseline = self
            .list_baselines()
            .await?
            .into_iter()
            .find(|b| b.name == info.name)
            .ok_or_else(|| EngineError::not_found(format!("no baseline '{name}'")))?;
        let placeholders = placeholders_of(&info.refs);
        let items = self
            .workspace
            .baseline_items(&info.name, info.version)
            .await?;
        let tenants = self.tenant_names().await?;
        // Pins by (kind, item name), with the domains that pin it.
        let mut pins: HashMap<(String, String), Vec<String>> = HashMap::new();
        for tenant_id in &info.tenants {
            let domain = tenants
                .get(tenant_id)
                .map_or_else(|| tenant_id.clone(), |t| t.domain.clone());
            for pin in self.workspace.list_pins(&info.name, tenant_id).await? {
                pins.entry((pin.kind, pin.item_name.to_lowercase()))
                    .or_default()
                    .push(domain.clone());
            }
        }
        let mut objects: Vec<BaselineObject> = items
            .iter()
            .map(|item| BaselineObject {
                kind: item.kind.clone(),
                kind_label: kinds::by_key(&item.kind)
                    .map_or(item.kind.as_str(), |k| k.label)
                    .to_string(),
                name: item.display_name.clone(),
                templated: templates::uses_placeholders(&item.display_name, &placeholders),
                pinned_in: pins
                    .get(&(item.kind.clone(), item.display_name.to_lowercase()))
                    .cloned()
                    .unwrap_or_default(),
            })
            .collect();
        objects.sort_by(|a, b| {
            (&a.kind_label, a.name.to_lowercase()).cmp(&(&b.kind_label, b.name.to_lowercase()))
        });
        let versions = store_baselines::baseline_versions(self.workspace.pool(), &info.name)
            .await?
            .into_iter()
            .map(|v| BaselineVersion {
                version: v.version,
                created_at: v.created_at,
                origin: v.origin,
                source: v.source,
                objects: v.objects,
            })
            .collect();
        let findings: Vec<Finding> = self
            .list_findings(&FindingFilter::default(), today)
            .await?
            .into_iter()
            .filter(|f| f.baseline.eq_ignore_ascii_case(&info.name))
            .collect();
        let scores = self.scores_by_domain().await?;
        let mut shown = Vec::with_capacity(info.tenants.len());
        for tenant_id in &info.tenants {
            let Some(label) = tenants.get(tenant_id) else {
                continue;
            };
            let mine = findings.iter().filter(|f| &f.tenant_id == tenant_id);
            let (mut missing, mut different, mut unexpected, mut accepted) = (0, 0, 0, 0);
            for f in mine {
                let standing = f.is_standing();
                match f.drift.as_str() {
                    "missing" | "deleted" if standing => missing += 1,
                    "modified" if standing => different += 1,
                    "unexpected" if standing => unexpected += 1,
                    "missing" | "deleted" | "modified"
                        if f.state == FindingState::RiskAccepted.as_str() =>
                    {
                        accepted += 1
                    }
                    _ => {}
                }
            }
            let scored = scores.get(&label.domain);
            shown.push(BaselineTenant {
                tenant_id: tenant_id.clone(),
                domain: label.domain.clone(),
                name: label.name.clone(),
                vars: info.vars.get(tenant_id).cloned().unwrap_or_default(),
                score: scored.and_then(|s| s.score),
                rating: scored.and_then(|s| s.rating.clone()),
                scored_at: scored.and_then(|s| s.scored_at.clone()),
                matched: info.objects.saturating_sub(missing + different),
                missing,
                different,
                unexpected,
                accepted,
            });
        }
        shown.sort_by(|a, b| a.domain.cmp(&b.domain));
        Ok(BaselineDetail {
            baseline,
            objects,
            versions,
            tenants: shown,
        })
    }

    /// Each tenant's newest score, by domain, as the portfolio shows it.
    async fn scores_by_domain(&self) -> Result<HashMap<String, Scored>, EngineError> {
        Ok(self
            .portfolio()
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.domain,
                    Scored {
                        score: t.score,
                        rating: t.rating,
                        scored_at: t.scored_at,
                    },
                )
            })
            .collect())
    }
}

fn round(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
