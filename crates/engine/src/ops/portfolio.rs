//! The portfolio at a glance: per tenant its sync health, its baselines with the latest score and
//! the trend of the last drift runs, its standing findings by severity, its permission gaps and
//! sign-in health — the home screen of the desktop app, from what the workspace already holds.
//!
//! A read-only query: nothing is written, not even the reopening of expired risk acceptances
//! that `findings list` records. An acceptance past its expiry is counted as standing, as it will
//! be once the next drift run or `findings list` records it.

use crate::ops::findings::{expired, today, FindingState};
use crate::ops::queries::TenantSummary;
use crate::{Engine, EngineError};
use serde::Serialize;
use std::collections::HashMap;
use tenantatlas_core::severity::Severity;
use tenantatlas_store::{RunRecord, RunStatus};
use time::Date;

/// How many drift runs a tenant's score trend shows.
pub const TREND_LEN: usize = 10;

/// Findings counted by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FindingCounts {
    pub high: u64,
    pub medium: u64,
    pub low: u64,
    pub info: u64,
}

impl FindingCounts {
    fn add(&mut self, severity: &str) {
        match Severity::parse(severity) {
            Some(Severity::High) => self.high += 1,
            Some(Severity::Medium) => self.medium += 1,
            Some(Severity::Low) => self.low += 1,
            // An unknown severity is shown, as the least, rather than lost.
            Some(Severity::Info) | None => self.info += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.high + self.medium + self.low + self.info
    }
}

/// One tenant on the portfolio screen.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PortfolioTenant {
    pub id: String,
    pub name: String,
    pub domain: String,
    /// `active`, `onboarding` or `archived`.
    pub state: String,
    /// When the last sync that captured a snapshot (succeeded or partial) ran.
    pub last_good_sync: Option<String>,
    /// How the newest finished sync ended: `succeeded`, `partial` or `failed`.
    pub last_sync_status: Option<String>,
    /// When the newest finished sync started, whatever its outcome.
    pub last_sync_attempt: Option<String>,
    /// The first failed sync since the last good one, while the newest sync failed.
    pub failing_since: Option<String>,
    /// Names of the baselines assigned to the tenant, sorted.
    pub baselines: Vec<String>,
    /// The newest scored drift run's score (0–100) and rating; `None` before the first.
    pub score: Option<f64>,
    pub rating: Option<String>,
    /// When that drift run started.
    pub scored_at: Option<String>,
    /// The scores of the last [`TREND_LEN`] scored drift runs, oldest first.
    pub score_trend: Vec<f64>,
    /// Standing findings (open or acknowledged, or an acceptance past its expiry) by severity.
    pub findings: FindingCounts,
    /// Findings whose risk is accepted and whose exception still holds.
    pub risk_accepted: u64,
    /// Graph permissions the tenant's consent lacks.
    pub missing_permissions: Vec<String>,
    /// When the saved sign-in lapses unless a sync uses it first.
    pub sign_in_lapses_at: Option<String>,
    /// `current`, `lapsing`, `expired`, `revoked`, `none`, or `imported` (from a snapshot bundle).
    pub sign_in_status: String,
    /// Whether only signing in again (`tenant reconnect`) helps.
    pub needs_reconnect: bool,
}

/// A drift run's score and rating, as the run record keeps them in its progress document.
struct Scored<'a> {
    started_at: &'a str,
    score: f64,
    rating: Option<String>,
}

fn scored(run: &RunRecord) -> Option<Scored<'_>> {
    if run.run_kind != "drift" || run.status == RunStatus::Running {
        return None;
    }
    Some(Scored {
        started_at: &run.started_at,
        score: run.progress.get("score")?.as_f64()?,
        rating: run
            .progress
            .get("rating")
            .and_then(|r| r.as_str())
            .map(str::to_string),
    })
}

impl Engine {
    /// Every tenant of the workspace (archived ones too, in their state) at a glance, in the
    /// order `tenant list` shows them.
    pub async fn portfolio(&self) -> Result<Vec<PortfolioTenant>, EngineError> {
        self.portfolio_on(today()).await
    }

