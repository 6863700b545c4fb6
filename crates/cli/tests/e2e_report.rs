//! `tenantatlas report`: a review pack with its evidence bundle from the command line, checked by
//! `tenantatlas verify`, remembered by `report list`; the portfolio report and the exports; and
//! the one-line errors for a bad period, an unknown tenant, a file that exists and a bad
//! branding setting.

mod common;

use common::CliEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_packs_portfolio_reports_and_exports_from_the_command_line() {
    let sim = common::start(common::config(2, 40)).await;
    let cli = CliEnv::new();
    for index in 0..2 {
        cli.connect(&sim, index).await;
    }
    cli.json(&["sync", "--all"]).await;
    let domain = sim.domain(1);
    let out = cli.root.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let path = |name: &str| out.join(name).display().to_string();

    cli.run(&[
        "settings",
        "set",
        "report.msp_name",
        "Contoso Managed Services",
    ])
    .await
    .assert_success();
    let refused = cli.run(&["settings", "set", "report.accent", "blue"]).await;
    assert!(refused.only_error_line().contains("#rrggbb"));
    std::fs::write(out.join("logo.png"), b"GIF89a not a png").unwrap();
    let refused = cli
        .run(&["settings", "set", "report.logo", &path("logo.png")])
        .await;
    assert!(refused.only_error_line().contains("not a PNG"));
    let logo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/logo.png");
    cli.run(&["settings", "set", "report.logo", logo.to_str().unwrap()])
        .await
        .assert_success();

    let pack = cli
        .json(&[
            "report",
            "review-pack",
            "--tenant",
            &domain,
            "--period",
            "30d",
            "--out",
            &path("pack.pdf"),
            "--evidence",
            &path("pack.zip"),
        ])
        .await;
    assert_eq!(pack["tenant"], domain.as_str());
    assert!(pack["pages"].as_u64().unwrap() >= 8, "{pack}");
    assert_eq!(pack["pdf_sha256"].as_str().unwrap().len(), 64);
    assert!(out.join("pack.pdf").is_file() && out.join("pack.zip").is_file());
    let text = std::process::Command::new("pdftotext")
        .args([&path("pack.pdf"), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Contoso Managed Services"),
        "the MSP's name is not on the pack"
    );
    assert!(
        text.contains(&sim.name(1)),
        "the customer is not on the pack"
    );
    let images = std::process::Command::new("pdfimages")
        .args(["-list", &path("pack.pdf")])
        .output()
        .expect("pdfimages (poppler-utils) is needed");
    let images = String::from_utf8_lossy(&images.stdout);
    assert!(
        images
            .lines()
            .any(|l| l.contains(" 240 ") && l.contains(" 72 ") && l.contains("rgb")),
        "the logo is not in the pack: {images}"
    );

    let verified = cli.json(&["verify", &path("pack.zip")]).await;
    assert_eq!(verified["ok"], true, "{verified}");

    let listed = cli.json(&["report", "list"]).await;
    let packs = listed.as_array().unwrap();
    assert_eq!(packs.len(), 1);
    assert_eq!(packs[0]["state"], "intact");
    assert_eq!(packs[0]["kind"], "review-pack");

    // One line each, saying what to do.
    let again = cli
        .run(&[
            "report",
            "review-pack",
            "--tenant",
            &domain,
            "--out",
            &path("pack.pdf"),
        ])
        .await;
    assert!(again.only_error_line().contains("--force"));
    let bad = cli
        .run(&[
            "report",
            "review-pack",
            "--tenant",
            &domain,
            "--period",
            "2026-Q5",
            "--out",
            &path("other.pdf"),
        ])
        .await;
    let line = bad.only_error_line();
    assert!(
        line.contains("2026-Q5") && line.contains("quarter"),
        "{line}"
    );
    let unknown = cli
        .run(&[
            "report",
            "review-pack",
            "--tenant",
            "nobody.example",
            "--out",
            &path("other.pdf"),
        ])
        .await;
    assert!(unknown.only_error_line().contains("tenant list"));
    let folder = cli
        .run(&[
            "report",
            "review-pack",
            "--tenant",
            &domain,
            "--out",
            &path("no/such/folder/x.pdf"),
        ])
        .await;
    assert!(folder.only_error_line().contains("does not exist"));
    assert!(
        !out.join("other.pdf").exists(),
        "a refused pack left a file"
    );

    let portfolio = cli
        .json(&[
            "report",
            "portfolio",
            "--out",
            &path("portfolio.pdf"),
            "--csv",
            &path("portfolio.csv"),
        ])
        .await;
    assert_eq!(portfolio["tenants"], 2);
    let csv = std::fs::read_to_string(out.join("portfolio.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");

    let exported = cli
        .json(&[
            "report",
            "export",
            "inventory",
            "--tenant",
            &domain,
            "--out",
            &path("inventory.csv"),
        ])
        .await;
    assert!(exported["rows"].as_u64().unwrap() >= 30, "{exported}");
    let exported = cli
        .json(&[
            "report",
            "export",
            "runs",
            "--format",
            "json",
            "--out",
            &path("runs.json"),
        ])
        .await;
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("runs.json")).unwrap()).unwrap();
    assert_eq!(
        runs.as_array().unwrap().len() as u64,
        exported["rows"].as_u64().unwrap()
    );
    let refused = cli
        .run(&["report", "export", "inventory", "--out", &path("i2.csv")])
        .await;
    assert!(refused.only_error_line().contains("--tenant"));
}
