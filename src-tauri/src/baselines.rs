//! The Baselines screen's commands: the baselines with their tenants' average score, one in full
//! (objects, versions, each assigned tenant's score and counts), and the actions — create one from
//! a tenant's latest snapshot (objects picked one by one, an optional name template) or from a
//! file, approve a tenant's snapshot, assign to tenants, unassign, and check drift now.
//!
//! Every figure and rule is the engine's (`ops::baselines`, `ops::baseline_view`, `ops::drift`);
//! the transport types mirror its types here, as `tenant.rs` does, and placeholder values cross as
//! lists of pairs rather than maps so the generated TypeScript stays plain.

use crate::ipc::CommandError;
use crate::state::{drive, AppState};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tenantatlas_engine::ops::baseline_view::{BaselineDetail, BaselineRow};
use tenantatlas_engine::ops::baselines::{Baseline, BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::EngineError;
use ts_rs::TS;

type Answer<T> = Result<T, CommandError>;

/// A placeholder of a name template and its value (`prefix` = `Contoso`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlaceholderValue {
    pub placeholder: String,
    pub value: String,
}

fn pairs(map: BTreeMap<String, String>) -> Vec<PlaceholderValue> {
    map.into_iter()
        .map(|(placeholder, value)| PlaceholderValue { placeholder, value })
        .collect()
}

fn map(pairs: Vec<PlaceholderValue>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|p| (p.placeholder.trim().to_string(), p.value.trim().to_string()))
        .collect()
}

/// A baseline in the list.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct BaselineSummary {
    pub name: String,
    pub version: u32,
    /// `tenant`, `file` or `approved`.
    pub origin: String,
    /// The source tenant's domain; empty for a file.
    pub source_tenant: String,
    /// Which snapshot or file it was taken from, in words.
    pub source: String,
    pub objects: u32,
    pub placeholders: Vec<String>,
    /// Whether drift reports the tenants' objects of its kinds that match none of its objects.
    pub unexpected: bool,
    /// Domains of the tenants checked against it.
    pub tenants: Vec<String>,
    pub created_at: String,
    /// The mean of its tenants' newest scores; `None` before any was checked.
    pub average_score: Option<f64>,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl BaselineSummary {
    fn of(b: Baseline, average_score: Option<f64>) -> Self {
        BaselineSummary {
            name: b.name,
            version: u32::try_from(b.version).unwrap_or(0),
            origin: b.origin,
            source_tenant: b.source_tenant,
            source: b.source,
            objects: n(b.objects),
            placeholders: b.placeholders,
            unexpected: b.unexpected,
            tenants: b.tenants,
            created_at: b.created_at,
            average_score,
        }
    }
}

impl From<BaselineRow> for BaselineSummary {
    fn from(row: BaselineRow) -> Self {
        BaselineSummary::of(row.baseline, row.average_score)
    }
}

/// One object the baseline expects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BaselineObjectRow {
    pub kind: String,
    pub kind_label: String,
    /// A template ("{prefix} - Win - BitLocker") when `templated`.
    pub name: String,
    pub templated: bool,
    /// Tenants (domains) where it is matched by hand to an object of another name.
    pub pinned_in: Vec<String>,
}

/// One version of the baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct BaselineVersionRow {
    pub version: u32,
    pub created_at: String,
    pub origin: String,
    pub source: String,
    pub objects: u32,
}

/// An assigned tenant and how it stands against the baseline, from its newest drift check.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct BaselineTenantRow {
    pub tenant_id: String,
    pub domain: String,
    pub name: String,
    pub values: Vec<PlaceholderValue>,
    /// The tenant's score (against all its baselines) and rating; `None` before a drift check.
    pub score: Option<f64>,
    pub rating: Option<String>,
    pub scored_at: Option<String>,
    pub matched: u32,
    pub missing: u32,
    pub different: u32,
    pub unexpected: u32,
    /// Drift whose risk is accepted, counted in `matched`.
    pub accepted: u32,
}

