//! `tokens`: each tenant's refresh and access token, encrypted with the rest of the database, and
//! what is known about that sign-in without the tokens ([`SignInRecord`]: when they were last
//! saved, and whether the sign-in service has refused them since).
//!
//! [`StoredTokens`] deliberately has no `Serialize`: nothing should ever print it as JSON, and its
//! `Debug` output hides the tokens.

use crate::error::{Result, StoreError};
use crate::workspace::{format_time, now, parse_time};
use sqlx::{Acquire, Row, Sqlite};
use time::OffsetDateTime;
use zeroize::Zeroize;

/// A tenant's tokens. Wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredTokens {
    pub refresh_token: String,
    pub access_token: Option<String>,
    /// Unix seconds, as the Graph client counts them.
    pub access_expires_at: Option<i64>,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("refresh_token", &"<redacted>")
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .field("access_expires_at", &self.access_expires_at)
            .finish()
    }
}

impl Drop for StoredTokens {
    fn drop(&mut self) {
        self.refresh_token.zeroize();
        if let Some(token) = self.access_token.as_mut() {
            token.zeroize();
        }
    }
}

/// A tenant's sign-in as the workspace last saw it, without its tokens.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SignInRecord {
    pub tenant_id: String,
    /// When the tokens were last saved: a sign-in, or a refresh that rotated the refresh token —
    /// the moment its inactivity window started.
    pub refreshed_at: String,
    /// When the sign-in service refused the saved refresh token for good, if it has since.
    pub rejected_at: Option<String>,
    /// Why: the sign-in error's code (`sign_in_inactive`, `sign_in_expired`).
    pub rejected_code: Option<String>,
}

/// Saves (replaces) a tenant's tokens; a rotated refresh token overwrites the old one, and a
/// refusal recorded for the old one is cleared.
pub async fn save_tokens<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    tokens: &StoredTokens,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let result = sqlx::query(
        "INSERT INTO tokens (tenant_id, refresh_token, access_token, access_expires_at, updated_at)
         VALUES (lower(?1), ?2, ?3, ?4, ?5)
         ON CONFLICT (tenant_id) DO UPDATE SET
             refresh_token = excluded.refresh_token, access_token = excluded.access_token,
             access_expires_at = excluded.access_expires_at, updated_at = excluded.updated_at,
             rejected_at = NULL, rejected_code = NULL",
    )
    .bind(tenant_id)
    .bind(&tokens.refresh_token)
    .bind(&tokens.access_token)
    .bind(
        tokens
            .access_expires_at
            .and_then(|at| OffsetDateTime::from_unix_timestamp(at).ok())
            .map(format_time),
    )
    .bind(now())
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_foreign_key_violation() => {
            Err(StoreError::TenantNotFound(tenant_id.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

/// A tenant's tokens, or `None` when it never signed in.
pub async fn load_tokens<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Option<StoredTokens>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(
        "SELECT refresh_token, access_token, access_expires_at FROM tokens WHERE tenant_id = lower(?1)",
    )
    .bind(tenant_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let expires: Option<String> = row.try_get("access_expires_at")?;
    Ok(Some(StoredTokens {
        refresh_token: row.try_get("refresh_token")?,
        access_token: row.try_get("access_token")?,
        access_expires_at: expires
            .as_deref()
            .and_then(parse_time)
            .map(|at| at.unix_timestamp()),
    }))
}

/// Records that the sign-in service refused a tenant's saved refresh token for good (`code`: the
/// sign-in error's code). Nothing happens for a tenant without tokens.
pub async fn mark_tokens_rejected<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    code: &str,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    sqlx::query(
        "UPDATE tokens SET rejected_at = ?1, rejected_code = ?2 WHERE tenant_id = lower(?3)",
    )
    .bind(now())
    .bind(code)
    .bind(tenant_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Every tenant's sign-in record, by tenant id.
pub async fn sign_in_records<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<SignInRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT tenant_id, updated_at, rejected_at, rejected_code FROM tokens ORDER BY tenant_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(SignInRecord {
                tenant_id: row.try_get("tenant_id")?,
                refreshed_at: row.try_get("updated_at")?,
                rejected_at: row.try_get("rejected_at")?,
                rejected_code: row.try_get("rejected_code")?,
            })
        })
        .collect()
}
