//! Findings: persistent, triaged drift with a lifecycle, and every transition in the audit log.
//!
//! open → acknowledged → resolved (by hand, or when a drift run no longer sees the drift);
//! risk_accepted (justification + expiry) reopens once the expiry date has passed or when the
//! drift's changes differ from those accepted; a resolved finding whose drift returns reopens.
//! Every decision is a pure function of the stored finding, what a run saw and "today" (passed in,
//! never read from the clock here), so the lifecycle is tested day by day without waiting.

use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use tenantatlas_core::content_hash;
use tenantatlas_core::severity::Severity;
use tenantatlas_store::{AuditEntry, AuditInput, EqualPairs, FindingRecord, SeenAgain};
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// Where a finding is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingState {
    Open,
    Acknowledged,
    RiskAccepted,
    Resolved,
}

impl FindingState {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingState::Open => "open",
            FindingState::Acknowledged => "acknowledged",
            FindingState::RiskAccepted => "risk_accepted",
            FindingState::Resolved => "resolved",
        }
    }

    pub fn parse(text: &str) -> Option<FindingState> {
        match text {
            "open" => Some(FindingState::Open),
            "acknowledged" => Some(FindingState::Acknowledged),
            "risk_accepted" => Some(FindingState::RiskAccepted),
            "resolved" => Some(FindingState::Resolved),
            _ => None,
        }
    }
}

/// One change of a finding, as `--json` shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingChange {
    pub path: String,
    /// The setting's friendly name ("Require Device Encryption"), or its id when no name is known.
    pub setting: Option<String>,
    /// The setting's id: a settings catalog definition id, an ADMX definition, a property name.
    pub setting_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    /// The values in words ("Enabled"), where the setting's definition names them.
    pub before_label: Option<String>,
    pub after_label: Option<String>,
    /// One line for people: "Require Device Encryption: Enabled → Disabled".
    pub summary: String,
    /// A unified line diff, for long text (scripts, XML).
    pub text_diff: Option<String>,
}

/// A finding as the front doors show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    /// The tenant's domain.
    pub tenant: String,
    /// The tenant's name ("Contoso Ltd").
    pub tenant_name: String,
    pub tenant_id: String,
    pub baseline: String,
    pub kind: String,
    /// What an MSP engineer calls the kind ("Settings catalog policy").
    pub kind_label: String,
    /// The object's display name.
    pub object: String,
    pub object_id: Option<String>,
    pub drift: String,
    pub severity: String,
    pub state: String,
    pub changes: Vec<FindingChange>,
    pub justification: Option<String>,
    pub approver: Option<String>,
    pub expires: Option<String>,
    pub first_seen_at: String,
    pub last_seen_at: String,
}

impl Finding {
    /// Open or acknowledged: drift nobody has resolved or accepted, which counts against the
    /// tenant's score.
    pub fn is_standing(&self) -> bool {
        self.state == FindingState::Open.as_str()
            || self.state == FindingState::Acknowledged.as_str()
    }
}

/// How a tenant is named to people: its domain and its organisation's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TenantLabel {
    pub(crate) domain: String,
    pub(crate) name: String,
}

/// Which findings `findings list` shows.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    pub tenant: Option<String>,
    pub state: Option<String>,
    pub severity: Option<String>,
    pub kind: Option<String>,
}

/// Today's date in UTC: what the front doors pass as `today`.
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Who is acting, for the audit log: the account this process runs as, from the OS (`alice`).
/// Not from `$USER`, which any parent process sets as it likes; the environment is the fallback
/// only where the OS names nobody (see `tenantatlas_store::lock::os_user`).
pub fn actor() -> String {
    tenantatlas_store::lock::os_user()
}

/// Who is acting through a tenant sign-in: the OS account and the signed-in account
/// (`alice (as admin@contoso.com)`); the OS account alone when the sign-in named nobody.
pub fn actor_signed_in(account: Option<&str>) -> String {
    match account.map(str::trim).filter(|a| !a.is_empty()) {
        Some(account) => format!("{} (as {account})", actor()),
        None => actor(),
    }
}

