//! What the window holds between commands: the open workspace (its `Engine`, and for the demo
//! the simulated cloud it syncs from) and the cancel switch of the running sync.
//!
//! The engine sits behind a tokio `RwLock`: reads (the portfolio, a sync — the engine takes the
//! workspace's own sync lock) share it; opening another workspace replaces it, and is refused
//! while a sync holds it rather than waiting behind it.

use crate::ipc::{CommandError, ErrorCode, OpenWorkspace, Protection};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tenantatlas_demo::{DemoPortfolio, SimHandle};
use tenantatlas_engine::ops::workspace_status::KeySource;
use tenantatlas_engine::Engine;
use tokio::sync::{RwLock, RwLockReadGuard};
use tokio_util::sync::CancellationToken;

/// The workspace open in the window.
pub struct Opened {
    pub engine: Engine,
    /// The demo's simulated cloud, kept running so the demo portfolio can be synced again, and
    /// the temporary folder the demo made (removed when another workspace replaces it).
    pub demo: Option<(SimHandle, PathBuf)>,
}

impl Opened {
    pub fn workspace(engine: Engine) -> Opened {
        Opened { engine, demo: None }
    }

    pub fn from_demo(demo: DemoPortfolio, dir: &Path) -> Opened {
        Opened {
            engine: demo.engine,
            demo: Some((demo.sim, dir.to_path_buf())),
        }
    }

    pub fn describe(&self) -> OpenWorkspace {
        let workspace = self.engine.workspace();
        OpenWorkspace {
            path: workspace.dir().display().to_string(),
            protection: protection(workspace.meta().key_source),
            demo: self.demo.is_some(),
        }
    }
}

pub fn protection(source: KeySource) -> Protection {
    match source {
        KeySource::Keychain => Protection::Keychain,
        KeySource::Passphrase => Protection::Passphrase,
    }
}

#[derive(Default)]
pub struct AppState {
    open: RwLock<Option<Opened>>,
    /// The running sync's cancel switch; `Some` while `sync_all` runs.
    sync: Mutex<Option<CancellationToken>>,
    /// Set while `open_demo` runs, so a second click does not start a second cloud.
    demo_running: AtomicBool,
    /// The app was started with `--demo` (what `cargo xtask demo` does) and the window has not
    /// been told yet.
    demo_requested: AtomicBool,
    /// The sign-in waiting in the onboarding wizard or Reconnect, if any.
    pub sign_in: crate::onboarding::PendingSignIn,
    /// The scheduled syncs of this window (`schedule.rs`).
    pub schedule: crate::schedule::ScheduleState,
}

impl AppState {
    /// An app started to show the demo portfolio at once (`tenantatlas-desktop --demo`).
    pub fn demo_requested() -> AppState {
        let state = AppState::default();
        state.demo_requested.store(true, Ordering::SeqCst);
        state
    }

    /// Whether the window should open the demo now; says so once.
    pub fn take_demo_request(&self) -> bool {
        self.demo_requested.swap(false, Ordering::SeqCst)
    }

    /// The open workspace, shared with other readers; `NoWorkspace` when none is open.
    pub async fn opened(&self) -> Result<RwLockReadGuard<'_, Opened>, CommandError> {
        RwLockReadGuard::try_map(self.open.read().await, |open| open.as_ref())
            .map_err(|_| CommandError::no_workspace())
    }

    pub async fn describe(&self) -> Option<OpenWorkspace> {
        self.open.read().await.as_ref().map(Opened::describe)
    }

    /// Makes `next` the open workspace and closes the one before (its cloud stopped with it).
    /// Refused while a sync runs on the open one.
    pub async fn replace(&self, next: Opened) -> Result<OpenWorkspace, CommandError> {
        let described = next.describe();
        let mut slot = self.open.try_write().map_err(|_| busy_syncing())?;
        if let Some(previous) = slot.replace(next) {
            drop(slot);
            // The new workspace is open whatever happens to the old one's closing.
            if let Err(e) = previous.engine.close().await {
                log_line(&format!("closing the previous workspace: {e}"));
            }
            // A demo's folder holds only invented data and nothing else will open it again.
            if let Some((sim, dir)) = previous.demo {
                sim.stop();
                drop(sim);
                remove_demo_dir(&dir);
            }
        }
        Ok(described)
    }

    /// Claims the demo slot until the returned guard is dropped.
    pub fn start_demo(&self) -> Result<Claim<'_>, CommandError> {
        if self.demo_running.swap(true, Ordering::SeqCst) {
            return Err(CommandError::new(
                ErrorCode::Busy,
                "the demo portfolio is being set up; wait for it to finish",
            ));
        }
        Ok(Claim(&self.demo_running))
    }

    /// Registers a new sync's cancel switch until the returned guard is dropped.
    pub fn start_sync(&self) -> Result<SyncClaim<'_>, CommandError> {
        let mut slot = self.sync.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Err(CommandError::new(
                ErrorCode::Busy,
                "a sync is already running; wait for it or cancel it",
            ));
        }
        let token = CancellationToken::new();
        *slot = Some(token.clone());
        Ok(SyncClaim { state: self, token })
    }

    /// Whether a sync (Sync all, a tenant's first sync, a scheduled one) holds the sync slot.
    pub fn sync_running(&self) -> bool {
        self.sync
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Whether the demo portfolio is being set up.
    pub fn demo_setting_up(&self) -> bool {
        self.demo_running.load(Ordering::SeqCst)
    }

    /// Cancels the running sync, if any; returns whether one was running.
    pub fn cancel_sync(&self) -> bool {
        let slot = self.sync.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().inspect(|t| t.cancel()).is_some()
    }
}

