//! Commands that work on a workspace: tenants, sync, policies, history, runs.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tenantatlas_engine::ops::drift::{DriftOptions, DriftReport};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::queries::runs_csv;
use tenantatlas_engine::ops::tenant_add::{
    AddTenant, SignInPrompt, DEFAULT_AUTHORITY, DEFAULT_CLIENT_ID, DEFAULT_GRAPH,
};
use tenantatlas_engine::{Engine, ProgressEvent, SyncOptions, SyncSummary};
use tokio_util::sync::CancellationToken;

#[derive(Subcommand, Debug)]
pub enum TenantCommand {
    /// Connect a customer tenant: sign in, check permissions, record it in the workspace.
    Add(TenantAddArgs),
    /// List the tenants of the workspace with their state, last sync and missing permissions.
    List,
    /// Archive a tenant: keep its history, stop syncing it with `sync --all`.
    Archive { tenant: String },
    /// Make an archived tenant active again.
    Activate { tenant: String },
}

#[derive(Args, Debug)]
pub struct TenantAddArgs {
    /// The tenant's verified domain (contoso.onmicrosoft.com) or its tenant id (GUID).
    tenant: String,
    /// Sign-in authority (Microsoft's public cloud by default).
    #[arg(long, default_value = DEFAULT_AUTHORITY)]
    authority: String,
    /// Microsoft Graph base URL.
    #[arg(long, default_value = DEFAULT_GRAPH)]
    graph: String,
    /// The public client app registration to sign in with.
    #[arg(long, default_value = DEFAULT_CLIENT_ID)]
    client_id: String,
    /// Trust this CA certificate (PEM) for the tenant's hosts, in addition to the system's.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Sign in with the browser (for tenants whose Conditional Access blocks device-code sign-in).
    #[arg(long)]
    browser: bool,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["tenant", "all"])))]
pub struct SyncArgs {
    /// The tenant (domain or id) to sync.
    #[arg(long)]
    tenant: Option<String>,
    /// Sync every active tenant.
    #[arg(long)]
    all: bool,
    /// Tenants synced at the same time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=64))]
    concurrency: u64,
    /// Then check every synced tenant that has a baseline for drift.
    #[arg(long)]
    drift: bool,
}

#[derive(Subcommand, Debug)]
pub enum PoliciesCommand {
    /// List a tenant's captured objects.
    List {
        #[arg(long)]
        tenant: String,
        /// Only this kind (e.g. configurationPolicies).
        #[arg(long)]
        kind: Option<String>,
        /// Only names containing this text.
        #[arg(long)]
        search: Option<String>,
        /// Objects gone from the tenant since an earlier snapshot (ghost policies).
        #[arg(long)]
        deleted: bool,
    },
    /// Show one stored object as JSON, with its assignments.
    Show {
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        object: String,
        /// A version number from `tenantatlas history` (default: the latest).
        #[arg(long)]
        version: Option<u32>,
    },
}

#[derive(Subcommand, Debug)]
pub enum RunsCommand {
    /// List every run.
    List,
    /// Show one run with its counts and errors.
    Show { id: String },
    /// Export the runs as CSV.
    Export {
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check that no entry of the audit log was changed or removed (its entries are hash-chained).
    Verify,
}

/// Opens the workspace: `--workspace`, `TENANTATLAS_WORKSPACE`, or the per-user data folder.
pub async fn open(workspace: Option<&Path>) -> Result<Engine> {
    let dir = workspace
        .map(Path::to_path_buf)
        .unwrap_or_else(Engine::default_dir);
    let passphrase = std::env::var("TENANTATLAS_PASSPHRASE")
        .ok()
        .filter(|p| !p.is_empty());
    Ok(Engine::open(&dir, passphrase).await?)
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    crate::output::json(value)
}

/// Cancels on Ctrl+C, so long jobs end their runs cleanly.
fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let child = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            child.cancel();
        }
    });
    cancel
}

