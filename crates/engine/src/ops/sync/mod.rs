//! Sync: capture tenants' configuration into new snapshots, with the fewest Graph requests the
//! service allows, each tenant as its own run.
//!
//! Per tenant: every readable kind's list (with `$expand` of what lists can carry) goes out in
//! `$batch` groups of 20, paged to the end; then per-object details (script bodies, assignments
//! lists do not carry, role assignments' members, ADMX values, app protection navigations…) in
//! `$batch` groups of 20, level by level (an ADMX configuration's definition values, then each
//! value's presentation values), with the full settings of settings catalog policies whose listed
//! settings fell short; then the snapshot is committed in one transaction. Kinds the granted
//! permissions do not allow reading are skipped and reported, never failed — and never marked
//! deleted. Tenants run concurrently; one slow or failing tenant never
//! stalls the others. Settings catalog definitions the workspace lacks are read once for all
//! tenants (`definitions.rs`); failing to read them is a warning, not an error.

use crate::{Engine, EngineError, ErrorCode, ProgressEvent};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use tenantatlas_core::kinds::ThrottleFamily;
use tenantatlas_core::kinds::{Detail, ObjectKind, REGISTRY};
use tenantatlas_core::{ApiVersion, CapturedObject};
use tenantatlas_graph::client::{self, BatchGet, GraphClient};
use tenantatlas_store::{DirectoryObject, RunError, RunStatus, TenantRecord, TenantState};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

mod break_glass;
mod connect;
mod definitions;
mod references;
mod requests;

use connect::{connect, save_latest_tokens, HttpClients};
use definitions::{read_missing_definitions, DefinitionsGate};
use references::{directory_object, referenced_ids, DIRECTORY_READ};
use requests::{
    apply, detail_url, items_of, list_url, means_none, objects_of, settings_short_of_count,
    Location, ALL_SETTINGS,
};

/// How to sync.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Tenants synced at the same time; 0 (the default): chosen from the work and the machine
    /// ([`auto_concurrency`]).
    pub concurrency: usize,
    pub cancel: CancellationToken,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            concurrency: 0,
            cancel: CancellationToken::new(),
        }
    }
}

/// The most tenants synced side by side, whatever the machine.
pub const MAX_CONCURRENCY: usize = 64;
/// Tenants reading Intune per core: a tenant's sync mostly waits on Graph (and Graph paces each
/// tenant on its own, so more tenants side by side never spend one tenant's throttling budget
/// faster), so a core keeps many busy; parsing, hashing and writing are what use it, and each
/// holds its configuration in memory until committed. Measured (100 tenants × 300 objects, 20 ms
/// latency, 2 cores, `benches/sync.rs`, simulator in the same process, four tenants started per
/// tenant reading): 12 per core took 6.3 s for the first sync and 4.5 s for an unchanged re-sync,
/// the process's memory peaking about 200 MB above where it started; 16 per core 6.6 s and 4.6 s
/// with 280 MB — past a dozen per core, more tenants only hold more memory.
const TENANTS_PER_CORE: usize = 12;
/// What one tenant in flight may hold at its peak: its listed objects and details until they are
/// committed, and the `$batch` answers being read (a 3,000-object tenant's whole capture is about
/// 40 MB of JSON; a few hundred objects, a few MB).
const TENANT_MEMORY_BUDGET: u64 = 48 * 1024 * 1024;

/// Tenants that may have started (signed in, reading their Entra lists, waiting on Conditional
/// Access's pacing — one request a second per tenant, so at least a second each) per tenant
/// reading Intune: they hold little memory and no CPU while they wait. Reading the Entra lists
/// beside the Intune ones instead left every tenant holding its Intune configuration for that
/// second: 7.7 s and 6.8 s where this takes 6.3 s and 4.5 s.
const STARTED_PER_READING: usize = 4;

/// How many tenants to sync side by side: all of them, up to [`TENANTS_PER_CORE`] per core, up to
/// what a quarter of the memory available now holds at [`TENANT_MEMORY_BUDGET`] each, and at most
/// [`MAX_CONCURRENCY`]. Per-tenant pacing (`graph::client::pacing`) keeps each tenant below
/// Microsoft's limits however many run.
pub fn auto_concurrency(tenants: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let by_memory = available_memory().map_or(MAX_CONCURRENCY, |bytes| {
        (bytes / 4 / TENANT_MEMORY_BUDGET) as usize
    });
    tenants
        .min(cores.saturating_mul(TENANTS_PER_CORE))
        .min(by_memory)
        .clamp(1, MAX_CONCURRENCY)
}

