//! `break_glass_accounts`: the emergency access accounts an MSP names per tenant, in its order.
//! The engine checks the names; this module keeps them. Concrete connection types (not the
//! generic `Acquire` of the other modules): the app's commands await these directly, and futures
//! over `Acquire`'s higher-ranked lifetimes cannot be proven `Send`.

use crate::error::Result;
use sqlx::{Row, SqliteConnection, SqlitePool};

/// A tenant's break-glass accounts (user principal names), in the order the MSP named them.
pub async fn list_break_glass(pool: &SqlitePool, tenant_id: &str) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT user_principal_name FROM break_glass_accounts WHERE tenant_id = ?1 ORDER BY position",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| Ok(row.try_get("user_principal_name")?))
        .collect()
}

/// Replaces a tenant's break-glass accounts with `names`, in that order.
pub async fn set_break_glass(
    conn: &mut SqliteConnection,
    tenant_id: &str,
    names: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM break_glass_accounts WHERE tenant_id = ?1")
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    for (position, name) in names.iter().enumerate() {
        sqlx::query(
            "INSERT INTO break_glass_accounts (tenant_id, position, user_principal_name) VALUES (?1, ?2, ?3)",
        )
        .bind(tenant_id)
        .bind(position as i64)
        .bind(name)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
