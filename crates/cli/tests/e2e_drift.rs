//! End to end through the real binary: a golden baseline from the simulator's clean reference
//! tenant, drift of two tenants against it, stable findings over repeated sync + drift rounds, the
//! findings workflow, and drift made through Graph (a description PATCH, then a DELETE).

mod common;

use common::{description_patch, CliEnv};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use tenantatlas_sim::data::{generate, GenerateOptions};

fn findings_of<'a>(report: &'a Value, tenant: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("drift --json has findings: {report}"))
        .iter()
        .filter(|f| f["tenant"] == tenant)
        .collect()
}

/// What must not change between rounds: id → (state, severity, drift, changes).
fn fingerprint(report: &Value) -> BTreeMap<String, Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                serde_json::json!([f["state"], f["severity"], f["drift"], f["changes"]]),
            )
        })
        .collect()
}

fn product_kind(kind: &str) -> String {
    match kind {
        "policies" => "conditionalAccessPolicies".to_string(),
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn golden_baseline_drift_and_the_findings_workflow() {
    const TENANTS: usize = 4;
    const OBJECTS: usize = 120;
    let config = common::config(TENANTS, OBJECTS);
    let generated = generate(&GenerateOptions {
        seed: config.seed,
        tenants: TENANTS,
        objects_per_tenant: OBJECTS,
    });
    let sim = common::start(config).await;
    let cli = CliEnv::new();
    for index in 0..TENANTS {
        cli.connect(&sim, index).await;
    }
    cli.json(&["sync", "--all"]).await;
    let (t0, t3) = (sim.domain(0), sim.domain(3));

    let created = cli
        .json(&["baseline", "create", "Golden", "--from-tenant", &t0])
        .await;
    assert_eq!(created[0]["version"], 1, "{created}");
    let kinds: HashSet<String> = created[0]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect();
    cli.json(&["baseline", "assign", "Golden", "--tenant", &t0])
        .await;
    cli.json(&["baseline", "assign", "Golden", "--tenant", &t3])
        .await;
    let listed = cli.json(&["baseline", "list"]).await;
    assert_eq!(
        listed[0]["tenants"].as_array().unwrap().len(),
        2,
        "{listed}"
    );

    let first = cli.json(&["drift", "--all"]).await;
    assert_eq!(first["runs"].as_array().unwrap().len(), 2, "{first}");
    assert!(findings_of(&first, &t0).is_empty(), "{first}");

    // Tenant 3: exactly its deviated and missing golden objects (and tenant 0's own extras, which
    // a baseline taken from the whole tenant expects too), nothing else.
    let manifest = &generated.manifests[3];
    let key = |k: &str, n: &str| (product_kind(k), n.to_lowercase());
    let deviated: HashSet<(String, String)> = manifest
        .deviations
        .iter()
        .map(|d| key(&d.kind, &d.name))
        .collect();
    let missing: HashSet<(String, String)> = manifest
        .missing_golden
        .iter()
        .map(|(k, n)| key(k, n))
        .collect();
    let extras0: HashSet<(String, String)> = generated.manifests[0]
        .extras
        .iter()
        .map(|(k, n)| key(k, n))
        .collect();
    // Kinds outside the generated portfolio (tenant-wide settings, Entra policies and roles)
    // differ per tenant by design: this test is about the golden portfolio.
    let portfolio: HashSet<String> = generated
        .golden
        .iter()
        .chain(generated.manifests.iter().flat_map(|m| m.extras.iter()))
        .map(|(k, _)| product_kind(k))
        .collect();
    let found: Vec<&Value> = findings_of(&first, &t3)
        .into_iter()
        .filter(|f| portfolio.contains(f["kind"].as_str().unwrap()))
        .collect();
    let by_key: BTreeMap<(String, String), &Value> = found
        .iter()
        .map(|f| {
            (
                (
                    f["kind"].as_str().unwrap().to_string(),
                    f["object"].as_str().unwrap().to_lowercase(),
                ),
                *f,
            )
        })
        .collect();
    assert_eq!(by_key.len(), found.len(), "one finding per object");
    for (k, f) in &by_key {
        let drift = f["drift"].as_str().unwrap();
        if deviated.contains(k) {
            assert!(drift == "modified" || drift == "assignments", "{f}");
            assert!(!f["changes"].as_array().unwrap().is_empty(), "{f}");
        } else if missing.contains(k) {
            assert_eq!(drift, "missing", "{f}");
        } else {
            assert!(
                extras0.contains(k),
                "not a deviation of golden content: {f}"
            );
        }
        assert_eq!(f["state"], "open");
    }
    for k in deviated.iter().chain(missing.iter()) {
        if kinds.contains(&k.0) {
            assert!(by_key.contains_key(k), "no finding for {k:?}");
        }
    }
    assert!(!deviated.is_empty() && !found.is_empty());

    // Unchanged tenants: two more rounds add, change and resolve nothing.
    let before = fingerprint(&first);
    for _ in 0..2 {
        cli.json(&["sync", "--all"]).await;
        let again = cli.json(&["drift", "--all"]).await;
        assert_eq!(fingerprint(&again), before);
        for run in again["runs"].as_array().unwrap() {
            assert_eq!(run["opened"], 0, "{run}");
            assert_eq!(run["resolved"], 0, "{run}");
        }
    }

    // The workflow: ack one, accept the risk of another; the next run keeps both states.
    let ids: Vec<&str> = found.iter().map(|f| f["id"].as_str().unwrap()).collect();
    let acked = cli.json(&["findings", "ack", ids[0]]).await;
    assert_eq!(acked["finding"]["state"], "acknowledged");
    if ids.len() > 1 {
        let past = cli
            .run(&[
                "findings",
                "accept-risk",
                ids[1],
                "--justification",
                "pilot",
                "--expires",
                "2000-01-01",
            ])
            .await;
        assert!(past.only_error_line().contains("future"), "{}", past.stderr);
        let accepted = cli
            .json(&[
                "findings",
                "accept-risk",
                ids[1],
                "--justification",
                "customer signed off",
                "--expires",
                "2999-12-31",
            ])
            .await;
        assert_eq!(accepted["finding"]["state"], "risk_accepted");
    }
    let kept = cli.json(&["drift", "--tenant", &t3]).await;
    let states: BTreeMap<&str, &str> = kept["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["id"].as_str().unwrap(), f["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states[ids[0]], "acknowledged");
    if ids.len() > 1 {
        assert_eq!(states[ids[1]], "risk_accepted");
    }
    let acknowledged = cli
        .json(&[
            "findings",
            "list",
            "--tenant",
            &t3,
            "--state",
            "acknowledged",
        ])
        .await;
    assert_eq!(acknowledged.as_array().unwrap().len(), 1, "{acknowledged}");

    // A description PATCH of a golden device configuration in tenant 0: one info finding.
    let configs = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &t0,
            "--kind",
            "deviceConfigurations",
        ])
        .await;
    let golden: HashSet<String> = generated
        .golden
        .iter()
        .filter(|(k, _)| k == "deviceConfigurations")
        .map(|(_, n)| n.to_lowercase())
        .collect();
    let target = configs
        .as_array()
        .unwrap()
        .iter()
        .find(|c| golden.contains(&c["name"].as_str().unwrap().to_lowercase()))
        .expect("a golden device configuration in tenant 0");
    let id = target["id"].as_str().unwrap();
    let name = target["name"].as_str().unwrap();
    let shown = cli
        .json(&["policies", "show", "--tenant", &t0, "--object", id])
        .await;
    let odata_type = shown["content"]["@odata.type"].as_str().unwrap();
    let token = sim.graph_token(0).await;
    let path = format!("/beta/deviceManagement/deviceConfigurations/{id}");
    let (status, body) = sim
        .graph_send(
            &token,
            Method::PATCH,
            &path,
            Some(&description_patch(odata_type, "changed by e2e drift")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "PATCH: {body}");
    cli.json(&["sync", "--tenant", &t0]).await;
    let patched = cli.json(&["drift", "--tenant", &t0]).await;
    let ours = findings_of(&patched, &t0);
    assert_eq!(ours.len(), 1, "{patched}");
    let f = ours[0];
    assert_eq!(f["object"], name);
    assert_eq!(f["drift"], "modified");
    assert_eq!(f["severity"], "info");
    assert_eq!(f["state"], "open");
    let changes = f["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{f}");
    assert_eq!(changes[0]["path"], "description");
    assert_eq!(changes[0]["after"], "changed by e2e drift");
    let modified_id = f["id"].as_str().unwrap().to_string();

    // The object deleted: the modified finding resolves and a deleted one opens.
    let (status, body) = sim.graph_send(&token, Method::DELETE, &path, None).await;
    assert!(status.is_success(), "DELETE: {status} {body}");
    cli.json(&["sync", "--tenant", &t0]).await;
    let gone = cli.json(&["drift", "--tenant", &t0]).await;
    let ours = findings_of(&gone, &t0);
    assert_eq!(ours.len(), 1, "{gone}");
    assert_eq!(ours[0]["object"], name);
    assert!(
        ours[0]["drift"] == "deleted" || ours[0]["drift"] == "missing",
        "{gone}"
    );
    assert_eq!(ours[0]["object_id"], id, "a ghost keeps its id: {gone}");
    assert_eq!(gone["runs"][0]["resolved_ids"][0], modified_id.as_str());
    let resolved = cli
        .json(&["findings", "list", "--tenant", &t0, "--state", "resolved"])
        .await;
    assert_eq!(resolved[0]["id"], modified_id.as_str(), "{resolved}");

    // Every baseline, assignment and finding transition above went into the audit log, and its
    // hash chain is intact.
    let audit = cli.json(&["audit", "verify"]).await;
    assert_eq!(audit["ok"], true, "{audit}");
    assert!(audit["entries"].as_u64().unwrap() >= 8, "{audit}");
}
