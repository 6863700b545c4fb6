//! `tenantatlas diff`: two snapshots of a tenant, or two tenants, object by object.
//!
//! Each change reads in words first ("Require Device Encryption: Enabled → Disabled") with its
//! exact path and raw values below it; when the words say no more than the path
//! (`description: "a" → "b"`), only the path line is shown. Objects are rows of one table (a
//! header row, aligned columns), each with its changes indented below it; text from the tenant
//! is shown through `output::clean` (the core's `text::visible`).

use crate::output::{clean, counted, Align, Table};
use anyhow::Result;
use clap::Args;
use serde_json::Value;
use tenantatlas_engine::ops::diff::DiffReport;
use tenantatlas_engine::ops::labels::LabelledChange;
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
    /// Compare two versions of this object (its id, as `policies list` shows it).
    #[arg(long, value_name = "ID", conflicts_with_all = ["from", "to", "against_tenant"])]
    object: Option<String>,
    /// With --object: the older version (default: the one before --to-version).
    #[arg(long, value_name = "N", requires = "object")]
    from_version: Option<u32>,
    /// With --object: the newer version (default: the latest).
    #[arg(long, value_name = "N", requires = "object")]
    to_version: Option<u32>,
}

pub async fn diff(engine: &Engine, args: DiffArgs, json: bool) -> Result<()> {
    if let Some(object) = &args.object {
        let d = engine
            .diff_versions(&args.tenant, object, args.from_version, args.to_version)
            .await?;
        if json {
            crate::output::json(&d)?;
        } else {
            outln!(
                "{} {} in {}: version {} ({}) → version {} ({})",
                clean(&d.kind_label),
                clean(&d.name),
                clean(&d.tenant),
                d.from_version,
                crate::workspace::when(&d.from_captured_at),
                d.to_version,
                crate::workspace::when(&d.to_captured_at)
            );
            for c in &d.changes {
                crate::output::text(&change_lines(c))?;
            }
            if d.changes.is_empty() {
                outln!("    no configuration change (only what the comparison ignores)");
            } else {
                outln!("{}", counted(d.changes.len() as u64, "change"));
            }
        }
        return Ok(());
    }
    let report = match &args.against_tenant {
        Some(other) => engine.diff_tenants(&args.tenant, other).await?,
        None => {
            engine
                .diff_snapshots(&args.tenant, args.from, args.to)
                .await?
        }
    };
    if json {
        crate::output::json(&report)?;
    } else {
        crate::output::text(&text(&report))?;
    }
    Ok(())
}

/// The report as people read it: a header, one row per object, its changes indented below.
fn text(report: &DiffReport) -> String {
    let side = |s: &tenantatlas_engine::ops::diff::DiffSide| {
        format!(
            "{} snapshot {} ({})",
            clean(&s.tenant_domain),
            s.snapshot_id,
            crate::workspace::when(&s.created_at)
        )
    };
    let mut out = format!("{} → {}\n", side(&report.from), side(&report.to));
    if !report.objects.is_empty() {
        let mut table = Table::new(&[
            ("change", Align::Left),
            ("kind", Align::Left),
            ("object", Align::Left),
        ]);
        for object in &report.objects {
            table.row(&[object.status.as_str(), &object.kind_label, &object.name]);
        }
        let lines = table.lines();
        out.push_str(&lines[0]);
        out.push('\n');
        for (object, line) in report.objects.iter().zip(&lines[1..]) {
            out.push_str(line);
            out.push('\n');
            for c in &object.changes {
                out.push_str(&change_lines(c));
            }
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{} modified, {} added, {} removed, {} unchanged\n",
        counted(s.modified, "object"),
        s.added,
        s.removed,
        s.unchanged
    ));
    if !report.not_compared.is_empty() {
        out.push_str(&format!(
            "not read completely on one side, so added and removed objects are not shown: {}\n",
            clean(&report.not_compared.join(", "))
        ));
    }
    out
}

/// A change's lines. The words, paths and values come from the tenant: each part is made safe
/// to print before the lines are put together, so a line break inside a value is shown (`\n`)
/// and never starts a line of its own.
fn change_lines(labelled: &LabelledChange) -> String {
    let c = &labelled.change;
    summary_lines(
        &clean(&labelled.label.summary),
        &clean(&c.path),
        c.before.as_ref(),
        c.after.as_ref(),
        c.text_diff.as_deref(),
    )
}

