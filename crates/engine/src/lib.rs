//! The use cases of TenantAtlas — connect a tenant, sync tenants, look at what was captured, list
//! runs — wiring the Graph client, the encrypted store and the domain together. The desktop shell
//! and the command line are thin front doors onto this crate.
//!
//! Two decisions a newcomer must know:
//! - Every long job is a run, recorded in the workspace before it starts and finished whatever
//!   happens, with counts, request figures and errors (with Graph request ids) — so every run can
//!   be looked at later, and a run killed midway shows as interrupted.
//! - Errors cross to the front doors as [`EngineError`] with a closed [`ErrorCode`], which a UI can
//!   branch on, and a one-line message that says what to do next.

mod error;
pub mod ops;
pub mod progress;

pub use error::{EngineError, ErrorCode};
pub use ops::sync::{SyncOptions, SyncSummary};
pub use progress::ProgressEvent;

use std::path::{Path, PathBuf};
use tenantatlas_store::{KeyOptions, Workspace};

/// An open workspace and the operations on it.
pub struct Engine {
    pub(crate) workspace: Workspace,
    /// Search's index of each tenant's latest snapshot, built on the first search after a sync.
    pub(crate) search: ops::search::SearchCache,
}

impl Engine {
    /// Opens (or creates) the workspace in `dir`; `passphrase` comes from `TENANTATLAS_PASSPHRASE`.
    pub async fn open(dir: &Path, passphrase: Option<String>) -> Result<Engine, EngineError> {
        let workspace = Workspace::open(dir, &KeyOptions { passphrase }).await?;
        // A run still "running" whose process died (killed, crashed, machine off) is recorded as
        // interrupted by whichever command comes next, not only by the next sync.
        // Best effort: settling them must never keep a user out of their workspace.
        if let Err(e) = workspace.mark_abandoned_runs_interrupted().await {
            tracing::warn!(
                code = e.code(),
                "runs of stopped processes could not be settled"
            );
        }
        // Where the key came from, never the passphrase or the key.
        tracing::info!(
            path = %dir.display(),
            key_source = ?workspace.meta().key_source,
            "workspace open"
        );
        Ok(Engine {
            workspace,
            search: Default::default(),
        })
    }

    /// The OS's per-user data folder for the default workspace.
    pub fn default_dir() -> PathBuf {
        tenantatlas_store::default_dir()
    }

    pub fn workspace(&self) -> &Workspace {
        &self.workspace
    }

    /// Checkpoints the write-ahead log into the database file and closes it, so the workspace is
    /// one self-contained file again (complete for a backup copy).
    pub async fn close(self) -> Result<(), EngineError> {
        let dir = self.workspace.dir().to_path_buf();
        self.workspace.close().await?;
        tenantatlas_store::lock::release_process_owner(&dir);
        Ok(())
    }
}
