//! `tenantatlas`: the command line front door. Only glue lives here: argument parsing, terminal
//! output, and turning errors into one clear line (`error: …`) with exit code 1.

#[macro_use]
mod output;
mod backup;
mod diff;
mod exchange;
mod governance;
mod import;
mod logging;
mod progress;
mod report;
mod search;
mod secrets;
mod settings;
mod sim;
mod tenant;
mod verify;
mod workspace;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "tenantatlas",
    version,
    about = "Governance workbench for Microsoft 365 tenants"
)]
struct Cli {
    /// The workspace folder (default: the per-user data folder).
    #[arg(long, global = true, env = "TENANTATLAS_WORKSPACE")]
    workspace: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Diagnostic logs on stderr for a support case: -v runs and sign-in events, -vv every Graph
    /// request with its request id and duration, -vvv every `$batch` sub-request. `RUST_LOG`
    /// (e.g. `RUST_LOG=tenantatlas=debug`) wins when set. Never tokens, passphrases or policy contents.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a simulated Entra ID + Microsoft Graph cloud on loopback until stopped.
    Sim(sim::SimArgs),
    /// The demo: connect and sync a simulated MSP portfolio into an encrypted workspace.
    Demo(sim::DemoArgs),
    /// Restore a whole workspace from a file written by `backup` (works on a damaged workspace).
    RestoreBackup(backup::RestoreArgs),
    /// Check a review pack's evidence bundle offline: hashes, signature, audit chain, PDF
    /// (opens no workspace; exit code 1 when anything fails).
    Verify(verify::VerifyArgs),
    #[command(flatten)]
    Workspace(WorkspaceCommand),
}

/// The commands that open a workspace.
#[derive(Subcommand)]
enum WorkspaceCommand {
    /// Connect and list customer tenants.
    #[command(subcommand)]
    Tenant(tenant::TenantCommand),
    /// Capture tenants' configuration into new snapshots.
    Sync(workspace::SyncArgs),
    /// List and show captured objects.
    #[command(subcommand)]
    Policies(workspace::PoliciesCommand),
    /// The versions of one object.
    History {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        object: String,
    },
    /// What changed between two snapshots of a tenant, or between two tenants.
    Diff(diff::DiffArgs),
    /// Every long job: list, show, export.
    #[command(subcommand)]
    Runs(workspace::RunsCommand),
    /// Golden baselines: create, approve, assign, pin, show, export, list.
    #[command(subcommand)]
    Baseline(governance::BaselineCommand),
    /// Your own severity for some drift, over the built-in rules.
    #[command(subcommand)]
    Severity(governance::SeverityCommand),
    /// Check tenants against their baselines; each drift becomes a finding.
    Drift(governance::DriftArgs),
    /// Triage findings: list, ack, accept-risk, resolve.
    #[command(subcommand)]
    Findings(governance::FindingsCommand),
    /// The workspace's local audit log.
    #[command(subcommand)]
    Audit(workspace::AuditCommand),
    /// Write an encrypted, verified backup of the whole workspace to one file.
    Backup(backup::BackupArgs),
    /// Search every tenant's latest snapshot: tenants, objects, settings and findings.
    Search(search::SearchArgs),
    /// Show the workspace's settings, or `settings set KEY VALUE` to change one.
    Settings(settings::SettingsArgs),
    /// Review packs (PDF + signed evidence bundle), the portfolio report, exports.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Print this workspace's public key, which colleagues export snapshots `--to`.
    ExchangeKey(exchange::ExchangeKeyArgs),
    /// Write a tenant's latest snapshot (or all) to one file encrypted to a colleague's key.
    ExportSnapshot(exchange::ExportSnapshotArgs),
    /// Add a colleague's snapshot bundle as an offline, read-only tenant.
    ImportSnapshot(exchange::ImportSnapshotArgs),
    /// Read an IntuneCD backup or IntuneManagement export as a dated snapshot of a tenant.
    Import(import::ImportArgs),
}

