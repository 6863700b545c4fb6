//! A review pack's words and order: [`PackData`] becomes a [`Document`] the typesetter lays out.
//! Pure: the same data gives the same document.
//!
//! The pack reports what was found, never verdicts the data cannot support: an object is
//! "configured and assigned", "configured but not assigned", a kind "checked" or "not checked"
//! with the reason, a change "what differs between two snapshots" (not who made it).

use super::gather::{FindingFacts, PackData};
use super::period::day_words;
use crate::ops::inventory::Platform;
use tenantatlas_report::doc::{
    Bar, Block, Branding, Cell, Chart, Column, Cover, Document, Meta, Row, Section, Series, Stat,
    Step, Table, Tone,
};
use time::OffsetDateTime;

/// What the pack says about itself beyond the data: who made it and how it is signed.
pub struct PackContext {
    pub branding: Branding,
    pub author: String,
    pub reviewer: String,
    pub distribution: String,
    pub product_version: String,
    pub generated_at: OffsetDateTime,
    /// `SHA256:…` of the signing key, as the cover shows it.
    pub signer_fingerprint: String,
    /// This pack's number among the tenant's packs (1 for the first).
    pub number: usize,
    /// The evidence files and their SHA-256, for the appendix (the PDF cannot list its own).
    pub evidence: Vec<(String, String)>,
    /// Whether an evidence bundle is written beside the PDF.
    pub with_bundle: bool,
}

pub fn severity_tone(severity: &str) -> Tone {
    match severity {
        "high" => Tone::Critical,
        "medium" => Tone::Warning,
        "low" => Tone::Info,
        _ => Tone::Neutral,
    }
}

fn severity_word(severity: &str) -> String {
    let mut chars = severity.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Unrated".into(),
    }
}

pub fn score_tone(score: Option<f64>) -> Tone {
    match score {
        Some(s) if s >= 90.0 => Tone::Good,
        Some(s) if s >= 75.0 => Tone::Info,
        Some(s) if s >= 50.0 => Tone::Warning,
        Some(_) => Tone::Serious,
        None => Tone::Neutral,
    }
}

/// "87.5%", "100%" (one decimal, as the CLI and the app show scores).
pub fn percent(score: Option<f64>) -> String {
    match score {
        Some(s) => {
            let text = format!("{s:.1}");
            format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
        }
        None => "Not scored".to_string(),
    }
}

/// `2026-11-03T10:04:05.123Z` → `3 November 2026, 10:04 UTC`.
pub fn when(at: &str) -> String {
    let day = at.get(..10).and_then(crate::ops::findings::parse_date);
    match (day, at.get(11..16)) {
        (Some(day), Some(clock)) => format!("{}, {clock} UTC", day_words(day)),
        (Some(day), None) => day_words(day),
        _ => at.to_string(),
    }
}

fn day(at: &str) -> String {
    at.get(..10)
        .and_then(crate::ops::findings::parse_date)
        .map_or_else(|| at.to_string(), day_words)
}

/// `2026-11-03`: a table cell's date, sortable and short.
fn short_day(at: &str) -> String {
    at.get(..10).unwrap_or(at).to_string()
}

fn state_word(state: &str) -> &'static str {
    match state {
        "open" => "Open",
        "acknowledged" => "Acknowledged",
        "risk_accepted" => "Risk accepted",
        "resolved" => "Resolved",
        _ => "Unknown",
    }
}

fn drift_word(drift: &str) -> String {
    match drift {
        "missing" => "Missing from the tenant".into(),
        "modified" | "different" => "Configured differently".into(),
        "unexpected" => "Not in the baseline".into(),
        "unassigned" => "Not assigned".into(),
        other => other.replace('_', " "),
    }
}

