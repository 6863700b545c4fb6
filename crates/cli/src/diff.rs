//! `tenantatlas diff`: two snapshots of a tenant, or two tenants, object by object.

use anyhow::Result;
use clap::Args;
use serde_json::Value;
use tenantatlas_engine::ops::diff::DiffReport;
use tenantatlas_engine::Engine;

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The tenant (domain or id).
    #[arg(long)]
    tenant: String,
    /// The older snapshot id (default: the one before `--to`).
    #[arg(long, value_name = "SNAPSHOT")]
    from: Option<i64>,
    /// The newer snapshot id (default: the latest).
    #[arg(long, value_name = "SNAPSHOT")]
    to: Option<i64>,
    /// Compare the tenant's latest snapshot with this tenant's, objects matched by name.
    #[arg(long, value_name = "TENANT", conflicts_with_all = ["from", "to"])]
    against_tenant: Option<String>,
}

pub async fn diff(engine: &Engine, args: DiffArgs, json: bool) -> Result<()> {
    let report = match &args.against_tenant {
        Some(other) => engine.diff_tenants(&args.tenant, other).await?,
        None => {
            engine
                .diff_snapshots(&args.tenant, args.from, args.to)
                .await?
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", text(&report));
    }
    Ok(())
}

/// The report as people read it: a header, one line per object, its changes indented below.
fn text(report: &DiffReport) -> String {
    let side = |s: &tenantatlas_engine::ops::diff::DiffSide| {
        format!(
            "{} snapshot {} ({})",
            s.tenant_domain, s.snapshot_id, s.created_at
        )
    };
    let mut out = format!("{} → {}\n", side(&report.from), side(&report.to));
    for object in &report.objects {
        out.push_str(&format!(
            "{:<9} {:<34} {}\n",
            object.status.as_str(),
            object.kind_label,
            object.name
        ));
        for c in &object.changes {
            out.push_str(&change_lines(
                &c.path,
                c.before.as_ref(),
                c.after.as_ref(),
                c.text_diff.as_deref(),
            ));
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{} modified, {} added, {} removed, {} unchanged\n",
        s.modified, s.added, s.removed, s.unchanged
    ));
    if !report.not_compared.is_empty() {
        out.push_str(&format!(
            "not read completely on one side, so added and removed objects are not shown: {}\n",
            report.not_compared.join(", ")
        ));
    }
    out
}

/// One change: `    path: before → after`, or the path and its line diff below it.
fn change_lines(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    text_diff: Option<&str>,
) -> String {
    if let Some(text_diff) = text_diff {
        let mut out = format!("    {path}:\n");
        for line in text_diff.lines() {
            out.push_str(&format!("      {line}\n"));
        }
        return out;
    }
    format!("    {path}: {} → {}\n", value(before), value(after))
}

fn value(value: Option<&Value>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_read_as_before_and_after() {
        let path = "settings[x].value";
        assert_eq!(
            change_lines(path, Some(&json!(true)), Some(&json!(false)), None),
            "    settings[x].value: true → false\n"
        );
        assert_eq!(
            change_lines(path, None, Some(&json!("on")), None),
            "    settings[x].value: (none) → \"on\"\n"
        );
        assert_eq!(
            change_lines(path, None, None, Some("-a\n+b\n")),
            "    settings[x].value:\n      -a\n      +b\n"
        );
    }
}
