//! Commands that work on a workspace: sync, policies, history, runs, audit (tenants are in
//! `tenant.rs`). Text output is tables with a header row (`output::Table`); `--json` prints the
//! documents the command-line contract names.

use crate::output::{self, clean, count, counted, Align, Table};
use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::policy_view::PolicyView;
use tenantatlas_engine::ops::queries::{progress_facts, runs_csv, RunSummary};
use tenantatlas_engine::{Engine, ProgressEvent, SyncOptions, SyncSummary};
use tokio_util::sync::CancellationToken;

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["tenant", "all"])))]
pub struct SyncArgs {
    /// The tenant (domain or id) to sync.
    #[arg(long)]
    tenant: Option<String>,
    /// Sync every active tenant.
    #[arg(long)]
    all: bool,
    /// Tenants synced at the same time (default: chosen from the number of tenants, the cores
    /// and the memory available, at most 64).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    concurrency: Option<u64>,
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
    /// Show one stored object in words: kind, version, assignments and settings (`--json`: the
    /// stored object itself).
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
    /// Prove the audit log intact: its hash chain, that it still extends every checkpoint given
    /// (and every one stored in the workspace), and that it explains every finding's and
    /// baseline's state. Exit code 1 when anything fails.
    Verify {
        /// A checkpoint written by `audit checkpoint --out`, kept outside the workspace
        /// (repeat for several).
        #[arg(long, value_name = "FILE", num_args = 1..)]
        against: Vec<PathBuf>,
    },
    /// Sign the log's last entry with the workspace's key and store the checkpoint; keep a copy
    /// outside the workspace with `--out`, to prove later that nothing was removed or rewritten.
    Checkpoint {
        /// Also write the signed checkpoint to FILE (JSON, readable by you only).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The newest entries: when, who, what, on what.
    List {
        /// How many entries to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

/// Opens the workspace: `--workspace`, `TENANTATLAS_WORKSPACE`, or the per-user data folder.
pub async fn open(workspace: Option<&Path>) -> Result<Engine> {
    let dir = workspace
        .map(Path::to_path_buf)
        .unwrap_or_else(Engine::default_dir);
    Ok(Engine::open(&dir, crate::secrets::passphrase()).await?)
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    output::json(value)
}

/// A stored time (`2026-12-05T03:21:42.588Z`) as people read it: `2026-12-05 03:21 UTC`. Text
/// that is not such a time is shown as it is.
pub(crate) fn when(time: &str) -> String {
    match (time.get(..10), time.get(11..16)) {
        (Some(day), Some(minute)) if time.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {minute} UTC")
        }
        _ => time.to_string(),
    }
}

/// Cancels on Ctrl+C, so long jobs end their runs cleanly.
pub(crate) fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let child = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            child.cancel();
        }
    });
    cancel
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
        concurrency: args.concurrency.unwrap_or(0) as usize,
        cancel: cancel_on_ctrl_c(),
    };
    let runs = engine.sync(&tenants, options, progress).await?;
    if let Ok(bars) = bars.lock() {
        bars.finish();
    }
    let failed = runs.iter().filter(|r| r.status == "failed").count();
    let drift = if args.drift {
        Some(engine.drift_after_sync(&runs, today()).await?)
    } else {
        None
    };
    if json {
        match &drift {
            Some(report) => print_json(&json!({"runs": runs, "drift": report}))?,
            None => print_json(&json!({"runs": runs}))?,
        }
    } else {
        print_sync(&runs)?;
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
            "{failed} of {} failed — {} (details: `tenantatlas runs show {first_id}`)",
            counted(runs.len() as u64, "tenant sync"),
            reasons.join("; ")
        );
    }
    Ok(())
}

