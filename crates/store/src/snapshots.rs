//! `snapshots`, `snapshot_items`, `contents`, `objects` and `versions` as one sync writes them.
//!
//! [`commit_snapshot`] is the only writer of captured configuration, and it writes in a single
//! transaction: a sync that dies halfway (killed, crashed, power cut) leaves the workspace exactly
//! as the previous snapshot left it, and the next sync simply starts again.

use crate::error::{Result, StoreError};
use crate::workspace::now;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{Acquire, Row, Sqlite};
use std::collections::HashMap;
use tenantatlas_core::content::canonical_json;
use tenantatlas_core::CapturedObject;

/// What one committed snapshot changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotSummary {
    pub snapshot_id: i64,
    /// Objects in the snapshot.
    pub objects: u64,
    /// New versions: objects seen for the first time, or whose content changed.
    pub versions_added: u64,
    /// Objects of completely read kinds that are gone since the previous snapshot.
    pub deleted: u64,
}

/// One stored snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub id: i64,
    pub tenant_id: String,
    pub run_id: String,
    pub created_at: String,
    pub object_count: u64,
    /// The kinds read completely; only these can show objects as deleted.
    pub kinds: Vec<String>,
}

/// One entry of a snapshot's manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SnapshotItem {
    pub kind: String,
    pub object_id: String,
    pub hash: String,
}

struct Known {
    display_name: String,
    latest_version: i64,
    latest_hash: String,
}

/// Commits everything one sync captured from one tenant, all or nothing.
///
/// - Content is stored once per hash, whichever tenant or object has it.
/// - An object gets a new version only when its hash differs from its latest version.
/// - An object that had been deleted and is captured again becomes live again.
/// - Objects of a kind in `complete_kinds` that this capture lacks are marked deleted in this
///   snapshot. Kinds not listed (skipped for a missing permission, or failed halfway) are never
///   marked: not having read something is no evidence that it is gone.
pub async fn commit_snapshot<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    run_id: &str,
    objects: &[CapturedObject],
    complete_kinds: &[&str],
) -> Result<SnapshotSummary> {
    commit_snapshot_taken_at(db, tenant_id, run_id, objects, complete_kinds, &now()).await
}

