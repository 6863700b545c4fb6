//! `audit_log`: an append-only record of local actions (who changed what, and why), chained by
//! hashes so that editing or removing an entry shows.
//!
//! `hash = hex(sha256(prev_hash || entry))`, where `entry` is the canonical JSON (sorted keys,
//! compact) of `{action, actor, at, details, seq, subject}` and the first entry's `prev_hash` is
//! 64 zeros. The chain reveals a changed or missing entry; it cannot reveal entries cut off the
//! end, nor a log rewritten whole by someone holding the key: signed checkpoints kept elsewhere
//! are for that ([`crate::checkpoints`]), and [`crate::audit_state`] checks that the log explains
//! the findings and baselines it claims to.
//!
//! `actor` is who acted, as the engine names them: the OS account (`alice`), and the tenant
//! account where the action used a sign-in (`alice (as admin@contoso.com)`).

use crate::error::{Result, StoreError};
use crate::workspace::now;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Acquire, Row, Sqlite};
use tenantatlas_core::content::canonical;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub details: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The entry's hash. `details` is the stored canonical JSON text, used verbatim, so that
/// verification never depends on re-serialising a parsed value (floats need not round-trip).
fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    let quote = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let entry = format!(
        "{{\"action\":{},\"actor\":{},\"at\":{},\"details\":{details},\"seq\":{seq},\"subject\":{}}}",
        quote(action),
        quote(actor),
        quote(at),
        quote(subject)
    );
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(entry.as_bytes());
    hex::encode(hasher.finalize())
}

/// Appends one entry and returns it.
pub async fn append_audit<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    actor: &str,
    action: &str,
    subject: &str,
    details: &Value,
) -> Result<AuditEntry> {
    let details_text = serde_json::to_string(&canonical(details))?;
    // Reading the tail and appending must not interleave with another writer, or two entries
    // would claim the same predecessor: the transaction is IMMEDIATE (see `Workspace::begin`).
    let mut tx = db.begin().await?;
    let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (row.try_get::<i64, _>("seq")? + 1, row.try_get("hash")?),
        None => (1, GENESIS.to_string()),
    };
    let at = now();
    let hash = entry_hash(&prev_hash, seq, &at, actor, action, subject, &details_text);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, subject, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .bind(seq)
    .bind(&at)
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(&details_text)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(AuditEntry {
        seq,
        at,
        actor: actor.to_string(),
        action: action.to_string(),
        subject: subject.to_string(),
        details: serde_json::from_str(&details_text)?,
        prev_hash,
        hash,
    })
}

/// Every entry, oldest first.
pub async fn list_audit<'c>(db: impl Acquire<'c, Database = Sqlite>) -> Result<Vec<AuditEntry>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let details: String = row.try_get("details")?;
            Ok(AuditEntry {
                seq: row.try_get("seq")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                details: serde_json::from_str(&details)?,
                prev_hash: row.try_get("prev_hash")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

/// Recomputes the chain. `Ok(n)`: all `n` entries are as appended. `Err(StoreError::AuditBreak { seq })`:
/// entry `seq` is the first that was changed, inserted or removed.
pub async fn verify_audit<'c>(db: impl Acquire<'c, Database = Sqlite>) -> Result<u64> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut prev = GENESIS.to_string();
    for (expected_seq, row) in (1i64..).zip(rows.iter()) {
        let seq: i64 = row.try_get("seq")?;
        if seq != expected_seq {
            // A gap: the entry expected here was removed.
            return Err(StoreError::AuditBreak { seq: expected_seq });
        }
        let stored_prev: String = row.try_get("prev_hash")?;
        let stored_hash: String = row.try_get("hash")?;
        let at: String = row.try_get("at")?;
        let actor: String = row.try_get("actor")?;
        let action: String = row.try_get("action")?;
        let subject: String = row.try_get("subject")?;
        let details: String = row.try_get("details")?;
        let hash = entry_hash(&prev, seq, &at, &actor, &action, &subject, &details);
        if stored_prev != prev || stored_hash != hash {
            return Err(StoreError::AuditBreak { seq });
        }
        prev = stored_hash;
    }
    Ok(rows.len() as u64)
}