/// One change: its summary in words with the path lines below it, or only the path lines when
/// the words add nothing.
fn summary_lines(
    summary: &str,
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    text_diff: Option<&str>,
) -> String {
    let plain = format!("{path}: {} → {}", value(before), value(after));
    if text_diff.is_none() && same_words(summary, &plain) {
        return path_lines(path, before, after, None, "    ");
    }
    // Below the words, the path and values are a reference: long ones are cut (`--json` has them whole).
    let (before, after) = (before.map(shortened), after.map(shortened));
    format!(
        "    {summary}\n{}",
        path_lines(path, before.as_ref(), after.as_ref(), text_diff, "      ")
    )
}

/// The longest raw value shown below a change's words, in characters.
const MAX_RAW: usize = 120;

/// A value whose JSON is longer than [`MAX_RAW`] becomes its first characters and `…`.
fn shortened(v: &Value) -> Value {
    let text = v.to_string();
    if text.chars().count() <= MAX_RAW {
        return v.clone();
    }
    let cut: String = text.chars().take(MAX_RAW - 1).collect();
    Value::String(format!("{cut}…"))
}

/// `path: before → after`, or the path and its line diff below it.
fn path_lines(
    path: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    text_diff: Option<&str>,
    indent: &str,
) -> String {
    if let Some(text_diff) = text_diff {
        let mut out = format!("{indent}{path}:\n");
        for line in text_diff.lines() {
            out.push_str(&format!("{indent}  {}\n", clean(line)));
        }
        return out;
    }
    format!("{indent}{path}: {} → {}\n", value(before), value(after))
}

/// Whether two lines say the same but for case and quotes (`Description: a → b` and
/// `description: "a" → "b"`).
fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.replace('"', "").to_lowercase();
    norm(a) == norm(b)
}

/// A raw value as JSON, made safe to print: JSON escapes line breaks and C0 controls, not C1
/// controls, bidirectional overrides or invisible characters.
fn value(value: Option<&Value>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(v) => clean(&v.to_string()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_read_as_before_and_after() {
        let path = "settings[x].value";
        let ind = "    ";
        assert_eq!(
            path_lines(path, Some(&json!(true)), Some(&json!(false)), None, ind),
            "    settings[x].value: true → false\n"
        );
        assert_eq!(
            path_lines(path, None, Some(&json!("on")), None, ind),
            "    settings[x].value: (none) → \"on\"\n"
        );
        assert_eq!(
            path_lines(path, None, None, Some("-a\n+b\n"), ind),
            "    settings[x].value:\n      -a\n      +b\n"
        );
    }

    #[test]
    fn words_come_first_unless_they_add_nothing() {
        let id = "device_vendor_msft_bitlocker_requiredeviceencryption";
        let path = format!("settings[{id}].value");
        let (on, off) = (json!(format!("{id}_1")), json!(format!("{id}_0")));
        assert_eq!(
            summary_lines(
                "Require Device Encryption: Enabled → Disabled",
                &path,
                Some(&on),
                Some(&off),
                None
            ),
            format!("    Require Device Encryption: Enabled → Disabled\n      {path}: \"{id}_1\" → \"{id}_0\"\n")
        );
        let (a, b) = (json!("a"), json!("b"));
        assert_eq!(
            summary_lines(
                "Description: a → b",
                "description",
                Some(&a),
                Some(&b),
                None
            ),
            "    description: \"a\" → \"b\"\n"
        );
        assert_eq!(
            summary_lines(
                "Script content: changed (+1 −1 lines)",
                "scriptContent",
                None,
                None,
                Some("-a\n+b\n")
            ),
            "    Script content: changed (+1 −1 lines)\n      scriptContent:\n        -a\n        +b\n"
        );
        let long = json!({"value": "x".repeat(200)});
        let lines = summary_lines(
            "Name: 2 settings → Not configured",
            "settings[a]",
            Some(&long),
            None,
            None,
        );
        assert!(lines.lines().all(|l| l.chars().count() < 160), "{lines}");
        assert!(lines.ends_with("…\" → (none)\n"), "{lines}");
    }
}