/// [`commit_snapshot`] of a capture made at `at` (the store's time form) rather than now: a
/// snapshot imported from a bundle keeps the time it was taken in its own workspace, for the
/// snapshot, its new versions and the tenant's last sync.
pub(crate) async fn commit_snapshot_taken_at<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    run_id: &str,
    objects: &[CapturedObject],
    complete_kinds: &[&str],
    at: &str,
) -> Result<SnapshotSummary> {
    // Check every hash before touching the database: a wrong one would poison `contents` for
    // every other object that truly has that hash.
    let mut texts = Vec::with_capacity(objects.len());
    for object in objects {
        let text = canonical_json(&object.content);
        let hash = format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())));
        if hash != object.hash {
            return Err(StoreError::HashMismatch {
                kind: object.kind.clone(),
                object_id: object.object_id.clone(),
            });
        }
        texts.push(text);
    }

    let tenant_id = tenant_id.to_lowercase();
    // `&Workspace` begins IMMEDIATE, and the first statement writes anyway, so this transaction
    // holds the write lock from the start and never has to upgrade a read lock.
    let mut tx = db.begin().await?;
    let updated =
        sqlx::query("UPDATE tenants SET last_sync_at = ?1, last_sync_run_id = ?2 WHERE id = ?3")
            .bind(at)
            .bind(run_id)
            .bind(&tenant_id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::TenantNotFound(tenant_id));
    }
    let snapshot_id: i64 = sqlx::query_scalar(
        "INSERT INTO snapshots (tenant_id, run_id, created_at, object_count, kinds)
         VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    )
    .bind(&tenant_id)
    .bind(run_id)
    .bind(at)
    .bind(objects.len() as i64)
    .bind(serde_json::to_string(complete_kinds)?)
    .fetch_one(&mut *tx)
    .await?;

    // One read of what the tenant had, instead of one lookup per object.
    let rows = sqlx::query(
        "SELECT kind, object_id, display_name, latest_version, latest_hash FROM objects
         WHERE tenant_id = ?1",
    )
    .bind(&tenant_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut known: HashMap<(String, String), Known> = HashMap::with_capacity(rows.len());
    for row in rows {
        known.insert(
            (row.try_get("kind")?, row.try_get("object_id")?),
            Known {
                display_name: row.try_get("display_name")?,
                latest_version: row.try_get("latest_version")?,
                latest_hash: row.try_get("latest_hash")?,
            },
        );
    }

    // Only renamed objects cost statements of their own; new and changed ones are written many
    // rows per statement (a first sync of 300 objects: a dozen statements, not 900), and an
    // unchanged tenant by the two bulk statements below.
    let mut added: Vec<(&CapturedObject, &String, i64)> = Vec::new();
    for (object, text) in objects.iter().zip(&texts) {
        let key = (object.kind.clone(), object.object_id.clone());
        let version_no = match known.get(&key) {
            None => 1,
            Some(k) if k.latest_hash != object.hash => k.latest_version + 1,
            Some(k) => {
                if k.display_name != object.display_name {
                    sqlx::query(
                        "UPDATE objects SET display_name = ?1
                         WHERE tenant_id = ?2 AND kind = ?3 AND object_id = ?4",
                    )
                    .bind(&object.display_name)
                    .bind(&tenant_id)
                    .bind(&object.kind)
                    .bind(&object.object_id)
                    .execute(&mut *tx)
                    .await?;
                }
                continue;
            }
        };
        added.push((object, text, version_no));
    }
    // 7 parameters a row at most: 100 rows stay far below SQLite's limit.
    for chunk in added.chunks(100) {
        let mut contents =
            sqlx::QueryBuilder::<Sqlite>::new("INSERT OR IGNORE INTO contents (hash, json) ");
        contents.push_values(chunk, |mut row, (object, text, _)| {
            row.push_bind(&object.hash).push_bind(text.as_str());
        });
        contents.build().execute(&mut *tx).await?;

        let mut upsert = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO objects (tenant_id, kind, object_id, display_name, first_seen_snapshot,
                                  last_seen_snapshot, deleted_in_snapshot, latest_version, latest_hash) ",
        );
        upsert.push_values(chunk, |mut row, (object, _, version_no)| {
            row.push_bind(&tenant_id)
                .push_bind(&object.kind)
                .push_bind(&object.object_id)
                .push_bind(&object.display_name)
                .push_bind(snapshot_id)
                .push_bind(snapshot_id)
                .push("NULL")
                .push_bind(*version_no)
                .push_bind(&object.hash);
        });
        upsert.push(
            " ON CONFLICT (tenant_id, kind, object_id) DO UPDATE SET
                 display_name = excluded.display_name,
                 latest_version = excluded.latest_version,
                 latest_hash = excluded.latest_hash",
        );
        upsert.build().execute(&mut *tx).await?;

        // A duplicate (kind, object id) in the input fails here or on the manifest's primary key
        // below, and takes the whole transaction with it.
        let mut versions = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO versions (tenant_id, kind, object_id, version_no, hash, snapshot_id, captured_at) ",
        );
        versions.push_values(chunk, |mut row, (object, _, version_no)| {
            row.push_bind(&tenant_id)
                .push_bind(&object.kind)
                .push_bind(&object.object_id)
                .push_bind(*version_no)
                .push_bind(&object.hash)
                .push_bind(snapshot_id)
                .push_bind(at);
        });
        versions.build().execute(&mut *tx).await?;
    }
    let versions_added = added.len() as u64;

    // The manifest, many rows per statement (4 parameters a row, far below SQLite's limit).
    for chunk in objects.chunks(500) {
        let mut insert = sqlx::QueryBuilder::<Sqlite>::new(
            "INSERT INTO snapshot_items (snapshot_id, kind, object_id, hash) ",
        );
        insert.push_values(chunk, |mut row, object| {
            row.push_bind(snapshot_id)
                .push_bind(&object.kind)
                .push_bind(&object.object_id)
                .push_bind(&object.hash);
        });
        insert.build().execute(&mut *tx).await?;
    }

    // Seen now: last seen in this snapshot, and live again if it had been deleted.
    sqlx::query(
        "UPDATE objects SET last_seen_snapshot = ?1, deleted_in_snapshot = NULL
         WHERE tenant_id = ?2 AND EXISTS (
             SELECT 1 FROM snapshot_items s
             WHERE s.snapshot_id = ?1 AND s.kind = objects.kind AND s.object_id = objects.object_id)",
    )
    .bind(snapshot_id)
    .bind(&tenant_id)
    .execute(&mut *tx)
    .await?;

    // Everything captured now has last_seen_snapshot = this snapshot, so what is live and was not
    // seen is gone — but only in kinds that were read to the end.
    let mut deleted = 0u64;
    for kind in complete_kinds {
        let done = sqlx::query(
            "UPDATE objects SET deleted_in_snapshot = ?1
             WHERE tenant_id = ?2 AND kind = ?3 AND deleted_in_snapshot IS NULL
               AND last_seen_snapshot <> ?1",
        )
        .bind(snapshot_id)
        .bind(&tenant_id)
        .bind(kind)
        .execute(&mut *tx)
        .await?;
        deleted += done.rows_affected();
    }

    tx.commit().await?;
    Ok(SnapshotSummary {
        snapshot_id,
        objects: objects.len() as u64,
        versions_added,
        deleted,
    })
}

