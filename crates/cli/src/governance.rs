//! Governance commands: `baseline …`, `drift`, `findings …`.

use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;
use tenantatlas_engine::ops::baselines::CreateBaseline;
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::{today, Finding, FindingFilter};
use tenantatlas_engine::Engine;

#[derive(Subcommand, Debug)]
pub enum BaselineCommand {
    /// Take a tenant's latest snapshot as a new version of the named baseline.
    Create {
        name: String,
        #[arg(long)]
        from_tenant: String,
        /// Only these kinds, comma-separated (e.g. configurationPolicies,deviceConfigurations).
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
    },
    /// Check a tenant against the baseline from now on.
    Assign {
        name: String,
        #[arg(long)]
        tenant: String,
    },
    /// List baselines with their version, objects and tenants.
    List,
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["tenant", "all"])))]
pub struct DriftArgs {
    /// The tenant (domain or id) to check.
    #[arg(long)]
    tenant: Option<String>,
    /// Check every tenant with an assigned baseline.
    #[arg(long)]
    all: bool,
    /// Also report objects of the baselines' kinds that match no baseline object.
    #[arg(long)]
    unexpected: bool,
}

#[derive(Subcommand, Debug)]
pub enum FindingsCommand {
    /// List findings.
    List {
        #[arg(long)]
        tenant: Option<String>,
        /// open, acknowledged, risk_accepted or resolved.
        #[arg(long)]
        state: Option<String>,
        /// high, medium, low or info.
        #[arg(long)]
        severity: Option<String>,
        #[arg(long)]
        kind: Option<String>,
    },
    /// Acknowledge an open finding.
    Ack { id: String },
    /// Accept a finding's risk until a date.
    AcceptRisk {
        id: String,
        #[arg(long)]
        justification: String,
        /// YYYY-MM-DD, in the future.
        #[arg(long)]
        expires: String,
    },
    /// Resolve a finding by hand.
    Resolve { id: String },
}

pub async fn baseline(engine: &Engine, command: BaselineCommand, json: bool) -> Result<()> {
    let shown = match command {
        BaselineCommand::Create {
            name,
            from_tenant,
            kinds,
        } => vec![
            engine
                .create_baseline(&CreateBaseline {
                    name,
                    from_tenant,
                    kinds,
                })
                .await?,
        ],
        BaselineCommand::Assign { name, tenant } => {
            vec![engine.assign_baseline(&name, &tenant).await?]
        }
        BaselineCommand::List => engine.list_baselines().await?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&shown)?);
    } else {
        for b in &shown {
            println!(
                "{}  v{}  {} objects  tenants: {}",
                b.name,
                b.version,
                b.objects,
                if b.tenants.is_empty() {
                    "(none)".to_string()
                } else {
                    b.tenants.join(", ")
                }
            );
        }
    }
    Ok(())
}

pub async fn drift(engine: &Engine, args: DriftArgs, json: bool) -> Result<()> {
    let report = engine
        .drift(&DriftOptions {
            tenant: if args.all { None } else { args.tenant },
            unexpected: args.unexpected,
            today: today(),
        })
        .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for run in &report.runs {
            println!(
                "{}: {} objects checked, {} findings ({} new, {} reopened, {} resolved)",
                run.tenant, run.objects, run.findings, run.opened, run.reopened, run.resolved
            );
        }
        print_findings(&report.findings);
    }
    Ok(())
}

pub async fn findings(engine: &Engine, command: FindingsCommand, json: bool) -> Result<()> {
    let list = match command {
        FindingsCommand::List {
            tenant,
            state,
            severity,
            kind,
        } => {
            let filter = FindingFilter {
                tenant,
                state,
                severity,
                kind,
            };
            let list = engine.list_findings(&filter, today()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_findings(&list);
            }
            return Ok(());
        }
        FindingsCommand::Ack { id } => engine.ack_finding(&id).await?,
        FindingsCommand::AcceptRisk {
            id,
            justification,
            expires,
        } => {
            engine
                .accept_risk(&id, &justification, &expires, today())
                .await?
        }
        FindingsCommand::Resolve { id } => engine.resolve_finding(&id).await?,
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"finding": list}))?
        );
    } else {
        println!("{} is {}", list.id, list.state);
    }
    Ok(())
}

fn print_findings(list: &[Finding]) {
    for f in list {
        println!(
            "{}  {:<13} {:<6} {:<11} {}  {} / {}",
            f.id, f.state, f.severity, f.drift, f.tenant, f.kind, f.object
        );
        for c in &f.changes {
            let show = |v: &Option<serde_json::Value>| {
                v.as_ref().map_or("(none)".to_string(), |v| v.to_string())
            };
            println!("    {}: {} → {}", c.path, show(&c.before), show(&c.after));
        }
    }
}
