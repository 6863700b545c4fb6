//! Governance commands: `baseline …`, `drift`, `findings …`, `severity …`.

use crate::output::{by_reason, clean, counted, shell_word, Align, Table};
use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;
use tenantatlas_core::kinds;
use tenantatlas_engine::ops::baselines::{
    parse_vars, Baseline, BaselineMatch, BaselineSource, CreateBaseline, TemplateCheck,
};
use tenantatlas_engine::ops::drift::{DriftOptions, DriftReport, DriftRun};
use tenantatlas_engine::ops::findings::{today, Finding, FindingFilter};
use tenantatlas_engine::ops::severity::NewSeverityRule;
use tenantatlas_engine::Engine;

#[derive(Subcommand, Debug)]
pub enum BaselineCommand {
    /// Take a tenant's snapshot, or a file, as a new version of the named baseline.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["from_tenant", "from_file"])))]
    Create {
        name: String,
        /// The reference tenant (its latest snapshot, or --snapshot).
        #[arg(long)]
        from_tenant: Option<String>,
        /// A `baseline export` file, or Graph JSON (IntuneCD, Graph Explorer…) in a file or folder.
        #[arg(long)]
        from_file: Option<PathBuf>,
        /// The reference tenant's snapshot to take instead of its latest.
        #[arg(long, requires = "from_tenant")]
        snapshot: Option<i64>,
        /// Only these kinds, comma-separated (e.g. configurationPolicies,deviceConfigurations).
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
        /// Only objects whose name matches (`*` and `?`, any case); repeatable.
        #[arg(long)]
        include: Vec<String>,
        /// No object whose name matches; repeatable.
        #[arg(long)]
        exclude: Vec<String>,
        /// The source's value of a name placeholder, e.g. `prefix=MSP` turns "MSP - Win - Compliance"
        /// into "{prefix} - Win - Compliance"; repeatable.
        #[arg(long = "var", value_name = "KEY=VALUE")]
        vars: Vec<String>,
        /// Also report tenant objects of the baseline's kinds that match no baseline object.
        #[arg(long)]
        unexpected: bool,
    },
    /// Sign off a tenant's snapshot: it becomes the tenant's own baseline "<domain> approved".
    Approve {
        #[arg(long)]
        tenant: String,
        /// The snapshot to sign off instead of the latest.
        #[arg(long)]
        snapshot: Option<i64>,
    },
    /// Check a tenant against the baseline from now on.
    Assign {
        name: String,
        #[arg(long)]
        tenant: String,
        /// The tenant's value of a name placeholder, e.g. `prefix=Contoso`; repeatable.
        #[arg(long = "var", value_name = "KEY=VALUE")]
        vars: Vec<String>,
    },
    /// Stop checking a tenant against the baseline.
    Unassign {
        name: String,
        #[arg(long)]
        tenant: String,
    },
    /// Match a baseline object to a tenant's object by hand, whatever its name.
    Pin {
        name: String,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        kind: String,
        /// The baseline object's name, as `baseline show` lists it.
        #[arg(long)]
        object: String,
        /// The id of the tenant's object.
        #[arg(long)]
        to: String,
    },
    /// Remove a pin.
    Unpin {
        name: String,
        #[arg(long)]
        tenant: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        object: String,
    },
    /// How a baseline's objects match a tenant's, and the tenant's objects nothing matched.
    Show {
        name: String,
        #[arg(long)]
        tenant: String,
    },
    /// Write the baseline to a file (for Git, or for `baseline create --from-file`).
    Export {
        name: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// List baselines with their version, objects and tenants.
    List,
}

#[derive(Subcommand, Debug)]
pub enum SeverityCommand {
    /// The MSP's severity rules (the built-in table applies where none matches).
    List,
    /// Give matching drift a severity of your own; the most specific rule wins, then the newest.
    Set {
        /// Only this kind (e.g. deviceConfigurations).
        #[arg(long)]
        kind: Option<String>,
        /// Only this drift: missing, unexpected, modified, assignments or deleted.
        #[arg(long)]
        drift: Option<String>,
        /// Text in a change's path, setting id or setting name (or the object's name).
        #[arg(long = "match")]
        pattern: Option<String>,
        /// high, medium, low or info.
        #[arg(long)]
        severity: String,
        /// Why, for colleagues.
        #[arg(long)]
        note: Option<String>,
    },
    /// Remove a rule.
    Remove { id: i64 },
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
        /// Who approved it (default: you).
        #[arg(long)]
        approver: Option<String>,
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
            from_file,
            snapshot,
            kinds,
            include,
            exclude,
            vars,
            unexpected,
        } => {
            let source = match (from_tenant, from_file) {
                (Some(tenant), _) => BaselineSource::Tenant { tenant, snapshot },
                (None, Some(path)) => BaselineSource::File(path),
                (None, None) => anyhow::bail!("pass --from-tenant T or --from-file PATH"),
            };
            vec![
                engine
                    .create_baseline(&CreateBaseline {
                        name,
                        source,
                        kinds,
                        include,
                        exclude,
                        vars: parse_vars(&vars)?,
                        unexpected,
                    })
                    .await?,
            ]
        }
        BaselineCommand::Approve { tenant, snapshot } => {
            vec![engine.approve_snapshot(&tenant, snapshot).await?]
        }
        BaselineCommand::Assign { name, tenant, vars } => {
            let assigned = engine
                .assign_baseline(&name, &tenant, &parse_vars(&vars)?)
                .await?;
            let check = engine.template_check(&name, &tenant).await?;
            if let Some(check) = &check {
                warn_poor_match(check);
            }
            if json {
                // The baseline as every baseline command prints it, with how its names fit.
                let mut shown = serde_json::to_value(&assigned)?;
                if let Some(map) = shown.as_object_mut() {
                    map.insert("template_check".into(), serde_json::to_value(&check)?);
                }
                return crate::output::json(&[shown]);
            }
            vec![assigned]
        }
        BaselineCommand::Unassign { name, tenant } => {
            vec![engine.unassign_baseline(&name, &tenant).await?]
        }
        BaselineCommand::Pin {
            name,
            tenant,
            kind,
            object,
            to,
        } => {
            let m = engine
                .pin_object(&name, &tenant, &kind, &object, Some(&to))
                .await?;
            return print_match(&m, json);
        }
        BaselineCommand::Unpin {
            name,
            tenant,
            kind,
            object,
        } => {
            let m = engine
                .pin_object(&name, &tenant, &kind, &object, None)
                .await?;
            return print_match(&m, json);
        }
        BaselineCommand::Show { name, tenant } => {
            let m = engine.match_baseline(&name, &tenant).await?;
            print_match(&m, json)?;
            if let Some(check) = engine.template_check(&name, &tenant).await? {
                warn_poor_match(&check);
            }
            return Ok(());
        }
        BaselineCommand::Export { name, out } => {
            let b = engine.export_baseline(&name, &out).await?;
            if json {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&json!({"baseline": b, "file": out}))?
                );
            } else {
                outln!(
                    "{} v{}: {} written to {}",
                    clean(&b.name),
                    b.version,
                    counted(b.objects, "object"),
                    clean(&out.display().to_string())
                );
            }
            return Ok(());
        }
        BaselineCommand::List => engine.list_baselines().await?,
    };
    if json {
        crate::output::json(&shown)
    } else {
        print_baselines(&shown)
    }
}

