//! Looking at what the workspace holds: tenants with their permission posture, sync health and
//! sign-in health (when it lapses unless used), policies (live and deleted), one object's content
//! at any version, its history, and runs with their tenants' names (also as CSV).

use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use tenantatlas_core::permissions;
use tenantatlas_graph::auth::REFRESH_TOKEN_MAX_INACTIVE;
use tenantatlas_store::audit_state::{self, Unexplained};
use tenantatlas_store::checkpoints::{self, Checkpoint, CheckpointError};
use tenantatlas_store::snapshots::SnapshotObject;
use tenantatlas_store::tokens::SignInRecord;
use tenantatlas_store::{
    AuditEntry, ObjectFilter, ObjectVersion, RunRecord, RunStatus, StoreError, TenantRecord,
    TenantState, VersionInfo,
};
use time::OffsetDateTime;

/// The last entry of the audit log.
#[derive(Clone, Debug, Serialize)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// One checkpoint `audit verify` checked: where it came from, and the entry it vouches for, or
/// why it does not.
#[derive(Clone, Debug, Serialize)]
pub struct CheckpointCheck {
    /// The file name, or `stored checkpoint N`.
    pub source: String,
    pub seq: Option<i64>,
    pub at: Option<String>,
    /// `garbage`, `other_workspace`, `wrong_key`, `bad_signature`, `truncated`, `rewritten`, `missing`.
    pub code: Option<&'static str>,
    pub problem: Option<String>,
}

/// What `audit verify` found.
#[derive(Clone, Debug, Serialize)]
pub struct AuditVerification {
    /// Nothing below is wrong.
    pub ok: bool,
    pub entries: u64,
    pub head: Option<AuditHead>,
    /// Where the hash chain breaks, if it does.
    pub chain: Option<String>,
    pub checkpoints: Vec<CheckpointCheck>,
    /// Finding and baseline state the log does not explain.
    pub unexplained: Vec<Unexplained>,
}

/// A tenant as `tenant list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TenantSummary {
    pub id: String,
    pub domain: String,
    pub name: String,
    pub state: String,
    /// The last sync that captured a snapshot (succeeded or partial).
    pub last_sync: Option<String>,
    pub missing_permissions: Vec<String>,
    /// How the newest finished sync ended: `succeeded`, `partial` or `failed`; `None` before the
    /// first.
    pub last_sync_status: Option<String>,
    /// When the newest finished sync started, whatever its outcome.
    pub last_sync_attempt: Option<String>,
    /// The last good sync: the same as `last_sync`, named for what it means beside a failure.
    pub last_good_sync: Option<String>,
    /// When the tenant started failing: the first failed sync since the last good one; `None`
    /// unless the newest sync failed.
    pub failing_since: Option<String>,
    /// How the tenant signs in: `device_code` or `browser`.
    pub sign_in: String,
    /// When the workspace last saved the tenant's tokens — a sign-in, or a sync's refresh — which
    /// started the refresh token's 90 days; `None` without a saved sign-in.
    pub sign_in_refreshed_at: Option<String>,
    /// When the sign-in lapses unless a sync uses it before: 90 days after
    /// `sign_in_refreshed_at` (Entra's inactivity limit for refresh tokens).
    pub sign_in_lapses_at: Option<String>,
    /// `current`, `lapsing` (within 14 days), `expired`, `revoked` or `none`; the last three
    /// need `tenantatlas tenant reconnect`. `imported` for a tenant imported from a snapshot
    /// bundle (no sign-in, none needed; `last_sync` is when its newest snapshot was taken).
    pub sign_in_status: SignInStatus,
    /// Tokens and certificates of the latest snapshot (Apple push certificate, enrolment program
    /// and VPP tokens) that expired or expire within [`EXPIRY_WARNING`], soonest first: when they
    /// lapse, devices stop checking in or apps stop installing, drift or not.
    pub expiring: Vec<Expiring>,
}

/// How long before a token or certificate expires `tenant list` warns of it.
pub const EXPIRY_WARNING: time::Duration = time::Duration::days(30);

/// A token or certificate that expired or expires soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expiring {
    pub kind: String,
    /// What an MSP engineer calls the kind ("Apple MDM push certificate").
    pub kind_label: String,
    pub object_id: String,
    pub name: String,
    /// When it expires, as Graph says it.
    pub expires: String,
    /// Whether that time has passed.
    pub expired: bool,
}

