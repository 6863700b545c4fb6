//! `report`: review packs (PDF and signed evidence bundle), the portfolio report, the history of
//! packs made, and CSV/JSON exports for people who live in spreadsheets.

use crate::output::{self, clean, size, Align, Table};
use crate::workspace::when;
use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use tenantatlas_engine::ops::report::exports::{ExportFormat, ExportKind, ExportOptions};
use tenantatlas_engine::ops::report::portfolio::PortfolioReportOptions;
use tenantatlas_engine::ops::report::{source_date_epoch, ReviewPackOptions};
use tenantatlas_engine::{Engine, ProgressEvent};

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// A tenant's review pack: the PDF for the customer, and with --evidence the signed bundle
    /// an auditor verifies offline (`tenantatlas verify`).
    ReviewPack(ReviewPackArgs),
    /// The MSP's own report across every tenant: health, sync SLA, scores and trends, open high
    /// findings, risk acceptances about to expire.
    Portfolio(PortfolioArgs),
    /// The packs and reports made from this workspace, newest first, and whether their files are
    /// still as made.
    List,
    /// Inventory, findings, the risk register or runs as CSV or JSON.
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct ReviewPackArgs {
    /// The tenant (domain or tenant id).
    #[arg(long)]
    tenant: String,
    /// The PDF to write.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Also write the evidence bundle (ZIP) here.
    #[arg(long, value_name = "FILE.zip")]
    evidence: Option<PathBuf>,
    /// The period: 2026-Q4, 2026-11, 2026-10-01..2026-12-31 or 90d (default: the last 90 days).
    #[arg(long)]
    period: Option<String>,
    /// Replace user names, UPNs and e-mail addresses with stable pseudonyms (secrets are always
    /// hidden).
    #[arg(long)]
    redact_pii: bool,
    /// Replace the output files if they exist.
    #[arg(long)]
    force: bool,
}

