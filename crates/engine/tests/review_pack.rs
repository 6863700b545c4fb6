//! Review packs made from a real workspace (a simulated portfolio synced, checked against a
//! baseline, one risk accepted), checked with the tools an auditor and a customer have: qpdf,
//! poppler's pdffonts and pdftotext, Ghostscript's PDF/A conversion, unzip, sha256sum and
//! openssl. Also: no secret from `tests/data/secrets` reaches any output, `--redact-pii` leaves
//! no e-mail address, a changed byte is named by `verify`, and packs chain.
//!
//! The tools are installed by `cargo xtask setup` (CI); a missing one fails the test with the
//! package to install.

mod common;

use base64::Engine as _;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tenantatlas_core::redact;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::{today, FindingFilter};
use tenantatlas_engine::ops::report::exports::{ExportFormat, ExportKind, ExportOptions};
use tenantatlas_engine::ops::report::portfolio::PortfolioReportOptions;
use tenantatlas_engine::ops::report::ReviewPackOptions;
use tenantatlas_engine::Engine;
use tenantatlas_report::bundle;
use tenantatlas_sim::model::SimObject;

/// The secrets planted in the tenant (see `tests/data/secrets/README.md`).
const SECRETS: &[&str] = &[
    "Lager-WLAN-Geheim-2026!",
    "Sv3rvice-Acc0unt!",
    "Dr1ve-Map-Pa55",
];

const SECTIONS: &[&str] = &[
    "Document control",
    "Executive summary",
    "Coverage",
    "Permission posture",
    "Compliance per baseline",
    "Open findings",
    "Accepted risks",
    "Resolved since the last pack",
    "Changes in the period",
    "Inventory",
    "Configured but not assigned",
    "Limitations",
    "Appendix: evidence and how to verify it",
];

fn tool(name: &str, package: &str, args: &[&str], dir: Option<&Path>) -> Output {
    let mut command = Command::new(name);
    command.args(args);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().unwrap_or_else(|e| {
        panic!("`{name}` is needed for this test ({e}); install it: apt-get install {package}")
    })
}

fn pdftotext(path: &Path) -> String {
    let out = tool(
        "pdftotext",
        "poppler-utils",
        &[path.to_str().unwrap(), "-"],
        None,
    );
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).expect("pdftotext prints UTF-8")
}

