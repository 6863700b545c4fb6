//! The portfolio report (`tenantatlas report portfolio`): the MSP's own view across every
//! tenant — health and the sync SLA, scores and their trend, open high findings, risk
//! acceptances about to expire, permission gaps — as a PDF, and the per-tenant table as CSV.

use super::compose::{percent, score_tone, severity_tone, when};
use super::gather::{sha256_hex, Scrub};
use super::period::Period;
use super::{check_output, page_count, product_version, write_file};
use crate::ops::findings::FindingFilter;
use crate::ops::portfolio::PortfolioTenant;
use crate::ops::queries::parse_time;
use crate::progress::ProgressEvent;
use crate::{Engine, EngineError, ErrorCode};
use serde::Serialize;
use serde_json::json;
use std::path::PathBuf;
use tenantatlas_core::csv;
use tenantatlas_core::evidence::Signer;
use tenantatlas_report::bundle::signer_fingerprint;
use tenantatlas_report::doc::{
    Bar, Block, Cell, Chart, Column, Cover, Document, Meta, Row, Section, Series, Stat, Table, Tone,
};
use tenantatlas_store::checkpoints::WorkspaceSigner;
use tenantatlas_store::PackRecord;
use time::OffsetDateTime;

#[derive(Clone, Debug, Default)]
pub struct PortfolioReportOptions {
    pub out: PathBuf,
    pub csv: Option<PathBuf>,
    pub force: bool,
    /// When the report is made, instead of now.
    pub at: Option<OffsetDateTime>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PortfolioOutcome {
    pub id: i64,
    pub tenants: usize,
    pub generated_at: String,
    pub pdf: String,
    pub pdf_sha256: String,
    pub pdf_bytes: u64,
    pub pages: u64,
    pub csv: Option<String>,
}

/// A tenant's last good sync against the SLA.
fn sla(
    tenant: &PortfolioTenant,
    now: OffsetDateTime,
    warn: u32,
    overdue: u32,
) -> (&'static str, Tone) {
    let Some(at) = tenant.last_good_sync.as_deref().and_then(parse_time) else {
        return ("Never synced", Tone::Serious);
    };
    let hours = (now - at).whole_hours();
    if hours >= i64::from(overdue) {
        ("Overdue", Tone::Critical)
    } else if hours >= i64::from(warn) {
        ("Late", Tone::Warning)
    } else {
        ("On time", Tone::Good)
    }
}

/// `2026-12-05T11:42:51.968Z` → `2026-12-05 11:42`: compact for a table cell.
fn short_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(clock)) => format!("{day} {clock}"),
        _ => at.to_string(),
    }
}

fn trend(tenant: &PortfolioTenant) -> Option<f64> {
    match tenant.score_trend.as_slice() {
        [.., before, now] => Some(now - before),
        _ => None,
    }
}

fn trend_words(delta: Option<f64>) -> String {
    match delta {
        Some(d) if d.abs() >= 0.5 => format!("{d:+.0}"),
        Some(_) => "±0".into(),
        None => "—".into(),
    }
}

const CSV_COLUMNS: &[&str] = &[
    "tenant",
    "domain",
    "tenant_id",
    "state",
    "last_good_sync",
    "sla",
    "score",
    "score_change",
    "high",
    "medium",
    "low",
    "info",
    "risk_accepted",
    "missing_permissions",
    "sign_in",
];