/// mimalloc: a sync of many tenants allocates from many threads at once (see the workspace's
/// Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before any thread starts: no child process inherits the passphrase.
    secrets::take_from_environment();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with success, as does the help shown for a bare
            // `tenantatlas` (no command is not a mistake to report); usage errors keep clap's
            // message and exit 1.
            match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    return ExitCode::SUCCESS;
                }
                clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let help = e.render().to_string();
                    let _ = output::text(&help);
                    return ExitCode::SUCCESS;
                }
                _ => {}
            }
            eprintln!(
                "error: {} (see `tenantatlas --help`)",
                usage_error_line(&e.render().to_string())
            );
            return ExitCode::from(1);
        }
    };
    logging::init(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Sim(args) => sim::run(args).await,
            Command::Demo(args) => sim::demo(args, cli.json).await,
            // Not through `workspace::open`: a restore is for a workspace that no longer opens.
            Command::RestoreBackup(args) => {
                backup::restore(cli.workspace.as_deref(), args, cli.json).await
            }
            // Not through `workspace::open`: an auditor verifies without any workspace.
            Command::Verify(args) => verify::verify(args, cli.json),
            Command::Workspace(command) => {
                let engine = workspace::open(cli.workspace.as_deref()).await?;
                let result = match command {
                    WorkspaceCommand::Tenant(c) => tenant::tenant(&engine, c, cli.json).await,
                    WorkspaceCommand::Sync(args) => workspace::sync(&engine, args, cli.json).await,
                    WorkspaceCommand::Policies(c) => {
                        workspace::policies(&engine, c, cli.json).await
                    }
                    WorkspaceCommand::History { tenant, object } => {
                        workspace::history(&engine, &tenant, &object, cli.json).await
                    }
                    WorkspaceCommand::Diff(args) => diff::diff(&engine, args, cli.json).await,
                    WorkspaceCommand::Runs(c) => workspace::runs(&engine, c, cli.json).await,
                    WorkspaceCommand::Baseline(c) => {
                        governance::baseline(&engine, c, cli.json).await
                    }
                    WorkspaceCommand::Severity(c) => {
                        governance::severity(&engine, c, cli.json).await
                    }
                    WorkspaceCommand::Drift(args) => {
                        governance::drift(&engine, args, cli.json).await
                    }
                    WorkspaceCommand::Findings(c) => {
                        governance::findings(&engine, c, cli.json).await
                    }
                    WorkspaceCommand::Audit(c) => workspace::audit(&engine, c, cli.json).await,
                    WorkspaceCommand::Backup(args) => backup::backup(&engine, args, cli.json).await,
                    WorkspaceCommand::Search(args) => search::search(&engine, args, cli.json).await,
                    WorkspaceCommand::Settings(args) => {
                        settings::settings(&engine, args, cli.json).await
                    }
                    WorkspaceCommand::Report(command) => {
                        report::report(&engine, command, cli.json).await
                    }
                    WorkspaceCommand::ExchangeKey(args) => {
                        exchange::exchange_key(&engine, args, cli.json).await
                    }
                    WorkspaceCommand::ExportSnapshot(args) => {
                        exchange::export_snapshot(&engine, args, cli.json).await
                    }
                    WorkspaceCommand::ImportSnapshot(args) => {
                        exchange::import_snapshot(&engine, args, cli.json).await
                    }
                    WorkspaceCommand::Import(args) => import::import(&engine, args, cli.json).await,
                };
                // Close also after a failed command: the log is folded into the database file.
                engine.close().await?;
                result
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`… | head`): a normal end, as for other Unix tools.
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Messages carry tenant names and Graph's own words: shown, never obeyed.
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("error: {}", output::clean(&chain.join(": ")));
            ExitCode::from(1)
        }
    }
}

/// Clap's usage error as one line: the message; when it ends in a colon (a list follows, e.g. the
/// required arguments that were not given) the listed items joined on; and clap's suggestion for
/// a mistyped subcommand, flag or value ("a similar subcommand exists: 'sync'").
fn usage_error_line(rendered: &str) -> String {
    let lines: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .collect();
    let first = lines
        .first()
        .copied()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    let (tips, items): (Vec<&str>, Vec<&str>) =
        lines.iter().skip(1).partition(|l| l.starts_with("tip:"));
    let mut line = if first.ends_with(':') && !items.is_empty() {
        format!("{first} {}", items.join(", "))
    } else {
        first.to_string()
    };
    for tip in tips {
        line.push_str("; ");
        line.push_str(tip.trim_start_matches("tip:").trim());
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_keep_what_is_missing() {
        let rendered = "error: the following required arguments were not provided:\n  --tenant <TENANT>\n\nUsage: tenantatlas sync --tenant <TENANT>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_error_line(rendered),
            "the following required arguments were not provided: --tenant <TENANT>"
        );
        assert_eq!(
            usage_error_line("error: unexpected argument '--x' found\n\nUsage: x"),
            "unexpected argument '--x' found"
        );
    }

    #[test]
    fn mistyped_words_keep_the_suggestion() {
        for (args, expected) in [
            (
                vec!["tenantatlas", "synk", "--all"],
                "unrecognized subcommand 'synk'; a similar subcommand exists: 'sync'",
            ),
            (
                vec!["tenantatlas", "sync", "--tenat", "x"],
                "unexpected argument '--tenat' found; a similar argument exists: '--tenant'",
            ),
            (
                vec!["tenantatlas", "findings", "lsit"],
                "unrecognized subcommand 'lsit'; a similar subcommand exists: 'list'",
            ),
        ] {
            let Err(e) = Cli::try_parse_from(&args) else {
                panic!("{args:?} parsed");
            };
            assert_eq!(usage_error_line(&e.render().to_string()), expected);
        }
    }
}
