//! `directory_objects`: names of the groups and users that configuration refers to by id.

use crate::error::Result;
use crate::workspace::now;
use serde::Serialize;
use sqlx::{Acquire, Row, Sqlite};

/// A directory object's id, type (`group`, `user`) and display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DirectoryObject {
    pub object_id: String,
    pub object_type: String,
    pub display_name: String,
}

/// Records (or renames) directory objects of a tenant, in one transaction.
pub async fn upsert_directory_objects<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    objects: &[DirectoryObject],
) -> Result<()> {
    let mut tx = db.begin().await?;
    let stamp = now();
    for o in objects {
        sqlx::query(
            "INSERT INTO directory_objects (tenant_id, object_id, object_type, display_name, updated_at)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, object_id) DO UPDATE SET
               object_type = excluded.object_type, display_name = excluded.display_name, updated_at = excluded.updated_at",
        )
        .bind(tenant_id)
        .bind(&o.object_id)
        .bind(&o.object_type)
        .bind(&o.display_name)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Every known directory object of a tenant, by name.
pub async fn list_directory_objects<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Vec<DirectoryObject>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT object_id, object_type, display_name FROM directory_objects
         WHERE tenant_id = ? ORDER BY display_name COLLATE NOCASE, object_id",
    )
    .bind(tenant_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| DirectoryObject {
            object_id: r.get("object_id"),
            object_type: r.get("object_type"),
            display_name: r.get("display_name"),
        })
        .collect())
}