fn platform_words(platforms: &[Platform]) -> String {
    if platforms.is_empty() {
        return "—".into();
    }
    platforms
        .iter()
        .map(|p| match p {
            Platform::Windows => "Windows",
            Platform::Macos => "macOS",
            Platform::Ios => "iOS/iPadOS",
            Platform::Android => "Android",
            Platform::Linux => "Linux",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn count_words(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The review pack as a document.
pub fn review_pack(data: &PackData, ctx: &PackContext) -> Document {
    let tenant = &data.tenant;
    let title = format!("Review pack — {} — {}", tenant.name, data.period.name);
    let mut facts = vec![
        (
            "Tenant".to_string(),
            format!("{} ({})", tenant.domain, tenant.id),
        ),
        ("Period".to_string(), data.period.words()),
        ("Prepared by".to_string(), ctx.branding.msp_name.clone()),
        ("Generated".to_string(), when(&data.generated_at)),
    ];
    facts.push((
        "Snapshot".to_string(),
        match &data.snapshot {
            Some(s) => format!("{}, {} objects", when(&s.taken_at), s.objects),
            None => "none taken by the end of the period".into(),
        },
    ));
    facts.push(("Product".to_string(), ctx.product_version.clone()));
    facts.push(("Signing key".to_string(), ctx.signer_fingerprint.clone()));

    let sections = vec![
        document_control(data, ctx),
        summary(data),
        coverage(data),
        permissions(data),
        compliance(data),
        open_findings(data),
        risk_register(data),
        resolved(data),
        changes(data),
        inventory(data),
        unassigned(data),
        limitations(data, ctx),
        appendix(data, ctx),
    ];
    Document {
        meta: Meta {
            title: title.clone(),
            subject: format!(
                "Configuration review of the Microsoft 365 tenant {} for {}",
                tenant.domain,
                data.period.words()
            ),
            author: if ctx.author.is_empty() {
                ctx.branding.msp_name.clone()
            } else {
                ctx.author.clone()
            },
            keywords: vec![
                "review pack".into(),
                "Intune".into(),
                "Entra ID".into(),
                tenant.domain.clone(),
                data.period.name.clone(),
            ],
            creator: ctx.product_version.clone(),
            created: ctx.generated_at,
            language: "en".into(),
        },
        branding: ctx.branding.clone(),
        cover: Cover {
            title: "Tenant review pack".into(),
            customer: tenant.name.clone(),
            period: data.period.words(),
            facts,
        },
        sections,
    }
}

fn document_control(data: &PackData, ctx: &PackContext) -> Section {
    let mut s = Section::new("Document control");
    let or_unset = |text: &str| {
        if text.is_empty() {
            "not set (Settings → Review packs)".to_string()
        } else {
            text.to_string()
        }
    };
    s.push(Block::Facts(vec![
        ("Version".into(), format!("{}.0", ctx.number)),
        ("Author".into(), or_unset(&ctx.author)),
        ("Reviewer".into(), or_unset(&ctx.reviewer)),
        ("Distribution".into(), or_unset(&ctx.distribution)),
        ("Classification".into(), ctx.branding.footer.clone()),
        ("Generated".into(), when(&data.generated_at)),
        (
            "Previous pack".into(),
            match &data.previous {
                Some(p) => format!(
                    "{} (SHA256SUMS {})",
                    when(&p.generated_at),
                    &p.sums_sha256[..p.sums_sha256.len().min(16)]
                ),
                None => "none: this is the first pack for this tenant".into(),
            },
        ),
    ]));
    s.push(Block::Heading("About this pack".into()));
    s.push(Block::Paragraph(format!(
        "This pack describes the Microsoft Intune and Entra ID configuration of {} as captured by \
         {} from the tenant's own Microsoft Graph interface, compares it with the baselines \
         agreed with {}, and lists what differs, what was accepted as a risk and what changed in \
         the period {}. Everything in it was read from a local, encrypted copy of the tenant's \
         configuration; nothing was changed in the tenant to produce it.",
        data.tenant.name,
        ctx.branding.msp_name,
        data.tenant.name,
        data.period.words()
    )));
    if ctx.with_bundle {
        s.push(Block::Note(
            "An evidence bundle (ZIP) accompanies this document: the captured configuration, the \
             findings, the runs and an excerpt of the signed audit log, with SHA-256 hashes of \
             every file signed by the key named on the cover. The appendix says how to check it \
             with standard tools."
                .into(),
        ));
    }
    s
}

fn summary(data: &PackData) -> Section {
    let mut s = Section::new("Executive summary");
    let high = data.open.iter().filter(|f| f.severity == "high").count();
    let previous_score = data.previous.as_ref().and_then(|p| p.score);
    let score_note = match (data.score, previous_score) {
        (Some(now), Some(before)) => {
            let delta = now - before;
            if delta.abs() < 0.5 {
                "unchanged since the last pack".to_string()
            } else {
                format!("{delta:+.1} points since the last pack")
            }
        }
        (Some(_), None) => "first pack with a score".to_string(),
        (None, _) => "no baseline assigned".to_string(),
    };
    let expiring = data
        .accepted
        .iter()
        .filter(|f| expires_within(f, data.today, 30))
        .count();
    s.push(Block::Stats(vec![
        Stat {
            label: "Baseline score".into(),
            value: percent(data.score),
            note: score_note,
            tone: score_tone(data.score),
        },
        Stat {
            label: "Open findings".into(),
            value: data.open.len().to_string(),
            note: count_words(high, "high", "high"),
            tone: if high > 0 {
                Tone::Critical
            } else if data.open.is_empty() {
                Tone::Good
            } else {
                Tone::Warning
            },
        },
        Stat {
            label: "Accepted risks".into(),
            value: data.accepted.len().to_string(),
            note: format!("{expiring} expire within 30 days"),
            tone: if expiring > 0 {
                Tone::Warning
            } else {
                Tone::Neutral
            },
        },
        Stat {
            label: "Objects governed".into(),
            value: data.objects.len().to_string(),
            note: format!(
                "{} of {} kinds checked",
                data.coverage.iter().filter(|c| c.checked).count(),
                data.coverage.len()
            ),
            tone: Tone::Neutral,
        },
    ]));
    s.push(Block::Chart(Chart::Score {
        label: "Baseline score".into(),
        value: data.score,
        previous: previous_score,
    }));
    let by_severity = |sev: &str| data.open.iter().filter(|f| f.severity == sev).count() as f64;
    s.push(Block::Chart(Chart::Bars {
        title: "Open findings by severity".into(),
        bars: ["high", "medium", "low", "info"]
            .iter()
            .map(|sev| Bar {
                label: severity_word(sev),
                value: by_severity(sev),
                tone: severity_tone(sev),
            })
            .collect(),
        max: None,
        unit: String::new(),
    }));
    if data.score_trend.len() >= 2 {
        let n = data.score_trend.len();
        s.push(Block::Chart(Chart::Lines {
            title: "Baseline score over the last drift checks".into(),
            x_labels: (1..=n)
                .map(|i| {
                    if i == n {
                        "latest".into()
                    } else {
                        format!("−{}", n - i)
                    }
                })
                .collect(),
            series: vec![Series {
                name: "Score".into(),
                tone: Tone::Info,
                values: data.score_trend.iter().map(|v| Some(*v)).collect(),
            }],
            y_max: Some(100.0),
            unit: "%".into(),
        }));
    }
    s.push(Block::Heading("What changed since last time".into()));
    let mut points = Vec::new();
    match &data.changes {
        Some(c) if c.from_snapshot.is_some() => points.push(format!(
            "Configuration: {} added, {} removed and {} changed in the period.",
            count_words(c.added as usize, "object", "objects"),
            c.removed,
            c.modified
        )),
        Some(c) => points.push(format!(
            "The tenant's first snapshot falls in this period; its {} objects are the starting point.",
            c.added
        )),
        None => points.push("No snapshot was taken by the end of the period.".into()),
    }
    let opened = data
        .open
        .iter()
        .filter(|f| data.period.contains(&f.first_seen_at))
        .count();
    points.push(format!(
        "Findings: {} opened in the period, {} resolved{}.",
        opened,
        data.resolved.len(),
        if data.previous.is_some() {
            " since the last pack"
        } else {
            ""
        }
    ));
    if let Some(p) = &data.previous {
        points.push(format!(
            "Open findings: {} now, {} in the last pack of {}.",
            data.open.len(),
            p.open_findings,
            day(&p.generated_at)
        ));
    }
    if expiring > 0 {
        points.push(format!(
            "{} within 30 days: renew or resolve before then.",
            count_words(
                expiring,
                "risk acceptance expires",
                "risk acceptances expire"
            )
        ));
    }
    for e in &data.expiring {
        points.push(format!(
            "{} \"{}\" {} {}: renew it in Intune before it stops working.",
            e.kind_label,
            e.name,
            if e.expired {
                "expired on"
            } else {
                "expires on"
            },
            short_day(&e.expires)
        ));
    }
    if !data.missing_permissions.is_empty() {
        points.push(format!(
            "{} not granted: some kinds could not be checked (see Permission posture).",
            count_words(
                data.missing_permissions.len(),
                "read permission is",
                "read permissions are"
            )
        ));
    }
    s.push(Block::Bullets(points));
    s
}

fn coverage(data: &PackData) -> Section {
    let mut s = Section::new("Coverage");
    let checked = data.coverage.iter().filter(|c| c.checked).count();
    s.push(Block::Paragraph(format!(
        "Of the {} kinds of configuration TenantAtlas reads, {} were read completely for this pack \
         and {} could not be; objects of a kind that was not checked are neither counted as \
         compliant nor as drifted.",
        data.coverage.len(),
        checked,
        data.coverage.len() - checked
    )));
    // Checked kinds first (they are most), each not-checked one with its reason under it.
    let mut kinds: Vec<&super::gather::KindCoverage> = data.coverage.iter().collect();
    kinds.sort_by_key(|c| !c.checked);
    let rows = kinds
        .into_iter()
        .map(|c| Row {
            cells: vec![
                Cell::text(c.label.clone()),
                Cell::text(c.objects.to_string()),
                if c.checked {
                    Cell::badge("Checked", Tone::Good)
                } else {
                    Cell::badge("Not checked", Tone::Warning)
                },
            ],
            detail: c.why.iter().map(|why| format!("Why not: {why}")).collect(),
        })
        .collect();
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Kind", 5.0),
            Column::new("Objects", 1.0).right(),
            Column::new("Status", 1.6),
        ],
        rows,
        empty: "No kinds.".into(),
    }));
    s
}

