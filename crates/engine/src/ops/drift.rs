//! Drift: each tenant against the baselines assigned to it, as a run (`run_kind` "drift"), each
//! drift becoming a finding with a stable fingerprint.
//!
//! Baseline objects are matched to the tenant's latest snapshot per kind: pinned objects by id,
//! the others by display name (the baseline's name template with the tenant's placeholder values),
//! case-insensitively. Matched objects with another hash go through the semantic diff, the
//! baseline's stored name maps on one side and the tenant's on the other, so only real
//! configuration differences are drift; each change carries its friendly name, and each compared
//! object a compliance score. A kind the tenant's snapshot did not read completely says nothing
//! about what the tenant holds: its objects are not checked and its findings stay as they are.
//!
//! A finding's fingerprint uses the baseline object's name *template*, so new placeholder values
//! or a pin keep the finding. A tenant's run — its findings, their audit entries and the run
//! record — commits in one transaction.

use crate::ops::baselines::{
    match_items, missing_var, placeholders_of, refs_from_json, refs_to_json,
};
use crate::ops::diff::{name_of, refs_for};
use crate::ops::findings::{
    decide, finding, fingerprint, now_text, transitioned, Finding, FindingState, TenantLabel,
};
use crate::ops::labels::LabelledChange;
use crate::{Engine, EngineError};
use futures_util::{StreamExt, TryStreamExt};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;
use tenantatlas_core::content_hash;
use tenantatlas_core::diff::{self as semantic, Change, ChangeCategory};
use tenantatlas_core::labels::{label, ChangeLabel, SettingCatalog};
use tenantatlas_core::score::{tenant_score, Checked, Rating};
use tenantatlas_core::severity::{
    control_of, ChangedObject, Control, ObjectContext, Severity, SeverityRules,
};
use tenantatlas_core::{kinds, permissions};
use tenantatlas_store::{
    AuditInput, BaselineInfo, BaselineItem, EqualPairs, FindingRecord, ObjectFilter, RunStatus,
    SeenAgain, TenantRecord,
};
use time::Date;

/// `drift`.
#[derive(Clone, Debug)]
pub struct DriftOptions {
    /// One tenant (domain or id); `None` checks every tenant with an assigned baseline.
    pub tenant: Option<String>,
    /// Also report objects of the baselines' kinds that match no baseline object (baselines
    /// created with `--unexpected`, like a tenant's approved snapshot, always do).
    pub unexpected: bool,
    /// The day risk acceptances are judged against.
    pub today: Date,
}

/// One drift run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftRun {
    pub id: String,
    /// The tenant's domain.
    pub tenant: String,
    /// The tenant's name ("Contoso Ltd").
    pub tenant_name: String,
    pub tenant_id: String,
    pub status: String,
    pub baselines: Vec<String>,
    /// Baseline objects compared.
    pub objects: u64,
    /// Baseline objects the tenant has exactly as expected (or with an accepted risk).
    pub compliant: u64,
    /// The tenant's compliance score, 0–100 (`core::score`): the lower of how much of the baseline
    /// is in place and what the standing findings weigh by severity, scaled by the share that
    /// could be checked; below 100 whenever anything was not checked.
    pub score: f64,
    /// The score in words: `good`, `needs_attention`, `at_risk`, `failing`, or `not_checked` when
    /// nothing of the baselines could be checked.
    pub rating: Rating,
    /// Baseline objects of the assigned baselines, checked or not.
    pub expected: u64,
    /// Kinds the baselines cover that the tenant's latest snapshot could not show, and why.
    pub not_checked: Vec<NotChecked>,
    pub findings: u64,
    pub opened: u64,
    pub reopened: u64,
    /// Of `opened` and `reopened`, the findings of high severity: what the desktop app notifies.
    pub opened_high: u64,
    pub resolved: u64,
    /// Ids of the findings this run resolved because it no longer saw their drift.
    pub resolved_ids: Vec<String>,
    pub duration_ms: u64,
}

/// A kind a baseline covers that could not be checked in a tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// A registry key (`conditionalAccessPolicies`).
    pub kind: String,
    /// What an MSP engineer calls it ("Conditional Access policies").
    pub label: String,
    /// Baseline objects of the kind left unchecked.
    pub objects: u64,
    /// Why, and what would fix it: "consent lacks Policy.Read.All", or the read's error.
    pub reason: String,
}

