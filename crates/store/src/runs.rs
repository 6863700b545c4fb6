//! `runs`: every long job (sync, drift check, report, restore, promotion) with its status,
//! progress, counts, errors and duration, viewable after the fact.
//!
//! A run that is still `running` when its process dies would stay `running` forever, so runs
//! send heartbeats and [`mark_stale_runs_interrupted`] fails the ones whose heartbeat stopped.

use crate::error::{Result, StoreError};
use crate::workspace::{format_time, now};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire, Row, Sqlite};
use std::collections::BTreeMap;
use std::time::Duration;
use time::OffsetDateTime;

/// The error recorded on a run whose process stopped without finishing it.
pub const INTERRUPTED: &str = "interrupted: the process stopped before the run finished";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Running,
    Succeeded,
    /// Finished, but some kinds or objects could not be read.
    Partial,
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
        }
    }

    fn parse(text: &str) -> RunStatus {
        match text {
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "partial" => RunStatus::Partial,
            _ => RunStatus::Failed,
        }
    }
}

/// One error of a run, with what is needed to ask Microsoft about it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// The object kind being read, when the error concerns one.
    pub kind: Option<String>,
    pub message: String,
    /// Graph's `request-id`.
    pub request_id: Option<String>,
    /// The HTTP status.
    pub status: Option<u16>,
}

/// One run as stored. Fetch it with [`get_run`], fill in the outcome, and pass it to [`finish_run`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: String,
    pub run_kind: String,
    pub tenant_id: Option<String>,
    pub status: RunStatus,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub duration_ms: Option<u64>,
    pub heartbeat_at: String,
    /// The engine's progress document; the store does not look inside.
    pub progress: Value,
    /// Objects read per kind.
    pub counts: BTreeMap<String, u64>,
    pub objects: u64,
    pub versions_added: u64,
    /// HTTP round-trips.
    pub requests: u64,
    /// Graph requests, counting every `$batch` sub-request (what throttling counts).
    pub graph_calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub errors: Vec<RunError>,
}

const COLUMNS: &str = "id, run_kind, tenant_id, status, started_at, finished_at, duration_ms, \
    heartbeat_at, progress, counts, objects, versions_added, requests, graph_calls, retries, \
    throttled, errors";

fn from_row(row: &SqliteRow) -> Result<RunRecord> {
    let status: String = row.try_get("status")?;
    let duration: Option<i64> = row.try_get("duration_ms")?;
    let count = |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
    let json = |name: &str| -> Result<String> { Ok(row.try_get(name)?) };
    Ok(RunRecord {
        id: row.try_get("id")?,
        run_kind: row.try_get("run_kind")?,
        tenant_id: row.try_get("tenant_id")?,
        status: RunStatus::parse(&status),
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        duration_ms: duration.map(|d| d.max(0) as u64),
        heartbeat_at: row.try_get("heartbeat_at")?,
        progress: serde_json::from_str(&json("progress")?)?,
        counts: serde_json::from_str(&json("counts")?)?,
        objects: count("objects")?,
        versions_added: count("versions_added")?,
        requests: count("requests")?,
        graph_calls: count("graph_calls")?,
        retries: count("retries")?,
        throttled: count("throttled")?,
        errors: serde_json::from_str(&json("errors")?)?,
    })
}

/// Milliseconds between two stored times, computed by SQLite from the text.
const ELAPSED_MS: &str =
    "CAST(round((julianday(?END) - julianday(started_at)) * 86400000.0) AS INTEGER)";

/// Records the start of a run and returns its id (a UUID).
pub async fn start_run<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_kind: &str,
    tenant_id: Option<&str>,
) -> Result<String> {
    start_owned_run(db, run_kind, tenant_id, None).await
}

/// [`start_run`] for a run whose process holds the owner lock `owner` (see
/// [`mark_abandoned_runs_interrupted`]).
pub async fn start_owned_run<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_kind: &str,
    tenant_id: Option<&str>,
    owner: Option<&str>,
) -> Result<String> {
    let mut conn = db.acquire().await?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    sqlx::query(
        "INSERT INTO runs (id, run_kind, tenant_id, status, started_at, heartbeat_at, owner)
         VALUES (?1, ?2, ?3, 'running', ?4, ?4, ?5)",
    )
    .bind(&id)
    .bind(run_kind)
    .bind(tenant_id.map(str::to_lowercase))
    .bind(&at)
    .bind(owner)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Says the run is alive, with its latest progress.
pub async fn heartbeat<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_id: &str,
    progress: &Value,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let done = sqlx::query("UPDATE runs SET heartbeat_at = ?1, progress = ?2 WHERE id = ?3")
        .bind(now())
        .bind(serde_json::to_string(progress)?)
        .bind(run_id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::RunNotFound(run_id.to_string()));
    }
    Ok(())
}

