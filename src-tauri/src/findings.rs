//! The Findings workbench over IPC: its transport types and what its commands do, as methods on
//! [`AppState`] tested without a window.
//!
//! The window gets every finding of every tenant in one answer and filters, sorts and exports
//! them itself, so its filters answer at once and survive a visit to another section; the
//! engine's [`FindingFilter`] stays unused here. Decisions (acknowledge, accept a risk, resolve)
//! go through the engine's `triage_findings` whether they concern one finding or many, so the
//! desktop and the command line share one set of rules and the same refusals.

use crate::ipc::CommandError;
use crate::state::{drive, AppState};
use serde::{Deserialize, Serialize};
use tenantatlas_engine::ops::findings::{
    today, Finding, FindingChange, FindingFilter, RiskAcceptance, Triage, Triaged,
};
use ts_rs::TS;

type Answer<T> = Result<T, CommandError>;

/// One setting-level change of a finding: the baseline's value against the tenant's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SettingChange {
    /// Where in the object (`settings[<definition id>].value`, `assignments[<target>]`).
    pub path: String,
    /// The setting's friendly name ("Require Device Encryption"), or its id when none is known.
    pub setting: Option<String>,
    /// The setting's id: a settings catalog definition id, an ADMX definition, a property name.
    pub setting_id: Option<String>,
    /// The baseline's value as JSON text; `None` when the baseline does not set it.
    pub expected: Option<String>,
    /// The tenant's value as JSON text; `None` when the tenant does not set it.
    pub actual: Option<String>,
    /// The values in words ("Enabled"), where the setting's definition names them.
    pub expected_label: Option<String>,
    pub actual_label: Option<String>,
    /// One line for people: "Require Device Encryption: Enabled → Disabled".
    pub summary: String,
    /// A unified line diff, for long text (scripts, XML).
    pub text_diff: Option<String>,
}

/// One finding on the workbench.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct FindingRow {
    pub id: String,
    pub tenant_id: String,
    /// The tenant's organisation name ("Contoso Ltd").
    pub tenant_name: String,
    pub tenant_domain: String,
    /// The baseline the tenant drifted from.
    pub baseline: String,
    pub kind: String,
    /// What an MSP engineer calls the kind ("Settings catalog policy").
    pub kind_label: String,
    /// The object's display name.
    pub object: String,
    pub object_id: Option<String>,
    /// `missing` (in the baseline, not in the tenant), `unexpected` (in the tenant only) or
    /// `modified`.
    pub drift: String,
    /// `high`, `medium`, `low` or `info`.
    pub severity: String,
    /// `open`, `acknowledged`, `risk_accepted` or `resolved`.
    pub state: String,
    pub changes: Vec<SettingChange>,
    /// Why the risk was accepted (kept after the finding moves on, until it is accepted again).
    pub justification: Option<String>,
    pub approver: Option<String>,
    /// `YYYY-MM-DD`: the risk acceptance holds through this day.
    pub expires: Option<String>,
    pub first_seen_at: String,
    pub last_seen_at: String,
}

/// One transition of a finding, from the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct FindingAuditEntry {
    /// The entry's place in the log.
    pub seq: i64,
    pub at: String,
    /// Who acted: the OS account, and the tenant account where a sign-in was used.
    pub actor: String,
    /// `finding.open`, `finding.acknowledged`, `finding.risk_accepted`, `finding.resolved`.
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// Why: "drift detected", "acknowledged by hand", a risk acceptance's justification.
    pub why: Option<String>,
    pub approver: Option<String>,
    pub expires: Option<String>,
}

/// A decision about one finding or several, as the window sends it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TriageRequest {
    Acknowledge,
    /// All three are required by the window; the engine checks the date and justification.
    AcceptRisk {
        justification: String,
        approver: String,
        /// `YYYY-MM-DD`, after today (UTC).
        expires: String,
    },
    Resolve,
}

/// A finding a decision did not change, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TriageRefusal {
    pub id: String,
    pub message: String,
}

