//! `baselines`, `baseline_items`, `baseline_assignments` and `baseline_pins`: named, versioned
//! sets of expected objects taken from a reference tenant's snapshot (or a file, or a tenant's own
//! approved snapshot), the tenants checked against them with their name-template values, and the
//! objects matched to a baseline object by hand.
//!
//! A baseline item points at content by hash: `contents` is content-addressed and never pruned,
//! so a baseline keeps its expected content whatever happens to the source tenant later.

use crate::error::{Result, StoreError};
use crate::workspace::now;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Acquire, Row, Sqlite};
use std::collections::BTreeMap;
use tenantatlas_core::content::canonical;

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
    /// `tenant`, `file` or `approved`.
    pub origin: String,
    /// Which file or snapshot it was taken from, for people.
    pub source: String,
    /// Whether drift also reports objects of its kinds that match no baseline object.
    pub unexpected: bool,
    pub objects: u64,
    /// Tenant ids assigned to the baseline (any version: assignment is by name).
    pub tenants: Vec<String>,
    /// Each assigned tenant's values for the name templates' placeholders, by tenant id.
    pub vars: BTreeMap<String, BTreeMap<String, String>>,
}

/// One expected object of a baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselineItem {
    pub kind: String,
    /// The source object's id (a file object's id, or a made-up one when the file has none).
    pub object_id: String,
    /// The name to match, possibly a template (`{prefix} - Win - Compliance`).
    pub display_name: String,
    pub hash: String,
}

/// A baseline object matched by hand to one of a tenant's objects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaselinePin {
    pub kind: String,
    /// The baseline object's name (template), as the baseline stores it.
    pub item_name: String,
    pub object_id: String,
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
    pub origin: &'a str,
    pub source: &'a str,
    pub unexpected: bool,
    /// Contents not yet in the workspace (a file's objects), stored under their hash first.
    pub contents: &'a [Value],
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
    for content in new.contents {
        let text = serde_json::to_string(&canonical(content))?;
        let hash = format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())));
        sqlx::query("INSERT OR IGNORE INTO contents (hash, json) VALUES (?1, ?2)")
            .bind(&hash)
            .bind(text)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO baselines (name, version, source_tenant_id, snapshot_id, kinds, refs, created_at,
                                origin, source, unexpected)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .bind(&name)
    .bind(version)
    .bind(new.source_tenant_id)
    .bind(new.snapshot_id)
    .bind(serde_json::to_string(new.kinds)?)
    .bind(serde_json::to_string(new.refs)?)
    .bind(now())
    .bind(new.origin)
    .bind(new.source)
    .bind(new.unexpected)
    .execute(&mut *tx)
    .await?;
    // Every item's content must be in the workspace: a baseline pointing at nothing would fail
    // every drift check later, far from the cause.
    for item in new.items {
        let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM contents WHERE hash = ?1")
            .bind(&item.hash)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(StoreError::HashMismatch {
                kind: item.kind.clone(),
                object_id: item.object_id.clone(),
            });
        }
    }
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
                b.origin, b.source, b.unexpected,
                (SELECT count(*) FROM baseline_items i WHERE i.name = b.name AND i.version = b.version) AS objects,
                (SELECT coalesce(json_group_array(json_array(a.tenant_id, json(a.vars))), '[]') FROM
                    (SELECT tenant_id, vars FROM baseline_assignments WHERE name = b.name ORDER BY tenant_id) a) AS tenants
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
            let assigned: Vec<(String, BTreeMap<String, String>)> = serde_json::from_str(&tenants)?;
            Ok(BaselineInfo {
                name: row.try_get("name")?,
                version: row.try_get("version")?,
                source_tenant_id: row.try_get("source_tenant_id")?,
                snapshot_id: row.try_get("snapshot_id")?,
                kinds: serde_json::from_str(&kinds)?,
                refs: serde_json::from_str(&refs)?,
                created_at: row.try_get("created_at")?,
                origin: row.try_get("origin")?,
                source: row.try_get("source")?,
                unexpected: row.try_get("unexpected")?,
                objects: row.try_get::<i64, _>("objects")?.max(0) as u64,
                tenants: assigned.iter().map(|(t, _)| t.clone()).collect(),
                vars: assigned.into_iter().collect(),
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

/// Assigns a baseline to a tenant with its name-template values; assigning again replaces the
/// values. Returns whether anything changed.
pub async fn assign_baseline<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
    vars: &BTreeMap<String, String>,
) -> Result<bool> {
    let mut conn = db.acquire().await?;
    let vars = serde_json::to_string(vars)?;
    let done = sqlx::query(
        "INSERT INTO baseline_assignments (name, tenant_id, assigned_at, vars) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name, tenant_id) DO UPDATE SET vars = excluded.vars
         WHERE baseline_assignments.vars IS NOT excluded.vars",
    )
    .bind(name)
    .bind(tenant_id.to_lowercase())
    .bind(now())
    .bind(vars)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Stops checking a tenant against a baseline, and forgets its pins. Returns whether it was assigned.
pub async fn unassign_baseline<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let done = sqlx::query("DELETE FROM baseline_assignments WHERE name = ?1 AND tenant_id = ?2")
        .bind(name)
        .bind(tenant_id.to_lowercase())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM baseline_pins WHERE name = ?1 AND tenant_id = ?2")
        .bind(name)
        .bind(tenant_id.to_lowercase())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() > 0)
}

