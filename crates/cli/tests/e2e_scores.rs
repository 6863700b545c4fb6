//! Numbers an MSP puts in front of a customer, on the real binary against the simulator: what a
//! score says after security controls break, that a missing security policy is high, that what
//! could not be read is named and keeps the score below 100, and that a mistyped name template
//! warns instead of quietly turning into a wall of "missing" findings.
//!
//! The model itself (`core::score`) is pinned in its unit tests; `docs/drift.md` explains it.

mod common;

use common::{CliEnv, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const OBJECTS: usize = 120;
const POLICIES: &str = "/beta/deviceManagement/configurationPolicies";
const CONDITIONAL_ACCESS: &str = "/v1.0/identity/conditionalAccess/policies";
const MFA_ALL_USERS: &str = "MSP - CA002 - Require MFA for all users";
const BITLOCKER: &str = "MSP - Win - BitLocker";
const FIREWALL: &str = "MSP - Win - Firewall";
const REQUIRE_ENCRYPTION: &str = "device_vendor_msft_bitlocker_requiredeviceencryption";

/// Connects and syncs tenant `index`; returns its domain.
async fn connect_and_sync(cli: &CliEnv, sim: &TestSim, index: usize) -> String {
    cli.connect(sim, index).await;
    let domain = sim.domain(index);
    let synced = cli.json(&["sync", "--tenant", &domain]).await;
    assert_ne!(synced["runs"][0]["status"], "failed", "{synced}");
    domain
}

/// Baseline "Golden": the "MSP - *" objects of tenant 0's latest snapshot.
async fn golden_baseline(cli: &CliEnv, reference: &str, extra: &[&str]) {
    let mut args = vec![
        "baseline",
        "create",
        "Golden",
        "--from-tenant",
        reference,
        "--include",
        "MSP - *",
    ];
    args.extend(extra);
    cli.json(&args).await;
}

async fn object_id(sim: &TestSim, token: &str, collection: &str, name: &str) -> String {
    sim.graph_find(token, collection, name).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn write(sim: &TestSim, token: &str, method: Method, path: &str, body: Option<&Value>) {
    let (status, answer) = sim.graph_call(token, method.clone(), path, body).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{method} {path}: {answer}");
}

/// Tenant 0 connected and synced, with baseline "Golden" taken from its own "MSP - *" objects
/// and assigned to it.
async fn checked_against_itself(sim: &TestSim) -> (CliEnv, String) {
    let cli = CliEnv::new();
    let domain = connect_and_sync(&cli, sim, 0).await;
    golden_baseline(&cli, &domain, &[]).await;
    cli.json(&["baseline", "assign", "Golden", "--tenant", &domain])
        .await;
    (cli, domain)
}

/// "MFA for all users" switched to report-only, as an admin would in Graph.
async fn mfa_to_report_only(sim: &TestSim, token: &str) {
    let mfa = object_id(sim, token, CONDITIONAL_ACCESS, MFA_ALL_USERS).await;
    write(
        sim,
        token,
        Method::PATCH,
        &format!("{CONDITIONAL_ACCESS}/{mfa}"),
        Some(&json!({"state": "enabledForReportingButNotEnforced"})),
    )
    .await;
}

fn standing(report: &Value) -> Vec<&Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["state"] == "open" || f["state"] == "acknowledged")
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_report_only_bitlocker_off_and_no_firewall_fail_the_tenant() {
    let sim = common::start(common::config(1, OBJECTS)).await;
    let (cli, domain) = checked_against_itself(&sim).await;
    let clean = cli.json(&["drift", "--tenant", &domain]).await;
    assert_eq!(clean["runs"][0]["score"], 100.0, "{clean}");
    assert_eq!(clean["runs"][0]["rating"], "good");
    assert_eq!(clean["runs"][0]["not_checked"], json!([]));

    // Three changes made behind the MSP's back, the way admins make them in Graph.
    let token = sim.graph_token(0).await;
    mfa_to_report_only(&sim, &token).await;
    let bitlocker = object_id(&sim, &token, POLICIES, BITLOCKER).await;
    let was = sim
        .put_choice(&token, &bitlocker, REQUIRE_ENCRYPTION, "0")
        .await;
    assert_eq!(was, format!("{REQUIRE_ENCRYPTION}_1"));
    let firewall = object_id(&sim, &token, POLICIES, FIREWALL).await;
    write(
        &sim,
        &token,
        Method::DELETE,
        &format!("{POLICIES}/{firewall}"),
        None,
    )
    .await;

    let synced = cli.json(&["sync", "--tenant", &domain, "--drift"]).await;
    let report = &synced["drift"];
    let open = standing(report);
    let mut seen: Vec<(String, String, String)> = open
        .iter()
        .map(|f| {
            (
                f["object"].as_str().unwrap().to_string(),
                f["drift"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    let high = |object: &str, drift: &str| (object.into(), drift.into(), "high".into());
    assert_eq!(
        seen,
        vec![
            high(MFA_ALL_USERS, "modified"),
            high(BITLOCKER, "modified"),
            high(FIREWALL, "deleted"),
        ],
        "{report}"
    );
    // 100 × 0.75³: three broken security controls fail a tenant (docs/drift.md).
    let run = &report["runs"][0];
    assert_eq!(run["score"], 42.2, "{run}");
    assert!(run["score"].as_f64().unwrap() < 50.0);
    assert_eq!(run["rating"], "failing");

    // The same numbers in words on a terminal.
    let text = cli.run(&["drift", "--tenant", &domain]).await;
    text.assert_success();
    assert!(text.stdout.contains("42.2%"), "{}", text.stdout);
    assert!(text.stdout.contains("failing"), "{}", text.stdout);
    assert!(
        text.stdout.contains("3 findings: 3 high"),
        "{}",
        text.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_firewall_policy_a_tenant_never_had_is_high() {
    let sim = common::start(common::config(2, OBJECTS)).await;
    let cli = CliEnv::new();
    let reference = connect_and_sync(&cli, &sim, 0).await;
    golden_baseline(&cli, &reference, &["--kinds", "configurationPolicies"]).await;
    // Tenant 1 loses its firewall policy before TenantAtlas ever sees it: missing, not deleted.
    let token = sim.graph_token(1).await;
    let firewall = object_id(&sim, &token, POLICIES, FIREWALL).await;
    write(
        &sim,
        &token,
        Method::DELETE,
        &format!("{POLICIES}/{firewall}"),
        None,
    )
    .await;
    let customer = connect_and_sync(&cli, &sim, 1).await;
    cli.json(&["baseline", "assign", "Golden", "--tenant", &customer])
        .await;
    let report = cli.json(&["drift", "--tenant", &customer]).await;
    let finding = standing(&report)
        .into_iter()
        .find(|f| f["object"] == FIREWALL)
        .unwrap_or_else(|| panic!("no finding for {FIREWALL}: {report}"));
    assert_eq!(finding["drift"], "missing");
    assert_eq!(finding["severity"], "high", "{finding}");
    // Changing one of its settings would be high too: a missing control is never below that.
    assert!(report["runs"][0]["score"].as_f64().unwrap() <= 75.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_access_without_consent_is_not_checked_and_never_100() {
    // Tenant 2 of the generated portfolio lacks Policy.Read.All.
    let sim = common::start(common::config(3, OBJECTS)).await;
    let cli = CliEnv::new();
    let reference = connect_and_sync(&cli, &sim, 0).await;
    golden_baseline(
        &cli,
        &reference,
        &[
            "--kinds",
            "conditionalAccessPolicies,deviceCompliancePolicies",
        ],
    )
    .await;
    let customer = connect_and_sync(&cli, &sim, 2).await;
    cli.json(&["baseline", "assign", "Golden", "--tenant", &customer])
        .await;
    let report = cli.json(&["drift", "--tenant", &customer]).await;
    let run = &report["runs"][0];
    let not_checked = run["not_checked"].as_array().unwrap();
    assert_eq!(not_checked.len(), 1, "{run}");
    assert_eq!(not_checked[0]["kind"], "conditionalAccessPolicies");
    let reason = not_checked[0]["reason"].as_str().unwrap();
    assert!(reason.contains("consent lacks Policy.Read.All"), "{reason}");
    assert!(
        reason.contains(&format!("tenantatlas tenant reconnect {customer}")),
        "{reason}"
    );
    let unchecked = not_checked[0]["objects"].as_u64().unwrap();
    assert!(unchecked >= 1);
    let (objects, expected) = (
        run["objects"].as_u64().unwrap(),
        run["expected"].as_u64().unwrap(),
    );
    assert_eq!(objects + unchecked, expected, "{run}");
    // Whatever the compliance policies say, the score cannot vouch for what it could not see.
    let ceiling = 100.0 * objects as f64 / expected as f64;
    let score = run["score"].as_f64().unwrap();
    assert!(
        score < 100.0 && score <= ceiling + 0.05,
        "{score} > {ceiling}"
    );

    let text = cli.run(&["drift", "--tenant", &customer]).await;
    text.assert_success();
    let line = format!(
        "not checked in {}: Conditional Access policy ({unchecked}) — consent lacks Policy.Read.All",
        sim.name(2)
    );
    assert!(text.stdout.contains(&line), "{}", text.stdout);
    assert!(!text.stdout.contains("100.0%"), "{}", text.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_sight_of_a_kind_never_raises_the_score() {
    let sim = common::start(common::config(1, OBJECTS)).await;
    let (cli, domain) = checked_against_itself(&sim).await;
    let token = sim.graph_token(0).await;
    mfa_to_report_only(&sim, &token).await;
    let seen = cli.json(&["sync", "--tenant", &domain, "--drift"]).await;
    let before = seen["drift"]["runs"][0]["score"].as_f64().unwrap();
    assert_eq!(before, 75.0, "{seen}");

    // The customer's admin withdraws the consent to read Conditional Access.
    let tenants = sim.control_get("tenants").await;
    let granted: Vec<&str> = tenants[0]["granted_scopes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.starts_with("Policy."))
        .collect();
    sim.control(
        &format!("tenants/{domain}/consent"),
        json!({ "granted": granted }),
    )
    .await;
    // Access tokens already issued keep their permissions until they expire, as Entra's do.
    sim.control("clock", json!({"advance_seconds": 2 * 3600}))
        .await;
    let blind = cli.json(&["sync", "--tenant", &domain, "--drift"]).await;
    assert_eq!(blind["runs"][0]["status"], "partial", "{blind}");
    let run = &blind["drift"]["runs"][0];
    let kinds: Vec<&str> = run["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"conditionalAccessPolicies"), "{run}");
    let after = run["score"].as_f64().unwrap();
    assert!(
        after <= before,
        "the score rose from {before} to {after}: {run}"
    );
    // The finding it can no longer see still stands, and is still reported.
    let still = standing(&blind["drift"])
        .into_iter()
        .find(|f| f["object"] == MFA_ALL_USERS)
        .unwrap_or_else(|| panic!("the MFA finding vanished: {blind}"));
    assert_eq!(still["severity"], "high");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_placeholder_value_warns_with_the_closest_names() {
    let sim = common::start(common::config(1, OBJECTS)).await;
    let cli = CliEnv::new();
    let domain = connect_and_sync(&cli, &sim, 0).await;
    golden_baseline(&cli, &domain, &["--var", "prefix=MSP"]).await;

    let typo = cli
        .run(&[
            "baseline",
            "assign",
            "Golden",
            "--tenant",
            &domain,
            "--var",
            "prefix=MPS",
        ])
        .await;
    typo.assert_success();
    let warning = typo
        .stderr
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_else(|| panic!("no warning: {}", typo.stderr));
    assert!(
        warning.contains("with prefix=MPS only 0 of the"),
        "{warning}"
    );
    assert!(
        typo.stderr.contains("closest in the tenant \"MSP - "),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr.contains(&format!(
            "the tenant's names suggest: tenantatlas baseline assign Golden --tenant {domain} --var prefix=MSP"
        )),
        "{}",
        typo.stderr
    );

    // Scripts see the same check in the JSON.
    let json = cli
        .json(&[
            "baseline",
            "assign",
            "Golden",
            "--tenant",
            &domain,
            "--var",
            "prefix=MPS",
        ])
        .await;
    let check = &json[0]["template_check"];
    assert_eq!(check["matched"], 0, "{json}");
    assert!(check["templated"].as_u64().unwrap() > 50, "{json}");
    assert_eq!(check["suggested"]["prefix"], "MSP", "{json}");

    // The suggestion, pasted as printed (with `tenantatlas` on PATH, as for an installed CLI).
    let suggestion = typo
        .stderr
        .lines()
        .find_map(|l| l.split("the tenant's names suggest: ").nth(1))
        .expect("a suggested command")
        .to_string();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_tenantatlas"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let right = cli.shell(&suggestion).env("PATH", path).run().await;
    right.assert_success();
    assert!(!right.stderr.contains("warning"), "{}", right.stderr);
    let clean = cli.json(&["drift", "--tenant", &domain]).await;
    assert_eq!(clean["runs"][0]["score"], 100.0, "{clean}");
}