    /// [`Engine::portfolio`] with risk acceptances judged against `today`.
    pub async fn portfolio_on(&self, today: Date) -> Result<Vec<PortfolioTenant>, EngineError> {
        let tenants = self.tenants().await?;

        let mut baselines: HashMap<String, Vec<String>> = HashMap::new();
        for baseline in self.workspace.list_baselines().await? {
            for tenant in &baseline.tenants {
                baselines
                    .entry(tenant.clone())
                    .or_default()
                    .push(baseline.name.clone());
            }
        }

        // Drift runs per tenant, oldest first (runs are listed newest first; ties keep order).
        let runs = self.workspace.list_runs().await?;
        let mut drift: HashMap<&str, Vec<Scored<'_>>> = HashMap::new();
        for run in &runs {
            if let (Some(tenant), Some(s)) = (run.tenant_id.as_deref(), scored(run)) {
                drift.entry(tenant).or_default().push(s);
            }
        }
        for list in drift.values_mut() {
            list.sort_by(|a, b| a.started_at.cmp(b.started_at));
        }

        let mut standing: HashMap<String, FindingCounts> = HashMap::new();
        let mut accepted: HashMap<String, u64> = HashMap::new();
        for f in self.workspace.list_findings(None).await? {
            let state = FindingState::parse(&f.state);
            let is_standing =
                matches!(state, Some(FindingState::Open | FindingState::Acknowledged))
                    || expired(&f, today);
            if is_standing {
                standing
                    .entry(f.tenant_id.clone())
                    .or_default()
                    .add(&f.severity);
            } else if state == Some(FindingState::RiskAccepted) {
                *accepted.entry(f.tenant_id.clone()).or_default() += 1;
            }
        }

        Ok(tenants
            .into_iter()
            .map(|t: TenantSummary| {
                let runs = drift.get(t.id.as_str());
                let latest = runs.and_then(|r| r.last());
                let trend = runs.map_or_else(Vec::new, |r| {
                    r[r.len().saturating_sub(TREND_LEN)..]
                        .iter()
                        .map(|s| s.score)
                        .collect()
                });
                let mut names = baselines.remove(&t.id).unwrap_or_default();
                names.sort_by_key(|n| n.to_lowercase());
                PortfolioTenant {
                    baselines: names,
                    score: latest.map(|s| s.score),
                    rating: latest.and_then(|s| s.rating.clone()),
                    scored_at: latest.map(|s| s.started_at.to_string()),
                    score_trend: trend,
                    findings: standing.remove(&t.id).unwrap_or_default(),
                    risk_accepted: accepted.remove(&t.id).unwrap_or_default(),
                    needs_reconnect: t.sign_in_status.needs_reconnect(),
                    sign_in_status: serde_json::to_value(t.sign_in_status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    sign_in_lapses_at: t.sign_in_lapses_at,
                    missing_permissions: t.missing_permissions,
                    last_good_sync: t.last_good_sync,
                    last_sync_status: t.last_sync_status,
                    last_sync_attempt: t.last_sync_attempt,
                    failing_since: t.failing_since,
                    state: t.state,
                    id: t.id,
                    name: t.name,
                    domain: t.domain,
                }
            })
            .collect())
    }
}

/// Standing findings by severity across the portfolio at the end of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DayFindings {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub findings: FindingCounts,
    /// Tenants with a drift check on or before that day (the others count nothing).
    pub checked: u64,
}

/// A drift run's standing findings by severity (`None` for runs from before it was recorded).
fn standing_of(run: &RunRecord) -> Option<FindingCounts> {
    let standing = run.progress.get("standing")?;
    let n = |s: &str| standing.get(s).and_then(|v| v.as_u64()).unwrap_or(0);
    Some(FindingCounts {
        high: n("high"),
        medium: n("medium"),
        low: n("low"),
        info: n("info"),
    })
}

impl Engine {
    /// Standing findings by severity across every tenant, one entry per day for the `days` days
    /// up to `today` (oldest first): each tenant counts as its newest drift run on or before that
    /// day left it; a tenant not yet checked by then counts nothing. Archived tenants are left out.
    pub async fn findings_over_time(
        &self,
        days: u32,
        today: Date,
    ) -> Result<Vec<DayFindings>, EngineError> {
        let active: std::collections::HashSet<String> = self
            .workspace
            .list_tenants()
            .await?
            .into_iter()
            .filter(|t| t.state != tenantatlas_store::TenantState::Archived)
            .map(|t| t.id)
            .collect();
        // Per tenant, its drift runs that recorded their standing findings, oldest first.
        let mut by_tenant: HashMap<String, Vec<(String, FindingCounts)>> = HashMap::new();
        for run in self.workspace.list_runs().await? {
            let Some(tenant) = run.tenant_id.as_deref().filter(|t| active.contains(*t)) else {
                continue;
            };
            if run.run_kind != "drift" || run.status == RunStatus::Running {
                continue;
            }
            if let Some(counts) = standing_of(&run) {
                let day = run.started_at.get(..10).unwrap_or_default().to_string();
                by_tenant
                    .entry(tenant.to_string())
                    .or_default()
                    .push((day, counts));
            }
        }
        for runs in by_tenant.values_mut() {
            // Stable: runs of one day keep their order, and the newest of a day comes last.
            runs.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let days = days.clamp(1, 366);
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut out = Vec::with_capacity(days as usize);
        for back in (0..days).rev() {
            let date = today - time::Duration::days(i64::from(back));
            let day = date.format(&format).unwrap_or_default();
            let mut total = FindingCounts::default();
            let mut checked = 0;
            for runs in by_tenant.values() {
                // The newest run on or before this day.
                if let Some((_, counts)) =
                    runs.iter().rev().find(|(d, _)| d.as_str() <= day.as_str())
                {
                    checked += 1;
                    total.high += counts.high;
                    total.medium += counts.medium;
                    total.low += counts.low;
                    total.info += counts.info;
                }
            }
            out.push(DayFindings {
                day,
                findings: total,
                checked,
            });
        }
        Ok(out)
    }
}