/// Memory the system can give without swapping (`MemAvailable`), where the system says.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// One tenant's sync run, as `sync --json` reports it.
#[derive(Clone, Debug, Serialize)]
pub struct SyncSummary {
    pub id: String,
    pub tenant: String,
    pub tenant_name: String,
    /// `succeeded`, `partial` or `failed`; `skipped` (with a note in `warnings`, and no run) for
    /// a tenant imported from a snapshot bundle in a sync of all tenants.
    pub status: String,
    pub objects: u64,
    pub versions_added: u64,
    pub deleted: u64,
    pub requests: u64,
    pub graph_calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub duration_ms: u64,
    pub counts: BTreeMap<String, u64>,
    pub skipped: Vec<String>,
    pub errors: Vec<Value>,
    /// What went wrong without making the snapshot incomplete (setting names that could not be
    /// read); the run still succeeds.
    pub warnings: Vec<String>,
}

impl SyncSummary {
    /// A run of a tenant with nothing counted yet.
    fn new(run_id: &str, tenant: &TenantRecord, status: &str) -> Self {
        SyncSummary {
            id: run_id.to_string(),
            tenant: tenant.id.clone(),
            tenant_name: tenant.name.clone(),
            status: status.to_string(),
            objects: 0,
            versions_added: 0,
            deleted: 0,
            requests: 0,
            graph_calls: 0,
            retries: 0,
            throttled: 0,
            duration_ms: 0,
            counts: BTreeMap::new(),
            skipped: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

pub type Progress = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

impl Engine {
    /// Syncs the given tenants (all that are not archived when empty), concurrently.
    pub async fn sync(
        &self,
        tenants: &[String],
        options: SyncOptions,
        progress: Progress,
    ) -> Result<Vec<SyncSummary>, EngineError> {
        let all = self.workspace.list_tenants().await?;
        let selected: Vec<TenantRecord> = if tenants.is_empty() {
            all.into_iter()
                .filter(|t| t.state != TenantState::Archived)
                .collect()
        } else {
            let mut out = Vec::new();
            for wanted in tenants {
                let found = all
                    .iter()
                    .find(|t| t.id.eq_ignore_ascii_case(wanted) || t.domain.eq_ignore_ascii_case(wanted))
                    .ok_or_else(|| EngineError::not_found(format!("no tenant '{wanted}' in this workspace; run `tenantatlas tenant list` to see them")))?;
                out.push(found.clone());
            }
            out
        };
        if selected.is_empty() {
            return Err(EngineError::not_found(
                "no tenants to sync; connect one with `tenantatlas tenant add DOMAIN`",
            ));
        }
        // Tenants imported from a snapshot bundle have no sign-in: asked for by name, the sync
        // refuses; in a sync of all tenants each is skipped with a note, never failing the run.
        let imported: std::collections::HashSet<String> = self
            .workspace
            .offline_tenants()
            .await?
            .into_iter()
            .map(|o| o.tenant_id)
            .collect();
        if !tenants.is_empty() {
            if let Some(tenant) = selected.iter().find(|t| imported.contains(&t.id)) {
                return Err(crate::ops::exchange::cannot_sync(tenant));
            }
        }
        // One sync at a time per workspace; runs left behind by processes that died since the
        // workspace was opened are recorded as interrupted first.
        let _lock = lock_workspace(self.workspace.dir())?;
        self.workspace.mark_abandoned_runs_interrupted().await?;
        let concurrency = match options.concurrency {
            0 => auto_concurrency(selected.len()),
            n => n,
        };
        tracing::info!(tenants = selected.len(), concurrency, "sync started");
        // Two admissions: a tenant starts (signs in, reads its v1.0 lists — Entra, paced by
        // Conditional Access's one request a second) among many, and reads Intune's lists and
        // details, which hold its configuration in memory until committed, among `concurrency`.
        // A tenant waiting on Conditional Access's pacing holds little and no place of the few.
        let semaphore = Arc::new(tokio::sync::Semaphore::new(
            concurrency.saturating_mul(STARTED_PER_READING).max(1),
        ));
        let heavy = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let definitions = Arc::new(DefinitionsGate::default());
        let clients = Arc::new(HttpClients::default());
        let mut tasks = tokio::task::JoinSet::new();
        let mut results = Vec::new();
        for (index, tenant) in selected.into_iter().enumerate() {
            if imported.contains(&tenant.id) {
                let mut summary = SyncSummary::new("", &tenant, "skipped");
                summary
                    .warnings
                    .push(crate::ops::exchange::SKIPPED_NOTE.to_string());
                results.push((index, summary));
                continue;
            }
            let workspace = self.workspace.clone();
            let semaphore = semaphore.clone();
            let heavy = heavy.clone();
            let definitions = definitions.clone();
            let clients = clients.clone();
            let cancel = options.cancel.clone();
            let progress = progress.clone();
            // Every log line of the tenant's run, Graph requests included, names run and tenant.
            let span =
                tracing::info_span!("sync", tenant = %tenant.id, run = tracing::field::Empty);
            tasks.spawn(
                async move {
                    let _permit = semaphore.acquire_owned().await;
                    (
                        index,
                        sync_tenant(
                            &workspace,
                            &tenant,
                            &clients,
                            &heavy,
                            cancel,
                            progress,
                            &definitions,
                        )
                        .await,
                    )
                }
                .instrument(span),
            );
        }
        while let Some(joined) = tasks.join_next().await {
            let (index, summary) = joined.map_err(|e| {
                EngineError::new(
                    ErrorCode::Workspace,
                    format!("a sync task stopped unexpectedly: {e}"),
                )
            })?;
            results.push((index, summary));
        }
        results.sort_by_key(|(i, _)| *i);
        Ok(results.into_iter().map(|(_, s)| s).collect())
    }
}

/// Takes the workspace's sync lock (released when the file is dropped, also when the process dies).
fn lock_workspace(
    dir: &std::path::Path,
) -> Result<tenantatlas_store::lock::LockGuard, EngineError> {
    Ok(tenantatlas_store::lock::acquire(
        &dir.join(tenantatlas_store::lock::SYNC_LOCK),
        "sync",
        "another sync is running in this workspace",
        std::time::Duration::ZERO,
    )?)
}

/// The granted scopes recorded for a tenant.
fn granted(tenant: &TenantRecord) -> Vec<String> {
    tenant.granted_scopes.clone()
}

/// Syncs one tenant as one run. Never returns an error: failures end the run as `failed`.
async fn sync_tenant(
    workspace: &tenantatlas_store::Workspace,
    tenant: &TenantRecord,
    clients: &HttpClients,
    heavy: &tokio::sync::Semaphore,
    cancel: CancellationToken,
    progress: Progress,
    definitions: &DefinitionsGate,
) -> SyncSummary {
    let started = Instant::now();
    let run_id = match workspace.start_run("sync", Some(&tenant.id)).await {
        Ok(id) => id,
        Err(e) => {
            let mut summary = SyncSummary::new("", tenant, "failed");
            summary.errors.push(json!({"message": e.to_string()}));
            return summary;
        }
    };
    tracing::Span::current().record("run", tracing::field::display(&run_id));
    let granted = granted(tenant);
    let (readable, unreadable): (Vec<&'static ObjectKind>, Vec<&'static ObjectKind>) =
        REGISTRY.iter().partition(|k| k.readable_with(&granted));
    progress(ProgressEvent::SyncStarted {
        tenant: tenant.id.clone(),
        name: tenant.name.clone(),
        steps: readable.len() as u64,
    });
    tracing::info!(
        kinds = readable.len(),
        skipped_kinds = unreadable.len(),
        "sync started"
    );
    let mut summary = SyncSummary::new(&run_id, tenant, "running");
    summary.skipped = unreadable
        .iter()
        .map(|k| format!("{}: needs one of {}", k.key, k.read_scopes.join(", ")))
        .collect();

    let outcome = match connect(workspace, tenant, clients, cancel).await {
        Ok((client, latest)) => {
            let outcome = capture(
                workspace,
                &client,
                tenant,
                &readable,
                &progress,
                &mut summary,
                definitions,
                heavy,
            )
            .await;
            drop(client);
            if let Err(e) = save_latest_tokens(workspace, &tenant.id, &latest).await {
                summary.errors.push(
                    json!({"message": format!("the refreshed sign-in could not be saved: {e}")}),
                );
            }
            outcome
        }
        Err(e) => Err(e),
    };
    match outcome {
        // The place among the tenants reading Intune is kept until the snapshot is committed.
        Ok((objects, names, _reading)) => {
            if !names.is_empty() {
                if let Err(e) = workspace.upsert_directory_objects(&tenant.id, &names).await {
                    summary.errors.push(
                        json!({"message": format!("group and user names could not be saved: {e}")}),
                    );
                }
            }
            // A kind that failed, or was skipped after all (break-glass accounts without what
            // they are described from), is incomplete: none of its objects is marked deleted.
            let complete: Vec<&str> = readable
                .iter()
                .filter(|k| !summary.errors.iter().any(|e| e["kind"] == k.key))
                .filter(|k| {
                    !summary
                        .skipped
                        .iter()
                        .any(|s| s.split(':').next() == Some(k.key))
                })
                .map(|k| k.key)
                .collect();
            match workspace
                .commit_snapshot(&tenant.id, &run_id, &objects, &complete)
                .await
            {
                Ok(snapshot) => {
                    summary.objects = snapshot.objects;
                    summary.versions_added = snapshot.versions_added;
                    summary.deleted = snapshot.deleted;
                    summary.status = if summary.errors.is_empty() && summary.skipped.is_empty() {
                        "succeeded".into()
                    } else {
                        "partial".into()
                    };
                }
                Err(e) => {
                    summary
                        .errors
                        .push(json!({"message": format!("the snapshot could not be saved: {e}")}));
                    summary.status = "failed".into();
                }
            }
        }
        Err(e) => {
            summary.errors.push(json!({"message": e.message}));
            summary.status = "failed".into();
        }
    }
    summary.duration_ms = started.elapsed().as_millis() as u64;
    if summary.status != "failed" && tenant.state == TenantState::Onboarding {
        // The first sync that captured something completes onboarding.
        if let Err(e) = workspace
            .set_tenant_state(&tenant.id, TenantState::Active)
            .await
        {
            summary
                .errors
                .push(json!({"message": format!("the tenant could not be marked active: {e}")}));
        }
    }
    if let Err(e) = record_run(workspace, &summary).await {
        summary
            .errors
            .push(json!({"message": format!("the run could not be recorded: {e}")}));
    }
    // Counts and figures only: error and warning texts can quote Graph and name objects.
    tracing::info!(
        status = %summary.status,
        objects = summary.objects,
        versions_added = summary.versions_added,
        deleted = summary.deleted,
        requests = summary.requests,
        graph_calls = summary.graph_calls,
        retries = summary.retries,
        throttled = summary.throttled,
        errors = summary.errors.len(),
        warnings = summary.warnings.len(),
        ms = summary.duration_ms,
        "sync finished"
    );
    progress(ProgressEvent::SyncFinished {
        tenant: tenant.id.clone(),
        status: summary.status.clone(),
    });
    summary
}

/// Writes the finished run into the workspace.
async fn record_run(
    workspace: &tenantatlas_store::Workspace,
    summary: &SyncSummary,
) -> Result<(), EngineError> {
    let mut record = workspace.get_run(&summary.id).await?.ok_or_else(|| {
        EngineError::not_found(format!("run {} vanished from the workspace", summary.id))
    })?;
    record.status = match summary.status.as_str() {
        "succeeded" => RunStatus::Succeeded,
        "partial" => RunStatus::Partial,
        _ => RunStatus::Failed,
    };
    record.duration_ms = Some(summary.duration_ms);
    record.counts = summary.counts.clone();
    record.objects = summary.objects;
    record.versions_added = summary.versions_added;
    record.requests = summary.requests;
    record.graph_calls = summary.graph_calls;
    record.retries = summary.retries;
    record.throttled = summary.throttled;
    record.errors = summary
        .errors
        .iter()
        .map(|e| RunError {
            kind: e["kind"].as_str().map(str::to_string),
            message: e["message"].as_str().unwrap_or("").to_string(),
            request_id: e["request_id"].as_str().map(str::to_string),
            status: e["status"].as_u64().map(|s| s as u16),
        })
        .chain(summary.skipped.iter().map(|s| RunError {
            kind: s.split(':').next().map(str::to_string),
            message: format!("skipped {s}"),
            request_id: None,
            status: None,
        }))
        .chain(summary.warnings.iter().map(|w| RunError {
            kind: None,
            message: format!("warning: {w}"),
            request_id: None,
            status: None,
        }))
        .collect();
    workspace.finish_run(&record).await?;
    Ok(())
}

/// Reads everything readable; per-kind failures are recorded in `summary.errors` and leave that
/// kind out of the snapshot's complete kinds.
#[allow(clippy::too_many_arguments)]
async fn capture<'h>(
    workspace: &tenantatlas_store::Workspace,
    client: &GraphClient,
    tenant: &TenantRecord,
    readable: &[&'static ObjectKind],
    progress: &Progress,
    summary: &mut SyncSummary,
    definitions: &DefinitionsGate,
    heavy: &'h tokio::sync::Semaphore,
) -> Result<
    (
        Vec<CapturedObject>,
        Vec<DirectoryObject>,
        Option<tokio::sync::SemaphorePermit<'h>>,
    ),
    EngineError,
> {
    let mut captured = Vec::new();

    // The break-glass accounts the MSP named for this tenant, read with the lists.
    let break_glass_kind = readable.iter().copied().find(|k| k.is_named());
    let break_glass_names = match break_glass_kind {
        Some(_) => workspace.break_glass_accounts(&tenant.id).await?,
        None => Vec::new(),
    };
    let mut accounts: Vec<break_glass::Account> = break_glass_names
        .iter()
        .map(|_| break_glass::Account::default())
        .collect();

    // 1. Every list, batched per API version; 2. then each kind's per-object details, level by
    // level.
    let mut lists: Vec<(&'static ObjectKind, Vec<Value>)> = Vec::new();
    let requests_of = |version: ApiVersion| -> Vec<BatchGet> {
        let mut requests: Vec<BatchGet> = readable
            .iter()
            .filter(|k| k.version == version && !k.is_named())
            .map(|k| BatchGet {
                id: k.key.to_string(),
                url: list_url(k),
                family: k.family,
            })
            .collect();
        if let Some(kind) = break_glass_kind.filter(|k| k.version == version) {
            requests.extend(break_glass::requests(kind, &break_glass_names));
        }
        requests
    };
    // The v1.0 lists first (Entra: small, but paced by Conditional Access), then, with a place
    // among the tenants reading Intune, the beta lists and their details.
    let v1 = client
        .batch_get(ApiVersion::V1, requests_of(ApiVersion::V1))
        .await;
    let mut found = Lists {
        readable,
        break_glass: break_glass_kind,
        accounts: &mut accounts,
        lists: &mut lists,
        tenant,
        progress,
    };
    found.take(v1, summary)?;
    read_details(client, tenant, found.lists, 0, summary, progress).await?;
    let reading = heavy.acquire().await.ok();
    let from = found.lists.len();
    let beta = client
        .batch_get(ApiVersion::Beta, requests_of(ApiVersion::Beta))
        .await;
    found.take(beta, summary)?;
    let _ = workspace
        .heartbeat(
            &summary.id,
            &json!({"phase": "details", "kinds_read": found.lists.len()}),
        )
        .await;
    read_details(client, tenant, found.lists, from, summary, progress).await?;
    if lists.is_empty() && !readable.is_empty() {
        let first = summary
            .errors
            .first()
            .and_then(|e| e["message"].as_str())
            .unwrap_or("no kind could be read");
        return Err(EngineError::new(
            ErrorCode::Graph,
            format!("nothing could be read from {}: {first}", tenant.domain),
        ));
    }

    // The break-glass accounts, described from what the lists and details read.
    if let Some(kind) = break_glass_kind {
        let failed = |key: &str| summary.errors.iter().any(|e| e["kind"] == key);
        let unreadable = break_glass::NEEDS
            .iter()
            .any(|need| !readable.iter().any(|k| k.key == *need));
        if break_glass_names.is_empty() {
            // None named: read completely, and there are none.
            lists.push((kind, Vec::new()));
        } else if unreadable {
            // Consent does not cover what an account is described from: skipped, like the kinds.
            summary.skipped.push(format!(
                "{}: the accounts are described from the Conditional Access policies and Entra role \
                 assignments, which consent does not allow reading",
                kind.key
            ));
        } else if !failed(kind.key) {
            match break_glass::describe(&break_glass_names, &accounts, &lists, &failed) {
                Some(described) => {
                    for name in &described.missing {
                        summary.warnings.push(format!(
                            "break-glass account {name} does not exist in {}; check the name with `tenantatlas tenant break-glass {}`",
                            tenant.domain, tenant.domain
                        ));
                    }
                    progress(ProgressEvent::KindRead {
                        tenant: tenant.id.clone(),
                        kind: kind.key.to_string(),
                        objects: described.objects.len() as u64,
                    });
                    lists.push((kind, described.objects));
                }
                None => summary.errors.push(json!({
                    "kind": kind.key,
                    "message": "break-glass accounts not checked: the Conditional Access policies or Entra roles they are described from could not be read completely in this sync",
                })),
            }
        }
    }

    // 3. Normalise.
    for (kind, items) in lists {
        if summary.errors.iter().any(|e| e["kind"] == kind.key) {
            // An incomplete kind is left out whole, and never marks objects deleted.
            continue;
        }
        let count = items.len() as u64;
        captured.extend(items.iter().map(|item| CapturedObject::new(kind, item)));
        summary.counts.insert(kind.key.to_string(), count);
    }

    let _ = workspace
        .heartbeat(
            &summary.id,
            &json!({"phase": "names", "objects": captured.len()}),
        )
        .await;

    // 4. Names of the groups and users the configuration refers to, in bulk.
    let ids: Vec<String> = referenced_ids(&captured).into_iter().collect();
    let mut names = Vec::new();
    if !ids.is_empty() {
        if DIRECTORY_READ.iter().any(|s| {
            tenant
                .granted_scopes
                .iter()
                .any(|g| g.eq_ignore_ascii_case(s))
        }) {
            for chunk in ids.chunks(1000) {
                let body = json!({"ids": chunk, "types": ["group", "user"]});
                match client
                    .post_json(
                        ApiVersion::V1,
                        "directoryObjects/getByIds",
                        &body,
                        ThrottleFamily::Directory,
                    )
                    .await
                {
                    Ok(found) => names.extend(items_of(found).iter().filter_map(directory_object)),
                    Err(e) => summary.errors.push(json!({
                        "message": format!("group and user names could not be read: {e}"),
                        "status": e.status(),
                        "request_id": e.request_id(),
                    })),
                }
            }
        } else {
            summary.skipped.push(format!(
                "group and user names: needs one of {}",
                DIRECTORY_READ.join(", ")
            ));
        }
    }

    // 5. Settings catalog definitions no sync has read yet, for friendly setting names.
    summary
        .warnings
        .extend(read_missing_definitions(workspace, client, &captured, definitions).await);

    let figures = client.counters();
    summary.requests = figures.requests;
    summary.graph_calls = figures.graph_calls;
    summary.retries = figures.retries;
    summary.throttled = figures.throttled;
    Ok((captured, names, reading))
}

/// Where list answers go: the kinds' items into `lists`, the break-glass reads into `accounts`.
struct Lists<'a> {
    readable: &'a [&'static ObjectKind],
    break_glass: Option<&'static ObjectKind>,
    accounts: &'a mut Vec<break_glass::Account>,
    lists: &'a mut Vec<(&'static ObjectKind, Vec<Value>)>,
    tenant: &'a TenantRecord,
    progress: &'a Progress,
}

impl Lists<'_> {
    /// Takes one `$batch` of list answers; a sign-in that no longer works ends the run.
    fn take(
        &mut self,
        answers: Vec<(String, Result<Value, client::GraphError>)>,
        summary: &mut SyncSummary,
    ) -> Result<(), EngineError> {
        for (id, result) in answers {
            if let Some(kind) = self
                .break_glass
                .filter(|_| break_glass::is_break_glass(&id))
            {
                match break_glass::answer(self.accounts, &id, result) {
                    None => {}
                    Some(e @ client::GraphError::Auth(_)) => return Err(EngineError::from(e)),
                    Some(e) if !summary.errors.iter().any(|x| x["kind"] == kind.key) => {
                        summary.errors.push(kind_error(kind, &e));
                    }
                    Some(_) => {}
                }
                continue;
            }
            let kind = self
                .readable
                .iter()
                .find(|k| k.key == id && !k.is_named())
                .copied()
                .expect("answers name their request");
            match result.map(|body| objects_of(kind, body)) {
                Ok(items) => {
                    (self.progress)(ProgressEvent::KindRead {
                        tenant: self.tenant.id.clone(),
                        kind: kind.key.to_string(),
                        objects: items.len() as u64,
                    });
                    self.lists.push((kind, items));
                }
                // A sign-in that no longer works fails the whole run with one message, not every kind.
                Err(e @ client::GraphError::Auth(_)) => return Err(EngineError::from(e)),
                // A singleton the tenant never set up: read completely, and there is none.
                Err(e) if means_none(kind, e.status()) => {
                    (self.progress)(ProgressEvent::KindRead {
                        tenant: self.tenant.id.clone(),
                        kind: kind.key.to_string(),
                        objects: 0,
                    });
                    self.lists.push((kind, Vec::new()));
                }
                Err(e) => summary.errors.push(kind_error(kind, &e)),
            }
        }
        Ok(())
    }
}