pub async fn tenant(engine: &Engine, command: TenantCommand, json: bool) -> Result<()> {
    match command {
        TenantCommand::Add(args) => {
            let ca_cert_pem =
                match &args.ca_cert {
                    Some(path) => Some(std::fs::read_to_string(path).with_context(|| {
                        format!("reading the CA certificate {}", path.display())
                    })?),
                    None => None,
                };
            if let Some(pem) = &ca_cert_pem {
                if !pem.contains("-----BEGIN CERTIFICATE-----") {
                    bail!(
                        "{} is not a PEM certificate",
                        args.ca_cert.as_ref().unwrap().display()
                    );
                }
            }
            let request = AddTenant {
                tenant: args.tenant,
                authority: args.authority,
                graph: args.graph,
                client_id: args.client_id,
                ca_cert_pem,
                browser: args.browser,
            };
            let added = engine
                .add_tenant(
                    request,
                    |prompt| match prompt {
                        // The prompt goes to stderr so that `--json` keeps stdout to one document.
                        SignInPrompt::DeviceCode { message, .. } => eprintln!("{message}"),
                        SignInPrompt::Browser { url } => {
                            eprintln!("Open this address in a browser to sign in:\n  {url}");
                            // Over SSH or in scripts there is no browser to open; the address is printed.
                            if std::env::var_os("TENANTATLAS_NO_BROWSER").is_none() {
                                let _ = open::that_detached(&url);
                            }
                        }
                    },
                    cancel_on_ctrl_c(),
                )
                .await?;
            if json {
                print_json(&json!({"tenant": added}))
            } else {
                outln!(
                    "connected {} ({}) as {}",
                    added.name,
                    added.domain,
                    added.username
                );
                if !added.missing_permissions.is_empty() {
                    outln!(
                        "missing permissions (sync will skip what they cover): {}",
                        added.missing_permissions.join(", ")
                    );
                }
                Ok(())
            }
        }
        TenantCommand::Archive { tenant } => set_archived(engine, &tenant, true, json).await,
        TenantCommand::Activate { tenant } => set_archived(engine, &tenant, false, json).await,
        TenantCommand::List => {
            let tenants = engine.tenants().await?;
            if json {
                return print_json(&tenants);
            }
            if tenants.is_empty() {
                outln!("no tenants yet; connect one with `tenantatlas tenant add DOMAIN`");
            }
            for t in tenants {
                outln!(
                    "{:<36} {:<34} {:<8} last sync {:<28} {}",
                    t.name,
                    t.domain,
                    t.state,
                    t.last_sync.unwrap_or_else(|| "never".into()),
                    if t.missing_permissions.is_empty() {
                        String::new()
                    } else {
                        format!("missing: {}", t.missing_permissions.join(", "))
                    }
                );
            }
            Ok(())
        }
    }
}

async fn set_archived(engine: &Engine, tenant: &str, archived: bool, json: bool) -> Result<()> {
    let record = engine.set_tenant_archived(tenant, archived).await?;
    if json {
        print_json(
            &json!({"tenant": {"id": record.id, "domain": record.domain, "name": record.name, "state": record.state.as_str()}}),
        )
    } else {
        outln!(
            "{} ({}) is now {}",
            record.name,
            record.domain,
            record.state.as_str()
        );
        Ok(())
    }
}

pub async fn sync(engine: &Engine, args: SyncArgs, json: bool) -> Result<()> {
    let tenants: Vec<String> = args.tenant.into_iter().collect();
    let show_progress = !json && std::io::stderr().is_terminal();
    let bars = Arc::new(Mutex::new(crate::progress::Bars::new(show_progress)));
    let progress_bars = bars.clone();
    let progress = Arc::new(move |event: ProgressEvent| {
        if let Ok(mut bars) = progress_bars.lock() {
            bars.update(&event);
        }
    });
    let options = SyncOptions {
        concurrency: args.concurrency as usize,
        cancel: cancel_on_ctrl_c(),
    };
    let runs = engine.sync(&tenants, options, progress).await?;
    if let Ok(bars) = bars.lock() {
        bars.finish();
    }
    let failed = runs.iter().filter(|r| r.status == "failed").count();
    let drift = if args.drift {
        Some(drift_after_sync(engine, &runs).await?)
    } else {
        None
    };
    if json {
        match &drift {
            Some(report) => print_json(&json!({"runs": runs, "drift": report}))?,
            None => print_json(&json!({"runs": runs}))?,
        }
    } else {
        for r in &runs {
            outln!(
                "{:<9} {:<36} {:>5} objects  {:>4} new versions  {:>4} deleted  {:>4} requests  {:>5} Graph calls  {:>3} throttled  {:.1}s",
                r.status,
                r.tenant_name,
                r.objects,
                r.versions_added,
                r.deleted,
                r.requests,
                r.graph_calls,
                r.throttled,
                r.duration_ms as f64 / 1000.0
            );
            for skipped in &r.skipped {
                outln!("          skipped {skipped}");
            }
            for error in &r.errors {
                outln!(
                    "          error: {}",
                    error["message"].as_str().unwrap_or("")
                );
            }
        }
        if let Some(report) = &drift {
            crate::governance::print_drift(report)?;
        }
    }
    if failed > 0 {
        // One line: which tenants failed, why, and where to look.
        let reasons: Vec<String> = runs
            .iter()
            .filter(|r| r.status == "failed")
            .map(|r| {
                let why = r
                    .errors
                    .first()
                    .and_then(|e| e["message"].as_str())
                    .unwrap_or("unknown error");
                format!("{}: {why}", r.tenant_name)
            })
            .collect();
        let first_id = runs
            .iter()
            .find(|r| r.status == "failed")
            .map(|r| r.id.as_str())
            .unwrap_or("");
        bail!(
            "{failed} of {} tenant syncs failed — {} (details: `tenantatlas runs show {first_id}`)",
            runs.len(),
            reasons.join("; ")
        );
    }
    Ok(())
}

