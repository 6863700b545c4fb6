//! What each command does, as plain async methods on [`AppState`], so tests drive them
//! without a window; `commands.rs` only adapts them to Tauri (state, channels).

use crate::ipc::{
    CommandError, DayFindings, DemoProgress, ErrorCode, OpenWorkspace, PortfolioRow, SyncOutcome,
    SyncProgress, WorkspaceStatus,
};
use crate::state::{self, on_blocking_thread, AppState, Opened};
use std::path::Path;
use std::sync::Arc;
use tenantatlas_demo::{Demo, DemoEvent, DEMO_PASSPHRASE};
use tenantatlas_engine::ops::drift::DriftRun;
use tenantatlas_engine::ops::workspace_status::{find_workspace, keychain_available, KeySource};
use tenantatlas_engine::{Engine, SyncOptions, SyncSummary};

type Answer<T> = Result<T, CommandError>;

impl AppState {
    /// What the first-run screen needs, for the default workspace in `default_dir`.
    pub async fn workspace_status(&self, default_dir: &Path) -> WorkspaceStatus {
        let found = find_workspace(default_dir);
        let keychain = tokio::task::spawn_blocking(keychain_available)
            .await
            .unwrap_or(false);
        let protection = found.and_then(|f| f.key_source);
        WorkspaceStatus {
            default_path: default_dir.display().to_string(),
            default_exists: found.is_some(),
            default_protection: protection.map(state::protection),
            keychain_available: keychain,
            passphrase_needed: match found {
                Some(_) => protection == Some(KeySource::Passphrase),
                None => !keychain,
            },
            open: self.describe().await,
            demo_requested: self.take_demo_request(),
        }
    }

    /// Opens (or creates) the workspace in `dir` and makes it the window's.
    pub async fn open_workspace(
        &self,
        dir: &Path,
        passphrase: Option<String>,
    ) -> Answer<OpenWorkspace> {
        let engine = Engine::open(dir, passphrase.filter(|p| !p.is_empty())).await?;
        self.replace(Opened::workspace(engine)).await
    }

    /// Runs the demo scenario in `dir` (new and empty) and makes its workspace the window's,
    /// telling `on_step` each step.
    pub async fn open_demo(
        &self,
        dir: &Path,
        on_step: impl Fn(DemoProgress) + Send + Sync + 'static,
    ) -> Answer<OpenWorkspace> {
        let _claim = self.start_demo()?;
        let opened = match populate_demo(dir, on_step).await {
            Ok(demo) => self.replace(Opened::from_demo(demo, dir)).await,
            Err(e) => Err(e),
        };
        // A demo that did not open is gone with its folder.
        if opened.is_err() {
            state::remove_demo_dir(dir);
        }
        opened
    }

    /// Standing findings by severity across the portfolio, one entry per day for the last `days`.
    pub async fn findings_over_time(&self, days: u32) -> Answer<Vec<DayFindings>> {
        let opened = self.opened().await?;
        let today = tenantatlas_engine::ops::findings::today();
        let history = opened.engine.findings_over_time(days, today).await?;
        Ok(history.into_iter().map(DayFindings::from).collect())
    }

    /// Every tenant of the open workspace at a glance.
    pub async fn portfolio(&self) -> Answer<Vec<PortfolioRow>> {
        let opened = self.opened().await?;
        let tenants = opened.engine.portfolio().await?;
        Ok(tenants.into_iter().map(PortfolioRow::from).collect())
    }