/// How one baseline object scores in a tenant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectScore {
    pub tenant: String,
    pub baseline: String,
    pub kind: String,
    /// The baseline object's name as expected in this tenant.
    pub object: String,
    pub object_id: Option<String>,
    /// 0–100: the share of the object's configured values as expected; 0 when it is missing,
    /// 100 when its drift is an accepted risk.
    pub score: f64,
    /// The finding for its drift, if any.
    pub finding: Option<String>,
}

/// What `drift` reports: the runs, the findings for the drift they saw, and every compared
/// baseline object's score.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DriftReport {
    pub runs: Vec<DriftRun>,
    pub findings: Vec<Finding>,
    pub scores: Vec<ObjectScore>,
}

/// One drift a run saw.
#[derive(Clone, Debug)]
struct Observed {
    baseline: String,
    kind: String,
    /// What identifies the drift's object: the baseline object's name as the baseline stores it
    /// (a template stays a template, so new placeholder values keep the finding), or the tenant
    /// object's name for unexpected objects.
    key: String,
    /// The object's name in this tenant.
    object: String,
    object_id: Option<String>,
    drift: &'static str,
    severity: Severity,
    changes: Vec<Change>,
    /// Friendly names for `changes`, one each.
    labels: Vec<ChangeLabel>,
}

/// A compared baseline object's score before risk acceptances are taken into account.
struct Scored {
    baseline: String,
    kind: String,
    key: String,
    object: String,
    object_id: Option<String>,
    score: f64,
    drift: Option<&'static str>,
}