/// What a decision did: the findings as they are now, and those it could not change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct TriageOutcome {
    pub changed: Vec<FindingRow>,
    pub refused: Vec<TriageRefusal>,
}

impl AppState {
    /// Every finding of every tenant, whatever its state (risk acceptances that have expired are
    /// reopened first, as `findings list` does).
    pub async fn findings(&self) -> Answer<Vec<FindingRow>> {
        let opened = self.opened().await?;
        let list = drive(
            opened
                .engine
                .list_findings(&FindingFilter::default(), today()),
        )?;
        Ok(list.into_iter().map(FindingRow::from).collect())
    }

    /// The audit trail of finding `id`, oldest first.
    pub async fn finding_audit(&self, id: &str) -> Answer<Vec<FindingAuditEntry>> {
        let opened = self.opened().await?;
        let entries = opened.engine.finding_audit(id).await?;
        Ok(entries
            .into_iter()
            .map(|e| {
                // The transition's details, as `findings::transitioned` in the engine writes them.
                let detail = |k: &str| {
                    e.details
                        .get(k)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                };
                FindingAuditEntry {
                    from_state: detail("from"),
                    to_state: detail("to"),
                    why: detail("why"),
                    approver: detail("approver"),
                    expires: detail("expires"),
                    seq: e.seq,
                    at: e.at,
                    actor: e.actor,
                    action: e.action,
                }
            })
            .collect())
    }

    /// Applies one decision to the findings `ids`.
    pub async fn triage_findings(
        &self,
        ids: &[String],
        request: TriageRequest,
    ) -> Answer<TriageOutcome> {
        let opened = self.opened().await?;
        let triaged = drive(opened.engine.triage_findings(ids, &request.into(), today()))?;
        Ok(triaged.into())
    }
}

impl From<TriageRequest> for Triage {
    fn from(request: TriageRequest) -> Self {
        match request {
            TriageRequest::Acknowledge => Triage::Acknowledge,
            TriageRequest::AcceptRisk {
                justification,
                approver,
                expires,
            } => Triage::AcceptRisk(RiskAcceptance {
                justification,
                approver: Some(approver),
                expires,
            }),
            TriageRequest::Resolve => Triage::Resolve,
        }
    }
}

impl From<Triaged> for TriageOutcome {
    fn from(t: Triaged) -> Self {
        TriageOutcome {
            changed: t.changed.into_iter().map(FindingRow::from).collect(),
            refused: t
                .refused
                .into_iter()
                .map(|r| TriageRefusal {
                    id: r.id,
                    message: r.message,
                })
                .collect(),
        }
    }
}

impl From<FindingChange> for SettingChange {
    fn from(c: FindingChange) -> Self {
        // Pretty JSON (`{:#}`), so an object or a list reads as it would in the portal's JSON view.
        SettingChange {
            expected: c.before.map(|v| format!("{v:#}")),
            actual: c.after.map(|v| format!("{v:#}")),
            path: c.path,
            setting: c.setting,
            setting_id: c.setting_id,
            expected_label: c.before_label,
            actual_label: c.after_label,
            summary: c.summary,
            text_diff: c.text_diff,
        }
    }
}