/// The tokens and certificates among `objects` (with contents) that expired or expire within
/// [`EXPIRY_WARNING`] of `now`, soonest first. An expiry that is no time is left out.
pub fn expiring(objects: &[SnapshotObject], now: OffsetDateTime) -> Vec<Expiring> {
    let mut out: Vec<(OffsetDateTime, Expiring)> = objects
        .iter()
        .filter_map(|o| {
            let kind = tenantatlas_core::kinds::by_key(&o.kind)?;
            let text = kind.expires_at(&o.content)?;
            let at = parse_time(text)?;
            (at <= now + EXPIRY_WARNING).then(|| {
                (
                    at,
                    Expiring {
                        kind: o.kind.clone(),
                        kind_label: kind.label.to_string(),
                        object_id: o.object_id.clone(),
                        name: o.display_name.clone(),
                        expires: text.to_string(),
                        expired: at <= now,
                    },
                )
            })
        })
        .collect();
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, e)| e).collect()
}

/// How a tenant's saved sign-in stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInStatus {
    /// Good for more than [`LAPSE_WARNING`] even if unused.
    Current,
    /// Lapses within [`LAPSE_WARNING`] unless a sync refreshes it first.
    Lapsing,
    /// Went unused too long: its lapse date passed, or the sign-in service said so.
    Expired,
    /// The sign-in service refused it for another reason: revoked, or already redeemed.
    Revoked,
    /// The workspace holds no sign-in for the tenant.
    None,
    /// The tenant was imported from a snapshot bundle: it never signs in here, and needs no
    /// sign-in (`engine::ops::exchange`).
    Imported,
}

impl SignInStatus {
    /// Whether only signing in again (`tenant reconnect`) helps.
    pub fn needs_reconnect(self) -> bool {
        matches!(
            self,
            SignInStatus::Expired | SignInStatus::Revoked | SignInStatus::None
        )
    }
}

/// How long before its lapse date a sign-in is shown as lapsing.
pub const LAPSE_WARNING: time::Duration = time::Duration::days(14);

/// A tenant's sign-in health at `now`, from what the workspace saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInHealth {
    pub refreshed_at: Option<String>,
    pub lapses_at: Option<String>,
    pub status: SignInStatus,
}

/// Works out a tenant's sign-in health: the refresh token lapses 90 days after it was saved
/// unless a refresh replaces it first; a refusal recorded since wins over the dates.
pub fn sign_in_health(record: Option<&SignInRecord>, now: OffsetDateTime) -> SignInHealth {
    let Some(record) = record else {
        return SignInHealth {
            refreshed_at: None,
            lapses_at: None,
            status: SignInStatus::None,
        };
    };
    let lapses = parse_time(&record.refreshed_at).map(lapse_of);
    let status = match (record.rejected_code.as_deref(), lapses) {
        (Some("sign_in_inactive"), _) => SignInStatus::Expired,
        (Some(_), _) => SignInStatus::Revoked,
        (None, Some(lapses)) if lapses <= now => SignInStatus::Expired,
        (None, Some(lapses)) if lapses - now <= LAPSE_WARNING => SignInStatus::Lapsing,
        (None, _) => SignInStatus::Current,
    };
    SignInHealth {
        refreshed_at: Some(record.refreshed_at.clone()),
        lapses_at: lapses.map(format_time),
        status,
    }
}

/// When a refresh token saved at `refreshed` lapses if unused.
pub fn lapse_of(refreshed: OffsetDateTime) -> OffsetDateTime {
    refreshed + REFRESH_TOKEN_MAX_INACTIVE
}

pub(crate) fn parse_time(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()
}

/// A time as the workspace writes times (`2027-03-01T10:22:31.123Z`).
pub(crate) fn format_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A run with the name and domain of its tenant (`None` for runs of no tenant, or of a tenant
/// no longer in the workspace). Serialised as the run's own fields plus `tenant_name` and
/// `tenant_domain`.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    #[serde(flatten)]
    pub run: RunRecord,
    pub tenant_name: Option<String>,
    pub tenant_domain: Option<String>,
}

/// A policy as `policies list` shows it.
#[derive(Clone, Debug, Serialize)]
pub struct PolicySummary {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub deleted: bool,
}