/// One row per tenant's run, then what each skipped, failed on or warns about.
fn print_sync(runs: &[SyncSummary]) -> Result<()> {
    let mut table = Table::new(&[
        ("status", Align::Left),
        ("tenant", Align::Left),
        ("objects", Align::Right),
        ("new versions", Align::Right),
        ("deleted", Align::Right),
        ("requests", Align::Right),
        ("Graph calls", Align::Right),
        ("throttled", Align::Right),
        ("time", Align::Right),
    ]);
    for r in runs {
        table.row(&[
            r.status.clone(),
            r.tenant_name.clone(),
            r.objects.to_string(),
            r.versions_added.to_string(),
            r.deleted.to_string(),
            r.requests.to_string(),
            r.graph_calls.to_string(),
            r.throttled.to_string(),
            format!("{:.1}s", r.duration_ms as f64 / 1000.0),
        ]);
    }
    table.print()?;
    for r in runs {
        let name = clean(&r.tenant_name);
        for skipped in &r.skipped {
            outln!("{name}: skipped {}", clean(skipped));
        }
        for warning in &r.warnings {
            outln!("{name}: warning: {}", clean(warning));
        }
        for error in &r.errors {
            outln!(
                "{name}: error: {}",
                clean(error["message"].as_str().unwrap_or(""))
            );
        }
    }
    Ok(())
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
            if list.is_empty() {
                outln!(
                    "{}",
                    if deleted {
                        "no deleted objects"
                    } else {
                        "no objects"
                    }
                );
                return Ok(());
            }
            let mut table = Table::new(&[
                ("kind", Align::Left),
                ("id", Align::Left),
                ("name", Align::Left),
            ]);
            for p in &list {
                table.row(&[p.kind.as_str(), &p.id, &p.name]);
            }
            table.print()?;
            let n = list.len() as u64;
            if deleted {
                outln!(
                    "{} (gone from the tenant; `policies show` has their last version)",
                    count(n, "deleted object", "deleted objects")
                );
            } else {
                outln!("{}", counted(n, "object"));
            }
            Ok(())
        }
        PoliciesCommand::Show {
            tenant,
            object,
            version,
        } => {
            if json {
                // The stored object, with its secrets hidden like every output's (`core::redact`).
                let mut stored = engine.policy(&tenant, &object, version).await?;
                tenantatlas_core::redact::secrets(&mut stored.content);
                return print_json(&stored);
            }
            print_policy(&engine.policy_view(&tenant, &object, version).await?)
        }
    }
}

/// One object in words: what it is, who gets it, what it configures.
fn print_policy(view: &PolicyView) -> Result<()> {
    outln!("{}", clean(&view.name));
    let mut about = Table::new(&[("", Align::Left), ("", Align::Left)]).indent(2);
    about.row(&["kind", &view.kind_label]);
    if let Some(type_label) = &view.type_label {
        about.row(&["type", type_label]);
    }
    about.row(&["id", &view.object_id]);
    about.row(&[
        "version".to_string(),
        format!("{}, captured {}", view.version_no, when(&view.captured_at)),
    ]);
    about.row(&[
        "tenant".to_string(),
        format!("{} ({})", view.tenant_name, view.tenant),
    ]);
    if view.deleted {
        about.row(&["state", "Deleted: gone from the tenant"]);
    }
    // The two-column record has no header: its first line (empty headers) is left out.
    for line in about.lines().iter().skip(1) {
        outln!("{line}");
    }
    outln!();
    if view.assignments.is_empty() {
        outln!("Assignments: none");
    } else {
        outln!("Assignments");
        let mut table = Table::new(&[
            ("mode", Align::Left),
            ("target", Align::Left),
            ("filter", Align::Left),
            ("details", Align::Left),
        ])
        .indent(2);
        for a in &view.assignments {
            table.row(&[
                a.mode.as_str(),
                &a.target,
                a.filter.as_deref().unwrap_or(""),
                a.details.as_deref().unwrap_or(""),
            ]);
        }
        table.print()?;
    }
    outln!();
    if view.settings.is_empty() {
        outln!("Settings: none configured");
    } else {
        outln!("Settings");
        let mut table = Table::new(&[("setting", Align::Left), ("value", Align::Left)]).indent(2);
        for s in &view.settings {
            table.row(&[s.setting.as_str(), &s.value]);
        }
        table.print()?;
    }
    Ok(())
}