/// The stable id of one drift: the same tenant, baseline, kind, object name and drift type make
/// the same id in every run (names compare case-insensitively, as matching does).
pub fn fingerprint(
    tenant_id: &str,
    baseline: &str,
    kind: &str,
    object: &str,
    drift: &str,
) -> String {
    let hash = content_hash(&json!([
        tenant_id.to_lowercase(),
        baseline.to_lowercase(),
        kind,
        object.to_lowercase(),
        drift
    ]));
    hash.trim_start_matches("sha256:")[..16].to_string()
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

/// A lifecycle decision: the new state and why, when it changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub state: FindingState,
    pub why: Option<String>,
}

/// Whether a risk acceptance has expired: it holds through its expiry date and lapses the day after.
pub(crate) fn expired(record: &FindingRecord, today: Date) -> bool {
    record.state == FindingState::RiskAccepted.as_str()
        && record
            .expires_on
            .as_deref()
            .and_then(parse_date)
            .is_none_or(|d| today > d)
}

/// What a drift run makes of a finding: `stored` is the finding as it was (if any), `seen` the
/// hash of the drift's changes when the run saw the drift.
pub(crate) fn decide(stored: Option<&FindingRecord>, seen: Option<&str>, today: Date) -> Decision {
    let keep = |state| Decision { state, why: None };
    let to = |state, why: String| Decision {
        state,
        why: Some(why),
    };
    let Some(stored) = stored else {
        return match seen {
            Some(_) => to(FindingState::Open, "drift detected".into()),
            None => keep(FindingState::Resolved),
        };
    };
    let state = FindingState::parse(&stored.state).unwrap_or(FindingState::Open);
    match (state, seen) {
        (FindingState::Resolved, None) => keep(state),
        (_, None) => to(FindingState::Resolved, "drift no longer seen".into()),
        (FindingState::Resolved, Some(_)) => to(FindingState::Open, "drift returned".into()),
        (FindingState::RiskAccepted, Some(hash)) => {
            if expired(stored, today) {
                to(
                    FindingState::Open,
                    format!(
                        "risk acceptance expired on {}",
                        stored.expires_on.as_deref().unwrap_or("?")
                    ),
                )
            } else if stored.accepted_changes_hash.as_deref() != Some(hash) {
                to(
                    FindingState::Open,
                    "drift changed since the risk was accepted".into(),
                )
            } else {
                keep(state)
            }
        }
        (state, Some(_)) => keep(state),
    }
}

/// A decision an engineer makes about a finding by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Triage {
    /// Someone is looking at it (open findings only).
    Acknowledge,
    /// The drift is known and accepted until a date.
    AcceptRisk(RiskAcceptance),
    /// The drift was dealt with.
    Resolve,
}

/// What a risk acceptance records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskAcceptance {
    pub justification: String,
    /// Who approved it; whoever records it when `None` or blank.
    pub approver: Option<String>,
    /// `YYYY-MM-DD`, after today.
    pub expires: String,
}

/// What [`Engine::triage_findings`] did: the findings as they are now, and those it refused.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Triaged {
    pub changed: Vec<Finding>,
    pub refused: Vec<Refusal>,
}

/// A finding a triage did not change, and why (the message the single command gives).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub id: String,
    pub message: String,
}

impl Triage {
    /// Checks what the decision itself carries: a risk acceptance's date and justification.
    fn check(&self, today: Date) -> Result<(), EngineError> {
        let Triage::AcceptRisk(accept) = self else {
            return Ok(());
        };
        let expires = &accept.expires;
        let date = parse_date(expires).ok_or_else(|| {
            EngineError::invalid(format!("'{expires}' is not a date; write it as YYYY-MM-DD"))
        })?;
        if date <= today {
            return Err(EngineError::invalid(format!(
                "the expiry date {expires} must be in the future"
            )));
        }
        if accept.justification.trim().is_empty() {
            return Err(EngineError::invalid(
                "a risk acceptance needs a justification; pass --justification TEXT",
            ));
        }
        Ok(())
    }