fn permissions(data: &PackData) -> Section {
    let mut s = Section::new("Permission posture").continued();
    s.push(Block::Facts(vec![
        ("Sign-in".into(), data.tenant.sign_in.clone()),
        ("Sign-in status".into(), data.tenant.sign_in_status.clone()),
        (
            "Last good sync".into(),
            data.tenant
                .last_good_sync
                .as_deref()
                .map_or_else(|| "never".into(), when),
        ),
        (
            "Granted read permissions".into(),
            if data.tenant.granted_scopes.is_empty() {
                "none recorded".into()
            } else {
                data.tenant.granted_scopes.join(", ")
            },
        ),
    ]));
    if data.missing_permissions.is_empty() {
        s.push(Block::Callout {
            tone: Tone::Good,
            text: "Every read permission TenantAtlas uses is granted: nothing was left unchecked for want of consent.".into(),
        });
    } else {
        s.push(Block::Table(Table {
            columns: vec![
                Column::new("Missing permission", 2.0),
                Column::new("What it would let us check", 5.0),
            ],
            rows: data
                .missing_permissions
                .iter()
                .map(|g| {
                    Row::new(vec![
                        Cell::mono(g.permission.clone()),
                        g.kinds.join(", ").into(),
                    ])
                })
                .collect(),
            empty: String::new(),
        }));
        s.push(Block::Note(
            "Granting a permission needs an administrator's consent in the tenant; TenantAtlas asks \
             for read permissions only."
                .into(),
        ));
    }
    s
}

