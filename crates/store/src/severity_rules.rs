//! `severity_rules`: the MSP's own severity for some drift, applied before the built-in rules
//! table. The engine decides what a rule matches; this module only stores the rules.

use crate::error::Result;
use crate::workspace::now;
use serde::Serialize;
use sqlx::{Acquire, Row, Sqlite};

/// One override. Empty fields match anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SeverityRuleRecord {
    pub id: i64,
    pub kind: Option<String>,
    pub drift: Option<String>,
    pub pattern: Option<String>,
    pub severity: String,
    pub note: Option<String>,
    pub created_at: String,
}

/// Stores a rule and returns its id.
pub async fn add_severity_rule<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    rule: &SeverityRuleRecord,
) -> Result<i64> {
    let mut conn = db.acquire().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO severity_rules (kind, drift, pattern, severity, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
    )
    .bind(&rule.kind)
    .bind(&rule.drift)
    .bind(&rule.pattern)
    .bind(&rule.severity)
    .bind(&rule.note)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every rule, oldest first.
pub async fn list_severity_rules<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<SeverityRuleRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, kind, drift, pattern, severity, note, created_at FROM severity_rules ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SeverityRuleRecord {
                id: row.try_get("id")?,
                kind: row.try_get("kind")?,
                drift: row.try_get("drift")?,
                pattern: row.try_get("pattern")?,
                severity: row.try_get("severity")?,
                note: row.try_get("note")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}

/// Removes a rule. Returns whether it existed.
pub async fn remove_severity_rule<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    id: i64,
) -> Result<bool> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query("DELETE FROM severity_rules WHERE id = ?1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
