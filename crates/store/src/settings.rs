//! `settings`: the workspace's settings as key → JSON value. The engine knows which keys exist,
//! what they may hold and their defaults; this module only stores what was set.

use crate::error::Result;
use crate::workspace::now;
use serde_json::Value;
use sqlx::{Acquire, Row, Sqlite};
use std::collections::BTreeMap;

/// Every key that was set, with its value.
pub async fn list_settings<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<BTreeMap<String, Value>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query("SELECT key, value FROM settings ORDER BY key")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let key: String = row.try_get("key")?;
            let value: String = row.try_get("value")?;
            Ok((key, serde_json::from_str(&value)?))
        })
        .collect()
}

/// Sets `key` to `value`, replacing what it held.
pub async fn set_setting<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    key: &str,
    value: &Value,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(serde_json::to_string(value)?)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Forgets `key`, so it has its default again. Returns whether it was set.
pub async fn clear_setting<'c>(db: impl Acquire<'c, Database = Sqlite>, key: &str) -> Result<bool> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query("DELETE FROM settings WHERE key = ?1")
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}
