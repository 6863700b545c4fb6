//! The Operations screen: every run of every kind (syncs, drift checks, restores…), including
//! runs of archived tenants and of tenants no longer in the workspace, and one run in full.

use crate::ipc::CommandError;
use crate::state::AppState;
use serde::Serialize;
use tenantatlas_engine::ops::queries::{progress_facts, RunSummary};
use ts_rs::TS;

/// One run as the Operations table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RunRow {
    pub id: String,
    /// `sync`, `drift`, `restore`, …
    pub kind: String,
    pub tenant_id: Option<String>,
    /// `None` for a run of no tenant, or of a tenant no longer in the workspace.
    pub tenant_name: Option<String>,
    pub tenant_domain: Option<String>,
    /// `running`, `succeeded`, `partial` or `failed` (a run whose process died is `failed`).
    pub status: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u32>,
    pub objects: u32,
    pub versions_added: u32,
    /// HTTP round-trips, and Graph calls counting each `$batch` sub-request.
    pub requests: u32,
    pub graph_calls: u32,
    pub retries: u32,
    pub throttled: u32,
    pub errors: u32,
}

/// A fact of the run in words ("score" → "42.2").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RunFact {
    pub label: String,
    pub value: String,
}

/// Objects read of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct KindCount {
    pub kind: String,
    /// What an MSP engineer calls it.
    pub label: String,
    pub objects: u32,
}

/// One error of a run, with what support needs: Graph's request id and the HTTP status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RunErrorLine {
    /// The kind being read, in words, when the error concerns one.
    pub kind: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub status: Option<u16>,
}

/// One run in full: the canonical run viewer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct RunDetail {
    pub run: RunRow,
    pub facts: Vec<RunFact>,
    pub counts: Vec<KindCount>,
    pub errors: Vec<RunErrorLine>,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl From<&RunSummary> for RunRow {
    fn from(summary: &RunSummary) -> Self {
        let r = &summary.run;
        RunRow {
            id: r.id.clone(),
            kind: r.run_kind.clone(),
            tenant_id: r.tenant_id.clone(),
            tenant_name: summary.tenant_name.clone(),
            tenant_domain: summary.tenant_domain.clone(),
            status: r.status.as_str().to_string(),
            started_at: r.started_at.clone(),
            finished_at: r.finished_at.clone(),
            duration_ms: r.duration_ms.map(n),
            objects: n(r.objects),
            versions_added: n(r.versions_added),
            requests: n(r.requests),
            graph_calls: n(r.graph_calls),
            retries: n(r.retries),
            throttled: n(r.throttled),
            errors: n(r.errors.len() as u64),
        }
    }
}

impl From<&RunSummary> for RunDetail {
    fn from(summary: &RunSummary) -> Self {
        let r = &summary.run;
        let label = |kind: &str| tenantatlas_core::kinds::label(kind).to_string();
        let mut counts: Vec<KindCount> = r
            .counts
            .iter()
            .map(|(kind, objects)| KindCount {
                kind: kind.clone(),
                label: label(kind),
                objects: n(*objects),
            })
            .collect();
        counts.sort_by(|a, b| a.label.cmp(&b.label));
        RunDetail {
            run: summary.into(),
            // The objects and, once it ended, the phase are shown already.
            facts: progress_facts(&r.progress)
                .into_iter()
                .filter(|(label, _)| {
                    label != "objects" && (label != "phase" || r.status.as_str() == "running")
                })
                .map(|(label, value)| RunFact { label, value })
                .collect(),
            counts,
            errors: r
                .errors
                .iter()
                .map(|e| RunErrorLine {
                    kind: e.kind.as_deref().map(label),
                    message: e.message.clone(),
                    request_id: e.request_id.clone(),
                    status: e.status,
                })
                .collect(),
        }
    }
}

impl AppState {
    /// Every run, newest first.
    pub async fn list_runs(&self) -> Result<Vec<RunRow>, CommandError> {
        let runs = self.opened().await?.engine.runs().await?;
        Ok(runs.iter().map(RunRow::from).collect())
    }

    /// One run in full.
    pub async fn run_detail(&self, id: &str) -> Result<RunDetail, CommandError> {
        let run = self.opened().await?.engine.run(id).await?;
        Ok((&run).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tenantatlas_store::runs::{RunError, RunRecord, RunStatus};

    #[test]
    fn a_run_reads_in_words_with_its_request_ids() {
        let run = RunRecord {
            id: "r1".into(),
            run_kind: "sync".into(),
            tenant_id: Some("t1".into()),
            status: RunStatus::Partial,
            started_at: "2026-12-05T08:00:00.000Z".into(),
            finished_at: Some("2026-12-05T08:00:02.000Z".into()),
            duration_ms: Some(2000),
            heartbeat_at: String::new(),
            progress: json!({"not_checked": [{"label": "Conditional Access policy", "objects": 4, "reason": "consent lacks Policy.Read.All"}], "score": 42.2}),
            counts: [("deviceConfigurations".to_string(), 12)].into(),
            objects: 12,
            versions_added: 3,
            requests: 5,
            graph_calls: 9,
            retries: 1,
            throttled: 1,
            errors: vec![RunError {
                kind: Some("conditionalAccessPolicies".into()),
                message: "403 Forbidden".into(),
                request_id: Some("req-1".into()),
                status: Some(403),
            }],
        };
        let detail = RunDetail::from(&RunSummary {
            run,
            tenant_name: Some("Contoso".into()),
            tenant_domain: Some("contoso.com".into()),
        });
        assert_eq!(detail.run.status, "partial");
        assert_eq!(detail.run.errors, 1);
        assert_eq!(
            detail.facts,
            vec![
                RunFact {
                    label: "not checked".into(),
                    value: "Conditional Access policy (4): consent lacks Policy.Read.All".into()
                },
                RunFact {
                    label: "score".into(),
                    value: "42.2".into()
                }
            ]
        );
        assert_eq!(detail.counts[0].label, "Device configuration");
        assert_eq!(detail.errors[0].request_id.as_deref(), Some("req-1"));
        assert_eq!(
            detail.errors[0].kind.as_deref(),
            Some("Conditional Access policy")
        );
    }
}