/// One baseline in full.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct BaselineView {
    pub baseline: BaselineSummary,
    pub objects: Vec<BaselineObjectRow>,
    /// Newest first.
    pub versions: Vec<BaselineVersionRow>,
    pub tenants: Vec<BaselineTenantRow>,
}

impl From<BaselineDetail> for BaselineView {
    fn from(d: BaselineDetail) -> Self {
        let scores: Vec<f64> = d.tenants.iter().filter_map(|t| t.score).collect();
        let average = (!scores.is_empty())
            .then(|| (scores.iter().sum::<f64>() / scores.len() as f64 * 10.0).round() / 10.0);
        BaselineView {
            baseline: BaselineSummary::of(d.baseline, average),
            objects: d
                .objects
                .into_iter()
                .map(|o| BaselineObjectRow {
                    kind: o.kind,
                    kind_label: o.kind_label,
                    name: o.name,
                    templated: o.templated,
                    pinned_in: o.pinned_in,
                })
                .collect(),
            versions: d
                .versions
                .into_iter()
                .map(|v| BaselineVersionRow {
                    version: u32::try_from(v.version).unwrap_or(0),
                    created_at: v.created_at,
                    origin: v.origin,
                    source: v.source,
                    objects: n(v.objects),
                })
                .collect(),
            tenants: d
                .tenants
                .into_iter()
                .map(|t| BaselineTenantRow {
                    tenant_id: t.tenant_id,
                    domain: t.domain,
                    name: t.name,
                    values: pairs(t.vars),
                    score: t.score,
                    rating: t.rating,
                    scored_at: t.scored_at,
                    matched: n(t.matched),
                    missing: n(t.missing),
                    different: n(t.different),
                    unexpected: n(t.unexpected),
                    accepted: n(t.accepted),
                })
                .collect(),
        }
    }
}

/// A new baseline (or a new version of one), from a tenant's latest snapshot or from a file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum NewBaselineRequest {
    /// The objects with these ids of the tenant's latest snapshot; `values` turn the source's
    /// names into templates (`prefix` = `MSP`: "MSP - Win - BitLocker" becomes
    /// "{prefix} - Win - BitLocker").
    Tenant {
        name: String,
        tenant: String,
        object_ids: Vec<String>,
        values: Vec<PlaceholderValue>,
        unexpected: bool,
    },
    /// A baseline export, or Graph JSON in a file or folder, read bounded.
    File {
        name: String,
        path: String,
        unexpected: bool,
    },
}

/// One tenant to assign, with its values for the baseline's placeholders.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
pub struct TenantAssignment {
    pub tenant: String,
    pub values: Vec<PlaceholderValue>,
}

/// What assigning did: each tenant assigned, or refused and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AssignOutcome {
    pub assigned: Vec<String>,
    pub refused: Vec<AssignRefusal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct AssignRefusal {
    pub tenant: String,
    pub message: String,
}

/// One tenant's drift check, as "Check drift now" reports it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct DriftChecked {
    pub tenant: String,
    pub tenant_name: String,
    pub score: f64,
    pub rating: String,
    pub findings: u32,
    pub opened: u32,
    pub resolved: u32,
}

impl AppState {
    /// Every baseline with its tenants' average score.
    pub async fn baselines(&self) -> Answer<Vec<BaselineSummary>> {
        let opened = self.opened().await?;
        let rows = opened.engine.baseline_rows().await?;
        Ok(rows.into_iter().map(BaselineSummary::from).collect())
    }

    /// One baseline in full.
    pub async fn baseline_view(&self, name: &str) -> Answer<BaselineView> {
        let opened = self.opened().await?;
        let detail = drive(opened.engine.baseline_detail(name, today()))?;
        Ok(detail.into())
    }