    /// Applies the decision to `record` when its state allows it, and returns the audit entry;
    /// `record` is unchanged when it does not.
    fn apply(&self, record: &mut FindingRecord) -> Result<AuditInput, EngineError> {
        let id = &record.id;
        match self {
            Triage::Acknowledge => {
                if record.state != FindingState::Open.as_str() {
                    return Err(EngineError::invalid(format!(
                        "finding {id} is {}; only open findings can be acknowledged",
                        record.state
                    )));
                }
                Ok(transitioned(
                    record,
                    FindingState::Acknowledged,
                    "acknowledged by hand",
                ))
            }
            Triage::AcceptRisk(accept) => {
                if record.state == FindingState::Resolved.as_str() {
                    return Err(EngineError::invalid(format!(
                        "finding {id} is resolved; there is no risk left to accept"
                    )));
                }
                record.justification = Some(accept.justification.clone());
                record.approver = Some(
                    accept
                        .approver
                        .as_deref()
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map_or_else(actor, str::to_string),
                );
                record.expires_on = Some(accept.expires.clone());
                record.accepted_changes_hash = Some(record.changes_hash.clone());
                Ok(transitioned(
                    record,
                    FindingState::RiskAccepted,
                    &accept.justification,
                ))
            }
            Triage::Resolve => {
                if record.state == FindingState::Resolved.as_str() {
                    return Err(EngineError::invalid(format!(
                        "finding {id} is already resolved"
                    )));
                }
                Ok(transitioned(
                    record,
                    FindingState::Resolved,
                    "resolved by hand",
                ))
            }
        }
    }
}

impl Engine {
    /// Findings, after reopening risk acceptances that have expired by `today`.
    pub async fn list_findings(
        &self,
        filter: &FindingFilter,
        today: Date,
    ) -> Result<Vec<Finding>, EngineError> {
        let tenant_id = match &filter.tenant {
            Some(t) => Some(self.tenant(t).await?.id),
            None => None,
        };
        if let Some(s) = &filter.state {
            if FindingState::parse(s).is_none() {
                return Err(EngineError::invalid(format!(
                    "unknown state '{s}'; use open, acknowledged, risk_accepted or resolved"
                )));
            }
        }
        if let Some(s) = &filter.severity {
            if Severity::parse(s).is_none() {
                return Err(EngineError::invalid(format!(
                    "unknown severity '{s}'; use high, medium, low or info"
                )));
            }
        }
        let mut records = self.workspace.list_findings(tenant_id.as_deref()).await?;
        for record in records.iter_mut() {
            if expired(record, today) {
                let why = format!(
                    "risk acceptance expired on {}",
                    record.expires_on.as_deref().unwrap_or("?")
                );
                self.transition(record, FindingState::Open, &why).await?;
            }
        }
        let names = self.tenant_names().await?;
        Ok(records
            .iter()
            .filter(|r| filter.state.as_ref().is_none_or(|s| &r.state == s))
            .filter(|r| {
                filter
                    .severity
                    .as_ref()
                    .is_none_or(|s| r.severity.eq_ignore_ascii_case(s))
            })
            .filter(|r| {
                filter
                    .kind
                    .as_ref()
                    .is_none_or(|k| r.kind.eq_ignore_ascii_case(k))
            })
            .map(|r| finding(r, &names))
            .collect())
    }

    /// Acknowledges an open finding: someone is looking at it.
    pub async fn ack_finding(&self, id: &str) -> Result<Finding, EngineError> {
        self.triage_one(id, &Triage::Acknowledge).await
    }

    /// Accepts the risk of a finding until `expires` (`YYYY-MM-DD`, after `today`), approved by
    /// `approver` (who records it, when `None`).
    pub async fn accept_risk(
        &self,
        id: &str,
        justification: &str,
        approver: Option<&str>,
        expires: &str,
        today: Date,
    ) -> Result<Finding, EngineError> {
        let triage = Triage::AcceptRisk(RiskAcceptance {
            justification: justification.to_string(),
            approver: approver.map(str::to_string),
            expires: expires.to_string(),
        });
        triage.check(today)?;
        self.triage_one(id, &triage).await
    }

    /// Resolves a finding by hand.
    pub async fn resolve_finding(&self, id: &str) -> Result<Finding, EngineError> {
        self.triage_one(id, &Triage::Resolve).await
    }