#[derive(Args, Debug)]
pub struct PortfolioArgs {
    /// The PDF to write.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Also write the per-tenant table as CSV.
    #[arg(long, value_name = "FILE.csv")]
    csv: Option<PathBuf>,
    /// Replace the output files if they exist.
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum What {
    Inventory,
    Findings,
    Risks,
    Runs,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Csv,
    Json,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    what: What,
    /// csv (default) or json.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Only this tenant (default: every tenant; the inventory is per tenant and needs it).
    #[arg(long)]
    tenant: Option<String>,
    /// The file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Replace the file if it exists.
    #[arg(long)]
    force: bool,
}

pub async fn report(engine: &Engine, command: ReportCommand, json: bool) -> Result<()> {
    match command {
        ReportCommand::ReviewPack(args) => review_pack(engine, args, json).await,
        ReportCommand::Portfolio(args) => portfolio(engine, args, json).await,
        ReportCommand::List => list(engine, json).await,
        ReportCommand::Export(args) => export(engine, args, json).await,
    }
}

/// Steps on stderr when it is a terminal and the output is not JSON.
fn steps(json: bool) -> impl Fn(ProgressEvent) + Sync {
    let show = !json && std::io::stderr().is_terminal();
    move |event| {
        if let (
            true,
            ProgressEvent::ReportStep {
                step, steps, what, ..
            },
        ) = (show, &event)
        {
            eprintln!("  [{step}/{steps}] {what}…");
        }
    }
}

async fn review_pack(engine: &Engine, args: ReviewPackArgs, json: bool) -> Result<()> {
    let options = ReviewPackOptions {
        tenant: args.tenant,
        period: args.period,
        out: args.out,
        evidence: args.evidence,
        redact_pii: args.redact_pii,
        force: args.force,
        at: source_date_epoch(),
    };
    let pack = engine.review_pack(&options, &steps(json)).await?;
    if json {
        return output::json(&pack);
    }
    outln!(
        "Review pack of {} ({}) for {}: {} ({} pages, {}).",
        clean(&pack.tenant_name),
        clean(&pack.tenant),
        pack.period,
        clean(&pack.pdf),
        pack.pages,
        size(pack.pdf_bytes)
    );
    outln!("  PDF SHA-256: {}", pack.pdf_sha256);
    if let (Some(path), Some(bytes), Some(sums)) =
        (&pack.evidence, pack.evidence_bytes, &pack.sums_sha256)
    {
        outln!(
            "  Evidence bundle: {} ({}), signed by {}",
            clean(path),
            size(bytes),
            pack.signer_fingerprint
        );
        outln!("  SHA-256 of its SHA256SUMS: {sums} (the next pack of this tenant names it)");
        if let Some(previous) = &pack.previous_sums_sha256 {
            outln!("  Continues the pack whose SHA256SUMS hashes to {previous}");
        }
        outln!(
            "  Check it anywhere: tenantatlas verify {}",
            output::shell_word(path)
        );
    }
    outln!(
        "  Score {}, {} open findings; {} secret values hidden{}.",
        pack.score
            .map_or("not scored".to_string(), |s| format!("{s:.0}%")),
        pack.open_findings,
        pack.secrets_hidden,
        match pack.people_pseudonymised {
            Some(n) => format!(", {n} people pseudonymised"),
            None => String::new(),
        }
    );
    Ok(())
}

async fn portfolio(engine: &Engine, args: PortfolioArgs, json: bool) -> Result<()> {
    let options = PortfolioReportOptions {
        out: args.out,
        csv: args.csv,
        force: args.force,
        at: source_date_epoch(),
    };
    let report = engine.portfolio_report(&options, &steps(json)).await?;
    if json {
        return output::json(&report);
    }
    outln!(
        "Portfolio report of {} tenants: {} ({} pages, {}).",
        report.tenants,
        clean(&report.pdf),
        report.pages,
        size(report.pdf_bytes)
    );
    if let Some(csv) = &report.csv {
        outln!("  CSV: {}", clean(csv));
    }
    Ok(())
}

async fn list(engine: &Engine, json: bool) -> Result<()> {
    let packs = engine.packs().await?;
    if json {
        return output::json(&packs);
    }
    if packs.is_empty() {
        outln!("No packs yet: make one with `tenantatlas report review-pack --tenant T --out FILE.pdf --evidence FILE.zip`.");
        return Ok(());
    }
    let mut table = Table::new(&[
        ("Made", Align::Left),
        ("Kind", Align::Left),
        ("Tenant", Align::Left),
        ("Period", Align::Left),
        ("Pages", Align::Right),
        ("File", Align::Left),
        ("State", Align::Left),
    ]);
    for p in &packs {
        table.row(&[
            when(&p.record.generated_at),
            p.record.kind.clone(),
            if p.tenant_domain.is_empty() {
                "all tenants".to_string()
            } else {
                p.tenant_domain.clone()
            },
            format!("{} – {}", p.record.period_from, p.record.period_to),
            p.record.pages.to_string(),
            p.record.pdf_path.clone(),
            p.state.to_string(),
        ]);
    }
    table.print()
}

async fn export(engine: &Engine, args: ExportArgs, json: bool) -> Result<()> {
    let options = ExportOptions {
        kind: match args.what {
            What::Inventory => ExportKind::Inventory,
            What::Findings => ExportKind::Findings,
            What::Risks => ExportKind::Risks,
            What::Runs => ExportKind::Runs,
        },
        format: match args.format {
            Format::Csv => ExportFormat::Csv,
            Format::Json => ExportFormat::Json,
        },
        tenant: args.tenant,
        out: args.out,
        force: args.force,
    };
    let done = engine.export(&options).await?;
    if json {
        return output::json(&done);
    }
    outln!(
        "Wrote {} {} to {} ({}).",
        done.rows,
        done.what,
        clean(&done.path),
        size(done.bytes)
    );
    Ok(())
}