    /// Takes a new baseline version from a tenant's picked objects or from a file.
    pub async fn new_baseline(&self, request: NewBaselineRequest) -> Answer<BaselineSummary> {
        let opened = self.opened().await?;
        let engine = &opened.engine;
        let made = match request {
            NewBaselineRequest::Tenant {
                name,
                tenant,
                object_ids,
                values,
                unexpected,
            } => {
                let input = CreateBaseline {
                    name,
                    source: BaselineSource::Tenant {
                        tenant,
                        snapshot: None,
                    },
                    kinds: Vec::new(),
                    include: Vec::new(),
                    exclude: Vec::new(),
                    vars: map(values)
                        .into_iter()
                        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
                        .collect(),
                    unexpected,
                };
                drive(engine.create_baseline_of(&input, &object_ids))?
            }
            NewBaselineRequest::File {
                name,
                path,
                unexpected,
            } => {
                let path = path.trim();
                if path.is_empty() {
                    return Err(
                        EngineError::invalid("type the path of a baseline file or folder").into(),
                    );
                }
                let input = CreateBaseline {
                    name,
                    source: BaselineSource::File(PathBuf::from(path)),
                    kinds: Vec::new(),
                    include: Vec::new(),
                    exclude: Vec::new(),
                    vars: BTreeMap::new(),
                    unexpected,
                };
                drive(engine.create_baseline(&input))?
            }
        };
        Ok(BaselineSummary::of(made, None))
    }

    /// Signs off a tenant's latest snapshot as its own baseline "<domain> approved".
    pub async fn approve_snapshot(&self, tenant: &str) -> Answer<BaselineSummary> {
        let opened = self.opened().await?;
        let made = drive(opened.engine.approve_snapshot(tenant, None))?;
        Ok(BaselineSummary::of(made, None))
    }

    /// Assigns the baseline to each tenant with its values; one refusal does not stop the others.
    pub async fn assign_baseline(
        &self,
        name: &str,
        tenants: Vec<TenantAssignment>,
    ) -> Answer<AssignOutcome> {
        let opened = self.opened().await?;
        let mut outcome = AssignOutcome {
            assigned: Vec::new(),
            refused: Vec::new(),
        };
        for t in tenants {
            match drive(
                opened
                    .engine
                    .assign_baseline(name, &t.tenant, &map(t.values)),
            ) {
                Ok(_) => outcome.assigned.push(t.tenant),
                Err(e) if e.code == tenantatlas_engine::ErrorCode::Workspace => {
                    return Err(e.into())
                }
                Err(e) => outcome.refused.push(AssignRefusal {
                    tenant: t.tenant,
                    message: e.message,
                }),
            }
        }
        Ok(outcome)
    }

    /// Matches the baseline's `object` (kind and name, as the baseline lists it) to the tenant's
    /// object `to` (an id from its latest snapshot) by hand, whatever its name; `to: None` removes
    /// the pin. Answers the baseline in full again.
    pub async fn pin_object(
        &self,
        baseline: &str,
        tenant: &str,
        kind: &str,
        object: &str,
        to: Option<String>,
    ) -> Answer<BaselineView> {
        {
            let opened = self.opened().await?;
            drive(
                opened
                    .engine
                    .pin_object(baseline, tenant, kind, object, to.as_deref()),
            )?;
        }
        self.baseline_view(baseline).await
    }

    /// Stops checking the tenant against the baseline; its findings stay.
    pub async fn unassign_baseline(&self, name: &str, tenant: &str) -> Answer<BaselineSummary> {
        let opened = self.opened().await?;
        let b = drive(opened.engine.unassign_baseline(name, tenant))?;
        Ok(BaselineSummary::of(b, None))
    }