    /// Applies one decision to several findings at once, as the desktop's bulk actions do: the
    /// findings it applies to change together in one transaction, each with its audit entry; the
    /// others are refused one by one with the reason the single command would give. A risk
    /// acceptance whose justification or date is wrong refuses them all.
    pub async fn triage_findings(
        &self,
        ids: &[String],
        triage: &Triage,
        today: Date,
    ) -> Result<Triaged, EngineError> {
        triage.check(today)?;
        let mut records = Vec::new();
        let mut audit = Vec::new();
        let mut refused = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for id in ids.iter().filter(|id| seen.insert(id.as_str())) {
            let applied = match self.finding_record(id).await {
                Ok(mut record) => triage.apply(&mut record).map(|entry| (record, entry)),
                Err(e) => Err(e),
            };
            match applied {
                Ok((record, entry)) => {
                    records.push(record);
                    audit.push(entry);
                }
                Err(e) => refused.push(Refusal {
                    id: id.clone(),
                    message: e.message,
                }),
            }
        }
        if !records.is_empty() {
            self.save_triaged(&records, &audit).await?;
        }
        let names = self.tenant_names().await?;
        Ok(Triaged {
            changed: records.iter().map(|r| finding(r, &names)).collect(),
            refused,
        })
    }

    /// The audit entries whose subject is finding `id`, oldest first: each transition of its
    /// lifecycle with who made it, when and why.
    pub async fn finding_audit(&self, id: &str) -> Result<Vec<AuditEntry>, EngineError> {
        self.finding_record(id).await?;
        // The log is read whole and filtered here: it has no index by subject, and a finding's
        // trail is read one finding at a time, when someone opens it.
        Ok(self
            .workspace
            .list_audit()
            .await?
            .into_iter()
            .filter(|e| e.subject == id)
            .collect())
    }

    async fn triage_one(&self, id: &str, triage: &Triage) -> Result<Finding, EngineError> {
        let mut record = self.finding_record(id).await?;
        let audit = triage.apply(&mut record)?;
        self.save_triaged(std::slice::from_ref(&record), &[audit])
            .await?;
        self.shown(&record).await
    }

    /// Saves findings changed by hand and their audit entries, in one transaction.
    async fn save_triaged(
        &self,
        records: &[FindingRecord],
        audit: &[AuditInput],
    ) -> Result<(), EngineError> {
        self.workspace
            .commit_findings(
                records,
                &SeenAgain::default(),
                &EqualPairs::default(),
                audit,
                None,
            )
            .await?;
        Ok(())
    }

    async fn finding_record(&self, id: &str) -> Result<FindingRecord, EngineError> {
        self.workspace.get_finding(id).await?.ok_or_else(|| {
            EngineError::not_found(format!(
                "no finding '{id}'; run `tenantatlas findings list` to see them"
            ))
        })
    }

    async fn shown(&self, record: &FindingRecord) -> Result<Finding, EngineError> {
        Ok(finding(record, &self.tenant_names().await?))
    }

    pub(crate) async fn tenant_names(&self) -> Result<HashMap<String, TenantLabel>, EngineError> {
        Ok(self
            .workspace
            .list_tenants()
            .await?
            .into_iter()
            .map(|t| {
                (
                    t.id,
                    TenantLabel {
                        domain: t.domain,
                        name: t.name,
                    },
                )
            })
            .collect())
    }

    /// Saves the finding in its new state and records the transition in the audit log.
    pub(crate) async fn transition(
        &self,
        record: &mut FindingRecord,
        to: FindingState,
        why: &str,
    ) -> Result<(), EngineError> {
        let audit = transitioned(record, to, why);
        self.workspace
            .commit_findings(
                std::slice::from_ref(record),
                &SeenAgain::default(),
                &EqualPairs::default(),
                &[audit],
                None,
            )
            .await?;
        Ok(())
    }
}