/// Reads the per-object details of the kinds `lists[from..]`, batched, level by level.
async fn read_details(
    client: &GraphClient,
    tenant: &TenantRecord,
    lists: &mut [(&'static ObjectKind, Vec<Value>)],
    from: usize,
    summary: &mut SyncSummary,
    progress: &Progress,
) -> Result<(), EngineError> {
    let mut reads: Vec<Read> = Vec::new();
    for (slot, (kind, items)) in lists.iter().enumerate().skip(from) {
        for (object, item) in items.iter().enumerate() {
            for detail in kind.details {
                reads.push(Read {
                    slot,
                    object,
                    location: Vec::new(),
                    detail,
                });
            }
            if settings_short_of_count(item).is_some() {
                // The list's expanded settings fell short of the policy's own count: read them all.
                reads.push(Read {
                    slot,
                    object,
                    location: Vec::new(),
                    detail: &ALL_SETTINGS,
                });
            }
        }
    }
    let mut done = 0u64;
    while !reads.is_empty() {
        let total = done + reads.len() as u64;
        let mut next = Vec::new();
        for version in [ApiVersion::Beta, ApiVersion::V1] {
            // Indexes into `reads` (not references: the batch below is awaited).
            let mut requests = Vec::new();
            for (n, read) in reads.iter().enumerate() {
                let (kind, items) = &lists[read.slot];
                if kind.version != version {
                    continue;
                }
                if let Some(url) =
                    detail_url(kind, &items[read.object], &read.location, read.detail)
                {
                    requests.push(BatchGet {
                        id: n.to_string(),
                        url,
                        family: kind.family,
                    });
                }
            }
            if requests.is_empty() {
                continue;
            }
            for (id, result) in client.batch_get(version, requests).await {
                let read = &reads[id.parse::<usize>().expect("ids are indexes")];
                let (kind, items) = &mut lists[read.slot];
                match result {
                    Ok(answer) => {
                        let more =
                            apply(&mut items[read.object], &read.location, read.detail, answer);
                        for (location, detail) in more {
                            next.push(Read {
                                slot: read.slot,
                                object: read.object,
                                location,
                                detail,
                            });
                        }
                    }
                    Err(e @ client::GraphError::Auth(_)) => return Err(EngineError::from(e)),
                    Err(e) => {
                        if !summary.errors.iter().any(|x| x["kind"] == kind.key) {
                            summary.errors.push(kind_error(kind, &e));
                        }
                    }
                }
                done += 1;
                if done.is_multiple_of(20) || done == total {
                    progress(ProgressEvent::DetailsRead {
                        tenant: tenant.id.clone(),
                        done,
                        total,
                    });
                }
            }
        }
        reads = next;
    }
    Ok(())
}

/// One per-object read still to send: about which object of which listed kind, where inside it the
/// answer goes, and what to ask.
struct Read {
    /// Index into the sync's lists.
    slot: usize,
    /// Index of the object in its kind's list.
    object: usize,
    location: Location,
    detail: &'static Detail,
}

fn kind_error(kind: &ObjectKind, error: &client::GraphError) -> Value {
    json!({
        "kind": kind.key,
        "message": error.to_string(),
        "status": error.status(),
        "request_id": error.request_id(),
    })
}

#[cfg(test)]
mod concurrency_tests {
    use super::*;

    #[test]
    fn the_chosen_concurrency_is_bounded_by_the_work_and_the_limit() {
        assert_eq!(auto_concurrency(0), 1);
        assert_eq!(auto_concurrency(1), 1);
        let many = auto_concurrency(10_000);
        assert!((1..=MAX_CONCURRENCY).contains(&many), "{many}");
        assert!(auto_concurrency(3) <= 3);
    }
}
