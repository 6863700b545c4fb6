//! Reading captured objects back: listings, one object at any version, an object's history.

use crate::error::Result;
use serde::Serialize;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire, Row, Sqlite};

/// Which objects [`list_objects`] returns.
#[derive(Clone, Debug, Default)]
pub struct ObjectFilter {
    /// A kind's registry key, case-insensitively.
    pub kind: Option<String>,
    /// A case-insensitive substring of the display name.
    pub search: Option<String>,
    /// `true`: only deleted ("ghost") objects; `false`: only live ones.
    pub deleted: bool,
}

/// One object in a listing, at its latest version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectSummary {
    pub kind: String,
    pub object_id: String,
    pub display_name: String,
    pub deleted: bool,
    pub version_no: u32,
    pub hash: String,
    pub first_seen_snapshot: i64,
    pub last_seen_snapshot: i64,
    pub deleted_in_snapshot: Option<i64>,
}

/// One object at one version, with its content.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObjectVersion {
    pub kind: String,
    pub object_id: String,
    pub display_name: String,
    pub version_no: u32,
    pub hash: String,
    pub captured_at: String,
    pub content: Value,
    /// Whether the object is deleted now (whatever version was asked for).
    pub deleted: bool,
}

/// One entry of an object's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub kind: String,
    pub object_id: String,
    pub version_no: u32,
    pub hash: String,
    pub snapshot_id: i64,
    pub captured_at: String,
}

fn summary_from_row(row: &SqliteRow) -> Result<ObjectSummary> {
    let deleted_in: Option<i64> = row.try_get("deleted_in_snapshot")?;
    let version: i64 = row.try_get("latest_version")?;
    Ok(ObjectSummary {
        kind: row.try_get("kind")?,
        object_id: row.try_get("object_id")?,
        display_name: row.try_get("display_name")?,
        deleted: deleted_in.is_some(),
        version_no: version as u32,
        hash: row.try_get("latest_hash")?,
        first_seen_snapshot: row.try_get("first_seen_snapshot")?,
        last_seen_snapshot: row.try_get("last_seen_snapshot")?,
        deleted_in_snapshot: deleted_in,
    })
}

/// A tenant's objects, by kind and display name.
pub async fn list_objects<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    filter: &ObjectFilter,
) -> Result<Vec<ObjectSummary>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT kind, object_id, display_name, first_seen_snapshot, last_seen_snapshot,
                deleted_in_snapshot, latest_version, latest_hash
         FROM objects
         WHERE tenant_id = lower(?1)
           AND (?2 IS NULL OR kind = ?2 COLLATE NOCASE)
           AND (deleted_in_snapshot IS NOT NULL) = ?3
         ORDER BY kind, display_name COLLATE NOCASE, object_id",
    )
    .bind(tenant_id)
    .bind(filter.kind.as_deref())
    .bind(filter.deleted)
    .fetch_all(&mut *conn)
    .await?;
    // The name search runs here rather than in SQL: SQLite's lower() and NOCASE fold ASCII only,
    // and display names are full of umlauts and accents. A tenant has hundreds of objects, not millions.
    let needle = filter.search.as_deref().map(str::to_lowercase);
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let summary = summary_from_row(row)?;
        if let Some(needle) = &needle {
            if !summary
                .display_name
                .to_lowercase()
                .contains(needle.as_str())
            {
                continue;
            }
        }
        out.push(summary);
    }
    Ok(out)
}

/// An object at `version` (its latest when `None`); `None` when the object or version is unknown.
///
/// Object ids are GUIDs and unique across kinds in practice; should two kinds share one, the live
/// and most recently seen object wins.
pub async fn get_object<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    object_id: &str,
    version: Option<u32>,
) -> Result<Option<ObjectVersion>> {
    let mut conn = db.acquire().await?;
    let object = sqlx::query(
        "SELECT kind, object_id, display_name, deleted_in_snapshot, latest_version
         FROM objects WHERE tenant_id = lower(?1) AND object_id = ?2
         ORDER BY (deleted_in_snapshot IS NULL) DESC, last_seen_snapshot DESC LIMIT 1",
    )
    .bind(tenant_id)
    .bind(object_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(object) = object else {
        return Ok(None);
    };
    let kind: String = object.try_get("kind")?;
    let latest: i64 = object.try_get("latest_version")?;
    let deleted_in: Option<i64> = object.try_get("deleted_in_snapshot")?;
    let wanted = version.map(i64::from).unwrap_or(latest);
    let row = sqlx::query(
        "SELECT v.version_no, v.hash, v.captured_at, c.json
         FROM versions v JOIN contents c ON c.hash = v.hash
         WHERE v.tenant_id = lower(?1) AND v.kind = ?2 AND v.object_id = ?3 AND v.version_no = ?4",
    )
    .bind(tenant_id)
    .bind(&kind)
    .bind(object_id)
    .bind(wanted)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let json: String = row.try_get("json")?;
    let version_no: i64 = row.try_get("version_no")?;
    Ok(Some(ObjectVersion {
        kind,
        object_id: object.try_get("object_id")?,
        display_name: object.try_get("display_name")?,
        version_no: version_no as u32,
        hash: row.try_get("hash")?,
        captured_at: row.try_get("captured_at")?,
        content: serde_json::from_str(&json)?,
        deleted: deleted_in.is_some(),
    }))
}

/// Every version of an object, oldest first (empty when the object is unknown).
pub async fn history<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    object_id: &str,
) -> Result<Vec<VersionInfo>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT kind, object_id, version_no, hash, snapshot_id, captured_at FROM versions
         WHERE tenant_id = lower(?1) AND object_id = ?2 ORDER BY kind, version_no",
    )
    .bind(tenant_id)
    .bind(object_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let version_no: i64 = row.try_get("version_no")?;
            Ok(VersionInfo {
                kind: row.try_get("kind")?,
                object_id: row.try_get("object_id")?,
                version_no: version_no as u32,
                hash: row.try_get("hash")?,
                snapshot_id: row.try_get("snapshot_id")?,
                captured_at: row.try_get("captured_at")?,
            })
        })
        .collect()
}
