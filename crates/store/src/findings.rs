//! `findings`: persistent, triaged drift. The engine decides every state transition; this module
//! only stores what it decided (and the audit log records why).

use crate::audit::append_audit;
use crate::error::Result;
use crate::runs::{finish_run, RunRecord};
use serde::Serialize;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire, Row, Sqlite};

/// One finding as stored.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindingRecord {
    /// The fingerprint of (tenant, baseline, kind, object name, drift).
    pub id: String,
    pub tenant_id: String,
    pub baseline: String,
    pub kind: String,
    pub object_name: String,
    pub object_id: Option<String>,
    pub drift: String,
    pub severity: String,
    pub state: String,
    /// The drift's changes, as the engine serialised them.
    pub changes: Value,
    pub changes_hash: String,
    pub justification: Option<String>,
    /// Who approved the risk acceptance.
    pub approver: Option<String>,
    /// `YYYY-MM-DD`, for a risk acceptance.
    pub expires_on: Option<String>,
    /// `changes_hash` when the risk was accepted: a different drift reopens the finding.
    pub accepted_changes_hash: Option<String>,
    pub first_seen_at: String,
    pub last_seen_at: String,
    pub updated_at: String,
    pub last_run_id: Option<String>,
}

const COLUMNS: &str = "id, tenant_id, baseline, kind, object_name, object_id, drift, severity, \
    state, changes, changes_hash, justification, expires_on, accepted_changes_hash, \
    first_seen_at, last_seen_at, updated_at, last_run_id, approver";

fn from_row(row: &SqliteRow) -> Result<FindingRecord> {
    let changes: String = row.try_get("changes")?;
    Ok(FindingRecord {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        baseline: row.try_get("baseline")?,
        kind: row.try_get("kind")?,
        object_name: row.try_get("object_name")?,
        object_id: row.try_get("object_id")?,
        drift: row.try_get("drift")?,
        severity: row.try_get("severity")?,
        state: row.try_get("state")?,
        changes: serde_json::from_str(&changes)?,
        changes_hash: row.try_get("changes_hash")?,
        justification: row.try_get("justification")?,
        expires_on: row.try_get("expires_on")?,
        accepted_changes_hash: row.try_get("accepted_changes_hash")?,
        first_seen_at: row.try_get("first_seen_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        updated_at: row.try_get("updated_at")?,
        last_run_id: row.try_get("last_run_id")?,
        approver: row.try_get("approver")?,
    })
}

/// Inserts the finding, or replaces the stored one with the same id.
pub async fn save_finding<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    f: &FindingRecord,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    sqlx::query(&format!(
        "INSERT OR REPLACE INTO findings ({COLUMNS})
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"
    ))
    .bind(&f.id)
    .bind(&f.tenant_id)
    .bind(&f.baseline)
    .bind(&f.kind)
    .bind(&f.object_name)
    .bind(&f.object_id)
    .bind(&f.drift)
    .bind(&f.severity)
    .bind(&f.state)
    .bind(serde_json::to_string(&f.changes)?)
    .bind(&f.changes_hash)
    .bind(&f.justification)
    .bind(&f.expires_on)
    .bind(&f.accepted_changes_hash)
    .bind(&f.first_seen_at)
    .bind(&f.last_seen_at)
    .bind(&f.updated_at)
    .bind(&f.last_run_id)
    .bind(&f.approver)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Findings, of one tenant or all, by tenant, kind and object name.
pub async fn list_findings<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: Option<&str>,
) -> Result<Vec<FindingRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM findings WHERE ?1 IS NULL OR tenant_id = ?1
         ORDER BY tenant_id, kind, object_name COLLATE NOCASE, drift, id"
    ))
    .bind(tenant_id.map(str::to_lowercase))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get_finding<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    id: &str,
) -> Result<Option<FindingRecord>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM findings WHERE id = ?1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Content pairs a run found equal, to remember for the tenant's next run (see `drift_equal`).
#[derive(Clone, Copy, Debug, Default)]
pub struct EqualPairs<'a> {
    pub tenant_id: &'a str,
    pub refs_digest: &'a str,
    /// (baseline content hash, tenant object content hash).
    pub pairs: &'a [(String, String)],
}

/// The content pairs earlier runs found equal for this tenant under these name maps.
pub async fn equal_pairs<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    refs_digest: &str,
) -> Result<std::collections::HashSet<(String, String)>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT baseline_hash, object_hash FROM drift_equal WHERE tenant_id = ?1 AND refs_digest = ?2",
    )
    .bind(tenant_id.to_lowercase())
    .bind(refs_digest)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("baseline_hash")?, row.try_get("object_hash")?)))
        .collect()
}

/// Findings a run saw again exactly as stored: only when and by which run changes.
#[derive(Clone, Copy, Debug, Default)]
pub struct SeenAgain<'a> {
    pub ids: &'a [String],
    pub at: &'a str,
    pub run_id: &'a str,
}

/// An audit entry to append with a batch of findings.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditInput {
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: Value,
}

/// Saves findings, appends their audit entries and finishes the run that produced them, in one
/// transaction: a drift run's outcome is stored whole or not at all.
pub async fn commit_findings<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    records: &[FindingRecord],
    seen: &SeenAgain<'_>,
    equal: &EqualPairs<'_>,
    audit: &[AuditInput],
    run: Option<&RunRecord>,
) -> Result<()> {
    let mut tx = db.begin().await?;
    for record in records {
        save_finding(&mut *tx, record).await?;
    }
    if !seen.ids.is_empty() {
        sqlx::query(
            "UPDATE findings SET last_seen_at = ?1, last_run_id = ?2
             WHERE id IN (SELECT value FROM json_each(?3))",
        )
        .bind(seen.at)
        .bind(seen.run_id)
        .bind(serde_json::to_string(seen.ids)?)
        .execute(&mut *tx)
        .await?;
    }
    for entry in audit {
        append_audit(
            &mut *tx,
            &entry.actor,
            &entry.action,
            &entry.subject,
            &entry.details,
        )
        .await?;
    }
    if let Some(run) = run {
        finish_run(&mut *tx, run).await?;
    }
    if !equal.tenant_id.is_empty() {
        let tenant_id = equal.tenant_id.to_lowercase();
        sqlx::query("DELETE FROM drift_equal WHERE tenant_id = ?1 AND refs_digest <> ?2")
            .bind(&tenant_id)
            .bind(equal.refs_digest)
            .execute(&mut *tx)
            .await?;
        for (baseline_hash, object_hash) in equal.pairs {
            sqlx::query(
                "INSERT OR IGNORE INTO drift_equal (tenant_id, refs_digest, baseline_hash, object_hash)
                 VALUES (?1, ?2, ?3, ?4)",
            )
            .bind(&tenant_id)
            .bind(equal.refs_digest)
            .bind(baseline_hash)
            .bind(object_hash)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