fn compliance(data: &PackData) -> Section {
    let mut s = Section::new("Compliance per baseline");
    if data.baselines.is_empty() {
        s.push(Block::Callout {
            tone: Tone::Info,
            text: "No baseline is assigned to this tenant, so nothing was compared. Assign one \
                   (Baselines → Assign) to have its score and findings in the next pack."
                .into(),
        });
        return s;
    }
    s.push(Block::Chart(Chart::Bars {
        title: "Score per baseline".into(),
        bars: data
            .baselines
            .iter()
            .map(|b| Bar {
                label: b.baseline.clone(),
                value: b.score.unwrap_or(0.0),
                tone: score_tone(b.score),
            })
            .collect(),
        max: Some(100.0),
        unit: "%".into(),
    }));
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Baseline", 3.0),
            Column::new("Score", 1.3),
            Column::new("Matched", 1.0).right(),
            Column::new("Different", 1.0).right(),
            Column::new("Missing", 1.0).right(),
            Column::new("Accepted", 1.0).right(),
        ],
        rows: data
            .baselines
            .iter()
            .map(|b| {
                Row::new(vec![
                    Cell::text(format!("{} (v{})", b.baseline, b.version)),
                    Cell::badge(percent(b.score), score_tone(b.score)),
                    b.matched.to_string().into(),
                    b.different.to_string().into(),
                    b.missing.to_string().into(),
                    b.accepted.to_string().into(),
                ])
            })
            .collect(),
        empty: String::new(),
    }));
    s.push(Block::Note(
        "Matched: configured as the baseline says. Different: present, configured otherwise. \
         Missing: in the baseline, not in the tenant. Accepted: different, with a risk acceptance \
         that counts it as compliant until it expires."
            .into(),
    ));
    s
}