impl Engine {
    /// Drift of the tenants a sync just read, as far as they have baselines: what both front doors
    /// run after a sync. A failed sync's tenant keeps its old snapshot, so it is not checked again.
    pub async fn drift_after_sync(
        &self,
        runs: &[crate::SyncSummary],
        today: Date,
    ) -> Result<DriftReport, EngineError> {
        let with_baseline = self.tenants_with_baselines().await?;
        let mut report = DriftReport {
            runs: Vec::new(),
            findings: Vec::new(),
            scores: Vec::new(),
        };
        for run in runs
            .iter()
            .filter(|r| r.status != "failed" && with_baseline.contains(&r.tenant))
        {
            let one = self
                .drift(&DriftOptions {
                    tenant: Some(run.tenant.clone()),
                    unexpected: false,
                    today,
                })
                .await?;
            report.runs.extend(one.runs);
            report.findings.extend(one.findings);
            report.scores.extend(one.scores);
        }
        Ok(report)
    }

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
        // Every tenant must have a value for every placeholder before any run starts.
        for tenant in &tenants {
            for b in baselines.iter().filter(|b| b.tenants.contains(&tenant.id)) {
                let vars = b.vars.get(&tenant.id);
                if let Some(key) = placeholders_of(&b.refs)
                    .iter()
                    .find(|k| vars.is_none_or(|v| !v.contains_key(*k)))
                {
                    return Err(missing_var(&b.name, tenant, key));
                }
            }
        }
        let rules = self.severity_rules().await?;
        let catalog = self.setting_catalog().await?;
        let unexpected_baselines: HashSet<String> = baselines
            .iter()
            .filter(|b| b.unexpected)
            .map(|b| b.name.to_lowercase())
            .collect();
        let names = self.tenant_names().await?;
        let used: Vec<&BaselineInfo> = baselines
            .iter()
            .filter(|b| tenants.iter().any(|t| b.tenants.contains(&t.id)))
            .collect();
        let cache = BaselineCache::load(self, &used).await?;
        let context = RunContext {
            baselines: &baselines,
            options,
            rules: &rules,
            catalog: &catalog,
            cache: &cache,
            names: &names,
            unexpected_baselines: &unexpected_baselines,
        };
        // Tenants are independent: check a few at once (each run still commits in its own
        // transaction), and report them in the order they were asked for.
        let mut done: Vec<(usize, TenantDrift)> =
            futures_util::stream::iter(tenants.iter().enumerate())
                .map(|(i, tenant)| {
                    let context = &context;
                    async move { self.drift_tenant(tenant, context).await.map(|d| (i, d)) }
                })
                .buffer_unordered(DRIFT_CONCURRENCY)
                .try_collect()
                .await?;
        done.sort_by_key(|(i, _)| *i);
        let mut report = DriftReport {
            runs: Vec::new(),
            findings: Vec::new(),
            scores: Vec::new(),
        };
        for (_, d) in done {
            report.runs.push(d.run);
            report.findings.extend(d.findings);
            report.scores.extend(d.scores);
        }
        Ok(report)
    }

    /// One tenant's drift run: check, decide, and commit the run with its findings.
    async fn drift_tenant(
        &self,
        tenant: &TenantRecord,
        context: &RunContext<'_>,
    ) -> Result<TenantDrift, EngineError> {
        let started = Instant::now();
        let run_id = self.workspace.start_run("drift", Some(&tenant.id)).await?;
        tracing::info!(run = %run_id, tenant = %tenant.id, "drift started");
        let assigned: Vec<&BaselineInfo> = context
            .baselines
            .iter()
            .filter(|b| b.tenants.contains(&tenant.id))
            .collect();
        let seen = self.check_tenant(tenant, &assigned, context).await?;
        let checked: Vec<String> = assigned.iter().map(|b| b.name.clone()).collect();
        let run = self
            .reconcile(
                tenant,
                &run_id,
                &seen.observed,
                &checked,
                &seen.skipped,
                context,
            )
            .await?;
        let states: HashMap<&str, &str> = run
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.state.as_str()))
            .collect();
        let not_checked = self.not_checked(tenant, &seen).await?;
        let mut scores = Vec::with_capacity(seen.scored.len());
        for s in seen.scored {
            let id = s
                .drift
                .map(|d| fingerprint(&tenant.id, &s.baseline, &s.kind, &s.key, d));
            let accepted = id.as_deref().and_then(|i| states.get(i)).copied()
                == Some(FindingState::RiskAccepted.as_str());
            scores.push(ObjectScore {
                tenant: tenant.domain.clone(),
                baseline: s.baseline,
                kind: s.kind,
                object: s.object,
                object_id: s.object_id,
                score: if accepted { 100.0 } else { round(s.score) },
                finding: id,
            });
        }
        let compared = scores.len() as u64;
        let compliant = scores.iter().filter(|s| s.score >= 100.0).count() as u64;
        let unchecked: u64 = not_checked.iter().map(|n| n.objects).sum();
        // What stands: this run's findings, and the earlier ones of kinds it could not check —
        // losing sight of a kind must never raise the score.
        let standing: Vec<Severity> = run
            .findings
            .iter()
            .chain(&run.unchecked)
            .filter(|f| f.is_standing())
            .filter_map(|f| Severity::parse(&f.severity))
            .collect();
        let in_place = if scores.is_empty() {
            1.0
        } else {
            scores.iter().map(|s| s.score).sum::<f64>() / (100.0 * scores.len() as f64)
        };
        let rated = tenant_score(&Checked {
            objects: compared,
            not_checked: unchecked,
            in_place,
            standing: &standing,
        });
        let score = rated.score;
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for o in &seen.observed {
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
        // Standing findings by severity once this run is done: the history the findings-over-time
        // chart reads (`Engine::findings_over_time`).
        let mut standing: BTreeMap<&str, u64> = ["high", "medium", "low", "info"]
            .into_iter()
            .map(|s| (s, 0))
            .collect();
        for f in run.findings.iter().filter(|f| f.is_standing()) {
            if let Some(n) = standing.get_mut(f.severity.as_str()) {
                *n += 1;
            }
        }
        record.progress = json!({
            "baselines": checked,
            "findings": run.findings.len(),
            "standing": standing,
            "opened": run.opened,
            "reopened": run.reopened,
            "resolved": run.resolved.len(),
            "score": score,
            "rating": rated.rating,
            "compliant": compliant,
            "expected": compared + unchecked,
            "not_checked": not_checked,
        });
        // The run's findings, their audit entries and the run itself: one transaction.
        self.workspace
            .commit_findings(
                &run.records,
                &SeenAgain {
                    ids: &run.seen_again,
                    at: &run.at,
                    run_id: &run_id,
                },
                &EqualPairs {
                    tenant_id: &tenant.id,
                    refs_digest: &seen.digest,
                    pairs: &seen.equal,
                },
                &run.audit,
                Some(&record),
            )
            .await?;
        tracing::info!(
            run = %run_id,
            tenant = %tenant.id,
            objects = compared,
            findings = run.findings.len(),
            opened = run.opened,
            reopened = run.reopened,
            resolved = run.resolved.len(),
            not_checked = unchecked,
            ms = duration_ms,
            "drift finished"
        );
        Ok(TenantDrift {
            run: DriftRun {
                id: run_id,
                tenant: tenant.domain.clone(),
                tenant_name: tenant.name.clone(),
                tenant_id: tenant.id.clone(),
                status: RunStatus::Succeeded.as_str().to_string(),
                baselines: checked,
                objects: compared,
                compliant,
                score,
                rating: rated.rating,
                expected: compared + unchecked,
                not_checked,
                findings: run.findings.len() as u64,
                opened: run.opened,
                reopened: run.reopened,
                opened_high: run.opened_high,
                resolved: run.resolved.len() as u64,
                resolved_ids: run.resolved,
                duration_ms,
            },
            findings: run.findings.into_iter().chain(run.unchecked).collect(),
            scores,
        })
    }

    /// What one tenant's latest snapshot shows against its baselines.
    ///
    /// Two passes keep this fast across hundreds of tenants: the first matches baseline objects
    /// with the snapshot's manifest (names and hashes, no contents) and sets aside the pairs whose
    /// hashes differ; only their contents are then read, in one query, and compared — the
    /// baseline side in its semantic form, built once per baseline object for all tenants.
    async fn check_tenant(
        &self,
        tenant: &TenantRecord,
        assigned: &[&BaselineInfo],
        context: &RunContext<'_>,
    ) -> Result<Seen, EngineError> {
        let (options, rules, catalog, cache) = (
            context.options,
            context.rules,
            context.catalog,
            context.cache,
        );
        let snapshot = self.latest_snapshot(tenant).await?;
        let objects = self.workspace.snapshot_manifest(snapshot.id).await?;
        let directory = self.workspace.list_directory_objects(&tenant.id).await?;
        let tenant_refs = refs_for(&directory, &objects);
        // What equality of two contents depends on besides the contents: both sides' names and
        // the comparison itself. Pairs found equal under the same digest are not compared again.
        let digest = content_hash(&json!([
            COMPARISON,
            refs_to_json(&tenant_refs),
            assigned.iter().map(|b| &b.refs).collect::<Vec<_>>(),
        ]));
        let known_equal = self.workspace.equal_pairs(&tenant.id, &digest).await?;
        let complete: HashSet<&str> = snapshot.kinds.iter().map(String::as_str).collect();
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
        let ghost_by_name: HashMap<(String, String), String> = ghosts
            .iter()
            .map(|g| {
                (
                    (g.kind.clone(), g.display_name.to_lowercase()),
                    g.object_id.clone(),
                )
            })
            .collect();
        let ghost_ids: HashSet<(&str, &str)> = ghosts
            .iter()
            .map(|g| (g.kind.as_str(), g.object_id.as_str()))
            .collect();

        // Pass 1: match, and note what needs a closer look.
        let mut seen = Seen {
            digest: digest.clone(),
            snapshot_run: snapshot.run_id.clone(),
            ..Seen::default()
        };
        let mut to_compare: Vec<(usize, usize, usize, String)> = Vec::new();
        for (b, baseline) in assigned.iter().enumerate() {
            let items = cache.items(baseline)?;
            let pins = self.workspace.list_pins(&baseline.name, &tenant.id).await?;
            let vars = baseline.vars.get(&tenant.id).cloned().unwrap_or_default();
            let matching = match_items(
                items,
                &placeholders_of(&baseline.refs),
                &vars,
                &pins,
                &objects,
            )
            .map_err(|key| missing_var(&baseline.name, tenant, &key))?;
            for (n, item) in items.iter().enumerate() {
                if !complete.contains(item.kind.as_str()) {
                    seen.skipped
                        .insert((baseline.name.to_lowercase(), item.kind.clone()));
                    *seen.unchecked.entry(item.kind.clone()).or_default() += 1;
                    continue;
                }
                let expected_name = matching.expected[n].clone();
                let Some((at, _)) = matching.found[n] else {
                    let pinned = pins.iter().find(|p| {
                        p.kind == item.kind && p.item_name.eq_ignore_ascii_case(&item.display_name)
                    });
                    let ghost = match pinned {
                        Some(p) => ghost_ids
                            .contains(&(p.kind.as_str(), p.object_id.as_str()))
                            .then(|| p.object_id.clone()),
                        None => ghost_by_name
                            .get(&(item.kind.clone(), expected_name.to_lowercase()))
                            .cloned(),
                    };
                    let drift = if ghost.is_some() {
                        "deleted"
                    } else {
                        "missing"
                    };
                    seen.scored.push(Scored {
                        baseline: baseline.name.clone(),
                        kind: item.kind.clone(),
                        key: item.display_name.clone(),
                        object: expected_name.clone(),
                        object_id: ghost.clone(),
                        score: 0.0,
                        drift: Some(drift),
                    });
                    let control = cache.expected(baseline, &item.hash)?.control;
                    seen.observed.push(Observed {
                        baseline: baseline.name.clone(),
                        kind: item.kind.clone(),
                        key: item.display_name.clone(),
                        severity: rules.object(&item.kind, drift, &expected_name, control),
                        object: expected_name,
                        drift,
                        object_id: ghost,
                        changes: Vec::new(),
                        labels: Vec::new(),
                    });
                    continue;
                };
                let object = &objects[at];
                if object.hash == item.hash
                    || kinds::by_key(&item.kind).is_none()
                    || known_equal.contains(&(item.hash.clone(), object.hash.clone()))
                {
                    seen.scored.push(Scored {
                        baseline: baseline.name.clone(),
                        kind: item.kind.clone(),
                        key: item.display_name.clone(),
                        object: expected_name,
                        object_id: Some(object.object_id.clone()),
                        score: 100.0,
                        drift: None,
                    });
                    continue;
                }
                to_compare.push((b, n, at, expected_name));
            }
            if options.unexpected || baseline.unexpected {
                for (i, o) in objects.iter().enumerate() {
                    if baseline.kinds.contains(&o.kind) && !matching.matched.contains(&i) {
                        let object = name_of(o);
                        seen.observed.push(Observed {
                            baseline: baseline.name.clone(),
                            kind: o.kind.clone(),
                            key: object.clone(),
                            severity: rules.object(&o.kind, "unexpected", &object, None),
                            object,
                            object_id: Some(o.object_id.clone()),
                            drift: "unexpected",
                            changes: Vec::new(),
                            labels: Vec::new(),
                        });
                    }
                }
            }
        }

        // Pass 2: the contents of the pairs that differ by hash, read together, then compared.
        let wanted: Vec<String> = to_compare
            .iter()
            .map(|(_, _, at, _)| objects[*at].hash.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let actual = self.workspace.get_contents(&wanted).await?;
        for (b, n, at, expected_name) in to_compare {
            let baseline = assigned[b];
            let item = &cache.items(baseline)?[n];
            let Some(kind) = kinds::by_key(&item.kind) else {
                continue;
            };
            let object = &objects[at];
            let content = actual
                .get(&object.hash)
                .ok_or_else(|| EngineError::missing_content(&object.hash))?;
            let cached = cache.expected(baseline, &item.hash)?;
            let (expected, form, control) = (&cached.content, &cached.form, cached.control);
            let actual_form = semantic::semantic_form(kind, content, &tenant_refs);
            // The object was matched by its name (through the tenant's template) or pinned by
            // hand: its name is as expected by construction, so it is not drift.
            let renamed;
            let mut form = form;
            if form.get(kind.name_field) != actual_form.get(kind.name_field) {
                let mut copy = form.clone();
                if let (Value::Object(map), Some(name)) =
                    (&mut copy, actual_form.get(kind.name_field))
                {
                    map.insert(kind.name_field.to_string(), name.clone());
                }
                renamed = copy;
                form = &renamed;
            }
            let mut changes = semantic::diff_of_forms(form, &actual_form);
            // A baseline that says nothing about assignments (a file without them) expects
            // none in particular.
            if expected.get("assignments").is_none_or(Value::is_null) {
                changes.retain(|c| c.category != ChangeCategory::Assignment);
            }
            let mut scored = Scored {
                baseline: baseline.name.clone(),
                kind: item.kind.clone(),
                key: item.display_name.clone(),
                object: expected_name.clone(),
                object_id: Some(object.object_id.clone()),
                score: 100.0,
                drift: None,
            };
            if changes.is_empty() {
                seen.equal.push((item.hash.clone(), object.hash.clone()));
                seen.scored.push(scored);
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
            scored.score = semantic::coverage_of_form(form, &changes).percent();
            scored.drift = Some(drift);
            seen.scored.push(scored);
            let labels: Vec<ChangeLabel> = changes
                .iter()
                .map(|c| label(kind, c, catalog, Some(expected), Some(content)))
                .collect();
            let names: Vec<Option<String>> = labels.iter().map(|l| l.setting.clone()).collect();
            let severity = rules.changes(&ChangedObject {
                kind: &item.kind,
                drift,
                changes: &changes,
                names: &names,
                object: ObjectContext {
                    control,
                    unassigned: semantic::is_assigned(form) && !semantic::is_assigned(&actual_form),
                },
            });
            seen.observed.push(Observed {
                baseline: baseline.name.clone(),
                kind: item.kind.clone(),
                key: item.display_name.clone(),
                object: expected_name,
                object_id: Some(object.object_id.clone()),
                drift,
                severity,
                changes,
                labels,
            });
        }
        Ok(seen)
    }

    /// The kinds a check could not see, with the reason an engineer can act on: the consent
    /// the tenant lacks, or the error that stopped the read in the snapshot's sync.
    async fn not_checked(
        &self,
        tenant: &TenantRecord,
        seen: &Seen,
    ) -> Result<Vec<NotChecked>, EngineError> {
        if seen.unchecked.is_empty() {
            return Ok(Vec::new());
        }
        let run = self.workspace.get_run(&seen.snapshot_run).await?;
        let errors = run.as_ref().map(|r| r.errors.as_slice()).unwrap_or(&[]);
        let when = run
            .as_ref()
            .map(|r| r.started_at.get(..10).unwrap_or(&r.started_at).to_string())
            .unwrap_or_default();
        Ok(seen
            .unchecked
            .iter()
            .map(|(key, objects)| {
                let kind = kinds::by_key(key);
                let reason = match kind {
                    Some(k) if !k.readable_with(&tenant.granted_scopes) => format!(
                        "{}; grant it and run `tenantatlas tenant reconnect {}`",
                        permissions::consent_lacks(k),
                        tenant.domain
                    ),
                    _ => match errors
                        .iter()
                        .find(|e| e.kind.as_deref() == Some(key.as_str()))
                        .map(|e| e.message.as_str())
                    {
                        Some(message) => format!("the sync of {when} could not read it: {message}"),
                        None => format!(
                            "the latest snapshot did not read it completely; run `tenantatlas sync --tenant {}` again",
                            tenant.domain
                        ),
                    },
                };
                NotChecked {
                    kind: key.clone(),
                    label: kinds::label(key).to_string(),
                    objects: *objects,
                    reason,
                }
            })
            .collect())
    }

    /// Decides how the tenant's findings change with what the run saw; stores nothing (the
    /// caller commits the records and audit entries with the run).
    #[allow(clippy::too_many_arguments)]
    async fn reconcile(
        &self,
        tenant: &TenantRecord,
        run_id: &str,
        observed: &[Observed],
        checked: &[String],
        skipped: &HashSet<(String, String)>,
        context: &RunContext<'_>,
    ) -> Result<Reconciled, EngineError> {
        let (options, names, unexpected_baselines) =
            (context.options, context.names, context.unexpected_baselines);
        let stored: HashMap<String, FindingRecord> = self
            .workspace
            .list_findings(Some(&tenant.id))
            .await?
            .into_iter()
            .map(|f| (f.id.clone(), f))
            .collect();
        let now = now_text();
        let mut seen_ids = HashSet::new();
        let mut out = Reconciled {
            at: now.clone(),
            ..Reconciled::default()
        };
        for o in observed {
            let id = fingerprint(&tenant.id, &o.baseline, &o.kind, &o.key, o.drift);
            if !seen_ids.insert(id.clone()) {
                // Two baselines expecting one object the same way: one finding.
                continue;
            }
            // Changes are plain data: serialising them cannot fail. The hash covers the changes
            // only, not their friendly names, which appear and improve as definitions are read.
            let changes_hash = content_hash(&serde_json::to_value(&o.changes).unwrap_or_default());
            let changes = serde_json::to_value(
                o.changes
                    .iter()
                    .zip(&o.labels)
                    .map(|(change, label)| LabelledChange {
                        change: change.clone(),
                        label: label.clone(),
                    })
                    .collect::<Vec<_>>(),
            )
            .unwrap_or_default();
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
                approver: before.and_then(|b| b.approver.clone()),
                expires_on: before.and_then(|b| b.expires_on.clone()),
                accepted_changes_hash: before.and_then(|b| b.accepted_changes_hash.clone()),
                first_seen_at: before.map_or_else(|| now.clone(), |b| b.first_seen_at.clone()),
                last_seen_at: now.clone(),
                updated_at: before.map_or_else(|| now.clone(), |b| b.updated_at.clone()),
                last_run_id: Some(run_id.to_string()),
            };
            if let Some(why) = decision.why {
                if before.is_none() {
                    out.opened += 1;
                } else {
                    out.reopened += 1;
                }
                if o.severity == Severity::High {
                    out.opened_high += 1;
                }
                out.audit
                    .push(transitioned(&mut record, decision.state, &why));
            }
            out.findings.push(finding(&record, names));
            // Seen again exactly as stored: only the time and the run change, in one statement.
            if before.is_some_and(|b| same_drift(b, &record)) {
                out.seen_again.push(id);
            } else {
                out.records.push(record);
            }
        }
        for (id, record) in &stored {
            let assigned = checked
                .iter()
                .any(|b| b.eq_ignore_ascii_case(&record.baseline));
            if assigned
                && !seen_ids.contains(id)
                && skipped.contains(&(record.baseline.to_lowercase(), record.kind.clone()))
            {
                // Not seen because not checked: it stands as it was, and the score knows it.
                let kept = finding(record, names);
                if kept.state != FindingState::Resolved.as_str() {
                    out.unchecked.push(kept);
                }
                continue;
            }
            if seen_ids.contains(id)
                || !assigned
                || (record.drift == "unexpected"
                    && !options.unexpected
                    && !unexpected_baselines.contains(&record.baseline.to_lowercase()))
            {
                continue;
            }
            let decision = decide(Some(record), None, options.today);
            if let Some(why) = decision.why {
                let mut record = record.clone();
                record.last_run_id = Some(run_id.to_string());
                out.audit
                    .push(transitioned(&mut record, decision.state, &why));
                out.records.push(record);
                out.resolved.push(id.clone());
            }
        }
        out.resolved.sort();
        Ok(out)
    }
}