impl Engine {
    pub async fn tenants(&self) -> Result<Vec<TenantSummary>, EngineError> {
        let mut health: HashMap<String, tenantatlas_store::runs::RunHealth> = self
            .workspace
            .run_health("sync")
            .await?
            .into_iter()
            .map(|h| (h.tenant_id.clone(), h))
            .collect();
        let sign_ins: HashMap<String, SignInRecord> =
            tenantatlas_store::tokens::sign_in_records(self.workspace.pool())
                .await?
                .into_iter()
                .map(|r| (r.tenant_id.clone(), r))
                .collect();
        let imported: std::collections::HashSet<String> = self
            .workspace
            .offline_tenants()
            .await?
            .into_iter()
            .map(|o| o.tenant_id)
            .collect();
        let now = OffsetDateTime::now_utc();
        let tenants = self.workspace.list_tenants().await?;
        let mut expiries: HashMap<String, Vec<Expiring>> = HashMap::new();
        for t in &tenants {
            expiries.insert(t.id.clone(), self.expiring_of(&t.id, now).await?);
        }
        Ok(tenants
            .into_iter()
            .map(|t| {
                let health = health.remove(&t.id);
                let sign_in = if imported.contains(&t.id) {
                    SignInHealth {
                        refreshed_at: None,
                        lapses_at: None,
                        status: SignInStatus::Imported,
                    }
                } else {
                    sign_in_health(sign_ins.get(&t.id), now)
                };
                TenantSummary {
                    expiring: expiries.remove(&t.id).unwrap_or_default(),
                    sign_in_refreshed_at: sign_in.refreshed_at,
                    sign_in_lapses_at: sign_in.lapses_at,
                    sign_in_status: sign_in.status,
                    missing_permissions: permissions::missing_scope_names(&t.granted_scopes)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                    last_sync_status: health.as_ref().map(|h| h.last_status.as_str().to_string()),
                    last_sync_attempt: health.as_ref().map(|h| h.last_run_at.clone()),
                    failing_since: health
                        .filter(|h| h.last_status == RunStatus::Failed)
                        .and_then(|h| h.failing_since),
                    last_good_sync: t.last_sync_at.clone(),
                    sign_in: t.sign_in.as_str().to_string(),
                    id: t.id,
                    domain: t.domain,
                    name: t.name,
                    state: t.state.as_str().to_string(),
                    last_sync: t.last_sync_at,
                }
            })
            .collect())
    }

    /// The expiring tokens and certificates of a tenant's latest snapshot: its manifest, and the
    /// contents of the few objects of kinds that expire.
    async fn expiring_of(
        &self,
        tenant_id: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<Expiring>, EngineError> {
        let Some(snapshot) = self.workspace.latest_snapshot(tenant_id).await? else {
            return Ok(Vec::new());
        };
        let mut objects: Vec<SnapshotObject> = self
            .workspace
            .snapshot_manifest(snapshot.id)
            .await?
            .into_iter()
            .filter(|o| {
                tenantatlas_core::kinds::by_key(&o.kind).is_some_and(|k| k.expiry_field.is_some())
            })
            .collect();
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let hashes: Vec<String> = objects.iter().map(|o| o.hash.clone()).collect();
        let contents = self.workspace.get_contents(&hashes).await?;
        for o in objects.iter_mut() {
            o.content = contents.get(&o.hash).cloned().unwrap_or(Value::Null);
        }
        Ok(expiring(&objects, now))
    }

    /// A tenant by id or domain, or a not-found error that says how to see the tenants.
    pub async fn tenant(&self, id_or_domain: &str) -> Result<TenantRecord, EngineError> {
        self.workspace.find_tenant(id_or_domain).await?.ok_or_else(|| {
            EngineError::not_found(format!(
                "no tenant '{id_or_domain}' in this workspace; run `tenantatlas tenant list` to see them"
            ))
        })
    }

    /// Archives a tenant (kept with its history, no longer synced by `sync --all`) or makes it
    /// active again; recorded in the audit log.
    pub async fn set_tenant_archived(
        &self,
        tenant: &str,
        archived: bool,
    ) -> Result<TenantRecord, EngineError> {
        let mut record = self.tenant(tenant).await?;
        let state = if archived {
            TenantState::Archived
        } else {
            TenantState::Active
        };
        self.workspace.set_tenant_state(&record.id, state).await?;
        self.workspace
            .append_audit(
                &crate::ops::findings::actor(),
                if archived {
                    "tenant.archive"
                } else {
                    "tenant.activate"
                },
                &record.id,
                &serde_json::json!({"domain": record.domain}),
            )
            .await?;
        record.state = state;
        Ok(record)
    }

    pub async fn policies(
        &self,
        tenant: &str,
        kind: Option<&str>,
        search: Option<&str>,
        deleted: bool,
    ) -> Result<Vec<PolicySummary>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        if let Some(kind) = kind {
            if tenantatlas_core::kinds::by_key(kind).is_none() {
                let known: Vec<&str> = tenantatlas_core::REGISTRY.iter().map(|k| k.key).collect();
                return Err(EngineError::invalid(format!(
                    "unknown kind '{kind}'; use one of: {}",
                    known.join(", ")
                )));
            }
        }
        let filter = ObjectFilter {
            kind: kind.map(|k| {
                tenantatlas_core::kinds::by_key(k)
                    .map(|k| k.key)
                    .unwrap_or(k)
                    .to_string()
            }),
            search: search.map(str::to_string),
            deleted,
        };
        Ok(self
            .workspace
            .list_objects(&tenant.id, &filter)
            .await?
            .into_iter()
            .map(|o| PolicySummary {
                id: o.object_id,
                kind: o.kind,
                name: o.display_name,
                deleted: o.deleted,
            })
            .collect())
    }