/// Records a run's outcome. `finished_at` defaults to now and `duration_ms` to the time since the
/// stored start; `id` picks the run, and `run_kind`, `tenant_id` and `started_at` are not changed.
pub async fn finish_run<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run: &RunRecord,
) -> Result<()> {
    let mut conn = db.acquire().await?;
    let finished = run.finished_at.clone().unwrap_or_else(now);
    let sql = format!(
        "UPDATE runs SET status = ?1, finished_at = ?2, duration_ms = coalesce(?3, {}),
             heartbeat_at = ?2, progress = ?4, counts = ?5, objects = ?6, versions_added = ?7,
             requests = ?8, graph_calls = ?9, retries = ?10, throttled = ?11, errors = ?12
         WHERE id = ?13",
        ELAPSED_MS.replace("?END", "?2")
    );
    let done = sqlx::query(&sql)
        .bind(run.status.as_str())
        .bind(&finished)
        .bind(run.duration_ms.map(|d| d as i64))
        .bind(serde_json::to_string(&run.progress)?)
        .bind(serde_json::to_string(&run.counts)?)
        .bind(run.objects as i64)
        .bind(run.versions_added as i64)
        .bind(run.requests as i64)
        .bind(run.graph_calls as i64)
        .bind(run.retries as i64)
        .bind(run.throttled as i64)
        .bind(serde_json::to_string(&run.errors)?)
        .bind(&run.id)
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::RunNotFound(run.id.clone()));
    }
    Ok(())
}

/// Every run, newest first.
pub async fn list_runs<'c>(db: impl Acquire<'c, Database = Sqlite>) -> Result<Vec<RunRecord>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM runs ORDER BY started_at DESC, id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

pub async fn get_run<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_id: &str,
) -> Result<Option<RunRecord>> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM runs WHERE id = ?1"))
        .bind(run_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// How one tenant's runs of one kind have gone lately: what `tenant list` says about its syncs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RunHealth {
    pub tenant_id: String,
    /// The status of the newest finished run.
    pub last_status: RunStatus,
    /// When the newest finished run started.
    pub last_run_at: String,
    /// When the first of the failed runs since the last one that did not fail started: the
    /// tenant has been failing since then. `None` when the newest run did not fail.
    pub failing_since: Option<String>,
}

/// When the newest run of `run_kind` started, of any tenant and however it ended.
pub async fn last_started_at<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_kind: &str,
) -> Result<Option<String>> {
    let mut conn = db.acquire().await?;
    let at: Option<String> =
        sqlx::query_scalar("SELECT max(started_at) FROM runs WHERE run_kind = ?1")
            .bind(run_kind)
            .fetch_one(&mut *conn)
            .await?;
    Ok(at)
}

/// Per tenant, how its finished runs of `run_kind` (`sync`) have gone: the newest one's status,
/// and since when it has been failing. Tenants without such a run are not listed.
pub async fn run_health<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    run_kind: &str,
) -> Result<Vec<RunHealth>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "WITH finished AS (
             SELECT tenant_id, status, started_at FROM runs
             WHERE run_kind = ?1 AND status <> 'running' AND tenant_id IS NOT NULL
         ),
         newest AS (SELECT tenant_id, MAX(started_at) AS at FROM finished GROUP BY tenant_id),
         good AS (
             SELECT tenant_id, MAX(started_at) AS at FROM finished
             WHERE status <> 'failed' GROUP BY tenant_id
         )
         SELECT newest.tenant_id, newest.at AS last_run_at,
             (SELECT status FROM finished f
              WHERE f.tenant_id = newest.tenant_id AND f.started_at = newest.at
              ORDER BY f.status = 'failed' DESC LIMIT 1) AS last_status,
             (SELECT MIN(started_at) FROM finished f
              WHERE f.tenant_id = newest.tenant_id AND f.status = 'failed'
                AND f.started_at > coalesce(
                    (SELECT at FROM good WHERE good.tenant_id = newest.tenant_id), '')
             ) AS failing_since
         FROM newest ORDER BY newest.tenant_id",
    )
    .bind(run_kind)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get("last_status")?;
            let last_status = RunStatus::parse(&status);
            Ok(RunHealth {
                tenant_id: row.try_get("tenant_id")?,
                last_status,
                last_run_at: row.try_get("last_run_at")?,
                failing_since: if last_status == RunStatus::Failed {
                    row.try_get("failing_since")?
                } else {
                    None
                },
            })
        })
        .collect()
}