/// Moves the finding to `to` and returns the audit entry that says who, from, to and why.
pub(crate) fn transitioned(record: &mut FindingRecord, to: FindingState, why: &str) -> AuditInput {
    let from = std::mem::replace(&mut record.state, to.as_str().to_string());
    record.updated_at = now_text();
    if to != FindingState::RiskAccepted {
        record.accepted_changes_hash = None;
    }
    AuditInput {
        actor: actor(),
        action: format!("finding.{}", to.as_str()),
        subject: record.id.clone(),
        details: json!({
            "tenant_id": record.tenant_id,
            "baseline": record.baseline,
            "kind": record.kind,
            "object": record.object_name,
            "drift": record.drift,
            "from": from,
            "to": to.as_str(),
            "why": why,
            "expires": record.expires_on,
            "approver": record.approver,
        }),
    }
}

/// Now as stored times are written (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
pub(crate) fn now_text() -> String {
    let now = OffsetDateTime::now_utc();
    now.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

pub(crate) fn finding(record: &FindingRecord, names: &HashMap<String, TenantLabel>) -> Finding {
    let changes = record
        .changes
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| {
                    let text = |k: &str| c.get(k).and_then(Value::as_str).map(str::to_string);
                    let path = text("path").unwrap_or_default();
                    let before = c.get("before").filter(|v| !v.is_null()).cloned();
                    let after = c.get("after").filter(|v| !v.is_null()).cloned();
                    let mut change = FindingChange {
                        setting: text("setting_name").or_else(|| text("setting")),
                        setting_id: text("setting"),
                        summary: text("summary").unwrap_or_else(|| {
                            let show = |v: &Option<Value>| {
                                v.as_ref().map_or("(not set)".to_string(), |v| match v {
                                    Value::String(s) => s.clone(),
                                    other => other.to_string(),
                                })
                            };
                            format!("{path}: {} → {}", show(&before), show(&after))
                        }),
                        text_diff: text("text_diff"),
                        before_label: text("before_label"),
                        after_label: text("after_label"),
                        path,
                        before,
                        after,
                    };
                    // The stored change keeps the values (encrypted); what is shown never has a secret.
                    let secret_setting = change.setting_id.clone().or(change.setting.clone());
                    crate::ops::labels::ShownChange {
                        path: &change.path,
                        setting: secret_setting.as_deref(),
                        before: &mut change.before,
                        after: &mut change.after,
                        before_label: &mut change.before_label,
                        after_label: &mut change.after_label,
                        summary: &mut change.summary,
                        text_diff: &mut change.text_diff,
                    }
                    .hide_secrets();
                    change
                })
                .collect()
        })
        .unwrap_or_default();
    Finding {
        id: record.id.clone(),
        tenant: names
            .get(&record.tenant_id)
            .map_or_else(|| record.tenant_id.clone(), |t| t.domain.clone()),
        tenant_name: names
            .get(&record.tenant_id)
            .map_or_else(|| record.tenant_id.clone(), |t| t.name.clone()),
        tenant_id: record.tenant_id.clone(),
        baseline: record.baseline.clone(),
        kind: record.kind.clone(),
        kind_label: tenantatlas_core::kinds::label(&record.kind).to_string(),
        object: record.object_name.clone(),
        object_id: record.object_id.clone(),
        drift: record.drift.clone(),
        severity: record.severity.clone(),
        state: record.state.clone(),
        changes,
        justification: record.justification.clone(),
        approver: record.approver.clone(),
        expires: record.expires_on.clone(),
        first_seen_at: record.first_seen_at.clone(),
        last_seen_at: record.last_seen_at.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn record(state: FindingState) -> FindingRecord {
        FindingRecord {
            id: "f".into(),
            tenant_id: "t".into(),
            baseline: "Golden".into(),
            kind: "deviceConfigurations".into(),
            object_name: "Policy".into(),
            object_id: Some("o".into()),
            drift: "modified".into(),
            severity: "medium".into(),
            state: state.as_str().into(),
            changes: json!([]),
            changes_hash: "h1".into(),
            justification: None,
            approver: None,
            expires_on: None,
            accepted_changes_hash: None,
            first_seen_at: String::new(),
            last_seen_at: String::new(),
            updated_at: String::new(),
            last_run_id: None,
        }
    }

    #[test]
    fn a_sign_in_adds_its_account_to_the_os_account() {
        let os = actor();
        assert!(!os.is_empty() && os != "local user");
        assert_eq!(
            actor_signed_in(Some("admin@contoso.com")),
            format!("{os} (as admin@contoso.com)")
        );
        assert_eq!(actor_signed_in(Some("  ")), os);
        assert_eq!(actor_signed_in(None), os);
    }

    #[test]
    fn fingerprints_are_stable_and_distinguish_drifts() {
        let a = fingerprint(
            "T1",
            "Golden",
            "deviceConfigurations",
            "Win - Baseline",
            "modified",
        );
        assert_eq!(a.len(), 16);
        assert_eq!(
            a,
            fingerprint(
                "t1",
                "golden",
                "deviceConfigurations",
                "WIN - baseline",
                "modified"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "t1",
                "Golden",
                "deviceConfigurations",
                "Win - Baseline",
                "missing"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "t2",
                "Golden",
                "deviceConfigurations",
                "Win - Baseline",
                "modified"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "t1",
                "Other",
                "deviceConfigurations",
                "Win - Baseline",
                "modified"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "t1",
                "Golden",
                "configurationPolicies",
                "Win - Baseline",
                "modified"
            )
        );
    }

    #[test]
    fn lifecycle_of_a_drift_across_runs() {
        let today = date!(2026 - 03 - 10);
        use FindingState::*;
        // New drift opens; unseen drift of nothing stays nothing.
        assert_eq!(decide(None, Some("h1"), today).state, Open);
        assert_eq!(decide(None, None, today).why, None);
        // Seen again: unchanged, whatever the state.
        for state in [Open, Acknowledged] {
            assert_eq!(
                decide(Some(&record(state)), Some("h2"), today),
                Decision { state, why: None }
            );
        }
        // Gone: resolved, once.
        for state in [Open, Acknowledged, RiskAccepted] {
            assert_eq!(decide(Some(&record(state)), None, today).state, Resolved);
        }
        assert_eq!(decide(Some(&record(Resolved)), None, today).why, None);
        // Back: reopened.
        let back = decide(Some(&record(Resolved)), Some("h1"), today);
        assert_eq!(back.state, Open);
        assert_eq!(back.why.as_deref(), Some("drift returned"));
    }

    #[test]
    fn risk_acceptance_holds_through_its_expiry_date_and_lapses_the_day_after() {
        let mut accepted = record(FindingState::RiskAccepted);
        accepted.expires_on = Some("2026-03-10".into());
        accepted.accepted_changes_hash = Some("h1".into());
        let on = |d| decide(Some(&accepted), Some("h1"), d);
        assert_eq!(on(date!(2026 - 03 - 09)).state, FindingState::RiskAccepted);
        assert_eq!(on(date!(2026 - 03 - 10)).state, FindingState::RiskAccepted);
        let after = on(date!(2026 - 03 - 11));
        assert_eq!(after.state, FindingState::Open);
        assert!(after.why.unwrap().contains("expired on 2026-03-10"));
        assert!(!expired(&accepted, date!(2026 - 03 - 10)));
        assert!(expired(&accepted, date!(2026 - 03 - 11)));
        // A different drift reopens it before the expiry.
        let changed = decide(Some(&accepted), Some("h2"), date!(2026 - 03 - 01));
        assert_eq!(changed.state, FindingState::Open);
        assert!(changed.why.unwrap().contains("changed"));
    }

    /// A workspace with one tenant and a finding in each state, stored as a drift run would.
    async fn workspace_with_findings(dir: &std::path::Path) -> Engine {
        let engine = Engine::open(&dir.join("ws"), Some("triage test passphrase".into()))
            .await
            .unwrap();
        engine
            .workspace
            .upsert_tenant(&tenantatlas_store::TenantRecord {
                id: "t".into(),
                domain: "contoso.example".into(),
                name: "Contoso".into(),
                ..Default::default()
            })
            .await
            .unwrap();
        let records: Vec<FindingRecord> = [
            ("open1", FindingState::Open),
            ("open2", FindingState::Open),
            ("acked", FindingState::Acknowledged),
            ("gone", FindingState::Resolved),
        ]
        .into_iter()
        .map(|(id, state)| FindingRecord {
            id: id.into(),
            object_name: format!("Policy {id}"),
            first_seen_at: "2026-03-01T00:00:00.000Z".into(),
            last_seen_at: "2026-03-01T00:00:00.000Z".into(),
            updated_at: "2026-03-01T00:00:00.000Z".into(),
            ..record(state)
        })
        .collect();
        engine
            .workspace
            .commit_findings(
                &records,
                &SeenAgain::default(),
                &EqualPairs::default(),
                &[],
                None,
            )
            .await
            .unwrap();
        engine
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    /// Bulk triage changes the findings it may together, refuses the others with the single
    /// command's reason, and each change is in the finding's own audit trail, oldest first.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn bulk_triage_changes_what_it_may_and_says_why_not_for_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let engine = workspace_with_findings(dir.path()).await;
        let today = date!(2026 - 03 - 10);

        let all = ids(&["open1", "open2", "acked", "gone", "nope", "open1"]);
        let done = engine
            .triage_findings(&all, &Triage::Acknowledge, today)
            .await
            .unwrap();
        let changed: Vec<(&str, &str)> = done
            .changed
            .iter()
            .map(|f| (f.id.as_str(), f.state.as_str()))
            .collect();
        assert_eq!(
            changed,
            [("open1", "acknowledged"), ("open2", "acknowledged")]
        );
        assert_eq!(done.changed[0].tenant_name, "Contoso");
        let refused: Vec<&str> = done.refused.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(
            refused,
            [
                "finding acked is acknowledged; only open findings can be acknowledged",
                "finding gone is resolved; only open findings can be acknowledged",
                "no finding 'nope'; run `tenantatlas findings list` to see them",
            ]
        );

        // A wrong acceptance refuses the whole request and changes nothing.
        let accept = |justification: &str, expires: &str| {
            Triage::AcceptRisk(RiskAcceptance {
                justification: justification.into(),
                approver: Some("Dana (CISO)".into()),
                expires: expires.into(),
            })
        };
        for (triage, message) in [
            (accept("legacy app", "2026-03-10"), "must be in the future"),
            (accept("legacy app", "10/04/2026"), "not a date"),
            (accept("  ", "2026-04-10"), "needs a justification"),
        ] {
            let e = engine
                .triage_findings(&ids(&["open1"]), &triage, today)
                .await
                .unwrap_err();
            assert_eq!(e.code, crate::ErrorCode::InvalidInput);
            assert!(e.message.contains(message), "{}", e.message);
        }
        let done = engine
            .triage_findings(
                &ids(&["open1", "gone"]),
                &accept("legacy app", "2026-04-10"),
                today,
            )
            .await
            .unwrap();
        let accepted = &done.changed[0];
        assert_eq!(accepted.state, "risk_accepted");
        assert_eq!(accepted.approver.as_deref(), Some("Dana (CISO)"));
        assert_eq!(accepted.expires.as_deref(), Some("2026-04-10"));
        assert_eq!(done.refused.len(), 1);

        let done = engine
            .triage_findings(&ids(&["open2", "acked"]), &Triage::Resolve, today)
            .await
            .unwrap();
        assert_eq!(done.changed.len(), 2);
        assert!(done.changed.iter().all(|f| f.state == "resolved"));

        let trail = engine.finding_audit("open1").await.unwrap();
        let steps: Vec<(&str, &str, &str)> = trail
            .iter()
            .map(|e| {
                (
                    e.action.as_str(),
                    e.details["from"].as_str().unwrap(),
                    e.details["why"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            steps,
            [
                ("finding.acknowledged", "open", "acknowledged by hand"),
                ("finding.risk_accepted", "acknowledged", "legacy app"),
            ]
        );
        assert!(trail.windows(2).all(|w| w[0].seq < w[1].seq));
        assert!(trail.iter().all(|e| e.actor == actor()));
        assert_eq!(engine.finding_audit("gone").await.unwrap(), []);
        let missing = engine.finding_audit("nope").await.unwrap_err();
        assert_eq!(missing.code, crate::ErrorCode::NotFound);

        // The single commands keep their rules.
        let e = engine.ack_finding("acked").await.unwrap_err();
        assert!(e.message.contains("only open findings"), "{}", e.message);
        assert_eq!(
            engine.resolve_finding("open1").await.unwrap().state,
            "resolved"
        );
    }
}