impl Engine {
    /// Writes the portfolio report (and its CSV), remembers it, and says what it wrote.
    pub async fn portfolio_report(
        &self,
        options: &PortfolioReportOptions,
        progress: &(dyn Fn(ProgressEvent) + Sync),
    ) -> Result<PortfolioOutcome, EngineError> {
        check_output(&options.out, options.force, "portfolio report")?;
        if let Some(csv) = &options.csv {
            check_output(csv, options.force, "CSV")?;
        }
        let step = |n: u64, what: &str| {
            progress(ProgressEvent::ReportStep {
                tenant: None,
                step: n,
                steps: 3,
                what: what.to_string(),
            })
        };
        let now = super::to_millis(options.at.unwrap_or_else(OffsetDateTime::now_utc));
        let today = now.date();
        step(1, "reading the workspace");
        let settings = self.settings().await?;
        let (branding, report_settings) = self.branding().await?;
        let mut scrub = Scrub {
            pseudonyms: None,
            secrets: 0,
        };
        let mut tenants: Vec<PortfolioTenant> = self
            .portfolio_on(today)
            .await?
            .into_iter()
            .filter(|t| t.state != "archived")
            .collect();
        for t in tenants.iter_mut() {
            t.name = scrub.text(&t.name);
            t.domain = scrub.text(&t.domain);
        }
        tenants.sort_by(|a, b| {
            a.score
                .unwrap_or(101.0)
                .total_cmp(&b.score.unwrap_or(101.0))
                .then(a.name.cmp(&b.name))
        });
        let findings = self.list_findings(&FindingFilter::default(), today).await?;
        let over_time = self.findings_over_time(30, today).await?;
        let generated_at = crate::ops::queries::format_time(now);
        let (warn, overdue) = (settings.sla_warn_hours, settings.sla_overdue_hours);

        step(2, "typesetting");
        let scored: Vec<f64> = tenants.iter().filter_map(|t| t.score).collect();
        let average =
            (!scored.is_empty()).then(|| scored.iter().sum::<f64>() / scored.len() as f64);
        let late = tenants
            .iter()
            .filter(|t| sla(t, now, warn, overdue).1 != Tone::Good)
            .count();
        let high: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == "high" && matches!(f.state.as_str(), "open" | "acknowledged"))
            .collect();
        let soon = today + time::Duration::days(30);
        let expiring: Vec<_> = findings
            .iter()
            .filter(|f| f.state == "risk_accepted")
            .filter(|f| {
                f.expires
                    .as_deref()
                    .and_then(crate::ops::findings::parse_date)
                    .is_some_and(|d| d <= soon)
            })
            .collect();

        let mut summary = Section::new("Summary");
        summary.push(Block::Stats(vec![
            Stat {
                label: "Tenants".into(),
                value: tenants.len().to_string(),
                note: format!("{} scored", scored.len()),
                tone: Tone::Neutral,
            },
            Stat {
                label: "Average score".into(),
                value: percent(average),
                note: "across scored tenants".into(),
                tone: score_tone(average),
            },
            Stat {
                label: "Sync SLA missed".into(),
                value: late.to_string(),
                note: format!("late after {warn} h, overdue after {overdue} h"),
                tone: if late > 0 { Tone::Warning } else { Tone::Good },
            },
            Stat {
                label: "Open high findings".into(),
                value: high.len().to_string(),
                note: format!("{} risk acceptances expire within 30 days", expiring.len()),
                tone: if high.is_empty() {
                    Tone::Good
                } else {
                    Tone::Critical
                },
            },
        ]));
        let band =
            |lo: f64, hi: f64| scored.iter().filter(|s| **s >= lo && **s < hi).count() as f64;
        summary.push(Block::Chart(Chart::Bars {
            title: "Tenants by baseline score".into(),
            bars: vec![
                Bar {
                    label: "90–100%".into(),
                    value: band(90.0, 101.0),
                    tone: Tone::Good,
                },
                Bar {
                    label: "75–89%".into(),
                    value: band(75.0, 90.0),
                    tone: Tone::Info,
                },
                Bar {
                    label: "50–74%".into(),
                    value: band(50.0, 75.0),
                    tone: Tone::Warning,
                },
                Bar {
                    label: "Below 50%".into(),
                    value: band(0.0, 50.0),
                    tone: Tone::Serious,
                },
                Bar {
                    label: "Not scored".into(),
                    value: (tenants.len() - scored.len()) as f64,
                    tone: Tone::Neutral,
                },
            ],
            max: None,
            unit: String::new(),
        }));
        if over_time.len() >= 2 {
            let series =
                |name: &str, sev: &str, pick: fn(&crate::ops::portfolio::FindingCounts) -> u64| {
                    Series {
                        name: name.into(),
                        tone: severity_tone(sev),
                        values: over_time
                            .iter()
                            .map(|d| Some(pick(&d.findings) as f64))
                            .collect(),
                    }
                };
            summary.push(Block::Chart(Chart::Lines {
                title: "Standing findings over the last 30 days".into(),
                x_labels: over_time
                    .iter()
                    .map(|d| d.day.get(5..).unwrap_or(&d.day).to_string())
                    .collect(),
                series: vec![
                    series("High", "high", |c| c.high),
                    series("Medium", "medium", |c| c.medium),
                    series("Low", "low", |c| c.low),
                ],
                y_max: None,
                unit: String::new(),
            }));
        }

