//! The Tauri commands the window may call. Each is async (so it never runs on the main
//! thread) and a few lines over the engine or the demo; errors cross as `{code, message}`
//! ([`CommandError`]). A new command goes into `generate_handler!` in `main.rs`, the
//! `AppManifest` in `build.rs`, `capabilities/main-window.json`, [`visit_command_types`] and
//! `ui/src/lib/ipc/commands.ts`.

use crate::app_info::AppInfo;
use crate::ipc::{
    CommandError, DemoProgress, ErrorCode, OpenWorkspace, PortfolioRow, SyncOutcome, SyncProgress,
    WorkspaceStatus,
};
use crate::state::{self, AppState, Opened};
use std::path::PathBuf;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;
use tenantatlas_demo::{Demo, DemoEvent, DEMO_PASSPHRASE};
use tenantatlas_engine::ops::workspace_status::{find_workspace, keychain_available, KeySource};
use tenantatlas_engine::{Engine, SyncOptions, SyncSummary};

type Answer<T> = Result<T, CommandError>;

/// The product name and version shown in the window.
#[tauri::command]
pub async fn app_info() -> AppInfo {
    AppInfo::current()
}

/// Where the default workspace is, how it is protected, whether the OS keychain answers, and
/// which workspace this window has open.
#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Answer<WorkspaceStatus> {
    let dir = Engine::default_dir();
    let found = find_workspace(&dir);
    let keychain = tokio::task::spawn_blocking(keychain_available)
        .await
        .unwrap_or(false);
    let protection = found.and_then(|f| f.key_source);
    Ok(WorkspaceStatus {
        default_path: dir.display().to_string(),
        default_exists: found.is_some(),
        default_protection: protection.map(state::protection),
        keychain_available: keychain,
        passphrase_needed: match found {
            Some(_) => protection == Some(KeySource::Passphrase),
            None => !keychain,
        },
        open: state.describe().await,
    })
}

/// Opens the workspace in `path` (the default workspace when `None`), creating it when the
/// folder is missing or empty, and makes it the window's workspace.
#[tauri::command]
pub async fn open_workspace(
    state: State<'_, AppState>,
    path: Option<String>,
    passphrase: Option<String>,
) -> Answer<OpenWorkspace> {
    let dir = path.map_or_else(Engine::default_dir, PathBuf::from);
    let engine = Engine::open(&dir, passphrase.filter(|p| !p.is_empty())).await?;
    state.replace(Opened { engine, sim: None }).await
}

/// Runs the demo scenario into a new private temporary folder and makes its workspace the
/// window's, streaming each step over `progress`.
#[tauri::command]
pub async fn open_demo(
    state: State<'_, AppState>,
    progress: Channel<DemoProgress>,
) -> Answer<OpenWorkspace> {
    let _claim = state.start_demo()?;
    let dir = state::new_demo_dir()?;
    let sim = Demo::start_cloud(&dir).await.map_err(demo_error)?;
    let _ = progress.send(DemoProgress::CloudStarted {
        tenants: sim.tenants().len() as u32,
    });
    let on_step: tenantatlas_demo::DemoProgress = Arc::new(move |event: DemoEvent| {
        let _ = progress.send(event.into());
    });
    let workspace = dir.join("workspace");
    let demo = state::on_blocking_thread(move || async move {
        Demo::populate(sim, &workspace, DEMO_PASSPHRASE.to_string(), on_step).await
    })
    .await?
    .map_err(demo_error)?;
    state.replace(Opened::from_demo(demo)).await
}

/// Every tenant of the open workspace at a glance.
#[tauri::command]
pub async fn portfolio(state: State<'_, AppState>) -> Answer<Vec<PortfolioRow>> {
    let opened = state.opened().await?;
    let tenants = opened.engine.portfolio().await?;
    Ok(tenants.into_iter().map(PortfolioRow::from).collect())
}

/// Syncs every active tenant of the open workspace, streaming each tenant's steps over
/// `progress`; `cancel_sync` stops it, and the tenants stopped midway end `cancelled`.
#[tauri::command]
pub async fn sync_all(
    state: State<'_, AppState>,
    progress: Channel<SyncProgress>,
) -> Answer<Vec<SyncOutcome>> {
    let claim = state.start_sync()?;
    let opened = state.opened().await?;
    let options = SyncOptions {
        cancel: claim.token.clone(),
        ..SyncOptions::default()
    };
    let runs = opened
        .engine
        .sync(
            &[],
            options,
            Arc::new(move |event| {
                let _ = progress.send(event.into());
            }),
        )
        .await?;
    let cancelled = claim.token.is_cancelled();
    Ok(runs.iter().map(|r| outcome(r, cancelled)).collect())
}

