//! Twenty rounds of `sync --all` + `drift --all` over an unchanged simulated portfolio: after the
//! first round, no round opens, reopens or resolves a finding, and every finding keeps its id,
//! state, severity, drift type and changes. A drift engine that is unstable under repetition (an
//! order-dependent comparison, a timestamp that leaks into content, a finding that flaps between
//! resolved and reopened) fails here long before a customer sees it.
//!
//! The portfolio covers what makes tenants differ: tenant 0 is the clean golden reference (no
//! finding against its own baseline), tenant 1 blocks device code (connected through the browser
//! flow), tenant 2 cannot read conditional access (those kinds are skipped, their findings kept),
//! and tenant 3 always deviates from the golden content.

mod common;

use common::CliEnv;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Instant;

const TENANTS: usize = 4;
const OBJECTS: usize = 60;
const ROUNDS: usize = 20;

/// What must not change between rounds: finding id → (state, severity, drift, changes).
fn findings_by_id(report: &Value) -> BTreeMap<String, Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("drift --json has findings: {report}"))
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("finding id").to_string(),
                json!([f["state"], f["severity"], f["drift"], f["changes"]]),
            )
        })
        .collect()
}

/// Sync runs by tenant id: (status, objects).
fn sync_runs(report: &Value) -> BTreeMap<String, (Value, Value)> {
    report["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("sync --json has runs: {report}"))
        .iter()
        .map(|r| {
            (
                r["tenant"].as_str().unwrap().to_string(),
                (r["status"].clone(), r["objects"].clone()),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_unchanged_rounds_open_change_and_resolve_nothing() {
    let sim = common::start(common::config(TENANTS, OBJECTS)).await;
    let cli = CliEnv::new();
    for index in 0..TENANTS {
        cli.connect(&sim, index).await;
    }
    let domains: Vec<String> = (0..TENANTS).map(|i| sim.domain(i)).collect();

    let first_sync = cli.json(&["sync", "--all"]).await;
    cli.json(&["baseline", "create", "Golden", "--from-tenant", &domains[0]])
        .await;
    for domain in &domains {
        cli.json(&["baseline", "assign", "Golden", "--tenant", domain])
            .await;
    }
    let first = cli.json(&["drift", "--all", "--unexpected"]).await;
    let expected = findings_by_id(&first);
    let statuses = sync_runs(&first_sync);
    let count = |report: &Value, tenant: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["tenant"] == tenant)
            .count()
    };
    assert_eq!(
        count(&first, &domains[0]),
        0,
        "the reference tenant matches its own baseline: {first}"
    );
    assert!(
        count(&first, &domains[3]) > 0,
        "tenant 3 deviates from the golden content: {first}"
    );
    assert_eq!(
        statuses[&sim.tenant_id(2)].0,
        "partial",
        "tenant 2 cannot read conditional access: {first_sync}"
    );
    for f in first["findings"].as_array().unwrap() {
        assert_eq!(f["state"], "open", "{f}");
    }

    let started = Instant::now();
    for round in 2..=ROUNDS {
        let synced = cli.json(&["sync", "--all"]).await;
        assert_eq!(sync_runs(&synced), statuses, "round {round}: {synced}");
        for run in synced["runs"].as_array().unwrap() {
            assert_eq!(
                run["versions_added"], 0,
                "round {round}: an unchanged tenant adds no version: {run}"
            );
        }
        let report = cli.json(&["drift", "--all", "--unexpected"]).await;
        assert_eq!(report["runs"].as_array().unwrap().len(), TENANTS);
        for run in report["runs"].as_array().unwrap() {
            assert_eq!(
                (&run["opened"], &run["reopened"], &run["resolved"]),
                (&json!(0), &json!(0), &json!(0)),
                "round {round}: {run}"
            );
        }
        let now = findings_by_id(&report);
        if now != expected {
            let changed: Vec<&String> = expected
                .keys()
                .chain(now.keys())
                .filter(|id| expected.get(*id) != now.get(*id))
                .collect();
            panic!(
                "round {round}: findings changed ({changed:?})\nround 1: {:#}\nround {round}: {:#}",
                json!(expected),
                json!(now)
            );
        }
    }
    println!(
        "{} unchanged rounds of sync + drift over {TENANTS} tenants × {OBJECTS} objects in {:.1} s; {} findings stable",
        ROUNDS - 1,
        started.elapsed().as_secs_f64(),
        expected.len()
    );

    // Nothing was resolved behind the reports' backs either.
    let listed = cli.json(&["findings", "list"]).await;
    let listed_ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    let mut expected_ids: Vec<&str> = expected.keys().map(String::as_str).collect();
    let mut sorted = listed_ids.clone();
    sorted.sort();
    expected_ids.sort();
    assert_eq!(sorted, expected_ids, "{listed}");
}
