//! `import --tenant T FOLDER`: an IntuneCD backup or an IntuneManagement export as a dated
//! snapshot of a tenant, new (offline) or stored (see `engine::ops::import`).

use crate::output::{self, clean};
use anyhow::Result;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use tenantatlas_engine::ops::import::{BackupFormat, ImportBackup};
use tenantatlas_engine::Engine;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Auto,
    Intunecd,
    Intunemanagement,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A stored tenant (domain or id), or a name for a new offline tenant.
    #[arg(long)]
    tenant: String,
    /// The backup's folder.
    #[arg(value_name = "FOLDER")]
    folder: PathBuf,
    /// Which tool wrote it; `auto` decides from the folders.
    #[arg(long, value_enum, default_value = "auto")]
    format: FormatArg,
    /// When the backup was taken (`2026-11-30` or `2026-11-30T18:00:00Z`); else a date in the
    /// folder's name, else the newest file's time.
    #[arg(long, value_name = "DATE")]
    taken_at: Option<String>,
}

/// `tenantatlas import --tenant T FOLDER [--format …] [--taken-at DATE]`.
pub async fn import(engine: &Engine, args: ImportArgs, json: bool) -> Result<()> {
    let summary = engine
        .import_backup(&ImportBackup {
            tenant: args.tenant,
            folder: args.folder,
            format: match args.format {
                FormatArg::Auto => BackupFormat::Auto,
                FormatArg::Intunecd => BackupFormat::Intunecd,
                FormatArg::Intunemanagement => BackupFormat::Intunemanagement,
            },
            taken_at: args.taken_at,
        })
        .await?;
    if json {
        return output::json(&summary);
    }
    outln!("{}", clean(&summary.line()));
    if !summary.already_imported {
        outln!(
            "{} new versions, {} deleted since the previous snapshot.",
            summary.versions_added,
            summary.deleted
        );
    }
    let skipped = summary.skipped.line();
    if !skipped.is_empty() {
        outln!("{}", clean(&skipped));
    }
    Ok(())
}