    /// Syncs every active tenant of the open workspace, telling `on_step` each tenant's steps;
    /// [`AppState::cancel_sync`] stops it.
    pub async fn sync_all(
        &self,
        on_step: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Answer<Vec<SyncOutcome>> {
        self.sync_tenants(Vec::new(), on_step).await
    }

    /// Syncs the tenants with these ids (every active one when empty), then checks their drift;
    /// [`AppState::cancel_sync`] stops it.
    pub async fn sync_tenants(
        &self,
        tenants: Vec<String>,
        on_step: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Answer<Vec<SyncOutcome>> {
        Ok(self.sync_and_check(tenants, on_step).await?.outcomes)
    }

    /// [`AppState::sync_tenants`], also answering the drift runs it made (what the scheduler
    /// notifies of).
    pub async fn sync_and_check(
        &self,
        tenants: Vec<String>,
        on_step: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Answer<Synced> {
        let claim = self.start_sync()?;
        let opened = self.opened().await?;
        let options = SyncOptions {
            cancel: claim.token.clone(),
            ..SyncOptions::default()
        };
        let runs = opened
            .engine
            .sync(
                &tenants,
                options,
                Arc::new(move |event| on_step(event.into())),
            )
            .await?;
        let cancelled = claim.token.is_cancelled();
        let mut drift = Vec::new();
        if !cancelled {
            // As the command line's `sync` does: drift right after, so scores and findings follow
            // what was just read (its future is not provably `Send`: `state::drive`).
            let today = tenantatlas_engine::ops::findings::today();
            drift = state::drive(opened.engine.drift_after_sync(&runs, today))?.runs;
        }
        Ok(Synced {
            outcomes: runs.iter().map(|r| outcome(r, cancelled)).collect(),
            drift,
        })
    }
}

/// What a sync and the drift check after it did.
pub struct Synced {
    pub outcomes: Vec<SyncOutcome>,
    /// One drift run per tenant checked; empty when the sync was cancelled.
    pub drift: Vec<DriftRun>,
}

/// The demo scenario in `dir`, its steps told to `on_step`.
async fn populate_demo(
    dir: &Path,
    on_step: impl Fn(DemoProgress) + Send + Sync + 'static,
) -> Answer<tenantatlas_demo::DemoPortfolio> {
    let sim = Demo::start_cloud(dir).await.map_err(demo_error)?;
    on_step(DemoProgress::CloudStarted {
        tenants: u32::try_from(sim.tenants().len()).unwrap_or(u32::MAX),
    });
    let on_event: tenantatlas_demo::DemoProgress =
        Arc::new(move |event: DemoEvent| on_step(event.into()));
    let workspace = dir.join("workspace");
    on_blocking_thread(move || async move {
        Demo::populate(sim, &workspace, DEMO_PASSPHRASE.to_string(), on_event).await
    })
    .await?
    .map_err(demo_error)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn collector<T: Send + 'static>() -> (Arc<Mutex<Vec<T>>>, impl Fn(T) + Send + Sync + 'static) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        (seen, move |item| sink.lock().unwrap().push(item))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_workspace_every_command_says_so() {
        let state = AppState::default();
        let code = |r: Answer<Vec<PortfolioRow>>| r.unwrap_err().code;
        assert_eq!(code(state.portfolio().await), ErrorCode::NoWorkspace);
        for _ in 0..2 {
            // The failed sync frees its slot: the second is not refused as busy.
            let e = state.sync_all(|_| {}).await.unwrap_err();
            assert_eq!(e.code, ErrorCode::NoWorkspace);
        }
        state.cancel_sync();
        let dir = tempfile::tempdir().unwrap();
        let status = state.workspace_status(dir.path()).await;
        assert!(!status.default_exists && status.open.is_none());
        assert_eq!(status.default_protection, None);
        assert_eq!(status.passphrase_needed, !status.keychain_available);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_workspace_opened_with_a_passphrase_says_so() {
        let state = AppState::default();
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        let opened = state
            .open_workspace(&ws, Some("a long enough desktop passphrase".into()))
            .await
            .unwrap();
        assert_eq!(opened.protection, crate::ipc::Protection::Passphrase);
        assert!(!opened.demo);
        let status = state.workspace_status(&ws).await;
        assert!(status.default_exists && status.passphrase_needed);
        assert_eq!(status.open, Some(opened));
        assert_eq!(state.portfolio().await.unwrap(), []);
        let wrong = AppState::default()
            .open_workspace(&ws, Some("not the passphrase at all".into()))
            .await
            .unwrap_err();
        assert_eq!(wrong.code, ErrorCode::Workspace, "{}", wrong.message);
    }

    /// The demo through the same methods the window calls: its steps, the portfolio it leaves,
    /// a sync of every tenant against its still running cloud, and a sync cancelled as it starts.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_portfolio_opens_syncs_and_cancels() {
        let state = Arc::new(AppState::default());
        let dir = tempfile::tempdir().unwrap();
        let (steps, on_step) = collector();
        let opened = state.open_demo(dir.path(), on_step).await.unwrap();
        assert!(opened.demo);
        let steps = steps.lock().unwrap().clone();
        assert_eq!(steps[0], DemoProgress::CloudStarted { tenants: 8 });
        let connected = steps
            .iter()
            .filter(|s| matches!(s, DemoProgress::TenantConnected { .. }))
            .count();
        assert_eq!(connected, 8);
        assert!(steps.iter().any(|s| matches!(
            s,
            DemoProgress::Sync {
                progress: SyncProgress::Finished { .. }
            }
        )));
        assert!(steps.contains(&DemoProgress::BaselineAssigned {
            baseline: "MSP golden".into(),
            tenants: 7
        }));
        assert!(matches!(
            steps.last(),
            Some(DemoProgress::DriftChecked { tenants: 7, findings }) if *findings > 0
        ));

        let rows = state.portfolio().await.unwrap();
        assert_eq!(rows.len(), 8);
        let checked: Vec<&PortfolioRow> = rows.iter().filter(|r| r.score.is_some()).collect();
        assert_eq!(checked.len(), 7);
        assert!(checked.iter().all(|r| r.baselines == ["MSP golden"]));
        assert!(
            rows.iter()
                .map(|r| r.findings.high + r.findings.medium)
                .sum::<u32>()
                > 0
        );

        let (events, on_sync) = collector();
        let outcomes = state.sync_all(on_sync).await.unwrap();
        assert_eq!(outcomes.len(), 8);
        for o in &outcomes {
            assert!(
                matches!(o.status.as_str(), "succeeded" | "partial"),
                "{o:?}"
            );
        }
        let finished = events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| matches!(e, SyncProgress::Finished { .. }))
            .count();
        assert_eq!(finished, 8);
        // Drift ran after the sync, as after the command line's `sync --drift`: every checked
        // tenant's trend has a second point.
        let after = state.portfolio().await.unwrap();
        let trends: Vec<usize> = after
            .iter()
            .filter(|r| r.score.is_some())
            .map(|r| r.score_trend.len())
            .collect();
        assert_eq!(trends, vec![2; 7], "{after:?}");

        // Cancelled from its first progress step, as the window's Cancel button would.
        let canceller = state.clone();
        let outcomes = state
            .sync_all(move |step| {
                if matches!(step, SyncProgress::Started { .. }) {
                    canceller.cancel_sync();
                }
            })
            .await
            .unwrap();
        assert!(
            outcomes.iter().any(|o| o.status == "cancelled"),
            "{outcomes:?}"
        );
        // And the slot is free again.
        assert!(!state.cancel_sync());
    }
}