/// Drift of the tenants a sync just read (a failed sync's tenant keeps its old snapshot, so it
/// is not checked), as far as they have baselines.
async fn drift_after_sync(engine: &Engine, runs: &[SyncSummary]) -> Result<DriftReport> {
    let with_baseline = engine.tenants_with_baselines().await?;
    let mut report = DriftReport {
        runs: Vec::new(),
        findings: Vec::new(),
        scores: Vec::new(),
    };
    for run in runs
        .iter()
        .filter(|r| r.status != "failed" && with_baseline.contains(&r.tenant))
    {
        let one = engine
            .drift(&DriftOptions {
                tenant: Some(run.tenant.clone()),
                unexpected: false,
                today: today(),
            })
            .await?;
        report.runs.extend(one.runs);
        report.findings.extend(one.findings);
        report.scores.extend(one.scores);
    }
    Ok(report)
}

pub async fn policies(engine: &Engine, command: PoliciesCommand, json: bool) -> Result<()> {
    match command {
        PoliciesCommand::List {
            tenant,
            kind,
            search,
            deleted,
        } => {
            let list = engine
                .policies(&tenant, kind.as_deref(), search.as_deref(), deleted)
                .await?;
            if json {
                return print_json(&list);
            }
            for p in list {
                outln!(
                    "{}  {:<36} {:<38} {}",
                    if p.deleted { "Deleted" } else { "       " },
                    p.kind,
                    p.id,
                    p.name
                );
            }
            Ok(())
        }
        PoliciesCommand::Show {
            tenant,
            object,
            version,
        } => {
            let found = engine.policy(&tenant, &object, version).await?;
            if json {
                print_json(&found)
            } else {
                print_json(&found.content)
            }
        }
    }
}

pub async fn history(engine: &Engine, tenant: &str, object: &str, json: bool) -> Result<()> {
    let versions = engine.history(tenant, object).await?;
    if json {
        return print_json(&versions);
    }
    for v in versions {
        outln!("version {:>3}  {}  {}", v.version_no, v.captured_at, v.hash);
    }
    Ok(())
}

pub async fn runs(engine: &Engine, command: RunsCommand, json: bool) -> Result<()> {
    match command {
        RunsCommand::List => {
            let runs = engine.runs().await?;
            if json {
                return print_json(&runs);
            }
            for r in runs {
                outln!(
                    "{}  {:<5} {:<9} {:<36} {:>6} objects  {}",
                    r.id,
                    r.run_kind,
                    r.status.as_str(),
                    r.tenant_id.clone().unwrap_or_default(),
                    r.objects,
                    r.started_at
                );
            }
            Ok(())
        }
        RunsCommand::Show { id } => print_json(&engine.run(&id).await?),
        RunsCommand::Export { csv } => {
            let runs = engine.runs().await?;
            std::fs::write(&csv, runs_csv(&runs))
                .with_context(|| format!("writing {}", csv.display()))?;
            if json {
                print_json(&json!({"file": csv, "runs": runs.len()}))
            } else {
                outln!("wrote {} runs to {}", runs.len(), csv.display());
                Ok(())
            }
        }
    }
}

pub async fn audit(engine: &Engine, command: AuditCommand, json: bool) -> Result<()> {
    match command {
        AuditCommand::Verify => {
            let entries = engine.verify_audit().await?;
            if json {
                print_json(&json!({"ok": true, "entries": entries}))
            } else {
                outln!(
                    "the audit log is intact: {entries} entries, each chained to the one before"
                );
                Ok(())
            }
        }
    }
}