    pub async fn policy(
        &self,
        tenant: &str,
        object_id: &str,
        version: Option<u32>,
    ) -> Result<ObjectVersion, EngineError> {
        let tenant = self.tenant(tenant).await?;
        self.workspace
            .get_object(&tenant.id, object_id, version)
            .await?
            .ok_or_else(|| match version {
                Some(v) => EngineError::not_found(format!("object {object_id} has no version {v}; run `tenantatlas history --tenant {} --object {object_id}`", tenant.domain)),
                None => EngineError::not_found(format!("no object {object_id} in {}; run `tenantatlas policies list --tenant {}`", tenant.domain, tenant.domain)),
            })
    }

    pub async fn history(
        &self,
        tenant: &str,
        object_id: &str,
    ) -> Result<Vec<VersionInfo>, EngineError> {
        let tenant = self.tenant(tenant).await?;
        let history = self.workspace.history(&tenant.id, object_id).await?;
        if history.is_empty() {
            return Err(EngineError::not_found(format!(
                "no object {object_id} in {}; run `tenantatlas policies list --tenant {}`",
                tenant.domain, tenant.domain
            )));
        }
        Ok(history)
    }

    /// Checks the hash chain of the local audit log; the number of entries when it is intact, an
    /// error naming the first entry that was changed otherwise.
    pub async fn verify_audit(&self) -> Result<u64, EngineError> {
        Ok(self.workspace.verify_audit().await?)
    }

    /// Everything `audit verify` proves: the hash chain is intact; it still extends every
    /// checkpoint given (`(where it came from, its text)`, e.g. files kept outside the workspace)
    /// and every checkpoint stored in the workspace; and the log explains every finding's and
    /// baseline's state. Problems are reported, not returned as errors.
    pub async fn verify_audit_against(
        &self,
        checkpoints: &[(String, String)],
    ) -> Result<AuditVerification, EngineError> {
        let chain = match self.workspace.verify_audit().await {
            Ok(_) => None,
            Err(e @ StoreError::AuditBreak { .. }) => Some(e.to_string()),
            Err(e) => return Err(e.into()),
        };
        let heads = checkpoints::chain_heads(self.workspace.pool()).await?;
        let public_key = checkpoints::public_key(&self.workspace);
        let id = self.workspace.id();
        let check = |source: &str, parsed: Result<Checkpoint, CheckpointError>| {
            let result = parsed.and_then(|c| {
                c.check(source, id, &public_key, &heads)?;
                Ok(c)
            });
            match result {
                Ok(c) => CheckpointCheck {
                    source: source.to_string(),
                    seq: Some(c.seq),
                    at: Some(c.at),
                    problem: None,
                    code: None,
                },
                Err(e) => CheckpointCheck {
                    source: source.to_string(),
                    seq: None,
                    at: None,
                    code: Some(e.code()),
                    problem: Some(e.to_string()),
                },
            }
        };
        let mut checked: Vec<CheckpointCheck> = checkpoints
            .iter()
            .map(|(source, text)| check(source, Checkpoint::parse(text, source)))
            .collect();
        for (n, stored) in checkpoints::stored_checkpoints(self.workspace.pool()).await? {
            checked.push(check(&format!("stored checkpoint {n}"), Ok(stored)));
        }
        // A broken chain is the finding; replaying entries that cannot be trusted (or parsed)
        // would only bury it.
        let unexplained = if chain.is_none() {
            audit_state::unexplained_state(self.workspace.pool()).await?
        } else {
            Vec::new()
        };
        let head = heads.iter().next_back().map(|(seq, hash)| AuditHead {
            seq: *seq,
            hash: hash.clone(),
        });
        Ok(AuditVerification {
            ok: chain.is_none()
                && checked.iter().all(|c| c.problem.is_none())
                && unexplained.is_empty(),
            entries: heads.len() as u64,
            head,
            chain,
            checkpoints: checked,
            unexplained,
        })
    }

