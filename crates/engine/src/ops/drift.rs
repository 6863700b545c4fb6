//! Drift: each tenant against the baselines assigned to it, as a run (`run_kind` "drift"), each
//! drift becoming a finding with a stable fingerprint.
//!
//! Baseline objects are matched to the tenant's latest snapshot per kind by display name,
//! case-insensitively. Matched objects with another hash go through the semantic diff, the
//! baseline's stored name maps on one side and the tenant's on the other, so only real
//! configuration differences are drift. A kind the tenant's snapshot did not read completely says
//! nothing about what the tenant holds: its objects are not checked and its findings stay as they are.

use crate::ops::baselines::refs_from_json;
use crate::ops::diff::name_of;
use crate::ops::findings::{decide, finding, fingerprint, now_text, Finding, FindingState};
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;
use tenantatlas_core::content_hash;
use tenantatlas_core::diff::{self as semantic, Change, ChangeCategory};
use tenantatlas_core::kinds;
use tenantatlas_core::severity::{changes_severity, missing_severity, Severity};
use tenantatlas_store::{FindingRecord, ObjectFilter, RunStatus, TenantRecord};
use time::Date;

/// `drift`.
#[derive(Clone, Debug)]
pub struct DriftOptions {
    /// One tenant (domain or id); `None` checks every tenant with an assigned baseline.
    pub tenant: Option<String>,
    /// Also report objects of the baselines' kinds that match no baseline object.
    pub unexpected: bool,
    /// The day risk acceptances are judged against.
    pub today: Date,
}

/// One drift run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftRun {
    pub id: String,
    pub tenant: String,
    pub tenant_id: String,
    pub status: String,
    pub baselines: Vec<String>,
    /// Baseline objects compared.
    pub objects: u64,
    pub findings: u64,
    pub opened: u64,
    pub reopened: u64,
    pub resolved: u64,
    /// Ids of the findings this run resolved because it no longer saw their drift.
    pub resolved_ids: Vec<String>,
    pub duration_ms: u64,
}

/// What `drift` reports: the runs, and the findings for the drift they saw.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftReport {
    pub runs: Vec<DriftRun>,
    pub findings: Vec<Finding>,
}

/// One drift a run saw.
#[derive(Clone, Debug)]
struct Observed {
    baseline: String,
    kind: String,
    object: String,
    object_id: Option<String>,
    drift: &'static str,
    severity: Severity,
    changes: Vec<Change>,
}