fn finding_rows(findings: &[FindingFacts], accepted: bool) -> Vec<Row> {
    findings
        .iter()
        .map(|f| {
            let mut cells = vec![
                Cell::badge(severity_word(&f.severity), severity_tone(&f.severity)),
                Cell::text(f.object.clone()),
                Cell::text(f.kind_label.clone()),
            ];
            if accepted {
                cells.push(Cell::text(f.justification.clone().unwrap_or_default()));
                cells.push(Cell::text(
                    f.approver.clone().unwrap_or_else(|| "not recorded".into()),
                ));
                cells.push(Cell::text(f.expires.clone().unwrap_or_default()));
            } else {
                cells.push(Cell::text(drift_word(&f.drift)));
                cells.push(Cell::text(state_word(&f.state)));
                cells.push(Cell::text(short_day(&f.first_seen_at)));
            }
            Row {
                cells,
                detail: if accepted {
                    Vec::new()
                } else {
                    let mut lines: Vec<String> = f.changes.iter().take(12).cloned().collect();
                    if f.changes.len() > 12 {
                        lines.push(format!("… and {} more changes", f.changes.len() - 12));
                    }
                    lines.push(format!(
                        "Baseline: {} · finding {}",
                        f.baseline,
                        short(&f.id)
                    ));
                    lines
                },
            }
        })
        .collect()
}

fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn open_findings(data: &PackData) -> Section {
    let mut s = Section::new("Open findings");
    s.push(Block::Paragraph(format!(
        "{} where the tenant differs from an assigned baseline and nobody has accepted the \
         difference, most severe first; under each, the settings that differ in the Intune admin \
         center's words (baseline value → tenant value).",
        count_words(data.open.len(), "finding", "findings")
    )));
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Severity", 1.45),
            Column::new("Object", 3.2),
            Column::new("Kind", 2.0),
            Column::new("Drift", 1.9),
            Column::new("State", 1.3),
            Column::new("Since", 1.5),
        ],
        rows: finding_rows(&data.open, false),
        empty: "No open findings: the tenant matches its baselines.".into(),
    }));
    s
}

