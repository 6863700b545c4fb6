//! Sync: capture tenants' configuration into new snapshots, with the fewest Graph requests the
//! service allows, each tenant as its own run.
//!
//! Per tenant: every readable kind's list (with `$expand` of what lists can carry) goes out in
//! `$batch` groups of 20, paged to the end; then per-object details (script bodies, ADMX values,
//! app protection navigations…) in `$batch` groups of 20; then the snapshot is committed in one
//! transaction. Kinds the granted permissions do not allow reading are skipped and reported, never
//! failed — and never marked deleted. Tenants run concurrently; one slow or failing tenant never
//! stalls the others.

use crate::{Engine, EngineError, ErrorCode, ProgressEvent};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use tenantatlas_core::kinds::ThrottleFamily;
use tenantatlas_core::kinds::{Detail, ObjectKind, REGISTRY};
use tenantatlas_core::{ApiVersion, CapturedObject};
use tenantatlas_graph::auth::{TokenRefresher, TokenSet};
use tenantatlas_graph::client::{self, BatchGet, ClientConfig, GraphClient};
use tenantatlas_store::{DirectoryObject, RunError, RunStatus, TenantRecord, TenantState};
use tokio_util::sync::CancellationToken;

/// How to sync.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// Tenants synced at the same time.
    pub concurrency: usize,
    pub cancel: CancellationToken,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            concurrency: 8,
            cancel: CancellationToken::new(),
        }
    }
}