fn snapshot_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<SnapshotInfo> {
    let kinds: String = row.try_get("kinds")?;
    let count: i64 = row.try_get("object_count")?;
    Ok(SnapshotInfo {
        id: row.try_get("id")?,
        tenant_id: row.try_get("tenant_id")?,
        run_id: row.try_get("run_id")?,
        created_at: row.try_get("created_at")?,
        object_count: count as u64,
        kinds: serde_json::from_str(&kinds)?,
    })
}

/// A tenant's snapshots, oldest first.
pub async fn list_snapshots<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Vec<SnapshotInfo>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, tenant_id, run_id, created_at, object_count, kinds FROM snapshots
         WHERE tenant_id = lower(?1) ORDER BY id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(snapshot_from_row).collect()
}

/// A tenant's latest snapshot, if it has one.
pub async fn latest_snapshot<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Option<SnapshotInfo>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(
        "SELECT id, tenant_id, run_id, created_at, object_count, kinds FROM snapshots
         WHERE tenant_id = lower(?1) ORDER BY id DESC LIMIT 1",
    )
    .bind(tenant_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(snapshot_from_row).transpose()
}

/// A snapshot's manifest, by kind and object id.
pub async fn snapshot_items<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    snapshot_id: i64,
) -> Result<Vec<SnapshotItem>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT kind, object_id, hash FROM snapshot_items WHERE snapshot_id = ?1 ORDER BY kind, object_id",
    )
    .bind(snapshot_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SnapshotItem {
                kind: row.try_get("kind")?,
                object_id: row.try_get("object_id")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

/// The stored content with this hash.
pub async fn get_content<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    hash: &str,
) -> Result<Option<serde_json::Value>> {
    let mut conn = db.acquire().await?;
    let text: Option<String> = sqlx::query_scalar("SELECT json FROM contents WHERE hash = ?1")
        .bind(hash)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(text.map(|t| serde_json::from_str(&t)).transpose()?)
}

/// One object of a snapshot with its content: what a diff of two snapshots reads.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SnapshotObject {
    pub kind: String,
    pub object_id: String,
    /// The object's latest display name (the name at the snapshot is in `content`).
    pub display_name: String,
    pub hash: String,
    pub content: serde_json::Value,
}

/// A snapshot's objects without their contents (`content` is `null`), by kind and object id:
/// for callers that need few contents, fetched afterwards with [`get_contents`].
pub async fn snapshot_manifest<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    snapshot_id: i64,
) -> Result<Vec<SnapshotObject>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT s.kind, s.object_id, s.hash, COALESCE(o.display_name, '') AS display_name
         FROM snapshot_items s
         JOIN snapshots n ON n.id = s.snapshot_id
         LEFT JOIN objects o
           ON o.tenant_id = n.tenant_id AND o.kind = s.kind AND o.object_id = s.object_id
         WHERE s.snapshot_id = ?1 ORDER BY s.kind, s.object_id",
    )
    .bind(snapshot_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SnapshotObject {
                kind: row.try_get("kind")?,
                object_id: row.try_get("object_id")?,
                display_name: row.try_get("display_name")?,
                hash: row.try_get("hash")?,
                content: serde_json::Value::Null,
            })
        })
        .collect()
}

/// The stored contents with these hashes, in one query; unknown hashes are left out.
pub async fn get_contents<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    hashes: &[String],
) -> Result<std::collections::HashMap<String, serde_json::Value>> {
    let mut out = std::collections::HashMap::with_capacity(hashes.len());
    if hashes.is_empty() {
        return Ok(out);
    }
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT hash, json FROM contents WHERE hash IN (SELECT value FROM json_each(?1))",
    )
    .bind(serde_json::to_string(hashes)?)
    .fetch_all(&mut *conn)
    .await?;
    for row in &rows {
        let json: String = row.try_get("json")?;
        out.insert(row.try_get("hash")?, serde_json::from_str(&json)?);
    }
    Ok(out)
}

/// A snapshot's objects with their contents, by kind and object id, in one query.
pub async fn snapshot_objects<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    snapshot_id: i64,
) -> Result<Vec<SnapshotObject>> {
    let mut conn = db.acquire().await?;
    let mut objects = snapshot_manifest(&mut *conn, snapshot_id).await?;
    let hashes: Vec<String> = objects
        .iter()
        .map(|o| o.hash.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let contents = get_contents(&mut *conn, &hashes).await?;
    // Every item's content is written with the snapshot; one without is left out, as a join would.
    objects.retain(|o| contents.contains_key(&o.hash));
    for object in objects.iter_mut() {
        object.content = contents[&object.hash].clone();
    }
    Ok(objects)
}