fn data(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/secrets")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Puts `fixture` into tenant `index`'s `collection` as a copy of its first object (keeping
/// that object's assignments), with a new id.
fn plant(
    sim: &tenantatlas_sim::SimHandle,
    index: usize,
    collection: &str,
    fixture: &str,
    id: &str,
) {
    let mut world = sim.sim.world();
    let objects = world.tenants[index].collection_mut(collection);
    let mut object: SimObject = objects[0].clone();
    let Value::Object(fields) = data(fixture) else {
        panic!("{fixture} is not an object")
    };
    for (k, v) in fields {
        object.body.insert(k, v);
    }
    object.body.insert("id".into(), Value::String(id.into()));
    objects.push(object);
}

/// Every text an output holds: the bytes as text, and every base64 string value inside JSON
/// decoded (a secret must not hide in a script body either).
fn texts_of(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut out = vec![text.clone()];
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => {
                let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(compact) {
                    out.push(String::from_utf8_lossy(&raw).into_owned());
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    for line in text.lines().chain(std::iter::once(text.as_str())) {
        if let Ok(value) = serde_json::from_str::<Value>(line) {
            walk(&value, &mut out);
        }
    }
    out
}

fn assert_no_secret(what: &str, bytes: &[u8]) {
    for text in texts_of(bytes) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{what} shows the secret {secret}");
        }
    }
}

/// The files of a bundle, unpacked with `unzip` into `dir`.
fn unzip(bundle: &Path, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let out = tool(
        "unzip",
        "unzip",
        &["-q", bundle.to_str().unwrap(), "-d", dir.to_str().unwrap()],
        None,
    );
    assert!(
        out.status.success(),
        "unzip: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

async fn prepare(dir: &Path) -> (common::Connected, String) {
    let connected = common::connected(common::sim_config(3, 60, 7), dir).await;
    let tenants = connected.sim.tenants().to_vec();
    assert_eq!(tenants[1].name, "Müller & Söhne GmbH");
    plant(
        &connected.sim,
        1,
        "deviceConfigurations",
        "windowsWifiConfiguration.json",
        "8d3c2a57-0d5e-4c8e-9a56-1f7d0b6e3a01",
    );
    plant(
        &connected.sim,
        1,
        "deviceManagementScripts",
        "deviceManagementScript.json",
        "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
    );
    // Two golden device configurations of the tenant configured differently: findings to show.
    {
        let mut world = connected.sim.sim.world();
        // The reference tenant's VPP token lapses in ten days: the portfolio report says so.
        let soon = time::OffsetDateTime::now_utc() + time::Duration::days(10);
        let soon = soon
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        let token = world.tenants[0]
            .collection_mut("vppTokens")
            .first_mut()
            .expect("tenant 0 has a VPP token");
        token
            .body
            .insert("expirationDateTime".into(), Value::String(soon));
        for object in world.tenants[1].collection_mut("deviceConfigurations") {
            let name = object
                .body
                .get("displayName")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match name {
                "MSP - Win - Device Restrictions" => {
                    object.body.insert("passwordMinimumLength".into(), 4.into());
                }
                "MSP - Win - Endpoint Protection" => {
                    object
                        .body
                        .insert("firewallBlockStatefulFTP".into(), false.into());
                }
                _ => {}
            }
        }
    }
    let engine = &connected.engine;
    engine
        .sync(&[], Default::default(), std::sync::Arc::new(|_| {}))
        .await
        .unwrap();
    engine
        .create_baseline(&CreateBaseline {
            name: "MSP golden".into(),
            source: BaselineSource::Tenant {
                tenant: tenants[0].domain.clone(),
                snapshot: None,
            },
            kinds: Vec::new(),
            include: vec!["MSP - *".into()],
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await
        .unwrap();
    let muller = tenants[1].domain.clone();
    engine
        .assign_baseline("MSP golden", &muller, &Default::default())
        .await
        .unwrap();
    engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap();
    let filter = FindingFilter {
        tenant: Some(muller.clone()),
        ..Default::default()
    };
    let findings = engine.list_findings(&filter, today()).await.unwrap();
    assert!(
        findings.len() >= 3,
        "the tenant should drift: {}",
        findings.len()
    );
    let expires = (today() + time::Duration::days(20)).to_string();
    engine
        .accept_risk(
            &findings[0].id,
            "Kiosk devices need this until the Q1 hardware refresh",
            Some("Anna Meier <anna.meier@muellersoehne.example>"),
            &expires,
            today(),
        )
        .await
        .unwrap();
    (connected, muller)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_pack_passes_the_tools_an_auditor_has_and_never_shows_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (connected, muller) = prepare(dir.path()).await;
    let engine = &connected.engine;
    let pdf = dir.path().join("pack.pdf");
    let zip = dir.path().join("pack.zip");
    let pack = engine
        .review_pack(
            &ReviewPackOptions {
                tenant: muller.clone(),
                period: Some("30d".into()),
                out: pdf.clone(),
                evidence: Some(zip.clone()),
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert!(pack.pages >= 10, "{} pages", pack.pages);
    assert!(
        pack.secrets_hidden >= 3,
        "{} secrets hidden",
        pack.secrets_hidden
    );

    // qpdf: a well-formed file.
    let out = tool("qpdf", "qpdf", &["--check", pdf.to_str().unwrap()], None);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !said.contains("WARNING"),
        "qpdf: {said}"
    );
    // pdffonts: only embedded subsets with Unicode maps.
    let out = tool("pdffonts", "poppler-utils", &[pdf.to_str().unwrap()], None);
    let fonts = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "not embedded: {row}"
        );
    }
    // pdftotext: the customer with its accents, every section, the findings.
    let text = pdftotext(&pdf);
    assert!(text.contains("Müller & Söhne GmbH"), "no customer name");
    for section in SECTIONS {
        assert!(text.contains(section), "no section {section}");
    }
    let open = engine
        .list_findings(
            &FindingFilter {
                tenant: Some(muller.clone()),
                state: Some("open".into()),
                ..Default::default()
            },
            today(),
        )
        .await
        .unwrap();
    for f in open.iter().take(5) {
        let first_word = f.object.split_whitespace().last().unwrap_or_default();
        assert!(
            text.contains(first_word),
            "finding {} not in the PDF",
            f.object
        );
    }
    assert!(
        text.contains("Kiosk devices need this"),
        "no risk register entry"
    );
    assert!(text.contains(&format!("Page 2 of {}", pack.pages)));
    // Ghostscript's PDF/A-2b conversion: its one known false alarm (non-ASCII document info)
    // aside, it has nothing to say.
    let out = tool(
        "gs",
        "ghostscript",
        &[
            "-q",
            "-dBATCH",
            "-dNOPAUSE",
            "-dNOOUTERSAVE",
            "-dPDFA=2",
            "-dPDFACompatibilityPolicy=2",
            "-sColorConversionStrategy=UseDeviceIndependentColor",
            "-sDEVICE=pdfwrite",
            "-o",
            "/dev/null",
            pdf.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "gs failed");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for line in said.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            line.contains("Text string detected in DOCINFO cannot be represented in XMP"),
            "Ghostscript objects: {line}"
        );
    }

    // The bundle verifies with TenantAtlas and with sha256sum + openssl alone.
    let bytes = std::fs::read(&zip).unwrap();
    let checked = bundle::verify(&bytes, None);
    assert!(checked.ok, "{:?}", checked.problems);
    let unpacked = dir.path().join("unpacked");
    let files = unzip(&zip, &unpacked);
    let out = tool(
        "sha256sum",
        "coreutils",
        &["-c", "--strict", "SHA256SUMS"],
        Some(&unpacked),
    );
    assert!(
        out.status.success(),
        "sha256sum: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = tool(
        "openssl",
        "openssl",
        &[
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "signer.pub.pem",
            "-rawin",
            "-in",
            "SHA256SUMS",
            "-sigfile",
            "SHA256SUMS.sig",
        ],
        Some(&unpacked),
    );
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The PDF in the bundle is the PDF written beside it.
    assert_eq!(
        std::fs::read(unpacked.join("report/review-pack.pdf")).unwrap(),
        std::fs::read(&pdf).unwrap()
    );

    // A flipped byte in the PDF inside the bundle is named.
    let name = b"report/review-pack.pdf";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len() + 200;
    let mut flipped = bytes.clone();
    flipped[at] ^= 0x01;
    let checked = bundle::verify(&flipped, None);
    assert!(!checked.ok);
    assert!(
        checked
            .problems
            .iter()
            .any(|p| p.contains("report/review-pack.pdf")),
        "{:?}",
        checked.problems
    );

    // No secret anywhere: the PDF's text, every file of the bundle, the exports, the views.
    assert_no_secret("the PDF", text.as_bytes());
    assert_no_secret("the PDF file", &std::fs::read(&pdf).unwrap());
    for file in &files {
        assert_no_secret(&file.display().to_string(), &std::fs::read(file).unwrap());
    }
    for (kind, format) in [
        (ExportKind::Inventory, ExportFormat::Csv),
        (ExportKind::Inventory, ExportFormat::Json),
        (ExportKind::Findings, ExportFormat::Csv),
        (ExportKind::Risks, ExportFormat::Json),
        (ExportKind::Runs, ExportFormat::Csv),
    ] {
        let out = dir.path().join(format!("export-{kind:?}.{format:?}"));
        let done = engine
            .export(&ExportOptions {
                kind,
                format,
                tenant: Some(muller.clone()),
                out: out.clone(),
                force: false,
            })
            .await
            .unwrap();
        assert!(done.rows > 0, "{kind:?} exported nothing");
        assert_no_secret(
            &format!("the {kind:?} export"),
            &std::fs::read(&out).unwrap(),
        );
    }
    for id in [
        "8d3c2a57-0d5e-4c8e-9a56-1f7d0b6e3a01",
        "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b",
    ] {
        let view = engine.policy_view(&muller, id, None).await.unwrap();
        assert_no_secret(
            "the object view",
            serde_json::to_string(&view).unwrap().as_bytes(),
        );
    }
    let wifi = engine
        .policy_view(&muller, "8d3c2a57-0d5e-4c8e-9a56-1f7d0b6e3a01", None)
        .await
        .unwrap();
    assert!(
        serde_json::to_string(&wifi)
            .unwrap()
            .contains(redact::SECRET),
        "the view should say a secret is set"
    );

    // The next pack chains to this one.
    let second = engine
        .review_pack(
            &ReviewPackOptions {
                tenant: muller.clone(),
                out: dir.path().join("pack2.pdf"),
                evidence: Some(dir.path().join("pack2.zip")),
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(second.previous_sums_sha256, pack.sums_sha256);
    let later = std::fs::read(dir.path().join("pack2.zip")).unwrap();
    let checked = bundle::verify(&later, Some(&bytes));
    assert!(checked.ok, "{:?}", checked.problems);
    let checked = bundle::verify(&bytes, Some(&later));
    assert!(!checked.ok, "a pack does not continue a later one");
    let verified = engine.verify_pack(second.id).await.unwrap();
    assert!(
        verified.ok && verified.against_previous,
        "{:?}",
        verified.problems
    );

    // Made again without --force, nothing is overwritten.
    let again = engine
        .review_pack(
            &ReviewPackOptions {
                tenant: muller.clone(),
                out: pdf.clone(),
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        again.contains("--force") && !again.contains('\n'),
        "{again}"
    );
    let packs = engine.packs().await.unwrap();
    assert_eq!(packs.len(), 2);
    assert!(packs.iter().all(|p| p.state == "intact"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redact_pii_leaves_no_address_and_the_portfolio_report_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (connected, muller) = prepare(dir.path()).await;
    let engine = &connected.engine;
    // Without the option, the pack names people (the baseline approver, the sign-in account).
    let plain = dir.path().join("plain.pdf");
    engine
        .review_pack(
            &ReviewPackOptions {
                tenant: muller.clone(),
                out: plain.clone(),
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    let plain_text = pdftotext(&plain);
    assert!(
        plain_text.contains("Anna Meier") && plain_text.contains("anna.meie"),
        "the plain pack should name the approver"
    );

    let pdf = dir.path().join("redacted.pdf");
    let zip = dir.path().join("redacted.zip");
    let pack = engine
        .review_pack(
            &ReviewPackOptions {
                tenant: muller.clone(),
                out: pdf.clone(),
                evidence: Some(zip.clone()),
                redact_pii: true,
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert!(pack.people_pseudonymised.unwrap_or(0) > 0);
    let text = pdftotext(&pdf);
    assert!(!redact::has_email(&text), "{:?}", redact::emails(&text));
    assert!(
        !text.contains("Anna Meier") && !text.contains("anna.meie"),
        "a person's name is left"
    );
    // "Person 1d2875", possibly wrapped in the narrow approver column.
    assert!(
        text.lines()
            .any(|l| l.trim() == "Person" || l.starts_with("Person ")),
        "no pseudonym for the approver"
    );
    for file in unzip(&zip, &dir.path().join("unpacked")) {
        for content in texts_of(&std::fs::read(&file).unwrap()) {
            assert!(
                !redact::has_email(&content),
                "{} holds {:?}",
                file.display(),
                redact::emails(&content)
            );
        }
    }
    assert!(bundle::verify(&std::fs::read(&zip).unwrap(), None).ok);

    // The portfolio report: every tenant, as PDF and CSV.
    let report = engine
        .portfolio_report(
            &PortfolioReportOptions {
                out: dir.path().join("portfolio.pdf"),
                csv: Some(dir.path().join("portfolio.csv")),
                ..Default::default()
            },
            &|_| {},
        )
        .await
        .unwrap();
    assert_eq!(report.tenants, 3);
    // Names may wrap in the table's first column.
    let text = pdftotext(&dir.path().join("portfolio.pdf")).replace('\n', " ");
    for t in connected.sim.tenants() {
        assert!(
            text.contains(&t.name),
            "{} missing from the portfolio report",
            t.name
        );
    }
    for heading in [
        "Tenant health",
        "Open high findings",
        "Risk acceptances expiring within 30 days",
        "Tokens and certificates expiring within 30 days",
    ] {
        assert!(text.contains(heading), "no {heading}");
    }
    assert!(
        text.contains("Apple VPP token"),
        "the lapsing VPP token is not in the portfolio report"
    );
    let csv = std::fs::read_to_string(dir.path().join("portfolio.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("\"Müller & Söhne GmbH\"") || csv.contains("Müller & Söhne GmbH"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_grow_with_the_tenant_not_faster() {
    let mut pages = Vec::new();
    for objects in [30, 300] {
        let dir = tempfile::tempdir().unwrap();
        let connected = common::connected(common::sim_config(1, objects, 5), dir.path()).await;
        let engine: &Engine = &connected.engine;
        engine
            .sync(&[], Default::default(), std::sync::Arc::new(|_| {}))
            .await
            .unwrap();
        let tenant = connected.sim.tenants()[0].domain.clone();
        let pack = engine
            .review_pack(
                &ReviewPackOptions {
                    tenant,
                    out: dir.path().join("pack.pdf"),
                    ..Default::default()
                },
                &|_| {},
            )
            .await
            .unwrap();
        pages.push((objects, pack.pages));
    }
    let (small, large) = (pages[0].1, pages[1].1);
    assert!(large > small, "{pages:?}");
    // The inventory is most of a large pack: about 25 objects a page, never a page per object.
    assert!(large - small <= 270 / 10 + 5, "{pages:?}");
    assert!(large - small >= 270 / 60, "{pages:?}");
}
