//! `baselines`, `baseline_items` and `baseline_assignments`: named, versioned sets of expected
//! objects taken from a reference tenant's snapshot, and the tenants checked against them.
//!
//! A baseline item points at content by hash: `contents` is content-addressed and never pruned,
//! so a baseline keeps its expected content whatever happens to the source tenant later.

use crate::error::Result;
use crate::workspace::now;
use serde::Serialize;
use serde_json::Value;
use sqlx::{Acquire, Row, Sqlite};

/// One version of a baseline, without its items.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineInfo {
    pub name: String,
    pub version: i64,
    pub source_tenant_id: String,
    pub snapshot_id: i64,
    pub kinds: Vec<String>,
    /// The source tenant's id -> name maps, as the engine wrote them.
    pub refs: Value,
    pub created_at: String,
    pub objects: u64,
    /// Tenant ids assigned to the baseline (any version: assignment is by name).
    pub tenants: Vec<String>,
}

/// One expected object of a baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselineItem {
    pub kind: String,
    pub object_id: String,
    pub display_name: String,
    pub hash: String,
}

/// What a new baseline version is made of.
#[derive(Clone, Debug)]
pub struct NewBaseline<'a> {
    pub name: &'a str,
    pub source_tenant_id: &'a str,
    pub snapshot_id: i64,
    pub kinds: &'a [String],
    pub refs: &'a Value,
    pub items: &'a [BaselineItem],
}

/// Stores a new version of the named baseline (1 for a new name) and returns its number.
pub async fn create_baseline<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    new: &NewBaseline<'_>,
) -> Result<i64> {
    let mut tx = db.begin().await?;
    let version: i64 =
        sqlx::query_scalar("SELECT coalesce(max(version), 0) + 1 FROM baselines WHERE name = ?1")
            .bind(new.name)
            .fetch_one(&mut *tx)
            .await?;
    // Keep the spelling of the first version, so that versions of one name stay together.
    let name: String = sqlx::query_scalar("SELECT name FROM baselines WHERE name = ?1 LIMIT 1")
        .bind(new.name)
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or_else(|| new.name.to_string());
    sqlx::query(
        "INSERT INTO baselines (name, version, source_tenant_id, snapshot_id, kinds, refs, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(&name)
    .bind(version)
    .bind(new.source_tenant_id)
    .bind(new.snapshot_id)
    .bind(serde_json::to_string(new.kinds)?)
    .bind(serde_json::to_string(new.refs)?)
    .bind(now())
    .execute(&mut *tx)
    .await?;
    for item in new.items {
        sqlx::query(
            "INSERT INTO baseline_items (name, version, kind, object_id, display_name, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .bind(&name)
        .bind(version)
        .bind(&item.kind)
        .bind(&item.object_id)
        .bind(&item.display_name)
        .bind(&item.hash)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(version)
}

/// The latest version of every baseline, by name.
pub async fn list_baselines<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<BaselineInfo>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT b.name, b.version, b.source_tenant_id, b.snapshot_id, b.kinds, b.refs, b.created_at,
                (SELECT count(*) FROM baseline_items i WHERE i.name = b.name AND i.version = b.version) AS objects,
                (SELECT coalesce(json_group_array(a.tenant_id), '[]') FROM
                    (SELECT tenant_id FROM baseline_assignments WHERE name = b.name ORDER BY tenant_id) a) AS tenants
         FROM baselines b
         WHERE b.version = (SELECT max(version) FROM baselines x WHERE x.name = b.name)
         ORDER BY b.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let kinds: String = row.try_get("kinds")?;
            let refs: String = row.try_get("refs")?;
            let tenants: String = row.try_get("tenants")?;
            Ok(BaselineInfo {
                name: row.try_get("name")?,
                version: row.try_get("version")?,
                source_tenant_id: row.try_get("source_tenant_id")?,
                snapshot_id: row.try_get("snapshot_id")?,
                kinds: serde_json::from_str(&kinds)?,
                refs: serde_json::from_str(&refs)?,
                created_at: row.try_get("created_at")?,
                objects: row.try_get::<i64, _>("objects")?.max(0) as u64,
                tenants: serde_json::from_str(&tenants)?,
            })
        })
        .collect()
}

/// The items of one baseline version.
pub async fn baseline_items<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    version: i64,
) -> Result<Vec<BaselineItem>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT kind, object_id, display_name, hash FROM baseline_items
         WHERE name = ?1 AND version = ?2 ORDER BY kind, object_id",
    )
    .bind(name)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BaselineItem {
                kind: row.try_get("kind")?,
                object_id: row.try_get("object_id")?,
                display_name: row.try_get("display_name")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

/// Assigns a baseline to a tenant; assigning twice changes nothing. Returns whether it was new.
pub async fn assign_baseline<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
) -> Result<bool> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query(
        "INSERT INTO baseline_assignments (name, tenant_id, assigned_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name, tenant_id) DO NOTHING",
    )
    .bind(name)
    .bind(tenant_id.to_lowercase())
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}