    /// Signs the audit log's head with the workspace's key and stores the checkpoint; the caller
    /// may also keep a copy outside the workspace.
    pub async fn audit_checkpoint(&self) -> Result<Checkpoint, EngineError> {
        Ok(checkpoints::create_checkpoint(&self.workspace).await?)
    }

    /// The newest `limit` audit entries, oldest first.
    pub async fn audit_entries(&self, limit: usize) -> Result<Vec<AuditEntry>, EngineError> {
        let mut entries = self.workspace.list_audit().await?;
        let skip = entries.len().saturating_sub(limit);
        Ok(entries.split_off(skip))
    }

    /// Every run, newest first, with its tenant's name and domain.
    pub async fn runs(&self) -> Result<Vec<RunSummary>, EngineError> {
        let names = self.tenants_by_id().await?;
        Ok(self
            .workspace
            .list_runs()
            .await?
            .into_iter()
            .map(|run| with_tenant(run, &names))
            .collect())
    }

    pub async fn run(&self, id: &str) -> Result<RunSummary, EngineError> {
        let run = self.workspace.get_run(id).await?.ok_or_else(|| {
            EngineError::not_found(format!(
                "no run '{id}'; run `tenantatlas runs list` to see them"
            ))
        })?;
        Ok(with_tenant(run, &self.tenants_by_id().await?))
    }

    /// Tenant id → (name, domain).
    async fn tenants_by_id(&self) -> Result<HashMap<String, (String, String)>, EngineError> {
        Ok(self
            .workspace
            .list_tenants()
            .await?
            .into_iter()
            .map(|t| (t.id, (t.name, t.domain)))
            .collect())
    }
}

fn with_tenant(run: RunRecord, names: &HashMap<String, (String, String)>) -> RunSummary {
    let tenant = run.tenant_id.as_ref().and_then(|id| names.get(id));
    RunSummary {
        tenant_name: tenant.map(|(name, _)| name.clone()),
        tenant_domain: tenant.map(|(_, domain)| domain.clone()),
        run,
    }
}

/// What a run's progress document says, as (label, words) pairs people read: "score" → "42.2",
/// "not checked" → "Conditional Access policy (4): consent lacks Policy.Read.All". Values with no
/// reading in words (empty lists, nested documents of another shape) are left out.
pub fn progress_facts(progress: &Value) -> Vec<(String, String)> {
    progress
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.replace('_', " "), progress_words(value)?)))
        .collect()
}

fn progress_words(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_string()),
        Value::Array(items) if !items.is_empty() => {
            let words: Option<Vec<String>> = items.iter().map(progress_words).collect();
            words.map(|w| w.join("; "))
        }
        // A kind a drift run could not check: "Conditional Access policy (4): consent lacks …".
        Value::Object(map) => {
            let label = map.get("label")?.as_str()?;
            let objects = map.get("objects")?.as_u64()?;
            let reason = map.get("reason")?.as_str()?;
            Some(format!("{label} ({objects}): {reason}"))
        }
        _ => None,
    }
}