/// Says loudly, on stderr, when a tenant's placeholder values match few of the baseline's
/// templated names: how many matched, the closest names the tenant has, and the values its names
/// suggest.
fn warn_poor_match(check: &TemplateCheck) {
    if !check.is_poor() {
        return;
    }
    let given: Vec<String> = check.vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
    eprintln!(
        "warning: with {} only {} of the {} objects of baseline {} that use placeholders match a name in {}; drift will report the others missing",
        clean(&given.join(", ")),
        check.matched,
        check.templated,
        clean(&check.baseline),
        clean(&check.tenant)
    );
    for c in &check.closest {
        if c.closest.is_empty() {
            eprintln!(
                "  expected \"{}\": the tenant has no similar name",
                clean(&c.expected)
            );
        } else {
            let names: Vec<String> = c
                .closest
                .iter()
                .map(|n| format!("\"{}\"", clean(n)))
                .collect();
            eprintln!(
                "  expected \"{}\": closest in the tenant {}",
                clean(&c.expected),
                names.join(", ")
            );
        }
    }
    if !check.suggested.is_empty() {
        let mut all = check.vars.clone();
        all.extend(check.suggested.clone());
        let vars: Vec<String> = all
            .iter()
            .map(|(k, v)| format!("--var {}", shell_word(&format!("{k}={v}"))))
            .collect();
        eprintln!(
            "  the tenant's names suggest: tenantatlas baseline assign {} --tenant {} {}",
            shell_word(&check.baseline),
            shell_word(&check.tenant),
            vars.join(" ")
        );
    }
}