pub async fn history(engine: &Engine, tenant: &str, object: &str, json: bool) -> Result<()> {
    let versions = engine.history(tenant, object).await?;
    if json {
        return print_json(&versions);
    }
    let mut table = Table::new(&[
        ("version", Align::Right),
        ("captured", Align::Left),
        ("snapshot", Align::Right),
        ("content hash", Align::Left),
    ]);
    for v in &versions {
        table.row(&[
            v.version_no.to_string(),
            when(&v.captured_at),
            v.snapshot_id.to_string(),
            v.hash.clone(),
        ]);
    }
    table.print()?;
    outln!("{}", counted(versions.len() as u64, "version"));
    Ok(())
}

pub async fn runs(engine: &Engine, command: RunsCommand, json: bool) -> Result<()> {
    match command {
        RunsCommand::List => {
            let runs = engine.runs().await?;
            if json {
                return print_json(&runs);
            }
            if runs.is_empty() {
                outln!("no runs yet; `tenantatlas sync --all` makes one per tenant");
                return Ok(());
            }
            let mut table = Table::new(&[
                ("run", Align::Left),
                ("kind", Align::Left),
                ("status", Align::Left),
                ("tenant", Align::Left),
                ("objects", Align::Right),
                ("started", Align::Left),
            ]);
            for r in &runs {
                table.row(&[
                    r.run.id.clone(),
                    r.run.run_kind.clone(),
                    r.run.status.as_str().to_string(),
                    tenant_of(r),
                    r.run.objects.to_string(),
                    when(&r.run.started_at),
                ]);
            }
            table.print()
        }
        RunsCommand::Show { id } => {
            let run = engine.run(&id).await?;
            if json {
                return print_json(&run);
            }
            print_run(&run)
        }
        RunsCommand::Export { csv } => {
            let runs = engine.runs().await?;
            std::fs::write(&csv, runs_csv(&runs))
                .with_context(|| format!("writing {}", csv.display()))?;
            if json {
                print_json(&json!({"file": csv, "runs": runs.len()}))
            } else {
                outln!(
                    "wrote {} to {}",
                    counted(runs.len() as u64, "run"),
                    csv.display()
                );
                Ok(())
            }
        }
    }
}

/// The run's tenant by name, or by id when it is no longer in the workspace.
fn tenant_of(run: &RunSummary) -> String {
    match (&run.tenant_name, &run.run.tenant_id) {
        (Some(name), _) => name.clone(),
        (None, Some(id)) => id.clone(),
        (None, None) => String::new(),
    }
}