impl From<Finding> for FindingRow {
    fn from(f: Finding) -> Self {
        FindingRow {
            id: f.id,
            tenant_id: f.tenant_id,
            tenant_name: f.tenant_name,
            tenant_domain: f.tenant,
            baseline: f.baseline,
            kind: f.kind,
            kind_label: f.kind_label,
            object: f.object,
            object_id: f.object_id,
            drift: f.drift,
            severity: f.severity,
            state: f.state,
            changes: f.changes.into_iter().map(SettingChange::from).collect(),
            justification: f.justification,
            approver: f.approver,
            expires: f.expires,
            first_seen_at: f.first_seen_at,
            last_seen_at: f.last_seen_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::ErrorCode;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_workspace_the_workbench_says_so() {
        let state = AppState::default();
        assert_eq!(
            state.findings().await.unwrap_err().code,
            ErrorCode::NoWorkspace
        );
        assert_eq!(
            state.finding_audit("f").await.unwrap_err().code,
            ErrorCode::NoWorkspace
        );
        let e = state
            .triage_findings(&["f".into()], TriageRequest::Resolve)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::NoWorkspace);
    }

    #[test]
    fn a_decision_arrives_tagged_by_its_action() {
        let accept: TriageRequest = serde_json::from_value(serde_json::json!({
            "action": "accept_risk",
            "justification": "legacy line-of-business app",
            "approver": "Dana",
            "expires": "2027-01-31"
        }))
        .unwrap();
        assert_eq!(
            Triage::from(accept),
            Triage::AcceptRisk(RiskAcceptance {
                justification: "legacy line-of-business app".into(),
                approver: Some("Dana".into()),
                expires: "2027-01-31".into(),
            })
        );
        let ack: TriageRequest =
            serde_json::from_value(serde_json::json!({"action": "acknowledge"})).unwrap();
        assert_eq!(Triage::from(ack), Triage::Acknowledge);
    }

    /// The demo's findings through the methods the window calls: listed with their changes,
    /// one acknowledged, several accepted at once, a refusal, and the trail each leaves.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_findings_are_listed_triaged_and_audited() {
        let state = AppState::default();
        let dir = tempfile::tempdir().unwrap();
        state.open_demo(dir.path(), |_| {}).await.unwrap();

        let rows = state.findings().await.unwrap();
        assert!(rows.len() >= 3, "{rows:?}");
        assert!(rows
            .iter()
            .all(|r| r.state == "open" && !r.tenant_name.is_empty()));
        let modified = rows.iter().find(|r| r.drift == "modified").unwrap();
        assert!(modified
            .changes
            .iter()
            .any(|c| !c.summary.is_empty() && (c.expected.is_some() || c.actual.is_some())));

        let ids: Vec<String> = rows.iter().take(3).map(|r| r.id.clone()).collect();
        let one = state
            .triage_findings(&ids[..1], TriageRequest::Acknowledge)
            .await
            .unwrap();
        assert_eq!(one.changed[0].state, "acknowledged");
        assert!(one.refused.is_empty());

        let accept = |expires: &str| TriageRequest::AcceptRisk {
            justification: "a compensating control covers it".into(),
            approver: "Dana (security lead)".into(),
            expires: expires.into(),
        };
        let past = state
            .triage_findings(&ids, accept("2020-01-01"))
            .await
            .unwrap_err();
        assert_eq!(past.code, ErrorCode::InvalidInput);
        assert!(past.message.contains("must be in the future"), "{past:?}");

        let all = state
            .triage_findings(&ids, accept("2999-12-31"))
            .await
            .unwrap();
        assert_eq!(all.changed.len(), 3);
        assert!(all.changed.iter().all(|r| r.state == "risk_accepted"
            && r.approver.as_deref() == Some("Dana (security lead)")
            && r.expires.as_deref() == Some("2999-12-31")));

        let again = state
            .triage_findings(&ids[..1], TriageRequest::Acknowledge)
            .await
            .unwrap();
        assert!(again.changed.is_empty());
        assert!(again.refused[0].message.contains("only open findings"));

        let trail = state.finding_audit(&ids[0]).await.unwrap();
        let steps: Vec<(Option<&str>, Option<&str>)> = trail
            .iter()
            .map(|e| (e.from_state.as_deref(), e.to_state.as_deref()))
            .collect();
        assert_eq!(
            steps[steps.len() - 2..],
            [
                (Some("open"), Some("acknowledged")),
                (Some("acknowledged"), Some("risk_accepted"))
            ]
        );
        assert_eq!(trail[0].action, "finding.open", "{trail:?}");
        assert!(trail.windows(2).all(|w| w[0].seq < w[1].seq));
        let accepted = trail.last().unwrap();
        assert_eq!(
            accepted.why.as_deref(),
            Some("a compensating control covers it")
        );
        assert_eq!(accepted.expires.as_deref(), Some("2999-12-31"));
        assert_eq!(
            state
                .finding_audit("no-such-finding")
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
    }
}
