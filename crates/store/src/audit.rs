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
use sqlx::{Acquire, Row, Sqlite};
use tenantatlas_core::content::canonical;
use tenantatlas_core::evidence::{self, EntryFields};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = evidence::GENESIS;

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

/// The entry's hash (see [`evidence::entry_hash`]). `details` is the stored canonical JSON text,
/// used verbatim, so that verification never depends on re-serialising a parsed value.
fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    details: &str,
) -> String {
    evidence::entry_hash(
        prev_hash,
        &EntryFields {
            seq,
            at,
            actor,
            action,
            subject,
            details,
        },
    )
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

/// Where an audit excerpt starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExcerptFrom {
    /// The first entry at or after this time. Times are compared as the stored text
    /// (`2026-12-01T00:00:00.000Z`), so a bare date (`2026-12-01`) means the start of that day.
    Time(String),
    /// This entry (clamped to the log: 0 or less means the first).
    Seq(i64),
}

/// An entry in an excerpt that concerns someone else: only what keeps the chain checkable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElidedEntry {
    pub seq: i64,
    /// Always `true`: what tells an elided line from a full one.
    pub elided: bool,
    pub prev_hash: String,
    pub hash: String,
}

/// One line of an audit excerpt (`audit/log.jsonl` in a review pack): an entry in full, or elided.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ExcerptLine {
    Full(AuditEntry),
    Elided(ElidedEntry),
}

impl ExcerptLine {
    pub fn seq(&self) -> i64 {
        match self {
            ExcerptLine::Full(entry) => entry.seq,
            ExcerptLine::Elided(entry) => entry.seq,
        }
    }

    pub fn hash(&self) -> &str {
        match self {
            ExcerptLine::Full(entry) => &entry.hash,
            ExcerptLine::Elided(entry) => &entry.hash,
        }
    }
}

/// The contiguous run of entries from `from` up to and including entry `through` (the head a
/// checkpoint signed), each in full where `concerns` says it is about the pack's subject and
/// elided otherwise. A workspace's log holds every customer's entries; elision keeps the chain
/// checkable from the first line to the checkpoint without showing one customer another's.
///
/// The excerpt is never empty while `through` is 1 or more: when nothing happened since `from`,
/// it is the head entry alone, so that the checkpoint still has a line to vouch for. `through`
/// of 0 (an empty log's checkpoint) gives no lines. A log without entry `through`, or with a gap
/// before it, is `StoreError::AuditBreak`.
pub async fn excerpt<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    from: &ExcerptFrom,
    through: i64,
    concerns: impl Fn(&AuditEntry) -> bool,
) -> Result<Vec<ExcerptLine>> {
    if through <= 0 {
        return Ok(Vec::new());
    }
    let mut conn = db.acquire().await?;
    let start = match from {
        ExcerptFrom::Seq(seq) => (*seq).max(1),
        ExcerptFrom::Time(at) => {
            sqlx::query("SELECT MIN(seq) AS seq FROM audit_log WHERE at >= ?1 AND seq <= ?2")
                .bind(at)
                .bind(through)
                .fetch_one(&mut *conn)
                .await?
                .try_get::<Option<i64>, _>("seq")?
                .unwrap_or(through)
        }
    }
    .min(through);
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, subject, details, prev_hash, hash FROM audit_log
         WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )
    .bind(start)
    .bind(through)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for (expected, row) in (start..).zip(rows.iter()) {
        let seq: i64 = row.try_get("seq")?;
        if seq != expected {
            return Err(StoreError::AuditBreak { seq: expected });
        }
        let details: String = row.try_get("details")?;
        let entry = AuditEntry {
            seq,
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            details: serde_json::from_str(&details)?,
            prev_hash: row.try_get("prev_hash")?,
            hash: row.try_get("hash")?,
        };
        lines.push(if concerns(&entry) {
            ExcerptLine::Full(entry)
        } else {
            ExcerptLine::Elided(ElidedEntry {
                seq: entry.seq,
                elided: true,
                prev_hash: entry.prev_hash,
                hash: entry.hash,
            })
        });
    }
    if lines.last().map(ExcerptLine::seq) != Some(through) {
        return Err(StoreError::AuditBreak { seq: through });
    }
    Ok(lines)
}