/// One run as people read it: what, for whom, how it ended, what it counted, its errors.
fn print_run(summary: &RunSummary) -> Result<()> {
    let run = &summary.run;
    outln!("{} run {}", run.run_kind, run.id);
    let mut about = Table::new(&[("", Align::Left), ("", Align::Left)]).indent(2);
    let tenant = match (&summary.tenant_name, &summary.tenant_domain) {
        (Some(name), Some(domain)) => format!("{name} ({domain})"),
        _ => tenant_of(summary),
    };
    if !tenant.is_empty() {
        about.row(&["tenant".to_string(), tenant]);
    }
    about.row(&["status", run.status.as_str()]);
    about.row(&["started".to_string(), when(&run.started_at)]);
    if let Some(finished) = &run.finished_at {
        let took = run
            .duration_ms
            .map(|ms| format!(" (took {:.1}s)", ms as f64 / 1000.0))
            .unwrap_or_default();
        about.row(&["finished".to_string(), format!("{}{took}", when(finished))]);
    }
    about.row(&[
        "objects".to_string(),
        if run.run_kind == "sync" {
            format!(
                "{}, {}",
                counted(run.objects, "object"),
                count(run.versions_added, "new version", "new versions")
            )
        } else {
            counted(run.objects, "object")
        },
    ]);
    if run.requests > 0 || run.graph_calls > 0 {
        about.row(&[
            "requests".to_string(),
            format!(
                "{}, {}, {}, {} throttled",
                counted(run.requests, "HTTP request"),
                counted(run.graph_calls, "Graph call"),
                count(run.retries, "retry", "retries"),
                run.throttled
            ),
        ]);
    }
    for (label, words) in progress_facts(&run.progress) {
        about.row(&[label, words]);
    }
    for line in about.lines().iter().skip(1) {
        outln!("{line}");
    }
    if !run.counts.is_empty() {
        outln!();
        let mut table = Table::new(&[("kind", Align::Left), ("count", Align::Right)]).indent(2);
        for (kind, n) in &run.counts {
            table.row(&[kind.clone(), n.to_string()]);
        }
        table.print()?;
    }
    outln!();
    if run.errors.is_empty() {
        outln!("no errors");
    } else {
        outln!("{}", counted(run.errors.len() as u64, "error"));
        for e in &run.errors {
            let mut about = Vec::new();
            if let Some(kind) = &e.kind {
                about.push(format!("kind {kind}"));
            }
            if let Some(status) = e.status {
                about.push(format!("HTTP {status}"));
            }
            if let Some(id) = &e.request_id {
                about.push(format!("request id {id}"));
            }
            let about = if about.is_empty() {
                String::new()
            } else {
                format!(" ({})", about.join(", "))
            };
            outln!("  - {}{}", clean(&e.message), clean(&about));
        }
    }
    Ok(())
}

/// A progress value worth a line: text, a number, or a list of them.
pub async fn audit(engine: &Engine, command: AuditCommand, json: bool) -> Result<()> {
    match command {
        AuditCommand::Verify { against } => audit_verify(engine, &against, json).await,
        AuditCommand::Checkpoint { out } => {
            let checkpoint = engine.audit_checkpoint().await?;
            if let Some(path) = &out {
                let mut text = serde_json::to_string_pretty(&checkpoint)?;
                text.push('\n');
                write_private(path, text.as_bytes()).with_context(|| {
                    format!("cannot write the checkpoint to {}", path.display())
                })?;
            }
            if json {
                return print_json(&json!({"checkpoint": checkpoint, "out": out}));
            }
            outln!(
                "signed the audit log at entry {} ({})",
                checkpoint.seq,
                when(&checkpoint.at)
            );
            match &out {
                Some(path) => outln!(
                    "wrote {}: keep it outside the workspace; `tenantatlas audit verify --against {}` proves the log still extends it",
                    clean(&path.display().to_string()),
                    output::shell_word(&path.display().to_string())
                ),
                None => outln!(
                    "stored in the workspace; pass --out FILE to keep a copy elsewhere, which is what proves nothing was removed later"
                ),
            }
            Ok(())
        }
        AuditCommand::List { limit } => {
            let entries = engine.audit_entries(limit).await?;
            if json {
                return print_json(&json!({"entries": entries}));
            }
            if entries.is_empty() {
                outln!("the audit log is empty");
                return Ok(());
            }
            let names: std::collections::HashMap<String, String> = engine
                .tenants()
                .await?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            let mut table = Table::new(&[
                ("#", Align::Right),
                ("when", Align::Left),
                ("who", Align::Left),
                ("what", Align::Left),
                ("on", Align::Left),
            ]);
            for e in &entries {
                table.row(&[
                    e.seq.to_string(),
                    when(&e.at),
                    clean(&e.actor).into_owned(),
                    clean(&e.action).into_owned(),
                    clean(&audit_subject(&e.subject, &e.details, &names)).into_owned(),
                ]);
            }
            table.print()
        }
    }
}