fn expires_within(f: &FindingFacts, today: time::Date, days: i64) -> bool {
    f.expires
        .as_deref()
        .and_then(crate::ops::findings::parse_date)
        .is_some_and(|d| d <= today + time::Duration::days(days))
}

fn risk_register(data: &PackData) -> Section {
    let mut s = Section::new("Accepted risks");
    s.push(Block::Paragraph(
        "Differences from the baselines the customer accepted, with who approved them, why, and \
         until when. An acceptance that expires reopens its finding."
            .into(),
    ));
    let mut rows = finding_rows(&data.accepted, true);
    for (row, f) in rows.iter_mut().zip(&data.accepted) {
        if expires_within(f, data.today, 30) {
            if let Some(cell) = row.cells.last_mut() {
                *cell = Cell::badge(
                    format!("{} (soon)", f.expires.clone().unwrap_or_default()),
                    Tone::Warning,
                );
            }
        }
    }
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Severity", 1.45),
            Column::new("Object", 2.4),
            Column::new("Kind", 1.8),
            Column::new("Justification", 3.2),
            Column::new("Approver", 1.6),
            Column::new("Expires", 1.5),
        ],
        rows,
        empty: "No accepted risks.".into(),
    }));
    s
}

fn resolved(data: &PackData) -> Section {
    let since = match &data.previous {
        Some(p) => format!("since the last pack ({})", day(&p.generated_at)),
        None => "in the period".to_string(),
    };
    let mut s = Section::new("Resolved since the last pack").continued();
    s.push(Block::Paragraph(format!(
        "Findings resolved {since}: the tenant matched the baseline again, or the finding was \
         closed by hand (the audit log in the evidence says which)."
    )));
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Severity", 1.45),
            Column::new("Object", 3.3),
            Column::new("Kind", 2.2),
            Column::new("Resolved", 1.8),
        ],
        rows: data
            .resolved
            .iter()
            .map(|f| {
                Row::new(vec![
                    Cell::badge(severity_word(&f.severity), severity_tone(&f.severity)),
                    f.object.clone().into(),
                    f.kind_label.clone().into(),
                    short_day(&f.last_seen_at).into(),
                ])
            })
            .collect(),
        empty: format!("No findings were resolved {since}."),
    }));
    s
}

fn changes(data: &PackData) -> Section {
    let mut s = Section::new("Changes in the period");
    let Some(c) = &data.changes else {
        s.push(Block::Paragraph(
            "No snapshot was taken by the end of the period.".into(),
        ));
        return s;
    };
    match &c.from_snapshot {
        None => {
            s.push(Block::Paragraph(format!(
                "The tenant's first snapshot ({}) falls in the period, so there is no earlier \
                 state to compare with: its {} objects are listed in the inventory.",
                when(&c.to_snapshot.1),
                c.added
            )));
            return s;
        }
        Some((_, from)) => s.push(Block::Paragraph(format!(
            "What differs between the snapshot of {} (the last before the period) and the one of {}: \
             {} added, {} removed, {} changed. Each line is a setting in the admin center's words.",
            when(from),
            when(&c.to_snapshot.1),
            c.added,
            c.removed,
            c.modified
        ))),
    };
    let tone = |status: &str| match status {
        "added" => Tone::Info,
        "removed" => Tone::Serious,
        _ => Tone::Warning,
    };
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Change", 1.2),
            Column::new("Object", 3.5),
            Column::new("Kind", 2.2),
            Column::new("Settings", 1.0).right(),
        ],
        rows: c
            .objects
            .iter()
            .map(|o| {
                let mut word = o.status.clone();
                word[..1].make_ascii_uppercase();
                let mut detail: Vec<String> = o.changes.iter().take(10).cloned().collect();
                if o.changes.len() > 10 {
                    detail.push(format!("… and {} more", o.changes.len() - 10));
                }
                Row {
                    cells: vec![
                        Cell::badge(word, tone(&o.status)),
                        o.name.clone().into(),
                        o.kind_label.clone().into(),
                        o.changes.len().to_string().into(),
                    ],
                    detail,
                }
            })
            .collect(),
        empty: "Nothing changed in the period.".into(),
    }));
    s.push(Block::Note(
        "Who made each change is not part of this pack: the snapshots record what the \
         configuration was, and Intune's own audit log (not captured) records who changed it."
            .into(),
    ));
    s
}

