//! `exchange-key`, `export-snapshot` and `import-snapshot`: one tenant's snapshots sent to a
//! colleague, encrypted to their workspace's key, and opened there as an offline, read-only
//! tenant (see `engine::ops::exchange`).

use crate::output::{self, clean, counted, shell_word};
use crate::workspace::when;
use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;
use tenantatlas_engine::ops::exchange::{ExportOptions, ImportSummary};
use tenantatlas_engine::Engine;

#[derive(Args, Debug)]
pub struct ExchangeKeyArgs {
    /// Also write the key to FILE (a new file, e.g. `alice.pub`, readable by anyone: the key is
    /// public) to send to the colleagues who export snapshots to you.
    #[arg(long, value_name = "FILE.pub")]
    out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExportSnapshotArgs {
    /// The tenant (domain or id).
    #[arg(long)]
    tenant: String,
    /// The colleague's workspace key (`age1…`, from their `tenantatlas exchange-key`), or a file
    /// holding it (e.g. `colleague.pub`).
    #[arg(long, value_name = "KEY")]
    to: String,
    /// The bundle file to write (a new file; readable by you only).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Every snapshot of the tenant, not only the latest (so the colleague can diff versions).
    #[arg(long)]
    history: bool,
}

#[derive(Args, Debug)]
pub struct ImportSnapshotArgs {
    /// A bundle written by `tenantatlas export-snapshot --to` this workspace's key.
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

/// `tenantatlas exchange-key [--out FILE.pub]`.
pub async fn exchange_key(engine: &Engine, args: ExchangeKeyArgs, json: bool) -> Result<()> {
    let key = match &args.out {
        Some(out) => engine.write_exchange_key(out)?,
        None => engine.exchange_key(),
    };
    if json {
        return output::json(&json!({"key": key, "file": args.out}));
    }
    match &args.out {
        Some(out) => {
            outln!("{key}");
            outln!(
                "Wrote this workspace's public key to {}. Send it to a colleague: they run `tenantatlas export-snapshot --tenant T --to {} --out FILE` and send you FILE.",
                clean(&out.display().to_string()),
                shell_word(&out.display().to_string())
            );
        }
        // Only the key, so that `tenantatlas exchange-key > me.pub` is the key file.
        None => outln!("{key}"),
    }
    Ok(())
}

/// `tenantatlas export-snapshot --tenant T --to KEY --out FILE [--history]`.
pub async fn export_snapshot(engine: &Engine, args: ExportSnapshotArgs, json: bool) -> Result<()> {
    let summary = engine
        .export_snapshot(&ExportOptions {
            tenant: args.tenant,
            to: args.to,
            out: args.out,
            history: args.history,
        })
        .await?;
    if json {
        return output::json(&summary);
    }
    outln!(
        "Exported {} of {} ({}; newest {}, {}) to {}.",
        counted(summary.snapshots, "snapshot"),
        clean(&summary.tenant_name),
        clean(&summary.tenant_domain),
        when(&summary.latest_snapshot_at),
        counted(summary.objects, "object"),
        clean(&summary.file.display().to_string()),
    );
    outln!(
        "  Encrypted to {}: only that workspace opens it, with `tenantatlas import-snapshot {}`.",
        summary.recipient,
        shell_word(
            &summary
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )
    );
    Ok(())
}

/// `tenantatlas import-snapshot FILE`.
pub async fn import_snapshot(engine: &Engine, args: ImportSnapshotArgs, json: bool) -> Result<()> {
    let summary = engine.import_snapshot(&args.file).await?;
    if json {
        return output::json(&summary);
    }
    print_import(&summary)
}

fn print_import(s: &ImportSummary) -> Result<()> {
    let tenant = format!("{} ({})", clean(&s.tenant_name), clean(&s.tenant_domain));
    if s.snapshots_added == 0 {
        outln!(
            "Nothing new for {tenant}: this workspace already holds {} of the bundle's {}.",
            if s.older > 0 {
                "newer snapshots or all"
            } else {
                "all"
            },
            counted(s.snapshots_in_bundle, "snapshot")
        );
    } else {
        outln!(
            "Imported {} of {tenant}{} ({}).",
            counted(s.snapshots_added, "snapshot"),
            if s.new_tenant {
                " as a new offline tenant"
            } else {
                ""
            },
            output::count(s.versions_added, "new version", "new versions")
        );
    }
    outln!(
        "  Exported by {} on {} from workspace {}; newest snapshot here: {}.",
        clean(&s.exported_by),
        when(&s.exported_at),
        clean(&s.source_workspace_id),
        s.latest_snapshot_at
            .as_deref()
            .map(when)
            .unwrap_or_default()
    );
    if s.already_here > 0 || s.older > 0 {
        outln!(
            "  Left out: {} held already, {} older than the newest here.",
            s.already_here,
            s.older
        );
    }
    outln!(
        "  It is read-only here and never syncs; diff, drift and review packs work on it: `tenantatlas diff --tenant {}`.",
        shell_word(&s.tenant_domain)
    );
    Ok(())
}