        let mut health = Section::new("Tenant health");
        health.push(Block::Paragraph(
            "Every active tenant, lowest score first: when it last synced successfully against the \
             SLA, its baseline score and the change since the drift check before, and its standing \
             findings."
                .into(),
        ));
        health.push(Block::Table(Table {
            columns: vec![
                Column::new("Tenant", 2.9),
                Column::new("Last good sync", 1.6),
                Column::new("SLA", 1.5),
                Column::new("Score", 1.2),
                Column::new("Trend", 1.1).right(),
                Column::new("High", 0.85).right(),
                Column::new("Med.", 0.95).right(),
                Column::new("Low", 0.85).right(),
                Column::new("Acc.", 0.85).right(),
            ],
            rows: tenants
                .iter()
                .map(|t| {
                    let (sla_word, sla_tone) = sla(t, now, warn, overdue);
                    let mut row = Row::new(vec![
                        Cell::text(format!("{}\n{}", t.name, t.domain)),
                        Cell::text(
                            t.last_good_sync
                                .as_deref()
                                .map_or_else(|| "never".into(), short_time),
                        ),
                        Cell::badge(sla_word, sla_tone),
                        match t.score {
                            Some(_) => Cell::badge(percent(t.score), score_tone(t.score)),
                            None => Cell::text("not scored"),
                        },
                        Cell::text(trend_words(trend(t))),
                        Cell::text(t.findings.high.to_string()),
                        Cell::text(t.findings.medium.to_string()),
                        Cell::text(t.findings.low.to_string()),
                        Cell::text(t.risk_accepted.to_string()),
                    ]);
                    if t.needs_reconnect || !t.missing_permissions.is_empty() {
                        let mut notes = Vec::new();
                        if t.needs_reconnect {
                            notes.push(format!(
                                "Sign-in: {} — reconnect the tenant",
                                t.sign_in_status.replace('_', " ")
                            ));
                        }
                        if !t.missing_permissions.is_empty() {
                            notes.push(format!(
                                "Missing permissions: {}",
                                t.missing_permissions.join(", ")
                            ));
                        }
                        row.detail = notes;
                    }
                    row
                })
                .collect(),
            empty: "No active tenants.".into(),
        }));
        health.push(Block::Note(format!(
            "SLA: on time when the last good sync is less than {warn} hours old, late up to \
             {overdue} hours, overdue after. Trend: the score's change since the drift check \
             before the latest. High, Med., Low: standing findings. Acc.: findings whose risk \
             the customer accepted."
        )));

        let mut high_section = Section::new("Open high findings");
        high_section.push(Block::Table(Table {
            columns: vec![
                Column::new("Tenant", 2.2),
                Column::new("Object", 3.0),
                Column::new("Kind", 2.0),
                Column::new("State", 1.3),
                Column::new("Since", 1.5),
            ],
            rows: high
                .iter()
                .map(|f| {
                    Row::new(vec![
                        Cell::text(scrub.text(&f.tenant_name)),
                        Cell::text(scrub.text(&f.object)),
                        Cell::text(f.kind_label.clone()),
                        Cell::badge(
                            if f.state == "open" {
                                "Open"
                            } else {
                                "Acknowledged"
                            },
                            if f.state == "open" {
                                Tone::Critical
                            } else {
                                Tone::Warning
                            },
                        ),
                        Cell::text(f.first_seen_at.get(..10).unwrap_or_default().to_string()),
                    ])
                })
                .collect(),
            empty: "No open high findings in any tenant.".into(),
        }));

        let mut expiring_section =
            Section::new("Risk acceptances expiring within 30 days").continued();
        expiring_section.push(Block::Table(Table {
            columns: vec![
                Column::new("Tenant", 2.2),
                Column::new("Object", 3.0),
                Column::new("Approver", 1.8),
                Column::new("Expires", 1.4),
            ],
            rows: expiring
                .iter()
                .map(|f| {
                    Row::new(vec![
                        Cell::text(scrub.text(&f.tenant_name)),
                        Cell::text(scrub.text(&f.object)),
                        Cell::text(
                            f.approver
                                .as_deref()
                                .map(|a| scrub.text(a))
                                .unwrap_or_default(),
                        ),
                        Cell::badge(f.expires.clone().unwrap_or_default(), Tone::Warning),
                    ])
                })
                .collect(),
            empty: "No risk acceptance expires within 30 days.".into(),
        }));