/// The comparison's version, in the digest of remembered equal pairs: a release whose semantic
/// diff changes compares everything afresh.
const COMPARISON: &str = concat!(env!("CARGO_PKG_VERSION"), "+1");

/// How many tenants one drift checks at once.
const DRIFT_CONCURRENCY: usize = 4;

/// What every tenant's run of one drift shares.
struct RunContext<'a> {
    baselines: &'a [BaselineInfo],
    options: &'a DriftOptions,
    rules: &'a SeverityRules,
    catalog: &'a SettingCatalog,
    cache: &'a BaselineCache,
    names: &'a HashMap<String, TenantLabel>,
    unexpected_baselines: &'a HashSet<String>,
}

/// One tenant's part of a drift report.
struct TenantDrift {
    run: DriftRun,
    findings: Vec<Finding>,
    scores: Vec<ObjectScore>,
}

/// What drift reads of its baselines once for all tenants: their items, and each item's content
/// with its semantic form (resolved with the baseline's own name maps) and the security control
/// it is, if any.
#[derive(Default)]
struct BaselineCache {
    items: HashMap<(String, i64), Vec<BaselineItem>>,
    /// (baseline name lowercased, content hash) → the item as drift compares it.
    forms: HashMap<(String, String), Expected>,
}

/// One baseline object as drift compares it, worked out once for all tenants.
struct Expected {
    content: Value,
    form: Value,
    control: Option<Control>,
}