/// Baselines as a table: name, version, objects, source, tenants with their placeholder values.
fn print_baselines(list: &[Baseline]) -> Result<()> {
    if list.is_empty() {
        outln!(
            "no baselines yet; take one with `tenantatlas baseline create NAME --from-tenant T`"
        );
        return Ok(());
    }
    let mut table = Table::new(&[
        ("baseline", Align::Left),
        ("version", Align::Right),
        ("objects", Align::Right),
        ("from", Align::Left),
        ("tenants", Align::Left),
    ]);
    for b in list {
        let from = if b.source.is_empty() {
            b.source_tenant.clone()
        } else {
            b.source.clone()
        };
        let tenants: Vec<String> = b
            .tenants
            .iter()
            .map(|t| match b.vars.get(t) {
                Some(v) => {
                    let vars: Vec<String> = v.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("{t} [{}]", vars.join(", "))
                }
                None => t.clone(),
            })
            .collect();
        table.row(&[
            b.name.clone(),
            format!("v{}", b.version),
            b.objects.to_string(),
            format!("{from} ({})", b.origin),
            match tenants.len() {
                0 => "(none)".to_string(),
                1..=3 => tenants.join(", "),
                n => format!("{n} tenants: {}, …", tenants[..2].join(", ")),
            },
        ]);
    }
    table.print()
}

fn print_match(m: &BaselineMatch, json: bool) -> Result<()> {
    if json {
        return crate::output::json(m);
    }
    let matched = m.items.iter().filter(|i| i.object_id.is_some()).count();
    outln!(
        "{} in {}: {matched} of {} matched",
        clean(&m.baseline.name),
        clean(&m.tenant),
        counted(m.items.len() as u64, "object")
    );
    let mut table = Table::new(&[
        ("matched by", Align::Left),
        ("kind", Align::Left),
        ("baseline object", Align::Left),
        ("tenant object", Align::Left),
        ("id", Align::Left),
    ])
    .indent(2);
    for i in &m.items {
        table.row(&[
            i.matched_by.as_str(),
            kinds::label(&i.kind),
            i.expected_name.as_str(),
            i.object.as_deref().unwrap_or("(no object)"),
            i.object_id.as_deref().unwrap_or(""),
        ]);
    }
    table.print()?;
    if !m.unmatched.is_empty() {
        outln!(
            "\n{} of the tenant not in the baseline:",
            counted(m.unmatched.len() as u64, "object")
        );
        let mut table = Table::new(&[
            ("kind", Align::Left),
            ("object", Align::Left),
            ("id", Align::Left),
        ])
        .indent(2);
        for u in &m.unmatched {
            table.row(&[
                kinds::label(&u.kind),
                u.object.as_str(),
                u.object_id.as_str(),
            ]);
        }
        table.print()?;
    }
    Ok(())
}

pub async fn severity(engine: &Engine, command: SeverityCommand, json: bool) -> Result<()> {
    match command {
        SeverityCommand::Set {
            kind,
            drift,
            pattern,
            severity,
            note,
        } => {
            let rule = engine
                .add_severity_rule(&NewSeverityRule {
                    kind,
                    drift,
                    pattern,
                    severity,
                    note,
                })
                .await?;
            if json {
                crate::output::json(&json!({"rule": rule}))?;
            } else {
                outln!("rule {} added; the next drift run applies it", rule.id);
            }
        }
        SeverityCommand::Remove { id } => {
            engine.remove_severity_rule(id).await?;
            if json {
                crate::output::json(&json!({"removed": id}))?;
            } else {
                outln!("rule {id} removed");
            }
        }
        SeverityCommand::List => {
            let rules = engine.list_severity_rules().await?;
            if json {
                crate::output::json(&rules)?;
            } else if rules.is_empty() {
                outln!("no rules of your own; the built-in table decides (see docs/drift.md)");
            } else {
                let mut table = Table::new(&[
                    ("rule", Align::Right),
                    ("severity", Align::Left),
                    ("kind", Align::Left),
                    ("drift", Align::Left),
                    ("match", Align::Left),
                    ("note", Align::Left),
                ]);
                for r in &rules {
                    table.row(&[
                        r.id.to_string().as_str(),
                        r.severity.as_str(),
                        r.kind.as_deref().unwrap_or("any"),
                        r.drift.as_deref().unwrap_or("any"),
                        r.pattern.as_deref().unwrap_or("anything"),
                        r.note.as_deref().unwrap_or(""),
                    ]);
                }
                table.print()?;
            }
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
        crate::output::json(&report)?;
    } else {
        print_drift(&report)?;
    }
    Ok(())
}

/// The text form of a drift report: the findings, then a line per tenant with its score, and
/// what could not be checked and why.
pub fn print_drift(report: &DriftReport) -> Result<()> {
    print_findings(&report.findings)?;
    outln!();
    print_scores(report, 0)
}

/// A line per tenant with its score, rating and standing findings by severity, then what could
/// not be checked and why; every line indented by `indent` spaces.
pub fn print_scores(report: &DriftReport, indent: usize) -> Result<()> {
    let mut table = Table::new(&[
        ("tenant", Align::Left),
        ("score", Align::Right),
        ("rating", Align::Left),
        ("as expected", Align::Right),
        ("high", Align::Right),
        ("medium", Align::Right),
        ("low", Align::Right),
        ("info", Align::Right),
        ("this run", Align::Left),
    ])
    .indent(indent);
    for run in &report.runs {
        let standing = |severity: &str| {
            report
                .findings
                .iter()
                .filter(|f| {
                    f.tenant_id == run.tenant_id && f.severity == severity && f.is_standing()
                })
                .count()
                .to_string()
        };
        let mut changed = Vec::new();
        for (n, what) in [
            (run.opened, "new"),
            (run.reopened, "reopened"),
            (run.resolved, "resolved"),
        ] {
            if n > 0 {
                changed.push(format!("{n} {what}"));
            }
        }
        table.row(&[
            run.tenant_name.clone(),
            format!("{:.1}%", run.score),
            run.rating.label().to_string(),
            format!("{} of {}", run.compliant, run.expected),
            standing("high"),
            standing("medium"),
            standing("low"),
            standing("info"),
            if changed.is_empty() {
                "no change".to_string()
            } else {
                changed.join(", ")
            },
        ]);
    }
    table.print()?;
    for run in &report.runs {
        print_not_checked(run, indent)?;
    }
    Ok(())
}

/// "not checked in T: Conditional Access policies (4), Named locations (2) — consent lacks …",
/// one line per reason.
fn print_not_checked(run: &DriftRun, indent: usize) -> Result<()> {
    let groups = by_reason(run.not_checked.iter().map(|n| {
        (
            n.reason.clone(),
            format!("{} ({})", clean(&n.label), n.objects),
        )
    }));
    for (reason, kinds) in groups {
        outln!(
            "{}not checked in {}: {} — {}",
            " ".repeat(indent),
            clean(&run.tenant_name),
            kinds.join(", "),
            clean(&reason)
        );
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
                crate::output::json(&list)?;
            } else {
                print_findings(&list)?;
            }
            return Ok(());
        }
        FindingsCommand::Ack { id } => engine.ack_finding(&id).await?,
        FindingsCommand::AcceptRisk {
            id,
            justification,
            approver,
            expires,
        } => {
            engine
                .accept_risk(&id, &justification, approver.as_deref(), &expires, today())
                .await?
        }
        FindingsCommand::Resolve { id } => engine.resolve_finding(&id).await?,
    };
    if json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"finding": list}))?
        );
    } else {
        outln!("{} is {}", list.id, list.state);
    }
    Ok(())
}