fn inventory(data: &PackData) -> Section {
    let mut s = Section::new("Inventory");
    s.push(Block::Paragraph(format!(
        "The {} objects of the snapshot by kind, with who they are assigned to. Objects that are \
         configured but assigned to nobody are listed apart in the next section.",
        data.objects.len()
    )));
    let mut kind = "";
    let mut rows: Vec<Row> = Vec::new();
    let flush = |s: &mut Section, kind: &str, rows: &mut Vec<Row>| {
        if kind.is_empty() {
            return;
        }
        s.push(Block::Heading(format!("{kind} ({})", rows.len())));
        s.push(Block::Table(Table {
            columns: vec![
                Column::new("Name", 3.4),
                Column::new("Platforms", 1.6),
                Column::new("Assigned to", 4.0),
            ],
            rows: std::mem::take(rows),
            empty: String::new(),
        }));
    };
    for o in &data.objects {
        if o.kind_label != kind {
            flush(&mut s, kind, &mut rows);
            kind = &o.kind_label;
        }
        let assigned = match o.assignments {
            _ if is_default_enrollment(o) => "all users and devices (the tenant's default)".into(),
            None if o.kind == "conditionalAccessPolicies" => {
                "users and groups set in its conditions".to_string()
            }
            None => "— (not assignable)".to_string(),
            Some(0) => "nobody".to_string(),
            Some(_) if o.assigned_to.is_empty() => "assigned".to_string(),
            Some(_) => o.assigned_to.join("; "),
        };
        rows.push(Row::new(vec![
            o.name.clone().into(),
            platform_words(&o.platforms).into(),
            assigned.into(),
        ]));
    }
    flush(&mut s, kind, &mut rows);
    if data.objects.is_empty() {
        s.push(Block::Paragraph("The snapshot holds no objects.".into()));
    }
    s
}

/// A tenant's default enrolment configuration (priority 0): it applies to everyone without an
/// assignment, so "assigned to nobody" would be wrong.
fn is_default_enrollment(o: &super::gather::ObjectFacts) -> bool {
    o.kind == "deviceEnrollmentConfigurations"
        && o.content
            .get("priority")
            .and_then(serde_json::Value::as_i64)
            == Some(0)
}

fn unassigned(data: &PackData) -> Section {
    let mut s = Section::new("Configured but not assigned");
    s.push(Block::Paragraph(
        "Objects that are configured and reach no user or device: often drafts or leftovers, \
         sometimes a policy someone believes is protecting devices."
            .into(),
    ));
    s.push(Block::Table(Table {
        columns: vec![Column::new("Name", 4.0), Column::new("Kind", 3.0)],
        rows: data
            .objects
            .iter()
            .filter(|o| o.assignments == Some(0) && !is_default_enrollment(o))
            .map(|o| Row::new(vec![o.name.clone().into(), o.kind_label.clone().into()]))
            .collect(),
        empty: "Every assignable object is assigned.".into(),
    }));
    s
}