        // Tokens and certificates that stop enrolment or app delivery when they lapse.
        let mut lapsing: Vec<(String, crate::ops::queries::Expiring)> = Vec::new();
        for t in self.tenants().await? {
            if t.state == "archived" {
                continue;
            }
            for e in t.expiring {
                lapsing.push((scrub.text(&t.name), e));
            }
        }
        lapsing.sort_by(|a, b| a.1.expires.cmp(&b.1.expires).then(a.0.cmp(&b.0)));
        let mut tokens_section =
            Section::new("Tokens and certificates expiring within 30 days").continued();
        tokens_section.push(Block::Table(Table {
            columns: vec![
                Column::new("Tenant", 2.2),
                Column::new("What", 2.4),
                Column::new("Name", 2.2),
                Column::new("Expires", 1.5),
            ],
            rows: lapsing
                .iter()
                .map(|(tenant, e)| {
                    Row::new(vec![
                        Cell::text(tenant.clone()),
                        Cell::text(e.kind_label.clone()),
                        Cell::text(scrub.text(&e.name)),
                        Cell::badge(
                            format!(
                                "{}{}",
                                e.expires.get(..10).unwrap_or(&e.expires),
                                if e.expired { " (expired)" } else { "" }
                            ),
                            if e.expired {
                                Tone::Critical
                            } else {
                                Tone::Warning
                            },
                        ),
                    ])
                })
                .collect(),
            empty: "No Apple push certificate, enrolment program token or VPP token expires within 30 days."
                .into(),
        }));

        let period = Period::last_days(30, today);
        let document = Document {
            meta: Meta {
                title: format!("Portfolio report — {}", branding.msp_name),
                subject: format!("Health of {} managed Microsoft 365 tenants", tenants.len()),
                author: if report_settings.author.is_empty() {
                    branding.msp_name.clone()
                } else {
                    report_settings.author.clone()
                },
                keywords: vec!["portfolio".into(), "Intune".into(), "Entra ID".into()],
                creator: product_version(),
                created: now,
                language: "en".into(),
            },
            cover: Cover {
                title: "Portfolio report".into(),
                customer: branding.msp_name.clone(),
                period: period.words(),
                facts: vec![
                    ("Tenants".into(), tenants.len().to_string()),
                    ("Generated".into(), when(&generated_at)),
                    ("Product".into(), product_version()),
                    (
                        "Signing key".into(),
                        signer_fingerprint(&WorkspaceSigner::new(&self.workspace).public_key()),
                    ),
                ],
            },
            branding,
            sections: vec![
                summary,
                health,
                high_section,
                expiring_section,
                tokens_section,
            ],
        };
        let pdf = tenantatlas_report::pdf::render(&document).map_err(|e| {
            EngineError::new(
                ErrorCode::Workspace,
                format!("the PDF could not be made: {e}"),
            )
        })?;

        step(3, "writing the files");
        write_file(&options.out, &pdf, options.force)?;
        let csv_path = match &options.csv {
            Some(path) => {
                let mut out = csv::line(CSV_COLUMNS);
                for t in &tenants {
                    out.push_str(&csv::line(&[
                        t.name.clone(),
                        t.domain.clone(),
                        t.id.clone(),
                        t.state.clone(),
                        t.last_good_sync.clone().unwrap_or_default(),
                        sla(t, now, warn, overdue).0.to_string(),
                        t.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                        trend(t).map(|d| format!("{d:+.1}")).unwrap_or_default(),
                        t.findings.high.to_string(),
                        t.findings.medium.to_string(),
                        t.findings.low.to_string(),
                        t.findings.info.to_string(),
                        t.risk_accepted.to_string(),
                        t.missing_permissions.join(" "),
                        t.sign_in_status.clone(),
                    ]));
                }
                write_file(path, out.as_bytes(), options.force)?;
                Some(
                    std::path::absolute(path)
                        .unwrap_or(path.clone())
                        .display()
                        .to_string(),
                )
            }
            None => None,
        };
        let pdf_path = std::path::absolute(&options.out)
            .unwrap_or(options.out.clone())
            .display()
            .to_string();
        let record = PackRecord {
            id: 0,
            kind: "portfolio".into(),
            tenant_id: None,
            generated_at: generated_at.clone(),
            period_from: period.from.to_string(),
            period_to: period.to.to_string(),
            pdf_path: pdf_path.clone(),
            pdf_sha256: sha256_hex(&pdf),
            pages: page_count(&pdf) as i64,
            bundle_path: None,
            sums_sha256: None,
            previous_sums_sha256: None,
            redacted_pii: false,
            score: average,
            open_findings: high.len() as i64,
            run_id: None,
        };
        let id = self.workspace.add_pack(&record).await?;
        self.workspace
            .append_audit(
                &crate::ops::findings::actor(),
                "report.portfolio",
                "portfolio",
                &json!({"pack": id, "tenants": tenants.len(), "pdf_sha256": record.pdf_sha256}),
            )
            .await?;
        Ok(PortfolioOutcome {
            id,
            tenants: tenants.len(),
            generated_at,
            pdf: pdf_path,
            pdf_sha256: record.pdf_sha256,
            pdf_bytes: pdf.len() as u64,
            pages: record.pages as u64,
            csv: csv_path,
        })
    }
}