/// Runs as CSV (RFC 4180): one row per run, the columns a spreadsheet needs. `tenant` is the
/// tenant's id; its name and domain come last, so that scripts reading the older columns by
/// position keep working.
pub fn runs_csv(runs: &[RunSummary]) -> String {
    let mut out = String::from("id,kind,tenant,status,started_at,finished_at,duration_ms,objects,versions_added,requests,graph_calls,retries,throttled,errors,tenant_name,tenant_domain\n");
    for summary in runs {
        let r = &summary.run;
        let fields = [
            r.id.clone(),
            r.run_kind.clone(),
            r.tenant_id.clone().unwrap_or_default(),
            r.status.as_str().to_string(),
            r.started_at.clone(),
            r.finished_at.clone().unwrap_or_default(),
            r.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            r.objects.to_string(),
            r.versions_added.to_string(),
            r.requests.to_string(),
            r.graph_calls.to_string(),
            r.retries.to_string(),
            r.throttled.to_string(),
            r.errors.len().to_string(),
            summary.tenant_name.clone().unwrap_or_default(),
            summary.tenant_domain.clone().unwrap_or_default(),
        ];
        out.push_str(&tenantatlas_core::csv::line(&fields));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_name_the_tenant_after_the_older_columns() {
        let run = RunRecord {
            id: "r1".into(),
            run_kind: "sync".into(),
            tenant_id: Some("t1".into()),
            status: RunStatus::Failed,
            started_at: "2026-01-01T00:00:00.000Z".into(),
            finished_at: None,
            duration_ms: Some(5),
            heartbeat_at: String::new(),
            progress: serde_json::Value::Null,
            counts: Default::default(),
            objects: 3,
            versions_added: 1,
            requests: 2,
            graph_calls: 4,
            retries: 0,
            throttled: 0,
            errors: Vec::new(),
        };
        let names = HashMap::from([(
            "t1".to_string(),
            ("Müller, Söhne".to_string(), "ms.example".to_string()),
        )]);
        let csv = runs_csv(&[
            with_tenant(run.clone(), &names),
            with_tenant(run, &HashMap::new()),
        ]);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[0].ends_with(",errors,tenant_name,tenant_domain"));
        assert_eq!(
            lines[1],
            "r1,sync,t1,failed,2026-01-01T00:00:00.000Z,,5,3,1,2,4,0,0,0,\"Müller, Söhne\",ms.example"
        );
        assert!(lines[2].ends_with(",0,,"), "{}", lines[2]);
    }

    #[test]
    fn a_sign_in_lapses_90_days_after_it_was_saved_unless_refused_before() {
        let record = |rejected: Option<&str>| SignInRecord {
            tenant_id: "t1".into(),
            refreshed_at: "2026-12-01T10:00:00.000Z".into(),
            rejected_at: rejected.map(|_| "2026-12-02T10:00:00.000Z".to_string()),
            rejected_code: rejected.map(str::to_string),
        };
        let at = |text: &str| parse_time(text).unwrap();
        let check = |rejected: Option<&str>, now: &str, status: SignInStatus| {
            let health = sign_in_health(Some(&record(rejected)), at(now));
            assert_eq!(health.status, status, "{rejected:?} at {now}");
            assert_eq!(
                health.lapses_at.as_deref(),
                Some("2027-03-01T10:00:00.000Z"),
                "90 days after it was saved"
            );
            assert_eq!(
                health.refreshed_at.as_deref(),
                Some("2026-12-01T10:00:00.000Z")
            );
        };
        check(None, "2026-12-02T00:00:00Z", SignInStatus::Current);
        check(None, "2027-02-15T09:59:59Z", SignInStatus::Current);
        check(None, "2027-02-15T10:00:00Z", SignInStatus::Lapsing);
        check(None, "2027-03-01T09:59:59Z", SignInStatus::Lapsing);
        check(None, "2027-03-01T10:00:00Z", SignInStatus::Expired);
        // The sign-in service's word wins over the dates.
        check(
            Some("sign_in_inactive"),
            "2026-12-02T00:00:00Z",
            SignInStatus::Expired,
        );
        check(
            Some("sign_in_expired"),
            "2026-12-02T00:00:00Z",
            SignInStatus::Revoked,
        );
        let none = sign_in_health(None, at("2026-12-02T00:00:00Z"));
        assert_eq!((none.status, none.lapses_at), (SignInStatus::None, None));
        assert!(
            SignInStatus::Revoked.needs_reconnect() && !SignInStatus::Lapsing.needs_reconnect()
        );
    }
}
