//! Whole-workspace backup and restore: the use cases over `tenantatlas_store::backup`, with an
//! audit entry for each, so the log says when a backup was made and when the workspace was
//! replaced by one.
//!
//! Restoring is not a method on an open [`Engine`]: it must work when the workspace is missing or
//! damaged, which is when opening fails.

use crate::ops::findings::actor;
use crate::{Engine, EngineError};
use serde_json::json;
use std::path::Path;
use tenantatlas_store::KeyOptions;
pub use tenantatlas_store::{BackupCounts, BackupSummary, RestoreOptions, RestoreSummary};

impl Engine {
    /// Writes a verified, encrypted backup of the whole workspace to `out` (a new file).
    pub async fn backup(&self, out: &Path) -> Result<BackupSummary, EngineError> {
        let summary = self.workspace.backup(out).await?;
        self.workspace
            .append_audit(
                &actor(),
                "workspace.backup",
                &summary.workspace_id,
                &json!({
                    "database_sha256": summary.database_sha256,
                    "counts": summary.counts,
                }),
            )
            .await?;
        Ok(summary)
    }

    /// Restores the backup `file` into the workspace folder `dir`; `passphrase` comes from
    /// `TENANTATLAS_PASSPHRASE` (a keychain-keyed backup needs its keychain entry instead).
    /// Returns the restored workspace, open, and what was done.
    pub async fn restore_backup(
        dir: &Path,
        file: &Path,
        passphrase: Option<String>,
        options: RestoreOptions,
    ) -> Result<(Engine, RestoreSummary), EngineError> {
        let restored =
            tenantatlas_store::restore_backup(dir, file, &KeyOptions { passphrase }, options)
                .await?;
        let summary = restored.summary;
        let engine = Engine {
            workspace: restored.workspace,
            search: Default::default(),
        };
        let kept: Vec<String> = summary
            .kept
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        engine
            .workspace
            .append_audit(
                &actor(),
                "workspace.restore",
                &summary.workspace_id,
                &json!({
                    "backup_created_at": summary.backup_created_at,
                    "counts": summary.counts,
                    "kept": kept,
                }),
            )
            .await?;
        Ok((engine, summary))
    }
}