/// One tenant's sync run, as `sync --json` reports it.
#[derive(Clone, Debug, Serialize)]
pub struct SyncSummary {
    pub id: String,
    pub tenant: String,
    pub tenant_name: String,
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
        // One sync at a time per workspace. Holding the lock also proves that any run still marked
        // running was left behind by a process that stopped: it is recorded as interrupted.
        let _lock = lock_workspace(self.workspace.dir())?;
        self.workspace
            .mark_stale_runs_interrupted(std::time::Duration::ZERO)
            .await?;
        let semaphore = Arc::new(tokio::sync::Semaphore::new(options.concurrency.max(1)));
        let mut tasks = tokio::task::JoinSet::new();
        for (index, tenant) in selected.into_iter().enumerate() {
            let workspace = self.workspace.clone();
            let semaphore = semaphore.clone();
            let cancel = options.cancel.clone();
            let progress = progress.clone();
            tasks.spawn(async move {
                let _permit = semaphore.acquire_owned().await;
                (
                    index,
                    sync_tenant(&workspace, &tenant, cancel, progress).await,
                )
            });
        }
        let mut results = Vec::new();
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
fn lock_workspace(dir: &std::path::Path) -> Result<std::fs::File, EngineError> {
    let path = dir.join("sync.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            EngineError::new(
                ErrorCode::Workspace,
                format!("cannot open {}: {e}", path.display()),
            )
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(EngineError::new(
            ErrorCode::Workspace,
            "another sync is running in this workspace; wait for it to finish",
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(EngineError::new(
            ErrorCode::Workspace,
            format!("cannot lock {}: {e}", path.display()),
        )),
    }
}

/// The granted scopes recorded for a tenant.
fn granted(tenant: &TenantRecord) -> Vec<String> {
    tenant.granted_scopes.clone()
}

/// Syncs one tenant as one run. Never returns an error: failures end the run as `failed`.
async fn sync_tenant(
    workspace: &tenantatlas_store::Workspace,
    tenant: &TenantRecord,
    cancel: CancellationToken,
    progress: Progress,
) -> SyncSummary {
    let started = Instant::now();
    let run_id = match workspace.start_run("sync", Some(&tenant.id)).await {
        Ok(id) => id,
        Err(e) => {
            return SyncSummary {
                id: String::new(),
                tenant: tenant.id.clone(),
                tenant_name: tenant.name.clone(),
                status: "failed".into(),
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
                errors: vec![json!({"message": e.to_string()})],
            }
        }
    };
    let granted = granted(tenant);
    let (readable, unreadable): (Vec<&'static ObjectKind>, Vec<&'static ObjectKind>) =
        REGISTRY.iter().partition(|k| k.readable_with(&granted));
    progress(ProgressEvent::SyncStarted {
        tenant: tenant.id.clone(),
        name: tenant.name.clone(),
        steps: readable.len() as u64,
    });
    let mut summary = SyncSummary {
        id: run_id.clone(),
        tenant: tenant.id.clone(),
        tenant_name: tenant.name.clone(),
        status: "running".into(),
        objects: 0,
        versions_added: 0,
        deleted: 0,
        requests: 0,
        graph_calls: 0,
        retries: 0,
        throttled: 0,
        duration_ms: 0,
        counts: BTreeMap::new(),
        skipped: unreadable
            .iter()
            .map(|k| format!("{}: needs one of {}", k.key, k.read_scopes.join(", ")))
            .collect(),
        errors: Vec::new(),
    };

    let outcome = match connect(workspace, tenant, cancel).await {
        Ok((client, latest)) => {
            let outcome = capture(
                workspace,
                &client,
                tenant,
                &readable,
                &progress,
                &mut summary,
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
        Ok((objects, names)) => {
            if !names.is_empty() {
                if let Err(e) = workspace.upsert_directory_objects(&tenant.id, &names).await {
                    summary.errors.push(
                        json!({"message": format!("group and user names could not be saved: {e}")}),
                    );
                }
            }
            let complete: Vec<&str> = readable
                .iter()
                .filter(|k| !summary.errors.iter().any(|e| e["kind"] == k.key))
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
        .collect();
    workspace.finish_run(&record).await?;
    Ok(())
}

/// Reads everything readable; per-kind failures are recorded in `summary.errors` and leave that
/// kind out of the snapshot's complete kinds.
async fn capture(
    workspace: &tenantatlas_store::Workspace,
    client: &GraphClient,
    tenant: &TenantRecord,
    readable: &[&'static ObjectKind],
    progress: &Progress,
    summary: &mut SyncSummary,
) -> Result<(Vec<CapturedObject>, Vec<DirectoryObject>), EngineError> {
    let mut captured = Vec::new();

    // 1. Every list, batched per API version.
    let mut lists: Vec<(&'static ObjectKind, Vec<Value>)> = Vec::new();
    for version in [ApiVersion::Beta, ApiVersion::V1] {
        let kinds: Vec<&'static ObjectKind> = readable
            .iter()
            .copied()
            .filter(|k| k.version == version)
            .collect();
        if kinds.is_empty() {
            continue;
        }
        let requests = kinds
            .iter()
            .map(|k| BatchGet {
                id: k.key.to_string(),
                url: list_url(k),
                family: k.family,
            })
            .collect();
        for (id, result) in client.batch_get(version, requests).await {
            let kind = kinds
                .iter()
                .find(|k| k.key == id)
                .copied()
                .expect("answers name their request");
            match result.map(items_of) {
                Ok(items) => {
                    progress(ProgressEvent::KindRead {
                        tenant: tenant.id.clone(),
                        kind: kind.key.to_string(),
                        objects: items.len() as u64,
                    });
                    lists.push((kind, items));
                }
                // A sign-in that no longer works fails the whole run with one message, not every kind.
                Err(e @ client::GraphError::Auth(_)) => return Err(EngineError::from(e)),
                Err(e) => summary.errors.push(kind_error(kind, &e)),
            }
        }
    }
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

    // The run shows where it is while it runs (and proves it is alive).
    let _ = workspace
        .heartbeat(
            &summary.id,
            &json!({"phase": "details", "kinds_read": lists.len()}),
        )
        .await;

    // 2. Per-object details, batched.
    let mut details = Vec::new();
    for (kind, items) in &lists {
        for (index, item) in items.iter().enumerate() {
            if let Some(url) = detail_url(kind, item) {
                details.push((kind.key, index, url, kind.family));
            }
        }
    }
    let total = details.len() as u64;
    let mut detail_results: BTreeMap<(String, usize), Value> = BTreeMap::new();
    if !details.is_empty() {
        let requests = details
            .iter()
            .map(|(kind, index, url, family)| BatchGet {
                id: format!("{kind}:{index}"),
                url: url.clone(),
                family: *family,
            })
            .collect();
        let mut done = 0u64;
        for (id, result) in client.batch_get(ApiVersion::Beta, requests).await {
            let (kind_key, index) = id.split_once(':').expect("ids are kind:index");
            let index: usize = index.parse().expect("ids are kind:index");
            match result {
                Ok(value) => {
                    detail_results.insert((kind_key.to_string(), index), value);
                }
                Err(e) => {
                    let kind = tenantatlas_core::kinds::by_key(kind_key).expect("registry kind");
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

    // 3. Merge and normalise.
    for (kind, items) in lists {
        if summary.errors.iter().any(|e| e["kind"] == kind.key) {
            continue;
        }
        let mut count = 0u64;
        for (index, mut item) in items.into_iter().enumerate() {
            if let Some(id) = settings_short_of_count(&item) {
                // The list's expanded settings fell short of the policy's own count: read them all.
                let url = format!("{}/{}/settings", kind.collection, id);
                match client.get_all(kind.version, &url, kind.family).await {
                    Ok(settings) => item["settings"] = Value::Array(settings),
                    Err(e) => {
                        summary.errors.push(kind_error(kind, &e));
                        break;
                    }
                }
            }
            let full = match (
                kind.detail,
                detail_results.remove(&(kind.key.to_string(), index)),
            ) {
                (Detail::None, _) => item,
                (Detail::Get(_), Some(detail)) => merge_get(item, detail),
                (Detail::Child { nav, .. }, Some(children)) => with_child(item, nav, children),
                (_, None) => item,
            };
            captured.push(CapturedObject::new(kind, &full));
            count += 1;
        }
        if summary.errors.iter().any(|e| e["kind"] == kind.key) {
            // An incomplete kind is left out whole, and never marks objects deleted.
            captured.retain(|c| c.kind != kind.key);
            continue;
        }
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

    let figures = client.counters();
    summary.requests = figures.requests;
    summary.graph_calls = figures.graph_calls;
    summary.retries = figures.retries;
    summary.throttled = figures.throttled;
    Ok((captured, names))
}

/// The id of a settings catalog policy whose listed `settings` are fewer than its `settingCount`.
fn settings_short_of_count(item: &Value) -> Option<String> {
    let expected = item.get("settingCount")?.as_u64()?;
    let listed = item
        .get("settings")
        .and_then(Value::as_array)
        .map_or(0, Vec::len) as u64;
    if listed < expected {
        item["id"].as_str().map(str::to_string)
    } else {
        None
    }
}

/// Permissions that allow `directoryObjects/getByIds`.
const DIRECTORY_READ: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];

/// Ids of directory objects (groups, users) the captured configuration refers to: assignment
/// targets' `groupId`, conditional access include/exclude lists, Intune role assignments' member
/// and scope groups, and compliance notifications' CC groups.
pub(crate) fn referenced_ids(objects: &[CapturedObject]) -> std::collections::BTreeSet<String> {
    fn walk(value: &Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("groupId", Value::String(id)) if is_guid(id) => {
                            out.insert(id.to_ascii_lowercase());
                        }
                        (
                            "includeGroups"
                            | "excludeGroups"
                            | "includeUsers"
                            | "excludeUsers"
                            | "members"
                            | "resourceScopes"
                            | "notificationMessageCCList",
                            Value::Array(ids),
                        ) => {
                            out.extend(
                                ids.iter()
                                    .filter_map(Value::as_str)
                                    .filter(|id| is_guid(id))
                                    .map(str::to_ascii_lowercase),
                            );
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for o in objects {
        walk(&o.content, &mut out);
    }
    out
}

fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// A `getByIds` result as the workspace keeps it.
fn directory_object(value: &Value) -> Option<DirectoryObject> {
    Some(DirectoryObject {
        object_id: value["id"].as_str()?.to_ascii_lowercase(),
        object_type: value["@odata.type"]
            .as_str()
            .unwrap_or("#microsoft.graph.directoryObject")
            .trim_start_matches("#microsoft.graph.")
            .to_string(),
        display_name: value["displayName"].as_str().unwrap_or("").to_string(),
    })
}

fn kind_error(kind: &ObjectKind, error: &client::GraphError) -> Value {
    json!({
        "kind": kind.key,
        "message": error.to_string(),
        "status": error.status(),
        "request_id": error.request_id(),
    })
}

/// The items of a collection response (the client has already followed every page).
fn items_of(body: Value) -> Vec<Value> {
    match body {
        Value::Object(mut map) => match map.remove("value") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// The list request of a kind (relative to the version root).
pub(crate) fn list_url(kind: &ObjectKind) -> String {
    if kind.list_query.is_empty() {
        kind.collection.to_string()
    } else {
        format!("{}?{}", kind.collection, kind.list_query)
    }
}

/// The per-object request of a kind, if it needs one.
pub(crate) fn detail_url(kind: &ObjectKind, item: &Value) -> Option<String> {
    let id = item.get("id").and_then(Value::as_str)?;
    let id =
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string();
    match kind.detail {
        Detail::None => None,
        Detail::Get("") => Some(format!("{}/{id}", kind.collection)),
        Detail::Get(query) => Some(format!("{}/{id}?{query}", kind.collection)),
        Detail::Child { nav, query: "" } => Some(format!("{}/{id}/{nav}", kind.collection)),
        Detail::Child { nav, query } => Some(format!("{}/{id}/{nav}?{query}", kind.collection)),
    }
}

/// The GET by id wins over the list's copy, but keeps what only the list had (an `$expand`).
fn merge_get(list_item: Value, detail: Value) -> Value {
    match (list_item, detail) {
        (Value::Object(mut list), Value::Object(detail)) => {
            for (k, v) in detail {
                list.insert(k, v);
            }
            Value::Object(list)
        }
        (_, detail) => detail,
    }
}

/// Stores a child collection under its navigation name.
fn with_child(item: Value, nav: &str, children: Value) -> Value {
    let items = match children {
        Value::Array(items) => Value::Array(items),
        Value::Object(mut map) => map.remove("value").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    match item {
        Value::Object(mut map) => {
            map.insert(nav.to_string(), items);
            Value::Object(map)
        }
        other => other,
    }
}

/// A Graph client for a tenant, signed in with its stored tokens; rotated refresh tokens are
/// saved as soon as they arrive.
async fn connect(
    workspace: &tenantatlas_store::Workspace,
    tenant: &TenantRecord,
    cancel: CancellationToken,
) -> Result<(GraphClient, LatestTokens), EngineError> {
    let stored = workspace.load_tokens(&tenant.id).await?.ok_or_else(|| {
        EngineError::new(
            ErrorCode::Auth,
            format!(
                "{} is not signed in; run `tenantatlas tenant add {}`",
                tenant.domain, tenant.domain
            ),
        )
    })?;
    let http = client::http_client(tenant.ca_cert_pem.as_deref())?;
    let config = crate::ops::tenant_add::auth_config(tenant, http.clone())?;
    let tokens = TokenSet {
        access_token: stored.access_token.clone().unwrap_or_default(),
        expires_at: stored.access_expires_at.unwrap_or(0).max(0) as u64,
        refresh_token: Some(stored.refresh_token.clone()),
        granted_scopes: tenant.granted_scopes.clone(),
        tenant_id: tenant.id.clone(),
        username: None,
    };
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<TokenSet>();
    let latest: LatestTokens = Arc::new(std::sync::Mutex::new(None));
    let latest_slot = latest.clone();
    let persist_workspace = workspace.clone();
    let tenant_id = tenant.id.clone();
    tokio::spawn(async move {
        while let Some(set) = receiver.recv().await {
            let _ = persist_workspace
                .save_tokens(&tenant_id, &crate::ops::stored_tokens(&set))
                .await;
        }
    });
    let refresher = TokenRefresher::new(
        config,
        tokens,
        Arc::new(move |set: &TokenSet| {
            if let Ok(mut slot) = latest_slot.lock() {
                *slot = Some(set.clone());
            }
            let _ = sender.send(set.clone());
        }),
    );
    let graph_base = url::Url::parse(&tenant.graph_url).map_err(|e| {
        EngineError::invalid(format!(
            "the Graph URL '{}' of {} is not a URL: {e}",
            tenant.graph_url, tenant.domain
        ))
    })?;
    let mut config = ClientConfig::new(graph_base, http, Arc::new(refresher));
    config.cancel = cancel;
    Ok((GraphClient::new(config), latest))
}

/// The newest token set a refresh produced during a run, if any.
type LatestTokens = Arc<std::sync::Mutex<Option<TokenSet>>>;

/// Saves the newest rotated tokens before the run ends. Rotations are also saved as they happen
/// (so a killed process keeps them); this makes sure the last one is stored before the process exits.
async fn save_latest_tokens(
    workspace: &tenantatlas_store::Workspace,
    tenant_id: &str,
    latest: &LatestTokens,
) -> Result<(), EngineError> {
    let newest = latest.lock().ok().and_then(|mut slot| slot.take());
    if let Some(set) = newest {
        workspace
            .save_tokens(tenant_id, &crate::ops::stored_tokens(&set))
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantatlas_core::kinds::by_key;

    #[test]
    fn list_and_detail_urls_follow_the_registry() {
        let scripts = by_key("deviceManagementScripts").unwrap();
        assert_eq!(
            list_url(scripts),
            "deviceManagement/deviceManagementScripts?$expand=assignments"
        );
        assert_eq!(
            detail_url(scripts, &json!({"id": "a b"})).unwrap(),
            "deviceManagement/deviceManagementScripts/a%20b"
        );
        let admx = by_key("groupPolicyConfigurations").unwrap();
        assert_eq!(
            detail_url(admx, &json!({"id": "x"})).unwrap(),
            "deviceManagement/groupPolicyConfigurations/x/definitionValues?$expand=definition,presentationValues($expand=presentation)"
        );
        assert_eq!(
            detail_url(by_key("deviceConfigurations").unwrap(), &json!({"id": "x"})),
            None
        );
    }

    #[test]
    fn referenced_groups_and_users_are_found_wherever_they_are() {
        let kind = by_key("conditionalAccessPolicies").unwrap();
        let g1 = "11111111-2222-3333-4444-555555555555";
        let u1 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        let ca = CapturedObject::new(
            kind,
            &json!({"id": "p", "conditions": {"users": {"includeGroups": [g1], "excludeUsers": [u1, "GuestsOrExternalUsers"], "includeUsers": ["All"]}}}),
        );
        let config = CapturedObject::new(
            by_key("deviceConfigurations").unwrap(),
            &json!({"id": "c", "assignments": [{"target": {"groupId": g1.to_uppercase()}}, {"target": {"groupId": null}}]}),
        );
        let ids: Vec<String> = referenced_ids(&[ca, config]).into_iter().collect();
        assert_eq!(ids, vec![g1.to_string(), u1.to_string()]);
    }

    #[test]
    fn short_settings_lists_are_noticed() {
        let short = json!({"id": "p", "settingCount": 3, "settings": [{}, {}]});
        assert_eq!(settings_short_of_count(&short), Some("p".into()));
        assert_eq!(
            settings_short_of_count(&json!({"id": "p", "settingCount": 2, "settings": [{}, {}]})),
            None
        );
        assert_eq!(
            settings_short_of_count(&json!({"id": "p", "settings": []})),
            None
        );
    }

    #[test]
    fn details_merge_into_the_listed_object() {
        let merged = merge_get(
            json!({"id": "1", "scriptContent": null, "assignments": []}),
            json!({"id": "1", "scriptContent": "ZWNobw=="}),
        );
        assert_eq!(
            merged,
            json!({"id": "1", "scriptContent": "ZWNobw==", "assignments": []})
        );
        let child = with_child(json!({"id": "1"}), "settings", json!([{"id": "s"}]));
        assert_eq!(child["settings"][0]["id"], "s");
    }
}
