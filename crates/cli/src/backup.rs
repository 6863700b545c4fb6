//! `backup` and `restore-backup`: a whole workspace in one encrypted, verified file, and back.
//!
//! `restore-backup` does not open the workspace first (see `main.rs`): it is for the workspace
//! that no longer opens.

use crate::output::{self, clean, counted, size};
use crate::workspace::when;
use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::path::{Path, PathBuf};
use tenantatlas_engine::ops::backup::{BackupCounts, RestoreOptions};
use tenantatlas_engine::Engine;

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write (a new file; readable by you only, encrypted like the workspace).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// A file written by `tenantatlas backup --out FILE`.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Replace a workspace that still opens (its files are kept beside it as
    /// `*.before-restore-<time>`).
    #[arg(long)]
    force: bool,
}

/// `tenantatlas backup --out FILE`.
pub async fn backup(engine: &Engine, args: BackupArgs, json: bool) -> Result<()> {
    let summary = engine.backup(&args.out).await?;
    if json {
        return output::json(&summary);
    }
    outln!(
        "Backed up the workspace to {} ({}; {}).",
        clean(&summary.file.display().to_string()),
        size(summary.bytes),
        contents(&summary.counts)
    );
    outln!(
        "  SHA-256 of the encrypted database: {}",
        summary.database_sha256
    );
    outln!("  It opens with this workspace's key only: keep the passphrase (or this machine's keychain entry) as safe as the file.");
    Ok(())
}

/// `tenantatlas restore-backup FILE [--force]`, into `--workspace` (or the default folder).
pub async fn restore(workspace: Option<&Path>, args: RestoreArgs, json: bool) -> Result<()> {
    let dir = workspace
        .map(Path::to_path_buf)
        .unwrap_or_else(Engine::default_dir);
    let (engine, summary) = Engine::restore_backup(
        &dir,
        &args.file,
        crate::secrets::passphrase(),
        RestoreOptions { force: args.force },
    )
    .await?;
    engine.close().await?;
    if json {
        return output::json(&json!({
            "dir": summary.dir,
            "from": summary.from,
            "workspace_id": summary.workspace_id,
            "backup_created_at": summary.backup_created_at,
            "counts": summary.counts,
            "kept": summary.kept,
        }));
    }
    outln!(
        "Restored the workspace in {} from {} (made {}; {}).",
        clean(&summary.dir.display().to_string()),
        clean(&summary.from.display().to_string()),
        when(&summary.backup_created_at),
        contents(&summary.counts)
    );
    if !summary.kept.is_empty() {
        outln!("  The files it replaced are kept beside it:");
        for path in &summary.kept {
            outln!("    {}", clean(&path.display().to_string()));
        }
    }
    Ok(())
}

fn contents(counts: &BackupCounts) -> String {
    format!(
        "{}, {}, {}",
        counted(counts.tenants, "tenant"),
        counted(counts.snapshots, "snapshot"),
        output::count(counts.audit_entries, "audit entry", "audit entries")
    )
}
