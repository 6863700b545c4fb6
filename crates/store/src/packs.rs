//! `report_packs`: the review packs and portfolio reports this workspace generated, newest last.
//! The engine decides what goes into a pack; this module only remembers that it was made.

use crate::error::Result;
use serde::Serialize;
use sqlx::{Acquire, Row, Sqlite};

/// One generated pack. `sums_sha256` is the SHA-256 of its evidence bundle's `SHA256SUMS`, the
/// value the tenant's next pack names as `previous_sums_sha256`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PackRecord {
    pub id: i64,
    /// `review-pack` or `portfolio`.
    pub kind: String,
    /// The tenant's id; `None` for a portfolio report.
    pub tenant_id: Option<String>,
    pub generated_at: String,
    pub period_from: String,
    pub period_to: String,
    pub pdf_path: String,
    pub pdf_sha256: String,
    pub pages: i64,
    pub bundle_path: Option<String>,
    pub sums_sha256: Option<String>,
    pub previous_sums_sha256: Option<String>,
    pub redacted_pii: bool,
    pub score: Option<f64>,
    pub open_findings: i64,
    pub run_id: Option<String>,
}

const COLUMNS: &str = "id, kind, tenant_id, generated_at, period_from, period_to, pdf_path, \
    pdf_sha256, pages, bundle_path, sums_sha256, previous_sums_sha256, redacted_pii, score, \
    open_findings, run_id";

/// Remembers a pack (its `id` is ignored) and returns its id.
pub async fn add_pack<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    pack: &PackRecord,
) -> Result<i64> {
    let mut conn = db.acquire().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO report_packs (kind, tenant_id, generated_at, period_from, period_to, pdf_path,
             pdf_sha256, pages, bundle_path, sums_sha256, previous_sums_sha256, redacted_pii, score,
             open_findings, run_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
    )
    .bind(&pack.kind)
    .bind(&pack.tenant_id)
    .bind(&pack.generated_at)
    .bind(&pack.period_from)
    .bind(&pack.period_to)
    .bind(&pack.pdf_path)
    .bind(&pack.pdf_sha256)
    .bind(pack.pages)
    .bind(&pack.bundle_path)
    .bind(&pack.sums_sha256)
    .bind(&pack.previous_sums_sha256)
    .bind(pack.redacted_pii)
    .bind(pack.score)
    .bind(pack.open_findings)
    .bind(&pack.run_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

fn record(row: &sqlx::sqlite::SqliteRow) -> Result<PackRecord> {
    Ok(PackRecord {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        tenant_id: row.try_get("tenant_id")?,
        generated_at: row.try_get("generated_at")?,
        period_from: row.try_get("period_from")?,
        period_to: row.try_get("period_to")?,
        pdf_path: row.try_get("pdf_path")?,
        pdf_sha256: row.try_get("pdf_sha256")?,
        pages: row.try_get("pages")?,
        bundle_path: row.try_get("bundle_path")?,
        sums_sha256: row.try_get("sums_sha256")?,
        previous_sums_sha256: row.try_get("previous_sums_sha256")?,
        redacted_pii: row.try_get("redacted_pii")?,
        score: row.try_get("score")?,
        open_findings: row.try_get("open_findings")?,
        run_id: row.try_get("run_id")?,
    })
}

/// Every pack, oldest first.
pub async fn list_packs<'c>(db: impl Acquire<'c, Database = Sqlite>) -> Result<Vec<PackRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM report_packs ORDER BY id"))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(record).collect()
}

/// The tenant's newest review pack with an evidence bundle: the one a new pack chains to.
pub async fn latest_pack<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    tenant_id: &str,
) -> Result<Option<PackRecord>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM report_packs
         WHERE kind = 'review-pack' AND tenant_id = ?1 AND sums_sha256 IS NOT NULL
         ORDER BY id DESC LIMIT 1"
    ))
    .bind(tenant_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(record).transpose()
}