    /// Checks the tenants' drift against all their baselines now, one tenant after another.
    pub async fn check_drift(&self, tenants: Vec<String>) -> Answer<Vec<DriftChecked>> {
        let opened = self.opened().await?;
        let engine = &opened.engine;
        let mut checked = Vec::with_capacity(tenants.len());
        for tenant in tenants {
            let report = drive(engine.drift(&DriftOptions {
                tenant: Some(tenant),
                unexpected: false,
                today: today(),
            }))?;
            checked.extend(report.runs.into_iter().map(|r| {
                DriftChecked {
                    tenant: r.tenant,
                    tenant_name: r.tenant_name,
                    score: r.score,
                    rating: serde_json::to_value(r.rating)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    findings: n(r.findings),
                    opened: n(r.opened + r.reopened),
                    resolved: n(r.resolved),
                }
            }));
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_workspace_the_baselines_screen_says_so() {
        let state = AppState::default();
        assert_eq!(
            state.baselines().await.unwrap_err().code,
            ErrorCode::NoWorkspace
        );
    }

    /// The demo through the methods the Baselines screen calls: its golden baseline listed with an
    /// average score, in full with each tenant's counts, a baseline picked from the reference
    /// tenant, assigned with a refusal for a tenant that does not exist, checked, unassigned.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_baselines_screen_reads_and_changes_the_demo() {
        let state = Arc::new(AppState::default());
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();
        let list = state.baselines().await.unwrap();
        let golden = list.iter().find(|b| b.name == "MSP golden").unwrap();
        assert!(golden.average_score.is_some());
        assert!(!golden.tenants.is_empty());

        let view = state.baseline_view("MSP golden").await.unwrap();
        assert_eq!(view.objects.len() as u32, golden.objects);
        assert_eq!(view.tenants.len(), golden.tenants.len());
        assert!(view
            .tenants
            .iter()
            .all(|t| t.score.is_some() && t.matched + t.missing + t.different == golden.objects));
        assert_eq!(view.versions[0].version, golden.version);

        let reference = &golden.source_tenant;
        let inventory = state.tenant_inventory(reference).await.unwrap();
        let picked: Vec<String> = inventory
            .iter()
            .filter(|i| !i.deleted && i.name.starts_with("MSP - "))
            .take(3)
            .map(|i| i.object_id.clone())
            .collect();
        let made = state
            .new_baseline(NewBaselineRequest::Tenant {
                name: "Three".into(),
                tenant: reference.clone(),
                object_ids: picked,
                values: vec![PlaceholderValue {
                    placeholder: "prefix".into(),
                    value: "MSP".into(),
                }],
                unexpected: false,
            })
            .await
            .unwrap();
        assert_eq!(
            (made.objects, made.placeholders.clone()),
            (3, vec!["prefix".into()])
        );
        let no_file = state
            .new_baseline(NewBaselineRequest::File {
                name: "From file".into(),
                path: dir.path().join("nothing.json").display().to_string(),
                unexpected: false,
            })
            .await
            .unwrap_err();
        assert_ne!(no_file.code, ErrorCode::Internal, "{}", no_file.message);

        let target = golden.tenants[0].clone();
        let outcome = state
            .assign_baseline(
                "Three",
                vec![
                    TenantAssignment {
                        tenant: target.clone(),
                        values: vec![PlaceholderValue {
                            placeholder: "prefix".into(),
                            value: "MSP".into(),
                        }],
                    },
                    TenantAssignment {
                        tenant: "nobody.example".into(),
                        values: Vec::new(),
                    },
                ],
            )
            .await
            .unwrap();
        assert_eq!(outcome.assigned, std::slice::from_ref(&target));
        assert_eq!(outcome.refused[0].tenant, "nobody.example");
        let checked = state.check_drift(vec![target.clone()]).await.unwrap();
        assert_eq!(checked.len(), 1);
        assert!(!checked[0].rating.is_empty());
        let view = state.baseline_view("Three").await.unwrap();
        assert!(view.objects.iter().all(|o| o.templated));
        assert_eq!(view.tenants[0].score, Some(checked[0].score));
        let after = state.unassign_baseline("Three", &target).await.unwrap();
        assert!(after.tenants.is_empty());
    }
}
