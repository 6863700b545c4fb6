//! The files of a review pack's evidence bundle, from the same [`PackData`] the PDF was made of:
//! the captured configuration as canonical JSON, findings, the risk register, changes, coverage,
//! runs and inventory as JSON and CSV, and the audit excerpt with its signed checkpoint.
//! `bundle::build` adds `SHA256SUMS`, its signature and the public key.

use super::exports::{finding_row, FINDING_COLUMNS};
use super::gather::{canonical_bytes, sha256_hex, FindingFacts, PackData};
use serde_json::{json, Value};
use tenantatlas_core::csv;
use tenantatlas_report::bundle::Entry;
use tenantatlas_store::audit::ExcerptLine;

/// `evidence/snapshot.json`: every object of the snapshot with its redacted content.
pub fn snapshot_json(data: &PackData) -> Vec<u8> {
    let objects: Vec<Value> = data
        .objects
        .iter()
        .map(|o| {
            json!({
                "kind": o.kind,
                "id": o.object_id,
                "name": o.name,
                "sha256": o.sha256,
                "content": o.content,
            })
        })
        .collect();
    canonical_bytes(&json!({
        "format": "tenantatlas-snapshot-evidence/1",
        "tenant": {"id": data.tenant.id, "name": data.tenant.name, "domain": data.tenant.domain},
        "snapshot": data.snapshot.as_ref().map(|s| json!({
            "id": s.id, "taken_at": s.taken_at, "objects": s.objects, "kinds_read_completely": s.kinds,
        })),
        "redaction": {
            "secrets_hidden": data.secrets_hidden,
            "people_pseudonymised": data.people_pseudonymised,
        },
        "objects": objects,
    }))
}

/// Findings as CSV: the columns `report export findings` writes, the tenant named by domain.
fn findings_csv(findings: &[&FindingFacts], tenant: &str) -> String {
    let mut out = csv::line(FINDING_COLUMNS);
    for f in findings {
        out.push_str(&csv::line(&finding_row(f, tenant)));
    }
    out
}

fn inventory_csv(data: &PackData) -> String {
    let mut out = csv::line(&[
        "kind",
        "name",
        "id",
        "platforms",
        "assignments",
        "assigned_to",
        "sha256",
    ]);
    for o in &data.objects {
        let platforms: Vec<String> = o
            .platforms
            .iter()
            .map(|p| {
                serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .collect();
        out.push_str(&csv::line(&[
            o.kind_label.as_str(),
            &o.name,
            &o.object_id,
            &platforms.join(" "),
            &o.assignments.map(|n| n.to_string()).unwrap_or_default(),
            &o.assigned_to.join("; "),
            &o.sha256,
        ]));
    }
    out
}

fn runs_csv(data: &PackData) -> String {
    let mut out = csv::line(&[
        "id",
        "kind",
        "status",
        "started_at",
        "duration_ms",
        "objects",
        "graph_calls",
        "errors",
    ]);
    for r in &data.runs {
        out.push_str(&csv::line(&[
            r.id.as_str(),
            &r.kind,
            &r.status,
            &r.started_at,
            &r.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
            &r.objects.to_string(),
            &r.graph_calls.to_string(),
            &r.errors.join("; "),
        ]));
    }
    out
}

/// `audit/log.csv`: the excerpt for spreadsheets (the JSONL is what verifies).
pub fn audit_csv(lines: &[ExcerptLine]) -> String {
    let mut out = csv::line(&[
        "seq", "at", "actor", "action", "subject", "details", "hash", "elided",
    ]);
    for line in lines {
        match line {
            ExcerptLine::Full(e) => out.push_str(&csv::line(&[
                e.seq.to_string().as_str(),
                &e.at,
                &e.actor,
                &e.action,
                &e.subject,
                &e.details.to_string(),
                &e.hash,
                "false",
            ])),
            ExcerptLine::Elided(e) => out.push_str(&csv::line(&[
                e.seq.to_string().as_str(),
                "",
                "",
                "",
                "",
                "",
                &e.hash,
                "true",
            ])),
        }
    }
    out
}

fn json_bytes(value: &impl serde::Serialize) -> Vec<u8> {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    canonical_bytes(&value)
}

/// The evidence files that do not depend on the PDF or the audit log, in path order: their
/// hashes go into the PDF's appendix.
pub fn data_entries(data: &PackData) -> Vec<Entry> {
    let all: Vec<&FindingFacts> = data
        .open
        .iter()
        .chain(&data.accepted)
        .chain(&data.resolved)
        .collect();
    let accepted: Vec<&FindingFacts> = data.accepted.iter().collect();
    let entry = |path: &str, bytes: Vec<u8>| Entry {
        path: path.to_string(),
        bytes,
    };
    let mut entries = vec![
        entry("evidence/snapshot.json", snapshot_json(data)),
        entry("evidence/findings.json", json_bytes(&all)),
        entry(
            "evidence/findings.csv",
            findings_csv(&all, &data.tenant.domain).into_bytes(),
        ),
        entry("evidence/risk-register.json", json_bytes(&accepted)),
        entry(
            "evidence/risk-register.csv",
            findings_csv(&accepted, &data.tenant.domain).into_bytes(),
        ),
        entry("evidence/changes.json", json_bytes(&data.changes)),
        entry(
            "evidence/coverage.json",
            json_bytes(&json!({
                "kinds": data.coverage,
                "missing_permissions": data.missing_permissions,
                "granted_scopes": data.tenant.granted_scopes,
            })),
        ),
        entry("evidence/baselines.json", json_bytes(&data.baselines)),
        entry("evidence/inventory.csv", inventory_csv(data).into_bytes()),
        entry("evidence/runs.json", json_bytes(&data.runs)),
        entry("evidence/runs.csv", runs_csv(data).into_bytes()),
    ];
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries
}

/// Each entry's path and SHA-256, for the appendix.
pub fn hashes(entries: &[Entry]) -> Vec<(String, String)> {
    entries
        .iter()
        .map(|e| (e.path.clone(), sha256_hex(&e.bytes)))
        .collect()
}