impl Engine {
    /// Checks one tenant, or every tenant with a baseline, against its baselines.
    pub async fn drift(&self, options: &DriftOptions) -> Result<DriftReport, EngineError> {
        let baselines = self.workspace.list_baselines().await?;
        let tenants: Vec<TenantRecord> = match &options.tenant {
            Some(t) => {
                let tenant = self.tenant(t).await?;
                if !baselines.iter().any(|b| b.tenants.contains(&tenant.id)) {
                    return Err(EngineError::not_found(format!(
                        "no baseline is assigned to {}; run `tenantatlas baseline assign NAME --tenant {}` first",
                        tenant.domain, tenant.domain
                    )));
                }
                vec![tenant]
            }
            None => self
                .workspace
                .list_tenants()
                .await?
                .into_iter()
                .filter(|t| baselines.iter().any(|b| b.tenants.contains(&t.id)))
                .collect(),
        };
        if tenants.is_empty() {
            return Err(EngineError::not_found(
                "no tenant has a baseline; run `tenantatlas baseline assign NAME --tenant T` first",
            ));
        }
        let names = self.tenant_names().await?;
        let mut contents: HashMap<String, Value> = HashMap::new();
        let mut report = DriftReport {
            runs: Vec::new(),
            findings: Vec::new(),
        };
        for tenant in &tenants {
            let started = Instant::now();
            let run_id = self.workspace.start_run("drift", Some(&tenant.id)).await?;
            let (_, side) = self.latest_side(tenant).await?;
            let ghosts = self
                .workspace
                .list_objects(
                    &tenant.id,
                    &ObjectFilter {
                        deleted: true,
                        ..ObjectFilter::default()
                    },
                )
                .await?;
            let ghost_ids: HashMap<(String, String), String> = ghosts
                .into_iter()
                .map(|g| ((g.kind, g.display_name.to_lowercase()), g.object_id))
                .collect();
            let mut live: HashMap<(String, String), Vec<usize>> = HashMap::new();
            for (i, o) in side.objects.iter().enumerate() {
                live.entry((o.kind.clone(), name_of(o).to_lowercase()))
                    .or_default()
                    .push(i);
            }

            let mut observed = Vec::new();
            let mut skipped: HashSet<(String, String)> = HashSet::new();
            let mut checked = Vec::new();
            let mut compared = 0u64;
            for baseline in baselines.iter().filter(|b| b.tenants.contains(&tenant.id)) {
                checked.push(baseline.name.clone());
                let refs = refs_from_json(&baseline.refs);
                let items = self
                    .workspace
                    .baseline_items(&baseline.name, baseline.version)
                    .await?;
                let mut matched: HashSet<usize> = HashSet::new();
                for item in &items {
                    if !side.complete.contains(&item.kind) {
                        skipped.insert((baseline.name.to_lowercase(), item.kind.clone()));
                        continue;
                    }
                    compared += 1;
                    let key = (item.kind.clone(), item.display_name.to_lowercase());
                    let found = live
                        .get(&key)
                        .and_then(|list| list.iter().find(|i| !matched.contains(i)).copied());
                    let Some(at) = found else {
                        let ghost = ghost_ids.get(&key).cloned();
                        observed.push(Observed {
                            baseline: baseline.name.clone(),
                            kind: item.kind.clone(),
                            object: item.display_name.clone(),
                            drift: if ghost.is_some() {
                                "deleted"
                            } else {
                                "missing"
                            },
                            object_id: ghost,
                            severity: missing_severity(&item.kind),
                            changes: Vec::new(),
                        });
                        continue;
                    };
                    matched.insert(at);
                    let object = &side.objects[at];
                    if object.hash == item.hash {
                        continue;
                    }
                    let Some(kind) = kinds::by_key(&item.kind) else {
                        continue;
                    };
                    if !contents.contains_key(&item.hash) {
                        let content =
                            self.workspace
                                .get_content(&item.hash)
                                .await?
                                .ok_or_else(|| {
                                    EngineError::new(
                                        crate::ErrorCode::Workspace,
                                        format!(
                                            "baseline content {} is missing from the workspace",
                                            item.hash
                                        ),
                                    )
                                })?;
                        contents.insert(item.hash.clone(), content);
                    }
                    let expected = &contents[&item.hash];
                    let changes =
                        semantic::diff(kind, expected, &object.content, &refs, &side.refs);
                    if changes.is_empty() {
                        continue;
                    }
                    let drift = if changes
                        .iter()
                        .all(|c| c.category == ChangeCategory::Assignment)
                    {
                        "assignments"
                    } else {
                        "modified"
                    };
                    observed.push(Observed {
                        baseline: baseline.name.clone(),
                        kind: item.kind.clone(),
                        object: item.display_name.clone(),
                        object_id: Some(object.object_id.clone()),
                        drift,
                        severity: changes_severity(&item.kind, &changes),
                        changes,
                    });
                }
                if options.unexpected {
                    for (i, o) in side.objects.iter().enumerate() {
                        if baseline.kinds.contains(&o.kind) && !matched.contains(&i) {
                            observed.push(Observed {
                                baseline: baseline.name.clone(),
                                kind: o.kind.clone(),
                                object: name_of(o),
                                object_id: Some(o.object_id.clone()),
                                drift: "unexpected",
                                severity: Severity::Low,
                                changes: Vec::new(),
                            });
                        }
                    }
                }
            }

            let run = self
                .reconcile(
                    tenant, &run_id, &observed, &checked, &skipped, options, &names,
                )
                .await?;
            let mut counts: BTreeMap<String, u64> = BTreeMap::new();
            for o in &observed {
                *counts.entry(o.drift.to_string()).or_default() += 1;
            }
            let mut record = self.workspace.get_run(&run_id).await?.ok_or_else(|| {
                EngineError::not_found(format!("run {run_id} vanished from the workspace"))
            })?;
            let duration_ms = started.elapsed().as_millis() as u64;
            record.status = RunStatus::Succeeded;
            record.counts = counts;
            record.objects = compared;
            record.duration_ms = Some(duration_ms);
            record.progress = json!({
                "baselines": checked,
                "findings": run.0.len(),
                "opened": run.1,
                "reopened": run.2,
                "resolved": run.3.len(),
            });
            self.workspace.finish_run(&record).await?;
            report.runs.push(DriftRun {
                id: run_id,
                tenant: tenant.domain.clone(),
                tenant_id: tenant.id.clone(),
                status: RunStatus::Succeeded.as_str().to_string(),
                baselines: checked,
                objects: compared,
                findings: run.0.len() as u64,
                opened: run.1,
                reopened: run.2,
                resolved: run.3.len() as u64,
                resolved_ids: run.3,
                duration_ms,
            });
            report.findings.extend(run.0);
        }
        Ok(report)
    }

