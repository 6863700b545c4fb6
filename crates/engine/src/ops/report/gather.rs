//! What a review pack says, read from the workspace once: the tenant, its latest snapshot in
//! words, scores, findings, changes and runs in the period, coverage and permissions. Everything
//! here is already redacted (secrets always, people with `--redact-pii`) and passed through
//! `core::text::visible`, so the PDF and the evidence bundle cannot disagree or leak.

use super::period::Period;
use crate::ops::baselines::Baseline;
use crate::ops::diff::{DiffReport, DiffStatus};
use crate::ops::findings::{Finding, FindingFilter};
use crate::ops::inventory::{assignment_count, platforms_of, Platform};
use crate::ops::portfolio::PortfolioTenant;
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use tenantatlas_core::content::canonical;
use tenantatlas_core::kinds::{self, REGISTRY};
use tenantatlas_core::labels::describe_assignments;
use tenantatlas_core::redact::{self, Pseudonyms};
use tenantatlas_core::text::visible;
use tenantatlas_store::tenants::SignInMethod;
use tenantatlas_store::{PackRecord, RunRecord, SnapshotInfo, TenantRecord};
use time::{Date, OffsetDateTime};

/// Everything one review pack says.
#[derive(Clone, Debug, Serialize)]
pub struct PackData {
    pub generated_at: String,
    #[serde(skip)]
    pub today: Date,
    #[serde(skip)]
    pub period: Period,
    pub tenant: TenantFacts,
    /// The snapshot the pack describes: the newest taken by the end of the period.
    pub snapshot: Option<SnapshotFacts>,
    pub objects: Vec<ObjectFacts>,
    /// Tokens and certificates of the snapshot that expired or expire within 30 days.
    pub expiring: Vec<crate::ops::queries::Expiring>,
    pub coverage: Vec<KindCoverage>,
    pub missing_permissions: Vec<PermissionGap>,
    pub score: Option<f64>,
    pub rating: Option<String>,
    /// Scores after each of the last drift checks, oldest first.
    pub score_trend: Vec<f64>,
    pub baselines: Vec<BaselineScore>,
    /// Open and acknowledged findings, most severe first.
    pub open: Vec<FindingFacts>,
    /// Accepted risks, soonest expiry first.
    pub accepted: Vec<FindingFacts>,
    /// Findings resolved in the period, or since the previous pack when that is later.
    pub resolved: Vec<FindingFacts>,
    pub changes: Option<ChangeFacts>,
    pub runs: Vec<RunFacts>,
    pub previous: Option<PreviousPack>,
    /// How many secret values were hidden, and how many people were given pseudonyms.
    pub secrets_hidden: usize,
    pub people_pseudonymised: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TenantFacts {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub state: String,
    pub sign_in: String,
    pub sign_in_status: String,
    pub last_good_sync: Option<String>,
    pub granted_scopes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SnapshotFacts {
    pub id: i64,
    pub taken_at: String,
    pub objects: u64,
    /// The kinds read completely.
    pub kinds: Vec<String>,
}

/// One object of the snapshot, in words, with its redacted content for the evidence.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectFacts {
    pub kind: String,
    pub kind_label: String,
    pub object_id: String,
    pub name: String,
    pub platforms: Vec<Platform>,
    /// "Include: All devices", "Exclude: SG-Kiosks (filter Corporate devices, include)".
    pub assigned_to: Vec<String>,
    /// `None`: the kind is not assigned at all (named locations, filters).
    pub assignments: Option<u32>,
    /// The content as captured, with secrets (and, when asked, people) replaced.
    pub content: Value,
    /// SHA-256 of `content` as canonical JSON.
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct KindCoverage {
    pub kind: String,
    pub label: String,
    pub objects: u64,
    pub checked: bool,
    /// Why not, when not.
    pub why: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PermissionGap {
    pub permission: String,
    /// The kinds it would let a sync read.
    pub kinds: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BaselineScore {
    pub baseline: String,
    pub version: i64,
    pub score: Option<f64>,
    pub rating: Option<String>,
    pub matched: u64,
    pub different: u64,
    pub missing: u64,
    pub accepted: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct FindingFacts {
    pub id: String,
    pub baseline: String,
    pub kind: String,
    pub kind_label: String,
    pub object: String,
    pub drift: String,
    pub severity: String,
    pub state: String,
    /// Each changed setting in the portal's words: "Require BitLocker: Yes → Not configured".
    pub changes: Vec<String>,
    pub justification: Option<String>,
    pub approver: Option<String>,
    pub expires: Option<String>,
    pub first_seen_at: String,
    pub last_seen_at: String,
}

/// What changed between the snapshot standing at the period's start and [`PackData::snapshot`].
#[derive(Clone, Debug, Serialize)]
pub struct ChangeFacts {
    /// `None`: the tenant's first snapshot is inside the period; everything in it is new here.
    pub from_snapshot: Option<(i64, String)>,
    pub to_snapshot: (i64, String),
    pub added: u64,
    pub removed: u64,
    pub modified: u64,
    pub objects: Vec<ChangedObject>,
    /// Kinds not compared (not read completely on both sides).
    pub not_compared: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChangedObject {
    /// `added`, `removed` or `modified`.
    pub status: String,
    pub kind_label: String,
    pub name: String,
    pub changes: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunFacts {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub started_at: String,
    pub duration_ms: Option<u64>,
    pub objects: u64,
    pub graph_calls: u64,
    pub errors: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PreviousPack {
    pub generated_at: String,
    pub sums_sha256: String,
    pub score: Option<f64>,
    pub open_findings: i64,
}

/// A snapshot in a pack's words: its facts, its objects, its coverage, what expires.
type SnapshotParts = (
    SnapshotFacts,
    Vec<ObjectFacts>,
    Vec<KindCoverage>,
    Vec<crate::ops::queries::Expiring>,
);

/// Reads tenant text the one safe way, then hides what must not leave.
pub(crate) struct Scrub {
    pub pseudonyms: Option<Pseudonyms>,
    pub secrets: usize,
}

impl Scrub {
    /// Tenant text for a page: escapes visible, secret shapes and (when asked) people hidden.
    pub fn text(&mut self, text: &str) -> String {
        let (text, n) = redact::text_secrets(text);
        self.secrets += n;
        let text = match &mut self.pseudonyms {
            Some(p) => p.text(&text),
            None => text,
        };
        visible(&text).into_owned()
    }

    /// A captured value for the evidence (JSON, so no escaping).
    pub fn value(&mut self, value: &Value) -> Value {
        let mut copy = value.clone();
        self.secrets += redact::secrets(&mut copy);
        if let Some(p) = &mut self.pseudonyms {
            p.value(&mut copy);
        }
        copy
    }

    /// A change in words; a change to a secret shows that it changed, never its values.
    pub fn change(&mut self, path: &str, setting: Option<&str>, summary: &str) -> String {
        if redact::is_secret_path(path) || setting.is_some_and(redact::is_secret_path) {
            self.secrets += 1;
            let name = setting.unwrap_or(path);
            return self.text(&format!("{name}: changed ({})", redact::SECRET));
        }
        self.text(summary)
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Canonical JSON (sorted keys, compact): how the evidence writes every JSON value.
pub(crate) fn canonical_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(&canonical(value)).unwrap_or_default()
}

fn severity_rank(severity: &str) -> u8 {
    match severity {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    }
}

impl Engine {
    /// Reads what a review pack of `tenant` for `period` says, as of `generated_at`.
    pub(crate) async fn gather_pack(
        &self,
        tenant: &TenantRecord,
        period: &Period,
        generated_at: OffsetDateTime,
        scrub: &mut Scrub,
    ) -> Result<PackData, EngineError> {
        let today = generated_at.date();
        // The tenant's sync, sign-in and score as the portfolio states them (one read for all).
        let portfolio: Option<PortfolioTenant> = self
            .portfolio_on(today)
            .await?
            .into_iter()
            .find(|t| t.id == tenant.id);

        // People to hide, when asked: the directory's users, and whoever acted on findings.
        let findings = self
            .list_findings(
                &FindingFilter {
                    tenant: Some(tenant.id.clone()),
                    ..Default::default()
                },
                today,
            )
            .await?;
        if let Some(p) = &mut scrub.pseudonyms {
            for d in self.workspace.list_directory_objects(&tenant.id).await? {
                if d.object_type == "user" {
                    p.person(&d.display_name);
                }
            }
            for f in &findings {
                if let Some(a) = &f.approver {
                    p.person(a);
                }
            }
            p.person(&crate::ops::findings::actor());
        }

        let snapshots = self.workspace.list_snapshots(&tenant.id).await?;
        let end = period.end_text();
        let current: Option<&SnapshotInfo> = snapshots.iter().rev().find(|s| s.created_at < end);
        let (snapshot, objects, coverage, expiring) = match current {
            Some(info) => {
                let (snapshot, objects, coverage, expiring) = self
                    .snapshot_facts(tenant, info, generated_at, scrub)
                    .await?;
                (Some(snapshot), objects, coverage, expiring)
            }
            None => (
                None,
                Vec::new(),
                self.coverage_without_snapshot(tenant),
                Vec::new(),
            ),
        };

        let missing_permissions = permission_gaps(&tenant.granted_scopes);

        let mut baselines = Vec::new();
        for b in self.list_baselines().await? {
            let Baseline { name, version, .. } = b;
            let detail = self.baseline_detail(&name, today).await?;
            if let Some(t) = detail.tenants.iter().find(|t| t.tenant_id == tenant.id) {
                baselines.push(BaselineScore {
                    baseline: scrub.text(&name),
                    version,
                    score: t.score,
                    rating: t.rating.clone(),
                    matched: t.matched,
                    different: t.different,
                    missing: t.missing,
                    accepted: t.accepted,
                });
            }
        }

        let previous = self
            .workspace
            .latest_pack(&tenant.id)
            .await?
            .and_then(|p: PackRecord| {
                Some(PreviousPack {
                    generated_at: p.generated_at,
                    sums_sha256: p.sums_sha256?,
                    score: p.score,
                    open_findings: p.open_findings,
                })
            });

        let mut open = Vec::new();
        let mut accepted = Vec::new();
        let mut resolved = Vec::new();
        let since = match &previous {
            Some(p) if p.generated_at > period.start_text() => p.generated_at.clone(),
            _ => period.start_text(),
        };
        for f in &findings {
            match f.state.as_str() {
                "open" | "acknowledged" => open.push(finding_facts(f, scrub)),
                "risk_accepted" => accepted.push(finding_facts(f, scrub)),
                "resolved" if f.last_seen_at >= since && f.last_seen_at < end => {
                    resolved.push(finding_facts(f, scrub))
                }
                _ => {}
            }
        }
        open.sort_by(|a, b| {
            severity_rank(&a.severity)
                .cmp(&severity_rank(&b.severity))
                .then(a.kind_label.cmp(&b.kind_label))
                .then(a.object.cmp(&b.object))
        });
        accepted.sort_by(|a, b| a.expires.cmp(&b.expires).then(a.object.cmp(&b.object)));
        resolved.sort_by(|a, b| b.last_seen_at.cmp(&a.last_seen_at));

        let changes = match current {
            Some(to) => Some(
                self.change_facts(tenant, &snapshots, to, period, scrub)
                    .await?,
            ),
            None => None,
        };

        let runs = self
            .runs()
            .await?
            .into_iter()
            .filter(|r| r.run.tenant_id.as_deref() == Some(tenant.id.as_str()))
            .filter(|r| period.contains(&r.run.started_at))
            .map(|r| run_facts(&r.run, scrub))
            .collect();

        let (score, rating, score_trend) = match &portfolio {
            Some(p) => (p.score, p.rating.clone(), p.score_trend.clone()),
            None => (None, None, Vec::new()),
        };
        let tenant_facts = TenantFacts {
            id: tenant.id.clone(),
            name: scrub.text(&tenant.name),
            domain: scrub.text(&tenant.domain),
            state: tenant.state.as_str().to_string(),
            sign_in: match tenant.sign_in {
                SignInMethod::DeviceCode => "Device code (delegated, read-only permissions)",
                SignInMethod::Browser => "Browser sign-in (delegated, read-only permissions)",
            }
            .to_string(),
            sign_in_status: portfolio
                .as_ref()
                .map(|p| sign_in_words(&p.sign_in_status, p.sign_in_lapses_at.as_deref()))
                .unwrap_or_default(),
            last_good_sync: portfolio.as_ref().and_then(|p| p.last_good_sync.clone()),
            granted_scopes: tenant.granted_scopes.clone(),
        };
        Ok(PackData {
            generated_at: crate::ops::queries::format_time(generated_at),
            today,
            period: period.clone(),
            tenant: tenant_facts,
            snapshot,
            objects,
            expiring,
            coverage,
            missing_permissions,
            score,
            rating,
            score_trend,
            baselines,
            open,
            accepted,
            resolved,
            changes,
            runs,
            previous,
            secrets_hidden: scrub.secrets,
            people_pseudonymised: scrub.pseudonyms.as_ref().map(Pseudonyms::replaced),
        })
    }

    async fn snapshot_facts(
        &self,
        tenant: &TenantRecord,
        info: &SnapshotInfo,
        now: OffsetDateTime,
        scrub: &mut Scrub,
    ) -> Result<SnapshotParts, EngineError> {
        let directory = self.workspace.list_directory_objects(&tenant.id).await?;
        let side = self.side(info, &directory).await?;
        let mut expiring = crate::ops::queries::expiring(&side.objects, now);
        for e in expiring.iter_mut() {
            e.name = scrub.text(&e.name);
        }
        let mut objects = Vec::with_capacity(side.objects.len());
        let mut per_kind: BTreeMap<&str, u64> = BTreeMap::new();
        for o in &side.objects {
            *per_kind.entry(o.kind.as_str()).or_default() += 1;
            let kind = kinds::by_key(&o.kind);
            let name = kind
                .and_then(|k| o.content.get(k.name_field))
                .and_then(Value::as_str)
                .unwrap_or(&o.display_name);
            let assigned_to = describe_assignments(&o.content, &side.refs)
                .into_iter()
                .map(|a| {
                    let mut words = format!("{}: {}", a.mode, a.target);
                    if let Some(filter) = a.filter {
                        words.push_str(&format!(" (filter {filter})"));
                    }
                    scrub.text(&words)
                })
                .collect();
            let content = scrub.value(&o.content);
            let sha256 = sha256_hex(&canonical_bytes(&content));
            objects.push(ObjectFacts {
                kind: o.kind.clone(),
                kind_label: kind.map_or_else(|| o.kind.clone(), |k| k.label.to_string()),
                object_id: o.object_id.clone(),
                name: scrub.text(name),
                platforms: kind
                    .map(|k| platforms_of(k, &o.content))
                    .unwrap_or_default(),
                assigned_to,
                assignments: assignment_count(&o.content),
                content,
                sha256,
            });
        }
        objects.sort_by(|a, b| {
            a.kind_label
                .cmp(&b.kind_label)
                .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
                .then(a.object_id.cmp(&b.object_id))
        });
        let complete: BTreeSet<&str> = info.kinds.iter().map(String::as_str).collect();
        let run = self.workspace.get_run(&info.run_id).await?;
        let coverage = REGISTRY
            .iter()
            .map(|k| {
                let checked = complete.contains(k.key);
                let why = (!checked).then(|| {
                    if !k.readable_with(&tenant.granted_scopes) {
                        tenantatlas_core::permissions::consent_lacks(k)
                    } else if let Some(e) = run
                        .as_ref()
                        .and_then(|r| r.errors.iter().find(|e| e.kind.as_deref() == Some(k.key)))
                    {
                        scrub.text(&format!("the sync could not read it: {}", e.message))
                    } else {
                        "not read completely by the sync of this snapshot".to_string()
                    }
                });
                KindCoverage {
                    kind: k.key.to_string(),
                    label: k.label.to_string(),
                    objects: per_kind.get(k.key).copied().unwrap_or(0),
                    checked,
                    why,
                }
            })
            .collect();
        Ok((
            SnapshotFacts {
                id: info.id,
                taken_at: info.created_at.clone(),
                objects: info.object_count,
                kinds: info.kinds.clone(),
            },
            objects,
            coverage,
            expiring,
        ))
    }

    fn coverage_without_snapshot(&self, tenant: &TenantRecord) -> Vec<KindCoverage> {
        REGISTRY
            .iter()
            .map(|k| KindCoverage {
                kind: k.key.to_string(),
                label: k.label.to_string(),
                objects: 0,
                checked: false,
                why: Some(if k.readable_with(&tenant.granted_scopes) {
                    "no snapshot was taken by the end of the period".to_string()
                } else {
                    tenantatlas_core::permissions::consent_lacks(k)
                }),
            })
            .collect()
    }

    async fn change_facts(
        &self,
        tenant: &TenantRecord,
        snapshots: &[SnapshotInfo],
        to: &SnapshotInfo,
        period: &Period,
        scrub: &mut Scrub,
    ) -> Result<ChangeFacts, EngineError> {
        let start = period.start_text();
        let from = snapshots.iter().rev().find(|s| s.created_at < start);
        let to_snapshot = (to.id, to.created_at.clone());
        let Some(from) = from.filter(|f| f.id != to.id) else {
            let first_in_period = from.is_none();
            return Ok(ChangeFacts {
                from_snapshot: None,
                to_snapshot,
                added: if first_in_period { to.object_count } else { 0 },
                removed: 0,
                modified: 0,
                objects: Vec::new(),
                not_compared: Vec::new(),
            });
        };
        let report: DiffReport = self
            .diff_snapshots(&tenant.id, Some(from.id), Some(to.id))
            .await?;
        let objects = report
            .objects
            .iter()
            .map(|o| ChangedObject {
                status: match o.status {
                    DiffStatus::Added => "added",
                    DiffStatus::Removed => "removed",
                    DiffStatus::Modified => "modified",
                }
                .to_string(),
                kind_label: o.kind_label.clone(),
                name: scrub.text(&o.name),
                changes: o
                    .changes
                    .iter()
                    .map(|c| {
                        scrub.change(&c.change.path, c.label.setting.as_deref(), &c.label.summary)
                    })
                    .collect(),
            })
            .collect();
        Ok(ChangeFacts {
            from_snapshot: Some((from.id, from.created_at.clone())),
            to_snapshot,
            added: report.summary.added,
            removed: report.summary.removed,
            modified: report.summary.modified,
            objects,
            not_compared: report.not_compared.clone(),
        })
    }
}

pub(crate) fn finding_facts(f: &Finding, scrub: &mut Scrub) -> FindingFacts {
    FindingFacts {
        id: f.id.clone(),
        baseline: scrub.text(&f.baseline),
        kind: f.kind.clone(),
        kind_label: f.kind_label.clone(),
        object: scrub.text(&f.object),
        drift: f.drift.clone(),
        severity: f.severity.clone(),
        state: f.state.clone(),
        changes: f
            .changes
            .iter()
            .map(|c| scrub.change(&c.path, c.setting.as_deref(), &c.summary))
            .collect(),
        justification: f.justification.as_deref().map(|t| scrub.text(t)),
        approver: f.approver.as_deref().map(|t| scrub.text(t)),
        expires: f.expires.clone(),
        first_seen_at: f.first_seen_at.clone(),
        last_seen_at: f.last_seen_at.clone(),
    }
}

fn run_facts(run: &RunRecord, scrub: &mut Scrub) -> RunFacts {
    RunFacts {
        id: run.id.clone(),
        kind: run.run_kind.clone(),
        status: run.status.as_str().to_string(),
        started_at: run.started_at.clone(),
        duration_ms: run.duration_ms,
        objects: run.objects,
        graph_calls: run.graph_calls,
        errors: run.errors.iter().map(|e| scrub.text(&e.message)).collect(),
    }
}

/// The read permissions the tenant did not grant, each with the kinds it would let a sync read.
fn permission_gaps(granted: &[String]) -> Vec<PermissionGap> {
    let mut by_permission: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for m in tenantatlas_core::permissions::missing(granted) {
        by_permission
            .entry(m.any_of[0])
            .or_default()
            .push(m.label.to_string());
    }
    by_permission
        .into_iter()
        .map(|(permission, kinds)| PermissionGap {
            permission: permission.to_string(),
            kinds,
        })
        .collect()
}

/// Where the tenant's sign-in stands (`status` as the portfolio names it), in words.
fn sign_in_words(status: &str, lapses_at: Option<&str>) -> String {
    let lapses = lapses_at
        .map(|at| format!(" (lapses {} unless used)", super::compose::when(at)))
        .unwrap_or_default();
    match status {
        "current" => format!("Current{lapses}"),
        "lapsing" => format!("Lapsing soon{lapses}: sync or reconnect"),
        "expired" => "Expired: reconnect the tenant".to_string(),
        "revoked" => "Revoked by the tenant: reconnect it".to_string(),
        "imported" => "Imported from a snapshot bundle (never signs in here)".to_string(),
        _ => "Not signed in".to_string(),
    }
}
