//! A realistic review pack for tests, the example and screenshots: made-up data shaped like a
//! real workspace's, with the awkward parts on purpose (accents, dashes, long ids, a findings
//! table that runs over several pages).

use crate::doc::*;
use time::macros::datetime;

/// The sample pack with its usual 60 findings.
pub fn sample() -> Document {
    sample_with_findings(60)
}

const AREAS: [&str; 8] = [
    "Conditional Access",
    "Intune compliance",
    "Exchange Online",
    "Entra ID roles",
    "SharePoint sharing",
    "Defender for Office",
    "Teams external access",
    "Device configuration",
];

const TITLES: [&str; 10] = [
    "Legacy authentication is not blocked for all users",
    "Break-glass account excluded from MFA policy without expiry",
    "Mailbox auditing disabled for 3 shared mailboxes",
    "Global Administrator assigned permanently to 4 accounts",
    "Anonymous sharing links allowed with no expiry",
    "Safe Links policy configured but unassigned",
    "External access open to all federated domains",
    "BitLocker policy assigned — encryption not reported by 12 devices",
    "Compliance policy grace period longer than baseline (30 days vs 7)",
    "Sign-in risk policy in report-only mode…",
];

const OWNERS: [&str; 5] = [
    "J. Müller",
    "A. Lefèvre",
    "Service desk",
    "S. Søren\u{AD}sen",
    "Customer IT — É. Durand",
];

fn tone_of(i: usize) -> (Tone, &'static str) {
    match i % 7 {
        0 => (Tone::Critical, "Critical"),
        1 | 4 => (Tone::Serious, "High"),
        2 | 5 => (Tone::Warning, "Medium"),
        3 => (Tone::Info, "Low"),
        _ => (Tone::Neutral, "Info"),
    }
}

fn status_of(i: usize) -> (Tone, &'static str) {
    match i % 5 {
        0 | 3 => (Tone::Warning, "Open"),
        1 => (Tone::Good, "Resolved ✓"),
        2 => (Tone::Neutral, "Accepted"),
        _ => (Tone::Info, "In progress"),
    }
}