impl BaselineCache {
    async fn load(engine: &Engine, baselines: &[&BaselineInfo]) -> Result<Self, EngineError> {
        let mut cache = BaselineCache::default();
        for baseline in baselines {
            let items = engine
                .workspace
                .baseline_items(&baseline.name, baseline.version)
                .await?;
            let hashes: Vec<String> = items.iter().map(|i| i.hash.clone()).collect();
            let contents = engine.workspace.get_contents(&hashes).await?;
            let refs = refs_from_json(&baseline.refs);
            for item in &items {
                let Some(kind) = kinds::by_key(&item.kind) else {
                    continue;
                };
                let content = contents
                    .get(&item.hash)
                    .ok_or_else(|| EngineError::missing_content(&item.hash))?;
                let form = semantic::semantic_form(kind, content, &refs);
                cache.forms.insert(
                    (baseline.name.to_lowercase(), item.hash.clone()),
                    Expected {
                        content: content.clone(),
                        control: control_of(&item.kind, &form),
                        form,
                    },
                );
            }
            cache
                .items
                .insert((baseline.name.to_lowercase(), baseline.version), items);
        }
        Ok(cache)
    }

    fn items(&self, baseline: &BaselineInfo) -> Result<&[BaselineItem], EngineError> {
        self.items
            .get(&(baseline.name.to_lowercase(), baseline.version))
            .map(Vec::as_slice)
            .ok_or_else(|| {
                EngineError::not_found(format!("baseline {} was not loaded", baseline.name))
            })
    }