fn busy_syncing() -> CommandError {
    CommandError::new(
        ErrorCode::Busy,
        "a sync is running on the open workspace; cancel it or wait for it to finish first",
    )
}

/// stderr, the app's only log for now: one line, never a secret.
fn log_line(line: &str) {
    eprintln!("tenantatlas-desktop: {line}");
}

/// Holds the demo slot.
pub struct Claim<'a>(&'a AtomicBool);

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// Holds the sync slot; frees it when the sync ends, however it ends.
pub struct SyncClaim<'a> {
    state: &'a AppState,
    pub token: CancellationToken,
}

impl Drop for SyncClaim<'_> {
    fn drop(&mut self) {
        let mut slot = self.state.sync.lock().unwrap_or_else(|p| p.into_inner());
        *slot = None;
    }
}

/// A new folder for a demo portfolio under the system's temporary folder, private to the user
/// (`0700` on Unix), named by process and time so that each demo starts afresh.
pub fn new_demo_dir() -> Result<PathBuf, CommandError> {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let dir =
        std::env::temp_dir().join(format!("tenantatlas-demo-{}-{millis}", std::process::id()));
    create_private_dir(&dir).map_err(|e| {
        CommandError::new(
            ErrorCode::Workspace,
            format!(
                "cannot create the demo folder {}: {e}; check the temporary folder",
                dir.display()
            ),
        )
    })?;
    Ok(dir)
}

/// Removes a folder [`new_demo_dir`] made; anything else is left alone.
pub fn remove_demo_dir(dir: &Path) {
    let ours = dir.starts_with(std::env::temp_dir())
        && dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(DEMO_DIR_PREFIX));
    if ours {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            log_line(&format!("removing the demo folder {}: {e}", dir.display()));
        }
    }
}

/// How every folder [`new_demo_dir`] makes is named.
const DEMO_DIR_PREFIX: &str = "tenantatlas-demo-";

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Drives an engine future to its end on this worker thread, which `block_in_place` hands over
/// to the runtime meanwhile. For engine calls whose futures the compiler cannot prove `Send` (a
/// known limit of its reasoning about higher-ranked lifetimes in async code, hit wherever the
/// engine reads snapshots or writes findings through the store's generic `Acquire` functions:
/// drift, policy views, diffs, search, audited settings), which a Tauri command's future must be.
/// Unlike [`on_blocking_thread`] it borrows, so the open workspace's read guard stays where it is.
pub fn drive<F: std::future::Future>(future: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(future))
}

/// Runs the future `make` returns on one of the runtime's blocking threads, driven there by
/// `Handle::block_on`, and waits for it without blocking an async worker.
///
/// For engine calls whose futures the compiler cannot prove `Send` (a known limit of its
/// reasoning about higher-ranked lifetimes in async code, hit by the engine's drift streams and
/// the sign-in client), which a Tauri command's future must be. Tasks they spawn run on the app's
/// runtime as usual, so what they open (the engine's pool, the simulator's servers) lives on.
pub async fn on_blocking_thread<F, Fut, T>(make: F) -> Result<T, CommandError>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
    T: Send + 'static,
{
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || runtime.block_on(make()))
        .await
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("a background task stopped: {e}"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_demo_folder_is_private_and_only_demo_folders_are_removed() {
        let dir = new_demo_dir().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        std::fs::write(dir.join("file"), "invented").unwrap();
        remove_demo_dir(&dir);
        assert!(!dir.exists());

        let other = tempfile::tempdir().unwrap();
        remove_demo_dir(other.path());
        assert!(other.path().exists(), "not a demo folder");
    }
}