/// Asks the running `sync_all` to stop; it answers with what was done so far.
#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>) -> Answer<()> {
    state.cancel_sync();
    Ok(())
}

fn demo_error(e: tenantatlas_demo::DemoError) -> CommandError {
    match e {
        tenantatlas_demo::DemoError::Engine(e) => e.into(),
        other => CommandError::new(ErrorCode::Internal, other.to_string()),
    }
}

impl From<DemoEvent> for DemoProgress {
    fn from(event: DemoEvent) -> Self {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        match event {
            DemoEvent::Connected {
                name,
                domain,
                browser,
                done,
                total,
            } => DemoProgress::TenantConnected {
                name,
                domain,
                sign_in: if browser { "browser" } else { "device_code" }.to_string(),
                done: n(done),
                total: n(total),
            },
            DemoEvent::Syncing { tenants } => DemoProgress::Syncing {
                tenants: n(tenants),
            },
            DemoEvent::Sync(event) => DemoProgress::Sync {
                progress: event.into(),
            },
            DemoEvent::BaselineAssigned { baseline, tenants } => DemoProgress::BaselineAssigned {
                baseline,
                tenants: n(tenants),
            },
            DemoEvent::DriftChecked { tenants, findings } => DemoProgress::DriftChecked {
                tenants: n(tenants),
                findings: n(findings),
            },
        }
    }
}

/// How one tenant's sync ended; a run that failed because the sync was cancelled says so.
fn outcome(run: &SyncSummary, cancelled: bool) -> SyncOutcome {
    let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    let errors = run
        .errors
        .iter()
        .map(|e| {
            let message = e["message"].as_str().unwrap_or("unknown error");
            match e["request_id"].as_str() {
                Some(id) => format!("{message} (request id {id})"),
                None => message.to_string(),
            }
        })
        .collect();
    SyncOutcome {
        tenant_id: run.tenant.clone(),
        name: run.tenant_name.clone(),
        status: if cancelled && run.status == "failed" {
            "cancelled".to_string()
        } else {
            run.status.clone()
        },
        objects: n(run.objects),
        versions_added: n(run.versions_added),
        skipped: run.skipped.clone(),
        errors,
        duration_ms: n(run.duration_ms),
    }
}

/// Every type a command answers with or streams, for the bindings and the secrets tests.
#[cfg(test)]
pub fn visit_command_types(v: &mut impl ts_rs::TypeVisitor) {
    use crate::ipc::*;
    v.visit::<AppInfo>();
    v.visit::<CommandError>();
    v.visit::<WorkspaceStatus>();
    v.visit::<OpenWorkspace>();
    v.visit::<DemoProgress>();
    v.visit::<PortfolioRow>();
    v.visit::<SyncProgress>();
    v.visit::<SyncOutcome>();
}

#[cfg(test)]
mod tests {
    /// The commands `build.rs` puts in the `AppManifest` (deny by default).
    fn manifest_commands() -> Vec<String> {
        let build = include_str!("../build.rs");
        let list = build
            .split_once("const COMMANDS: &[&str] = &[")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .expect("build.rs lists COMMANDS");
        list.split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The window is granted exactly the app's commands: nothing more (no core or plugin
    /// permission), nothing forgotten.
    #[test]
    fn the_window_is_granted_exactly_the_apps_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main-window.json")).unwrap();
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("permissions are plain names").to_string())
            .collect();
        let mut expected: Vec<String> = manifest_commands()
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        granted.sort();
        expected.sort();
        assert_eq!(granted, expected);
        assert_eq!(
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities"))
                .unwrap()
                .count(),
            1,
            "one capability file, for the one window"
        );
    }

    /// Every command is registered with the window and has its typed wrapper in the UI.
    #[test]
    fn every_command_is_registered_and_wrapped() {
        let main = include_str!("main.rs");
        let wrappers = include_str!("../../ui/src/lib/ipc/commands.ts");
        for command in manifest_commands() {
            assert!(
                main.contains(&format!("commands::{command},")),
                "{command} is missing from generate_handler! in main.rs"
            );
            assert!(
                wrappers.contains(&format!("('{command}'")),
                "{command} has no wrapper in ui/src/lib/ipc/commands.ts"
            );
        }
    }
}