    /// The expected object.
    fn expected(&self, baseline: &BaselineInfo, hash: &str) -> Result<&Expected, EngineError> {
        self.forms
            .get(&(baseline.name.to_lowercase(), hash.to_string()))
            .ok_or_else(|| EngineError::missing_content(hash))
    }
}

/// How a run changes a tenant's findings: what it saw, the counts, and what to store.
#[derive(Default)]
struct Reconciled {
    findings: Vec<Finding>,
    /// Findings of kinds this run could not check: left as they are, still standing.
    unchecked: Vec<Finding>,
    opened: u64,
    reopened: u64,
    opened_high: u64,
    /// Ids of the findings resolved because the run no longer saw their drift.
    resolved: Vec<String>,
    records: Vec<FindingRecord>,
    /// Findings seen again unchanged: stored with a new `last_seen_at` only.
    seen_again: Vec<String>,
    /// When the run saw them.
    at: String,
    audit: Vec<AuditInput>,
}

/// Whether a finding the run would store says what the stored one says, but for when it was seen.
fn same_drift(stored: &FindingRecord, new: &FindingRecord) -> bool {
    stored.state == new.state
        && stored.changes_hash == new.changes_hash
        && stored.severity == new.severity
        && stored.object_name == new.object_name
        && stored.object_id == new.object_id
        && stored.baseline == new.baseline
        && stored.changes == new.changes
}

/// What a tenant's check saw: drift, object scores, and the (baseline, kind) pairs it could not
/// check because the snapshot did not read the kind completely.
#[derive(Default)]
struct Seen {
    observed: Vec<Observed>,
    scored: Vec<Scored>,
    skipped: HashSet<(String, String)>,
    /// Baseline objects not checked, by kind.
    unchecked: BTreeMap<String, u64>,
    /// The snapshot the check read.
    snapshot_run: String,
    /// The digest of the names the comparison used, and the content pairs it newly found equal.
    digest: String,
    equal: Vec<(String, String)>,
}

/// One decimal, as scores are shown.
fn round(score: f64) -> f64 {
    (score * 10.0).round() / 10.0
}