/// Findings as a table, most severe first, each row followed by its changes in words (and line
/// diffs of scripts).
fn print_findings(list: &[Finding]) -> Result<()> {
    if list.is_empty() {
        outln!("no findings");
        return Ok(());
    }
    let rank = |severity: &str| match severity {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        _ => 3,
    };
    let mut list: Vec<&Finding> = list.iter().collect();
    // Stable: within a severity, the engine's order (tenant, kind, object) stays.
    list.sort_by_key(|f| rank(&f.severity));
    let mut table = Table::new(&[
        ("finding", Align::Left),
        ("severity", Align::Left),
        ("state", Align::Left),
        ("drift", Align::Left),
        ("tenant", Align::Left),
        ("kind", Align::Left),
        ("object", Align::Left),
    ]);
    for f in &list {
        table.row(&[
            f.id.as_str(),
            f.severity.as_str(),
            state_words(&f.state),
            f.drift.as_str(),
            f.tenant_name.as_str(),
            f.kind_label.as_str(),
            f.object.as_str(),
        ]);
    }
    let lines = table.lines();
    outln!("{}", lines[0]);
    for (f, line) in list.iter().zip(&lines[1..]) {
        outln!("{line}");
        if let (Some(approver), Some(expires)) = (&f.approver, &f.expires) {
            if f.state == "risk_accepted" {
                outln!("    risk accepted by {} until {expires}", clean(approver));
            }
        }
        for c in &f.changes {
            outln!("    {}", clean(&c.summary));
            if let Some(text) = &c.text_diff {
                for line in text.lines() {
                    outln!("      {}", clean(line));
                }
            }
        }
    }
    outln!("{}", findings_total(&list));
    Ok(())
}

/// A finding's state as people say it.
fn state_words(state: &str) -> &str {
    match state {
        "risk_accepted" => "risk accepted",
        other => other,
    }
}

/// "12 findings: 3 high, 8 medium, 1 info".
fn findings_total(list: &[&Finding]) -> String {
    let by: Vec<String> = ["high", "medium", "low", "info"]
        .iter()
        .filter_map(|severity| {
            let n = list.iter().filter(|f| f.severity == *severity).count();
            (n > 0).then(|| format!("{n} {severity}"))
        })
        .collect();
    format!(
        "{}: {}",
        counted(list.len() as u64, "finding"),
        by.join(", ")
    )
}
