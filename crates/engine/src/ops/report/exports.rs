//! `tenantatlas report export`: inventory, findings, the risk register and runs as CSV or JSON,
//! for people who live in spreadsheets. The same rows as the review pack's evidence, with
//! secrets hidden the same way.

use super::gather::{FindingFacts, Scrub};
use super::{check_output, write_file};
use crate::ops::findings::{today, FindingFilter};
use crate::{Engine, EngineError};
use serde::Serialize;
use serde_json::{json, Value};
use std::path::PathBuf;
use tenantatlas_core::csv;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    Inventory,
    Findings,
    Risks,
    Runs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub kind: ExportKind,
    pub format: ExportFormat,
    /// Only this tenant; the inventory needs one.
    pub tenant: Option<String>,
    pub out: PathBuf,
    pub force: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Exported {
    pub what: &'static str,
    pub path: String,
    pub rows: usize,
    pub bytes: u64,
}

/// Rows as named columns: CSV writes the header then each row; JSON an array of objects.
struct Rows {
    columns: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

impl Rows {
    fn csv(&self) -> String {
        let mut out = csv::line(self.columns);
        for row in &self.rows {
            out.push_str(&csv::line(row));
        }
        out
    }

    fn json(&self) -> Vec<u8> {
        let items: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                Value::Object(
                    self.columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| (c.to_string(), json!(v)))
                        .collect(),
                )
            })
            .collect();
        let mut bytes = serde_json::to_vec_pretty(&items).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// One finding as a CSV row of [`FINDING_COLUMNS`].
pub(crate) fn finding_row(f: &FindingFacts, tenant: &str) -> Vec<String> {
    vec![
        f.id.clone(),
        tenant.to_string(),
        f.severity.clone(),
        f.state.clone(),
        f.baseline.clone(),
        f.kind_label.clone(),
        f.object.clone(),
        f.drift.clone(),
        f.changes.join("; "),
        f.justification.clone().unwrap_or_default(),
        f.approver.clone().unwrap_or_default(),
        f.expires.clone().unwrap_or_default(),
        f.first_seen_at.clone(),
        f.last_seen_at.clone(),
    ]
}

/// The columns of findings as CSV, here and in a review pack's evidence.
pub(crate) const FINDING_COLUMNS: &[&str] = &[
    "id",
    "tenant",
    "severity",
    "state",
    "baseline",
    "kind",
    "object",
    "drift",
    "changes",
    "justification",
    "approver",
    "expires",
    "first_seen_at",
    "last_seen_at",
];

impl Engine {
    /// Writes one export and says what it wrote.
    pub async fn export(&self, options: &ExportOptions) -> Result<Exported, EngineError> {
        check_output(&options.out, options.force, "export")?;
        let mut scrub = Scrub {
            pseudonyms: None,
            secrets: 0,
        };
        let (what, rows) = match options.kind {
            ExportKind::Inventory => {
                let Some(tenant) = &options.tenant else {
                    return Err(EngineError::invalid(
                        "the inventory is per tenant: add --tenant T (a domain or tenant id)",
                    ));
                };
                let tenant = self.tenant(tenant).await?;
                let rows = self
                    .inventory(&tenant.id)
                    .await?
                    .into_iter()
                    .map(|item| {
                        vec![
                            tenant.domain.clone(),
                            item.kind_label.clone(),
                            scrub.text(&item.name),
                            item.object_id.clone(),
                            item.platforms
                                .iter()
                                .filter_map(|p| serde_json::to_value(p).ok())
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect::<Vec<_>>()
                                .join(" "),
                            item.assignments.map(|n| n.to_string()).unwrap_or_default(),
                            item.version_no.to_string(),
                            item.deleted.to_string(),
                        ]
                    })
                    .collect();
                (
                    "inventory objects",
                    Rows {
                        columns: &[
                            "tenant",
                            "kind",
                            "name",
                            "id",
                            "platforms",
                            "assignments",
                            "version",
                            "deleted",
                        ],
                        rows,
                    },
                )
            }
            ExportKind::Findings | ExportKind::Risks => {
                let filter = FindingFilter {
                    tenant: options.tenant.clone(),
                    state: (options.kind == ExportKind::Risks).then(|| "risk_accepted".to_string()),
                    ..Default::default()
                };
                let rows = self
                    .list_findings(&filter, today())
                    .await?
                    .iter()
                    .map(|f| {
                        let tenant = f.tenant.clone();
                        finding_row(&super::gather::finding_facts(f, &mut scrub), &tenant)
                    })
                    .collect();
                (
                    if options.kind == ExportKind::Risks {
                        "accepted risks"
                    } else {
                        "findings"
                    },
                    Rows {
                        columns: FINDING_COLUMNS,
                        rows,
                    },
                )
            }
            ExportKind::Runs => {
                let rows = self
                    .runs()
                    .await?
                    .into_iter()
                    .filter(|r| {
                        options.tenant.as_deref().is_none_or(|t| {
                            r.tenant_domain.as_deref() == Some(t)
                                || r.run.tenant_id.as_deref() == Some(t)
                        })
                    })
                    .map(|r| {
                        vec![
                            r.run.id.clone(),
                            r.run.run_kind.clone(),
                            r.tenant_domain.clone().unwrap_or_default(),
                            r.run.status.as_str().to_string(),
                            r.run.started_at.clone(),
                            r.run.finished_at.clone().unwrap_or_default(),
                            r.run.duration_ms.map(|d| d.to_string()).unwrap_or_default(),
                            r.run.objects.to_string(),
                            r.run.graph_calls.to_string(),
                            r.run
                                .errors
                                .iter()
                                .map(|e| scrub.text(&e.message))
                                .collect::<Vec<_>>()
                                .join("; "),
                        ]
                    })
                    .collect();
                (
                    "runs",
                    Rows {
                        columns: &[
                            "id",
                            "kind",
                            "tenant",
                            "status",
                            "started_at",
                            "finished_at",
                            "duration_ms",
                            "objects",
                            "graph_calls",
                            "errors",
                        ],
                        rows,
                    },
                )
            }
        };
        let bytes = match options.format {
            ExportFormat::Csv => rows.csv().into_bytes(),
            ExportFormat::Json => rows.json(),
        };
        write_file(&options.out, &bytes, options.force)?;
        Ok(Exported {
            what,
            path: std::path::absolute(&options.out)
                .unwrap_or(options.out.clone())
                .display()
                .to_string(),
            rows: rows.rows.len(),
            bytes: bytes.len() as u64,
        })
    }
}