/// Matches a baseline object to a tenant's object by hand (replacing an earlier pin).
pub async fn pin_object<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
    pin: &BaselinePin,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    sqlx::query(
        "INSERT INTO baseline_pins (name, tenant_id, kind, item_name, object_id, pinned_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (name, tenant_id, kind, item_name) DO UPDATE SET
             object_id = excluded.object_id, pinned_at = excluded.pinned_at",
    )
    .bind(name)
    .bind(tenant_id.to_lowercase())
    .bind(&pin.kind)
    .bind(&pin.item_name)
    .bind(&pin.object_id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a pin. Returns whether there was one.
pub async fn unpin_object<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
    kind: &str,
    item_name: &str,
) -> Result<bool> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query(
        "DELETE FROM baseline_pins WHERE name = ?1 AND tenant_id = ?2 AND kind = ?3 AND item_name = ?4",
    )
    .bind(name)
    .bind(tenant_id.to_lowercase())
    .bind(kind)
    .bind(item_name)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A tenant's pins for a baseline.
pub async fn list_pins<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
    tenant_id: &str,
) -> Result<Vec<BaselinePin>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT kind, item_name, object_id FROM baseline_pins
         WHERE name = ?1 AND tenant_id = ?2 ORDER BY kind, item_name",
    )
    .bind(name)
    .bind(tenant_id.to_lowercase())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BaselinePin {
                kind: row.try_get("kind")?,
                item_name: row.try_get("item_name")?,
                object_id: row.try_get("object_id")?,
            })
        })
        .collect()
}

/// One version of a baseline as its history lists it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaselineVersionInfo {
    pub version: i64,
    pub created_at: String,
    pub origin: String,
    pub source: String,
    pub objects: u64,
}

/// Every version of the named baseline, newest first.
pub async fn baseline_versions<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    name: &str,
) -> Result<Vec<BaselineVersionInfo>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT b.version, b.created_at, b.origin, b.source,
                (SELECT count(*) FROM baseline_items i WHERE i.name = b.name AND i.version = b.version) AS objects
         FROM baselines b WHERE b.name = ?1 ORDER BY b.version DESC",
    )
    .bind(name)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(BaselineVersionInfo {
                version: row.try_get("version")?,
                created_at: row.try_get("created_at")?,
                origin: row.try_get("origin")?,
                source: row.try_get("source")?,
                objects: row.try_get::<i64, _>("objects")?.max(0) as u64,
            })
        })
        .collect()
}