    /// Brings the tenant's findings in line with what the run saw. Returns the findings seen,
    /// how many were opened and reopened, and the ids of those resolved.
    #[allow(clippy::too_many_arguments)]
    async fn reconcile(
        &self,
        tenant: &TenantRecord,
        run_id: &str,
        observed: &[Observed],
        checked: &[String],
        skipped: &HashSet<(String, String)>,
        options: &DriftOptions,
        names: &HashMap<String, String>,
    ) -> Result<(Vec<Finding>, u64, u64, Vec<String>), EngineError> {
        let stored: HashMap<String, FindingRecord> = self
            .workspace
            .list_findings(Some(&tenant.id))
            .await?
            .into_iter()
            .map(|f| (f.id.clone(), f))
            .collect();
        let now = now_text();
        let mut seen_ids = HashSet::new();
        let mut findings = Vec::new();
        let (mut opened, mut reopened) = (0, 0);
        for o in observed {
            let id = fingerprint(&tenant.id, &o.baseline, &o.kind, &o.object, o.drift);
            if !seen_ids.insert(id.clone()) {
                // Two baselines expecting one object the same way: one finding.
                continue;
            }
            // Changes are plain data: serialising them cannot fail.
            let changes = serde_json::to_value(&o.changes).unwrap_or_default();
            let changes_hash = content_hash(&changes);
            let before = stored.get(&id);
            let decision = decide(before, Some(&changes_hash), options.today);
            let mut record = FindingRecord {
                id: id.clone(),
                tenant_id: tenant.id.clone(),
                baseline: o.baseline.clone(),
                kind: o.kind.clone(),
                object_name: o.object.clone(),
                object_id: o.object_id.clone(),
                drift: o.drift.to_string(),
                severity: o.severity.as_str().to_string(),
                state: before.map_or_else(
                    || FindingState::Open.as_str().to_string(),
                    |b| b.state.clone(),
                ),
                changes,
                changes_hash,
                justification: before.and_then(|b| b.justification.clone()),
                expires_on: before.and_then(|b| b.expires_on.clone()),
                accepted_changes_hash: before.and_then(|b| b.accepted_changes_hash.clone()),
                first_seen_at: before.map_or_else(|| now.clone(), |b| b.first_seen_at.clone()),
                last_seen_at: now.clone(),
                updated_at: before.map_or_else(|| now.clone(), |b| b.updated_at.clone()),
                last_run_id: Some(run_id.to_string()),
            };
            match decision.why {
                Some(why) => {
                    if before.is_none() {
                        opened += 1;
                    } else {
                        reopened += 1;
                    }
                    self.transition(&mut record, decision.state, &why).await?;
                }
                None => self.workspace.save_finding(&record).await?,
            }
            findings.push(finding(&record, names));
        }
        let mut resolved = Vec::new();
        for (id, record) in &stored {
            if seen_ids.contains(id)
                || !checked
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(&record.baseline))
                || skipped.contains(&(record.baseline.to_lowercase(), record.kind.clone()))
                || (record.drift == "unexpected" && !options.unexpected)
            {
                continue;
            }
            let decision = decide(Some(record), None, options.today);
            if let Some(why) = decision.why {
                let mut record = record.clone();
                record.last_run_id = Some(run_id.to_string());
                self.transition(&mut record, decision.state, &why).await?;
                resolved.push(id.clone());
            }
        }
        resolved.sort();
        Ok((findings, opened, reopened, resolved))
    }
}