/// Whether an entry is about tenant `tenant_id`, as the engine records them: the tenant itself is
/// the subject (`tenant.add`, `tenant.reconnect`, `tenant.archive`, `tenant.activate`), or the
/// details name it as `tenant_id` (findings, baseline assignments and pins) or as
/// `source_tenant_id` (a baseline captured from it). Everything else — settings, severity
/// rules, backups, other tenants — is not.
pub fn concerns_tenant(entry: &AuditEntry, tenant_id: &str) -> bool {
    if tenant_id.is_empty() {
        return false;
    }
    let named = |key: &str| entry.details.get(key).and_then(Value::as_str) == Some(tenant_id);
    entry.subject == tenant_id || named("tenant_id") || named("source_tenant_id")
}

/// An excerpt as `audit/log.jsonl`: one compact JSON object per line, each line ended by `\n`.
/// Full entries carry their details as stored (sorted keys), so each line reads as the store
/// hashed it.
pub fn excerpt_jsonl(lines: &[ExcerptLine]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for line in lines {
        serde_json::to_writer(&mut out, line)?;
        out.push(b'\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoints::checkpoint_with_excerpt;
    use crate::keys::KeyOptions;
    use crate::workspace::Workspace;
    use serde_json::json;

    async fn workspace() -> (tempfile::TempDir, Workspace) {
        let tmp = tempfile::tempdir().unwrap();
        let keys = KeyOptions {
            passphrase: Some("excerpt tests passphrase 42".to_string()),
        };
        let workspace = Workspace::open(&tmp.path().join("ws"), &keys)
            .await
            .unwrap();
        (tmp, workspace)
    }

    /// Entries for tenants `t1` and `t2` and for neither, as the engine writes them.
    async fn append_mixed(workspace: &Workspace) {
        for (action, subject, details) in [
            ("tenant.add", "t1", json!({"domain": "one.example"})),
            ("tenant.add", "t2", json!({"domain": "two.example"})),
            ("settings.set", "k", json!({"key": "k", "value": 1.5})),
            (
                "baseline.create",
                "Golden",
                json!({"source_tenant_id": "t1", "objects": 3}),
            ),
            (
                "finding.acknowledged",
                "f-2",
                json!({"tenant_id": "t2", "why": "x"}),
            ),
            (
                "baseline.assign",
                "Golden",
                json!({"tenant_id": "t1", "version": 1}),
            ),
            (
                "workspace.backup",
                "ws",
                json!({"counts": {"b": 1, "a": 2}}),
            ),
        ] {
            workspace
                .append_audit("alice", action, subject, &details)
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn an_excerpt_shows_one_tenant_and_keeps_the_chain_to_the_checkpoint() {
        let (_tmp, workspace) = workspace().await;
        append_mixed(&workspace).await;
        let (checkpoint, lines) = checkpoint_with_excerpt(&workspace, &ExcerptFrom::Seq(1), |e| {
            concerns_tenant(e, "t1")
        })
        .await
        .unwrap();
        assert_eq!(checkpoint.seq, 7);
        let shown: Vec<(i64, bool)> = lines
            .iter()
            .map(|l| (l.seq(), matches!(l, ExcerptLine::Full(_))))
            .collect();
        assert_eq!(
            shown,
            [
                (1, true),
                (2, false),
                (3, false),
                (4, true),
                (5, false),
                (6, true),
                (7, false)
            ]
        );
        assert_eq!(lines.last().unwrap().hash(), checkpoint.hash);
        // Every line links to the one before, and every full line's hash recomputes from what
        // the JSONL line says (details re-canonicalised from the parsed line).
        let text = String::from_utf8(excerpt_jsonl(&lines).unwrap()).unwrap();
        let mut prev = GENESIS.to_string();
        for line in text.lines() {
            let value: Value = serde_json::from_str(line).unwrap();
            assert_eq!(value["prev_hash"], json!(prev));
            if value.get("elided").is_some() {
                assert_eq!(value.as_object().unwrap().len(), 4, "{line}");
                assert!(!line.contains("two.example") && !line.contains("\"k\""));
            } else {
                let details = serde_json::to_string(&canonical(&value["details"])).unwrap();
                let hash = entry_hash(
                    &prev,
                    value["seq"].as_i64().unwrap(),
                    value["at"].as_str().unwrap(),
                    value["actor"].as_str().unwrap(),
                    value["action"].as_str().unwrap(),
                    value["subject"].as_str().unwrap(),
                    &details,
                );
                assert_eq!(value["hash"], json!(hash), "{line}");
            }
            prev = value["hash"].as_str().unwrap().to_string();
        }
    }

    #[tokio::test]
    async fn an_excerpt_starts_where_asked_and_never_misses_the_head() {
        let (_tmp, workspace) = workspace().await;
        // An empty log: no lines, and a checkpoint of the genesis head.
        let (checkpoint, lines) =
            checkpoint_with_excerpt(&workspace, &ExcerptFrom::Seq(1), |_| true)
                .await
                .unwrap();
        assert_eq!((checkpoint.seq, lines.len()), (0, 0));
        append_mixed(&workspace).await;
        let seqs = |lines: &[ExcerptLine]| lines.iter().map(ExcerptLine::seq).collect::<Vec<_>>();
        let lines = excerpt(workspace.pool(), &ExcerptFrom::Seq(5), 6, |_| true)
            .await
            .unwrap();
        assert_eq!(seqs(&lines), [5, 6]);
        let lines = excerpt(workspace.pool(), &ExcerptFrom::Seq(-3), 2, |_| true)
            .await
            .unwrap();
        assert_eq!(seqs(&lines), [1, 2]);
        // From a time: a date before everything, and one after everything (the head alone).
        let lines = excerpt(
            workspace.pool(),
            &ExcerptFrom::Time("2000-01-01".into()),
            7,
            |_| false,
        )
        .await
        .unwrap();
        assert_eq!(seqs(&lines), [1, 2, 3, 4, 5, 6, 7]);
        let lines = excerpt(
            workspace.pool(),
            &ExcerptFrom::Time("9999-01-01".into()),
            7,
            |_| false,
        )
        .await
        .unwrap();
        assert_eq!(seqs(&lines), [7]);
        // A head the log does not have.
        let err = excerpt(workspace.pool(), &ExcerptFrom::Seq(1), 9, |_| true)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::AuditBreak { seq: 9 }), "{err}");
    }

    #[test]
    fn tenant_entries_are_named_by_subject_or_details() {
        let entry = |subject: &str, details: Value| AuditEntry {
            seq: 1,
            at: String::new(),
            actor: "alice".into(),
            action: "x".into(),
            subject: subject.into(),
            details,
            prev_hash: GENESIS.into(),
            hash: GENESIS.into(),
        };
        assert!(concerns_tenant(&entry("t1", json!({})), "t1"));
        assert!(concerns_tenant(
            &entry("f", json!({"tenant_id": "t1"})),
            "t1"
        ));
        assert!(concerns_tenant(
            &entry("Golden", json!({"source_tenant_id": "t1"})),
            "t1"
        ));
        assert!(!concerns_tenant(
            &entry("t2", json!({"tenant_id": "t2"})),
            "t1"
        ));
        assert!(!concerns_tenant(&entry("f", json!({"tenant_id": 1})), "1"));
        assert!(!concerns_tenant(&entry("", json!({})), ""));
    }
}
