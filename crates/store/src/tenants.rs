//! `tenants`: each customer tenant, how to reach it, and where it is in its lifecycle.

use crate::error::{Result, StoreError};
use crate::workspace::now;
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire, Row, Sqlite};

/// A tenant's lifecycle: an onboarding draft until the first sign-in and permission check
/// succeed, then active; archived tenants keep their history but are no longer synced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TenantState {
    #[default]
    Onboarding,
    Active,
    Archived,
}

impl TenantState {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantState::Onboarding => "onboarding",
            TenantState::Active => "active",
            TenantState::Archived => "archived",
        }
    }

    fn parse(text: &str) -> TenantState {
        match text {
            "active" => TenantState::Active,
            "archived" => TenantState::Archived,
            // The CHECK constraint admits nothing else; a draft is the safe reading.
            _ => TenantState::Onboarding,
        }
    }
}

/// How a tenant signs in: the flow `tenant add` used, and `tenant reconnect` uses again.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// The device-code flow: a code to enter on Microsoft's page, from any device.
    #[default]
    DeviceCode,
    /// Authorization code + PKCE in a browser on this machine (for tenants whose Conditional
    /// Access blocks device codes).
    Browser,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::DeviceCode => "device_code",
            SignInMethod::Browser => "browser",
        }
    }

    fn parse(text: &str) -> SignInMethod {
        match text {
            "browser" => SignInMethod::Browser,
            // The CHECK constraint admits nothing else; device code is the column's default.
            _ => SignInMethod::DeviceCode,
        }
    }
}

/// One tenant as stored.
///
/// `created_at`, `updated_at`, `last_sync_at` and `last_sync_run_id` are kept by the store:
/// [`upsert_tenant`] ignores what the record says about them, and a committed snapshot sets the
/// last sync.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRecord {
    /// The Entra tenant GUID (stored lowercase).
    pub id: String,
    pub domain: String,
    pub name: String,
    pub state: TenantState,
    pub authority: String,
    pub graph_url: String,
    pub client_id: String,
    /// A CA certificate to trust for this tenant's endpoints (the simulator's; `None` for Microsoft).
    pub ca_cert_pem: Option<String>,
    pub granted_scopes: Vec<String>,
    /// How the tenant signs in (migration 0006; device code for tenants stored before it).
    #[serde(default)]
    pub sign_in: SignInMethod,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub last_sync_at: Option<String>,
    #[serde(default)]
    pub last_sync_run_id: Option<String>,
}

const COLUMNS: &str = "id, domain, name, state, authority, graph_url, client_id, ca_cert_pem, \
    granted_scopes, sign_in, created_at, updated_at, last_sync_at, last_sync_run_id";

fn from_row(row: &SqliteRow) -> Result<TenantRecord> {
    let scopes: String = row.try_get("granted_scopes")?;
    let state: String = row.try_get("state")?;
    let sign_in: String = row.try_get("sign_in")?;
    Ok(TenantRecord {
        id: row.try_get("id")?,
        domain: row.try_get("domain")?,
        name: row.try_get("name")?,
        state: TenantState::parse(&state),
        authority: row.try_get("authority")?,
        graph_url: row.try_get("graph_url")?,
        client_id: row.try_get("client_id")?,
        ca_cert_pem: row.try_get("ca_cert_pem")?,
        granted_scopes: serde_json::from_str(&scopes)?,
        sign_in: SignInMethod::parse(&sign_in),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        last_sync_at: row.try_get("last_sync_at")?,
        last_sync_run_id: row.try_get("last_sync_run_id")?,
    })
}

/// Inserts a tenant, or updates its name, domain, state and connection (sign-in method included)
/// when the id exists.
pub async fn upsert_tenant<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant: &TenantRecord,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let at = now();
    let result = sqlx::query(
        "INSERT INTO tenants (id, domain, name, state, authority, graph_url, client_id, ca_cert_pem,
                              granted_scopes, sign_in, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?11, ?10, ?10)
         ON CONFLICT (id) DO UPDATE SET
             domain = excluded.domain, name = excluded.name, state = excluded.state,
             authority = excluded.authority, graph_url = excluded.graph_url,
             client_id = excluded.client_id, ca_cert_pem = excluded.ca_cert_pem,
             granted_scopes = excluded.granted_scopes, sign_in = excluded.sign_in,
             updated_at = excluded.updated_at",
    )
    .bind(tenant.id.to_lowercase())
    .bind(&tenant.domain)
    .bind(&tenant.name)
    .bind(tenant.state.as_str())
    .bind(&tenant.authority)
    .bind(&tenant.graph_url)
    .bind(&tenant.client_id)
    .bind(&tenant.ca_cert_pem)
    .bind(serde_json::to_string(&tenant.granted_scopes)?)
    .bind(&at)
    .bind(tenant.sign_in.as_str())
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => Ok(()),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            Err(StoreError::DomainTaken(tenant.domain.clone()))
        }
        Err(e) => Err(e.into()),
    }
}

/// Finds a tenant by its GUID or its domain (either case-insensitively).
pub async fn find_tenant<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    id_or_domain: &str,
) -> Result<Option<TenantRecord>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tenants WHERE id = lower(?1) OR domain = ?1 COLLATE NOCASE LIMIT 1"
    ))
    .bind(id_or_domain.trim())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// Like [`find_tenant`], but a missing tenant is an error that says how to add one.
pub async fn require_tenant<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    id_or_domain: &str,
) -> Result<TenantRecord> {
    find_tenant(db, id_or_domain)
        .await?
        .ok_or_else(|| StoreError::TenantNotFound(id_or_domain.to_string()))
}

/// Every tenant, by domain.
pub async fn list_tenants<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<TenantRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM tenants ORDER BY domain COLLATE NOCASE"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Moves a tenant through its lifecycle.
pub async fn set_tenant_state<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    state: TenantState,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query("UPDATE tenants SET state = ?1, updated_at = ?2 WHERE id = lower(?3)")
        .bind(state.as_str())
        .bind(now())
        .bind(tenant_id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::TenantNotFound(tenant_id.to_string()));
    }
    Ok(())
}

/// Records the delegated scopes a sign-in granted (the permission posture compares against them).
pub async fn set_granted_scopes<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    scopes: &[String],
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let done =
        sqlx::query("UPDATE tenants SET granted_scopes = ?1, updated_at = ?2 WHERE id = lower(?3)")
            .bind(serde_json::to_string(scopes)?)
            .bind(now())
            .bind(tenant_id)
            .execute(&mut *conn)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::TenantNotFound(tenant_id.to_string()));
    }
    Ok(())
}

/// A new sign-in of a tenant already stored (`tenant reconnect`): its granted scopes and the
/// method it signed in with. Nothing else about the tenant changes.
pub async fn set_sign_in<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
    scopes: &[String],
    method: SignInMethod,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query(
        "UPDATE tenants SET granted_scopes = ?1, sign_in = ?2, updated_at = ?3 WHERE id = lower(?4)",
    )
    .bind(serde_json::to_string(scopes)?)
    .bind(method.as_str())
    .bind(now())
    .bind(tenant_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::TenantNotFound(tenant_id.to_string()));
    }
    Ok(())
}