/// The sample pack with `findings` rows in its findings table (for page-count checks).
pub fn sample_with_findings(findings: usize) -> Document {
    let mut sections = Vec::new();

    // 1. Summary.
    let mut s = Section::new("Executive summary");
    s.push(Block::Paragraph(
        "This review pack describes the Microsoft 365 configuration of Müller & Söhne GmbH as \
         captured by TenantAtlas between 1 October and 31 December 2026. It reports what was \
         found — configured and assigned, configured but unassigned, or not checked — and does \
         not assert compliance with any framework the data cannot support."
            .into(),
    ));
    s.push(Block::Stats(vec![
        Stat {
            label: "Configuration score".into(),
            value: "78%".into(),
            note: "+4 since the last pack".into(),
            tone: Tone::Good,
        },
        Stat {
            label: "Open findings".into(),
            value: "23".into(),
            note: "2 critical, 6 high".into(),
            tone: Tone::Serious,
        },
        Stat {
            label: "Objects reviewed".into(),
            value: "1,284".into(),
            note: "across 8 areas".into(),
            tone: Tone::Neutral,
        },
        Stat {
            label: "Drift since baseline".into(),
            value: "9".into(),
            note: "changes outside change control".into(),
            tone: Tone::Warning,
        },
    ]));
    s.push(Block::Chart(Chart::Score {
        label: "Configuration score".into(),
        value: Some(78.0),
        previous: Some(74.0),
    }));
    s.push(Block::Heading("Findings at a glance".into()));
    s.push(Block::Chart(Chart::Bars {
        title: "Open findings by severity".into(),
        bars: vec![
            Bar {
                label: "Critical".into(),
                value: 2.0,
                tone: Tone::Critical,
            },
            Bar {
                label: "High".into(),
                value: 6.0,
                tone: Tone::Serious,
            },
            Bar {
                label: "Medium".into(),
                value: 9.0,
                tone: Tone::Warning,
            },
            Bar {
                label: "Low".into(),
                value: 4.0,
                tone: Tone::Info,
            },
            Bar {
                label: "Informational".into(),
                value: 2.0,
                tone: Tone::Neutral,
            },
        ],
        max: None,
        unit: String::new(),
    }));
    s.push(Block::Callout {
        tone: Tone::Warning,
        text: "Two critical findings concern administrative access: legacy authentication is \
               still allowed for service accounts, and four accounts hold Global Administrator \
               permanently. Both are on the 90-day roadmap in section 6."
            .into(),
    });
    sections.push(s);

    // 2. Trends.
    let mut s = Section::new("Posture over time");
    s.push(Block::Paragraph(
        "The score and the count of standing findings per monthly snapshot. A gap means no \
         snapshot was taken that month (the tenant's consent was being renewed in November)."
            .into(),
    ));
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    s.push(Block::Chart(Chart::Lines {
        title: "Configuration score and standing findings, 2026".into(),
        x_labels: months.iter().map(|m| m.to_string()).collect(),
        series: vec![
            Series {
                name: "Configuration score (%)".into(),
                tone: Tone::Info,
                values: vec![
                    Some(61.0),
                    Some(63.0),
                    Some(64.0),
                    Some(66.0),
                    Some(65.0),
                    Some(69.0),
                    Some(71.0),
                    Some(72.0),
                    Some(74.0),
                    Some(76.0),
                    None,
                    Some(78.0),
                ],
            },
            Series {
                name: "Standing findings".into(),
                tone: Tone::Serious,
                values: vec![
                    Some(41.0),
                    Some(39.0),
                    Some(40.0),
                    Some(35.0),
                    Some(33.0),
                    Some(31.0),
                    Some(30.0),
                    Some(28.0),
                    Some(27.0),
                    Some(25.0),
                    None,
                    Some(23.0),
                ],
            },
        ],
        y_max: Some(100.0),
        unit: String::new(),
    }));
    s.push(Block::Chart(Chart::Bars {
        title: "Compliance per baseline".into(),
        bars: vec![
            Bar {
                label: "CIS Microsoft 365 L1 (selected)".into(),
                value: 82.0,
                tone: Tone::Good,
            },
            Bar {
                label: "MSP standard — identity".into(),
                value: 74.5,
                tone: Tone::Info,
            },
            Bar {
                label: "MSP standard — devices".into(),
                value: 58.0,
                tone: Tone::Warning,
            },
        ],
        max: Some(100.0),
        unit: "%".into(),
    }));
    s.push(Block::Note(
        "Scores count settings that match the baseline among those checked; settings that \
         could not be read are left out of both sides and listed under Limitations."
            .into(),
    ));
    sections.push(s);

    // 3. Findings.
    let mut s = Section::new("Findings");
    s.push(Block::Paragraph(
        "Every finding open at any time during the period, most severe first. Details list the \
         settings that differ from the baseline, as read from the tenant."
            .into(),
    ));
    let rows = (0..findings)
        .map(|i| {
            let (sev_tone, sev) = tone_of(i);
            let (st_tone, st) = status_of(i);
            let mut row = Row::new(vec![
                Cell::mono(format!("F-{:04}", i + 1)),
                Cell::text(format!(
                    "{} ({})",
                    TITLES[i % TITLES.len()],
                    AREAS[i % AREAS.len()]
                )),
                Cell::badge(sev, sev_tone),
                Cell::badge(st, st_tone),
                Cell::text(OWNERS[i % OWNERS.len()]),
            ]);
            if i % 3 == 0 {
                row.detail = vec![format!(
                    "Setting: {}.state — expected “enabled”, found “disabled”; last changed 2026-{:02}-{:02} by admin@mueller-soehne.de",
                    AREAS[i % AREAS.len()].to_lowercase().replace(' ', "_"),
                    10 + i % 3,
                    1 + i % 28
                )];
            }
            row
        })
        .collect();
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("ID", 0.9),
            Column::new("Finding", 4.6),
            Column::new("Severity", 1.2),
            Column::new("Status", 1.5),
            Column::new("Owner", 1.6),
        ],
        rows,
        empty: "No findings were open during the period.".into(),
    }));
    sections.push(s);

    // 4. Drift.
    let mut s = Section::new("Configuration drift");
    s.push(Block::Paragraph(
        "Changes since the approved baseline of 30 September 2026 that did not pass through \
         change control."
            .into(),
    ));
    let drift = [
        (
            "Conditional Access",
            "Require MFA for admins",
            "Modified",
            "Exclusion added: svc-backup@mueller-soehne.de",
        ),
        (
            "Intune",
            "Windows 11 — compliance",
            "Modified",
            "Minimum OS version 10.0.22621 → 10.0.19045",
        ),
        (
            "Exchange Online",
            "Outbound spam policy",
            "Added",
            "Auto-forwarding: On",
        ),
        ("Entra ID", "Named location “Büro Köln”", "Removed", "—"),
        (
            "SharePoint",
            "Tenant sharing",
            "Modified",
            "Anyone links: Disabled → Enabled (no expiry)",
        ),
    ];
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Area", 1.4),
            Column::new("Object", 2.2),
            Column::new("Change", 1.0),
            Column::new("What changed", 3.2),
        ],
        rows: drift
            .iter()
            .enumerate()
            .map(|(i, (a, o, c, w))| {
                let tone = match *c {
                    "Added" => Tone::Info,
                    "Removed" => Tone::Serious,
                    _ => Tone::Warning,
                };
                let _ = i;
                Row::new(vec![
                    Cell::text(*a),
                    Cell::text(*o),
                    Cell::badge(*c, tone),
                    Cell::text(*w),
                ])
            })
            .collect(),
        empty: "No drift.".into(),
    }));
    s.push(Block::Heading("Unchanged areas".into()));
    s.push(Block::Bullets(vec![
        "Defender for Office: all 14 policies match the baseline.".into(),
        "Teams external access: unchanged since the last pack; still open to all federated \
         domains (finding F-0007)."
            .into(),
        "Device configuration: 31 profiles, configured and assigned, no drift.".into(),
    ]));
    sections.push(s);

    // 5. Risk register.
    let mut s = Section::new("Risk register");
    s.push(Block::Paragraph(
        "Risks the customer has accepted, with their owner and the date the acceptance lapses."
            .into(),
    ));
    let risks = [
        (
            "R-01",
            "Break-glass account excluded from MFA",
            "J. Müller",
            "2027-03-31",
            Tone::Warning,
            "Accepted",
        ),
        (
            "R-02",
            "Legacy printers use SMTP basic auth",
            "Service desk",
            "2027-01-31",
            Tone::Serious,
            "Expiring",
        ),
        (
            "R-03",
            "Guest access to the “Projekte” site",
            "A. Lefèvre",
            "2027-06-30",
            Tone::Neutral,
            "Accepted",
        ),
        (
            "R-04",
            "Report-only sign-in risk policy",
            "Customer IT — É. Durand",
            "2026-12-15",
            Tone::Critical,
            "Lapsed",
        ),
    ];
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("Risk", 0.8),
            Column::new("Description", 3.4),
            Column::new("Owner", 1.8),
            Column::new("Expires", 1.2),
            Column::new("State", 1.2),
        ],
        rows: risks
            .iter()
            .map(|(id, d, o, e, t, w)| {
                Row::new(vec![
                    Cell::mono(*id),
                    Cell::text(*d),
                    Cell::text(*o),
                    Cell::text(*e),
                    Cell::badge(*w, *t),
                ])
            })
            .collect(),
        empty: "No accepted risks.".into(),
    }));
    s.push(Block::Heading("Statuses in this pack".into()));
    s.push(Block::Table(Table {
        columns: vec![Column::new("Status", 1.0), Column::new("Meaning", 4.0)],
        rows: [
            (
                Tone::Critical,
                "Critical",
                "Exploitable now; fix within 7 days.",
            ),
            (
                Tone::Serious,
                "High",
                "Weakens a key control; fix within 30 days.",
            ),
            (
                Tone::Warning,
                "Medium",
                "Differs from the baseline; plan a fix.",
            ),
            (Tone::Info, "Low", "Hygiene; fix when convenient."),
            (
                Tone::Good,
                "Resolved ✓",
                "Fixed and confirmed by a later snapshot.",
            ),
            (
                Tone::Neutral,
                "Accepted",
                "The customer accepted the risk until a date.",
            ),
        ]
        .iter()
        .map(|(t, w, m)| Row::new(vec![Cell::badge(*w, *t), Cell::text(*m)]))
        .collect(),
        empty: String::new(),
    }));
    sections.push(s);

    // 6. Roadmap.
    let mut s = Section::new("90-day roadmap");
    s.push(Block::Steps(vec![
        Step {
            text: "Block legacy authentication for all users, after moving the two printers to \
                   SMTP relay (R-02)."
                .into(),
            command: None,
        },
        Step {
            text: "Replace permanent Global Administrator assignments with eligible (PIM) \
                   assignments for the four named accounts."
                .into(),
            command: None,
        },
        Step {
            text: "Switch the sign-in risk policy from report-only to enforced.".into(),
            command: None,
        },
        Step {
            text: "Set an expiry of 30 days on anonymous sharing links.".into(),
            command: Some("Set-SPOTenant -RequireAnonymousLinksExpireInDays 30".into()),
        },
    ]));
    s.push(Block::Heading("Owners and dates".into()));
    s.push(Block::Facts(vec![
        (
            "Weeks 1–4".into(),
            "Legacy authentication, printers — Service desk".into(),
        ),
        (
            "Weeks 5–8".into(),
            "PIM for administrators — J. Müller".into(),
        ),
        (
            "Weeks 9–12".into(),
            "Sign-in risk, sharing links — Customer IT".into(),
        ),
    ]));
    sections.push(s.continued());

    // 7. Provenance and evidence.
    let mut s = Section::new("Data provenance and evidence");
    s.push(Block::Facts(vec![
        ("Tenant".into(), "Müller & Söhne GmbH (mueller-soehne.onmicrosoft.com)".into()),
        ("Tenant id".into(), "3f2b9c4e-7a1d-4e8b-9c0f-5d6e7a8b9c0d".into()),
        ("Snapshot".into(), "2026-12-31T22:00:00Z, 1,284 objects, 8 areas".into()),
        ("Permissions".into(), "Policy.Read.All, DeviceManagementConfiguration.Read.All, AuditLog.Read.All (read-only)".into()),
        ("Generated by".into(), "TenantAtlas 0.1.0".into()),
    ]));
    s.push(Block::Heading("Evidence register".into()));
    s.push(Block::Table(Table {
        columns: vec![
            Column::new("File", 2.2),
            Column::new("SHA-256", 4.0),
            Column::new("Objects", 0.9).right(),
        ],
        rows: AREAS
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let name = format!("evidence/{}.json", a.to_lowercase().replace(' ', "-"));
                let hash: String = (0..64)
                    .map(|k| char::from(b"0123456789abcdef"[(i * 7 + k * 13 + k * k) % 16]))
                    .collect();
                Row::new(vec![
                    Cell::mono(name),
                    Cell::mono(hash),
                    Cell::text(format!("{}", 40 + i * 37)),
                ])
            })
            .collect(),
        empty: "No evidence files.".into(),
    }));
    s.push(Block::Heading("Signing key".into()));
    s.push(Block::Mono(
        "ed25519:7b1f0c9a3e5d2b4f6a8c0e1d3f5b7a9c2e4d6f8a0b1c3d5e7f9a2b4c6d8e0f1a".into(),
    ));
    sections.push(s);

    // 8. Limitations.
    let mut s = Section::new("Limitations");
    s.push(Block::Bullets(vec![
        "Not checked: Defender for Endpoint settings (the app registration lacks \
         WindowsDefenderATP permissions)."
            .into(),
        "Not checked: on-premises Active Directory; only the synchronised state in Entra ID is \
         visible."
            .into(),
        "November's snapshot is missing; trends interpolate nothing across the gap.".into(),
    ]));
    s.push(Block::Callout {
        tone: Tone::Info,
        text: "This pack records configuration as read through Microsoft Graph. It is not an \
               audit opinion."
            .into(),
    });
    sections.push(s);

    // 9. Verification.
    let mut s = Section::new("How to verify this pack");
    s.push(Block::Paragraph(
        "The evidence bundle beside this PDF can be checked with standard tools, without \
         TenantAtlas."
            .into(),
    ));
    s.push(Block::Steps(vec![
        Step {
            text: "Check every file against the signed list of hashes.".into(),
            command: Some("sha256sum -c SHA256SUMS".into()),
        },
        Step {
            text: "Check the list's signature with the MSP's public key.".into(),
            command: Some(
                "openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"
                    .into(),
            ),
        },
    ]));
    sections.push(s);

    Document {
        meta: Meta {
            title: "Review pack — Müller & Söhne GmbH — 2026-Q4".into(),
            subject: "Microsoft 365 tenant review, Q4 2026".into(),
            author: "Northwind IT Services".into(),
            keywords: vec![
                "review pack".into(),
                "Microsoft 365".into(),
                "Müller & Söhne".into(),
            ],
            creator: "TenantAtlas 0.1.0".into(),
            created: datetime!(2027-01-04 09:30:00 +01:00),
            language: "en".into(),
        },
        branding: Branding {
            msp_name: "Northwind IT Services".into(),
            footer: "Confidential — prepared for Müller & Söhne GmbH".into(),
            accent: Rgb::DEFAULT_ACCENT,
            logo: Some(sample_logo()),
        },
        cover: Cover {
            title: "Tenant review pack".into(),
            customer: "Müller & Söhne GmbH".into(),
            period: "1 October 2026 – 31 December 2026".into(),
            facts: vec![
                (
                    "Prepared by".into(),
                    "Northwind IT Services — A. Lefèvre".into(),
                ),
                (
                    "Reviewed by".into(),
                    "Société Générale Énergie liaison: É. Durand".into(),
                ),
                ("Generated".into(), "4 January 2027, 09:30 CET".into()),
                ("Product".into(), "TenantAtlas 0.1.0".into()),
                (
                    "Tenant id".into(),
                    "3f2b9c4e-7a1d-4e8b-9c0f-5d6e7a8b9c0d".into(),
                ),
                ("Signing key".into(), "ed25519:7b1f…0f1a".into()),
                (
                    "Distribution".into(),
                    "Customer IT, MSP account team".into(),
                ),
            ],
        },
        sections,
    }
}

/// A small made-up logo: a compass mark in the accent colour and grey, 3:1.
fn sample_logo() -> Logo {
    let (w, h) = (180u32, 60u32);
    let mut rgb = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - 30.0, y as f32 - 30.0);
            let d = (dx * dx + dy * dy).sqrt();
            let mark = (22.0..27.0).contains(&d) || (d < 14.0 && (dx.abs() + dy.abs()) < 14.0);
            let line = x > 66 && (18..24).contains(&y) && x < 170;
            let px = if mark || line {
                [0x1f, 0x4e, 0x79]
            } else if x > 66 && (32..36).contains(&y) && x < 140 {
                [0x8a, 0x93, 0x9e]
            } else if x > 66 && (42..46).contains(&y) && x < 120 {
                [0xc9, 0xce, 0xd6]
            } else {
                [255, 255, 255]
            };
            rgb.extend(px);
        }
    }
    Logo {
        width: w,
        height: h,
        rgb,
    }
}