/// Fails every run still `running` whose last heartbeat is older than `older_than`: its process
/// died (killed, crashed, laptop closed) and will never finish it. The run ends at its last
/// heartbeat, the last moment it is known to have been alive. Returns how many were marked.
pub async fn mark_stale_runs_interrupted<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    older_than: Duration,
) -> Result<u64> {
    let cutoff = format_time(OffsetDateTime::now_utc() - older_than);
    let mut tx = db.begin().await?;
    let stale: Vec<String> =
        sqlx::query_scalar("SELECT id FROM runs WHERE status = 'running' AND heartbeat_at < ?1")
            .bind(&cutoff)
            .fetch_all(&mut *tx)
            .await?;
    interrupt(&mut tx, &stale).await?;
    tx.commit().await?;
    Ok(stale.len() as u64)
}

/// Fails every run still `running` whose process is gone: its owner lock (`locks/` in the
/// workspace, see [`crate::lock`]) is free, or it records no owner (a build from before owners).
/// Runs of live processes, this one included, are left alone whatever their heartbeat says, so a
/// command started beside a long sync never fails the sync's runs. Returns how many were marked.
pub async fn mark_abandoned_runs_interrupted<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    workspace_dir: &std::path::Path,
) -> Result<u64> {
    let mut tx = db.begin().await?;
    let dead = abandoned_runs(&mut *tx, workspace_dir).await?;
    interrupt(&mut tx, &dead).await?;
    tx.commit().await?;
    Ok(dead.len() as u64)
}

/// The ids of the runs still `running` whose process is gone (see
/// [`mark_abandoned_runs_interrupted`]). Only reads.
pub async fn abandoned_runs<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    workspace_dir: &std::path::Path,
) -> Result<Vec<String>> {
    let mut conn = db.acquire().await?;
    let running: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT id, owner FROM runs WHERE status = 'running'")
            .fetch_all(&mut *conn)
            .await?;
    let mut alive = BTreeMap::new();
    let mut dead = Vec::new();
    for (id, owner) in running {
        let gone = match owner {
            None => true,
            Some(owner) => match alive.get(&owner) {
                Some(known) => !known,
                None => {
                    let is_alive = !crate::lock::owner_is_gone(workspace_dir, &owner)?;
                    alive.insert(owner, is_alive);
                    !is_alive
                }
            },
        };
        if gone {
            dead.push(id);
        }
    }
    Ok(dead)
}

/// Fails the given runs (those still `running`) as interrupted; see [`abandoned_runs`].
pub async fn interrupt_runs<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
    ids: &[String],
) -> Result<()> {
    let mut tx = db.begin().await?;
    interrupt(&mut tx, ids).await?;
    tx.commit().await?;
    Ok(())
}

/// Ends the given runs as failed at their last heartbeat, with [`INTERRUPTED`] among their errors.
async fn interrupt(tx: &mut sqlx::SqliteConnection, ids: &[String]) -> Result<()> {
    let sql = format!(
        "UPDATE runs SET status = 'failed', finished_at = heartbeat_at,
             duration_ms = {}, errors = ?1
         WHERE id = ?2 AND status = 'running'",
        ELAPSED_MS.replace("?END", "heartbeat_at")
    );
    for id in ids {
        let errors: String = sqlx::query_scalar("SELECT errors FROM runs WHERE id = ?1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        // A damaged list is replaced rather than let it stop every command that opens the workspace.
        let mut errors: Vec<RunError> = serde_json::from_str(&errors).unwrap_or_default();
        errors.push(RunError {
            message: INTERRUPTED.to_string(),
            ..RunError::default()
        });
        sqlx::query(&sql)
            .bind(serde_json::to_string(&errors)?)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