fn limitations(data: &PackData, ctx: &PackContext) -> Section {
    let mut s = Section::new("Limitations");
    let mut points = vec![
        format!(
            "The pack describes the tenant as captured{}; changes made since are not in it.",
            data.snapshot
                .as_ref()
                .map(|s| format!(" on {}", when(&s.taken_at)))
                .unwrap_or_default()
        ),
        "Compliance is measured against the baselines assigned to this tenant only; settings no \
         baseline names are inventoried, not judged."
            .into(),
        "Differences between snapshots show what changed, not who changed it or why.".into(),
    ];
    let unchecked: Vec<&str> = data
        .coverage
        .iter()
        .filter(|c| !c.checked)
        .map(|c| c.label.as_str())
        .collect();
    if !unchecked.is_empty() {
        points.push(format!(
            "Not checked ({}): {}. See Coverage for why.",
            unchecked.len(),
            unchecked.join(", ")
        ));
    }
    points.push(format!(
        "Secrets (Wi-Fi keys, VPN shared secrets, passwords and tokens in scripts, private keys) \
         are never shown: {} in this pack and its evidence read \"[redacted secret]\".",
        count_words(data.secrets_hidden, "value", "values")
    ));
    match data.people_pseudonymised {
        Some(n) => points.push(format!(
            "Personal data is pseudonymised: user names, UPNs and e-mail addresses read as stable \
             pseudonyms ({} people).",
            n
        )),
        None => points.push(
            "Personal data is shown as captured (user and group names, UPNs); make the pack \
             with --redact-pii to replace them with pseudonyms."
                .into(),
        ),
    }
    if !ctx.with_bundle {
        points.push(
            "No evidence bundle was made with this PDF, so its content cannot be verified \
             independently."
                .into(),
        );
    }
    s.push(Block::Bullets(points));
    s
}

fn appendix(data: &PackData, ctx: &PackContext) -> Section {
    let mut s = Section::new("Appendix: evidence and how to verify it");
    let mut facts = vec![("Signing key".to_string(), ctx.signer_fingerprint.clone())];
    if let Some(snap) = &data.snapshot {
        facts.push((
            "Snapshot".into(),
            format!("#{} of {}", snap.id, when(&snap.taken_at)),
        ));
    }
    if let Some(p) = &data.previous {
        facts.push(("Previous pack's SHA256SUMS".into(), p.sums_sha256.clone()));
    }
    s.push(Block::Facts(facts));
    if !ctx.evidence.is_empty() {
        s.push(Block::Heading("Evidence files".into()));
        s.push(Block::Table(Table {
            columns: vec![Column::new("File", 2.2), Column::new("SHA-256", 5.0)],
            rows: ctx
                .evidence
                .iter()
                .map(|(path, hash)| {
                    Row::new(vec![Cell::mono(path.clone()), Cell::mono(hash.clone())])
                })
                .collect(),
            empty: String::new(),
        }));
        s.push(Block::Note(
            "The bundle also holds pack.json (what this pack is and the pack it continues), the \
             audit log excerpt with its signed checkpoint, and this PDF (report/review-pack.pdf): \
             they are made after these pages, and a document cannot hold its own hash, so \
             SHA256SUMS in the bundle lists them with the files above."
                .into(),
        ));
    }
    s.push(Block::Heading("Verifying the evidence bundle".into()));
    s.push(Block::Steps(vec![
        Step {
            text: "Unpack the bundle into an empty folder.".into(),
            command: Some("unzip review-pack.zip -d pack && cd pack".into()),
        },
        Step {
            text: "Check that no file was changed: every line must say OK.".into(),
            command: Some("sha256sum -c SHA256SUMS".into()),
        },
        Step {
            text: "Check that SHA256SUMS was signed by the key in the bundle: it must say \
                   \"Signature Verified Successfully\"."
                .into(),
            command: Some(
                "openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"
                    .into(),
            ),
        },
        Step {
            text: "Check that the key is the one on this document's cover: the fingerprint is the \
                   first 32 hex digits of the SHA-256 of the 32-byte key, in groups of four."
                .into(),
            command: Some(
                "openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum".into(),
            ),
        },
        Step {
            text: "Or check everything at once, including the audit log's hash chain and its signed \
                   checkpoint, and the link to the previous pack:"
                .into(),
            command: Some("tenantatlas verify review-pack.zip --previous previous-pack.zip".into()),
        },
    ]));
    s
}