/// What an audit entry is about, as people name it: the tenant by name, the object and its drift
/// for a finding, the version of a baseline; the stored subject (an id) when the details say
/// nothing more.
fn audit_subject(
    subject: &str,
    details: &Value,
    names: &std::collections::HashMap<String, String>,
) -> String {
    let text = |key: &str| details.get(key).and_then(Value::as_str);
    let mut parts: Vec<String> = Vec::new();
    if let Some(tenant) = text("tenant_id") {
        parts.push(
            names
                .get(tenant)
                .cloned()
                .unwrap_or_else(|| tenant.to_string()),
        );
    } else if let Some(domain) = text("domain") {
        parts.push(domain.to_string());
    }
    if let Some(object) = text("object").or_else(|| text("item")) {
        let drift = text("drift").map(|d| format!(" ({d})")).unwrap_or_default();
        parts.push(format!("{object}{drift}"));
    }
    if parts.is_empty() {
        return subject.to_string();
    }
    if let Some(version) = details.get("version").and_then(Value::as_i64) {
        parts.push(format!("{subject} v{version}"));
    }
    parts.join(": ")
}

/// The most a checkpoint file is read: a real one is well under 1 KiB.
const CHECKPOINT_MAX_BYTES: u64 = 64 * 1024;

async fn audit_verify(engine: &Engine, against: &[PathBuf], json: bool) -> Result<()> {
    let mut files = Vec::new();
    for path in against {
        let name = path.display().to_string();
        let text = read_checkpoint_file(path)
            .with_context(|| format!("cannot read the checkpoint {name}"))?;
        files.push((name, text));
    }
    let report = engine.verify_audit_against(&files).await?;
    let problems: Vec<&str> = report
        .chain
        .iter()
        .chain(report.checkpoints.iter().filter_map(|c| c.problem.as_ref()))
        .chain(report.unexplained.iter().map(|u| &u.problem))
        .map(String::as_str)
        .collect();
    if json {
        print_json(&report)?;
    } else {
        match &report.chain {
            None => outln!(
                "the audit log is intact: {}, each chained to the one before",
                count(report.entries, "entry", "entries")
            ),
            Some(problem) => outln!("FAILED: {problem}"),
        }
        for c in &report.checkpoints {
            let source = clean(&c.source);
            match (&c.problem, c.seq, &c.at) {
                (Some(problem), _, _) => outln!("FAILED: {}", clean(problem)),
                (None, Some(seq), Some(at)) => outln!(
                    "{source} (entry {seq}, signed {}): the log still extends it",
                    when(at)
                ),
                _ => outln!("{source}: the log still extends it"),
            }
        }
        if report.unexplained.is_empty() {
            outln!("every finding's and baseline's state is explained by the log");
        }
        for u in &report.unexplained {
            outln!("FAILED: {}", clean(&u.problem));
        }
    }
    match problems.as_slice() {
        [] => Ok(()),
        // One problem is the error itself: "cp.json is a checkpoint of another workspace …".
        [one] => bail!("{one}"),
        [first, ..] => bail!(
            "the audit log failed verification: {}; the first: {first}",
            count(problems.len() as u64, "problem", "problems")
        ),
    }
}

/// A checkpoint file's text; a file too large or not text to be one is an error of its own.
fn read_checkpoint_file(path: &Path) -> Result<String> {
    // A regular file only (a FIFO given by mistake never blocks), read no further than a
    // checkpoint can be long.
    let bytes = tenantatlas_engine::ops::input::read_bounded(path, CHECKPOINT_MAX_BYTES)
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    // Not UTF-8: let the parser say it is no checkpoint, in the same words as other garbage.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Writes `bytes` to `path`, readable and writable by the user only (0600 on Unix), through a
/// temporary file and a rename so that a crash never leaves half a file.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "checkpoint".into());
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    // A new file (O_EXCL): never one planted there before, nor where a planted link points.
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    Ok(())
}
