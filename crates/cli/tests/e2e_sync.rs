//! End to end through the real binary: connect three simulated tenants (device code, and the
//! browser flow for the one whose Conditional Access blocks device code), sync them under injected
//! throttling and faults, and check what the workspace holds against the simulator: counts per
//! kind, request economy, no new versions for unchanged tenants, exactly one version for one
//! PATCH, a DELETE shown as deleted, and the runs.

mod common;

use common::{description_patch, CliEnv};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeMap;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

const TENANTS: usize = 3;
const OBJECTS: usize = 300;
const CA_KINDS: [&str; 2] = ["conditionalAccessPolicies", "namedLocations"];

fn runs_by_tenant(sync: &Value) -> BTreeMap<String, Value> {
    sync["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("sync --json has no runs array: {sync}"))
        .iter()
        .map(|r| {
            (
                r["tenant"].as_str().expect("run.tenant").to_string(),
                r.clone(),
            )
        })
        .collect()
}

fn versions_added(run: &Value) -> u64 {
    run["versions_added"].as_u64().expect("versions_added")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tenants_sync_under_faults_patch_and_delete() {
    let sim = common::start(SimConfig {
        behaviour: Behaviour {
            auto_approve: true,
            device_code_interval: 1,
            throttle_rate: 0.05,
            fault_rate: 0.03,
            ..Behaviour::default()
        },
        ..common::config(TENANTS, OBJECTS)
    })
    .await;
    let cli = CliEnv::new();

    // --- Connect. The first command creates the workspace; the rest run in parallel. ---
    let added0 = cli.add_tenant(&sim, 0).await.json();
    assert_eq!(added0["tenant"]["id"], sim.tenant_id(0).as_str());
    assert_eq!(added0["tenant"]["domain"], sim.domain(0).as_str());
    assert_eq!(added0["tenant"]["name"], sim.name(0).as_str());

    let blocked_then_browser = async {
        let refused = cli.add_tenant(&sim, 1).await;
        let line = refused.error_line();
        assert!(
            line.contains("--browser"),
            "a tenant that blocks device code suggests --browser: {line}"
        );
        cli.add_tenant_browser(&sim, 1).await
    };
    let (added2, added1) = tokio::join!(cli.add_tenant(&sim, 2), blocked_then_browser);
    let added1 = added1.json();
    let added2 = added2.json();
    for (index, added) in [(1, &added1), (2, &added2)] {
        assert_eq!(added["tenant"]["id"], sim.tenant_id(index).as_str());
        assert_eq!(added["tenant"]["domain"], sim.domain(index).as_str());
        assert_eq!(added["tenant"]["name"], sim.name(index).as_str());
    }

    // Connected tenants are onboarding until their first sync completes.
    let listed = cli.json(&["tenant", "list"]).await;
    let states: Vec<&str> = listed
        .as_array()
        .expect("tenant list is an array")
        .iter()
        .map(|t| t["state"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(states, vec!["onboarding"; TENANTS], "{listed}");

    // --- First sync. ---
    let expected = sim.expected_counts().await;
    sim.control("stats/reset", serde_json::json!({})).await;
    let first = cli.json(&["sync", "--all"]).await;
    let stats = sim.stats().await;
    // Settings catalog definitions (friendly setting names) are read once for the workspace, by
    // whichever tenant's run gets there first: they are not a cost per object of one tenant.
    let definitions = stats["by_route"]["GET /beta/deviceManagement/configurationSettings/{id}"]
        .as_u64()
        .unwrap_or(0);
    let runs = runs_by_tenant(&first);
    assert_eq!(runs.len(), TENANTS, "one run per tenant: {first}");
    let mut total_objects = 0;
    let mut total_requests = 0;
    let mut total_calls = 0;
    for index in 0..TENANTS {
        let run = &runs[&sim.tenant_id(index)];
        for field in [
            "id",
            "tenant",
            "status",
            "objects",
            "versions_added",
            "requests",
            "graph_calls",
            "throttled",
            "errors",
        ] {
            assert!(run.get(field).is_some(), "run lacks `{field}`: {run}");
        }
        assert!(run["id"].as_str().is_some_and(|s| !s.is_empty()), "{run}");
        assert!(run["errors"].is_array(), "{run}");
        let wanted_status = if index == 2 { "partial" } else { "succeeded" };
        assert_eq!(run["status"], wanted_status, "tenant {index}: {run}");
        let objects = run["objects"].as_u64().expect("objects");
        let requests = run["requests"].as_u64().expect("requests");
        let calls = run["graph_calls"].as_u64().expect("graph_calls");
        // Tenant 2 lacks Policy.Read.All: conditional access and the Entra policies it alone
        // reads are skipped.
        let granted: Vec<String> = sim.handle.sim.world().tenants[index]
            .granted_scopes
            .iter()
            .cloned()
            .collect();
        let readable: u64 = expected[index]
            .iter()
            .filter(|(k, _)| {
                tenantatlas_core::kinds::by_key(k).is_some_and(|kind| kind.readable_with(&granted))
            })
            .map(|(_, v)| v)
            .sum();
        assert_eq!(objects, readable, "tenant {index} objects: {run}");
        assert_eq!(
            versions_added(run),
            objects,
            "first sync stores every object: {run}"
        );
        let per_object_requests = requests as f64 / objects as f64;
        let per_object_calls = calls.saturating_sub(definitions) as f64 / objects as f64;
        println!(
            "tenant {index}: {objects} objects, {requests} requests ({per_object_requests:.3}/object), \
             {calls} Graph calls ({:.3}/object), {} throttled, status {}",
            calls as f64 / objects as f64,
            run["throttled"],
            run["status"]
        );
        assert!(
            per_object_requests <= 0.15,
            "tenant {index}: {per_object_requests:.3} requests per object (target ≤ 0.15)"
        );
        assert!(
            per_object_calls <= 1.3,
            "tenant {index}: {per_object_calls:.3} Graph calls per object without setting definitions (target ≤ 1.3)"
        );
        total_objects += objects;
        total_requests += requests;
        total_calls += calls;
    }
    let per_object_calls = (total_calls - definitions) as f64 / total_objects as f64;
    println!(
        "all tenants: {total_objects} objects, {:.3} requests/object, {:.3} Graph calls/object \
         ({definitions} setting definitions aside)",
        total_requests as f64 / total_objects as f64,
        per_object_calls
    );
    // Per-object reads (assignments lists do not carry, ADMX values level by level, role members…)
    // plus retries of injected faults and throttling.
    assert!(
        per_object_calls <= 1.0,
        "{per_object_calls:.3} Graph calls per object (target ≤ 1.0)"
    );
    println!(
        "simulator during the first sync: {} requests, {} Graph calls, {} throttled, {} faults",
        stats["requests"], stats["graph_calls"], stats["throttled"], stats["faults"]
    );
    // The runs count round-trips the way the service sees them.
    assert_eq!(
        stats["requests"].as_u64(),
        Some(total_requests),
        "the runs' requests add up to what the simulator received: {stats}"
    );
    assert!(
        total_calls >= stats["graph_calls"].as_u64().unwrap(),
        "the runs' Graph calls cover every call the simulator served: {stats}"
    );
    let skipped = &runs[&sim.tenant_id(2)];
    let skipped_text = skipped.to_string();
    for kind in CA_KINDS {
        assert!(
            skipped_text.contains(kind),
            "tenant 2's run reports the skipped kind {kind}: {skipped}"
        );
    }

    // --- Counts per kind, as `policies list --kind K` shows them. ---
    let mut invocations = Vec::new();
    let mut keys = Vec::new();
    for (index, counts) in expected.iter().enumerate() {
        for kind in counts.keys() {
            keys.push((index, kind.clone()));
            invocations.push(cli.command(&[
                "policies",
                "list",
                "--tenant",
                &sim.domain(index),
                "--kind",
                kind,
                "--json",
            ]));
        }
    }
    let outcomes = common::run_all(invocations, 4).await;
    for ((index, kind), outcome) in keys.iter().zip(&outcomes) {
        let listed = outcome.json();
        let listed = listed.as_array().expect("policies list is an array");
        let granted: Vec<String> = sim.handle.sim.world().tenants[*index]
            .granted_scopes
            .iter()
            .cloned()
            .collect();
        let readable =
            tenantatlas_core::kinds::by_key(kind).is_some_and(|k| k.readable_with(&granted));
        if *index == 2 && CA_KINDS.contains(&kind.as_str()) {
            assert!(!readable, "tenant 2 cannot read {kind}");
            assert!(expected[*index][kind] > 0, "the simulator holds {kind}");
        }
        let want = if !readable { 0 } else { expected[*index][kind] };
        assert_eq!(
            listed.len() as u64,
            want,
            "tenant {index} kind {kind}: listed {} vs simulator {}",
            listed.len(),
            expected[*index][kind]
        );
        for p in listed {
            assert_eq!(p["kind"], kind.as_str(), "{p}");
            assert!(p["id"].is_string() && p["name"].is_string(), "{p}");
            assert_eq!(p["deleted"], false, "{p}");
        }
    }

    // --- Content is complete: navigations and per-object details the lists leave out. ---
    assert_faithful(&cli, &sim).await;

    // --- A second sync of unchanged tenants adds nothing. ---
    let second = cli.json(&["sync", "--all"]).await;
    let runs = runs_by_tenant(&second);
    assert_eq!(runs.len(), TENANTS);
    for (tenant, run) in &runs {
        assert_eq!(versions_added(run), 0, "unchanged tenant {tenant}: {run}");
        assert_ne!(run["status"], "failed", "{run}");
    }

    // --- One PATCH through Graph adds exactly one version, to that tenant only. ---
    let tenant0 = sim.domain(0);
    let configs = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &tenant0,
            "--kind",
            "deviceConfigurations",
        ])
        .await;
    let target = configs[0]["id"]
        .as_str()
        .expect("a device configuration")
        .to_string();
    let before = cli
        .json(&[
            "policies", "show", "--tenant", &tenant0, "--object", &target,
        ])
        .await;
    let old_description = before["content"]["description"].clone();
    let odata_type = before["content"]["@odata.type"]
        .as_str()
        .expect("stored content keeps @odata.type")
        .to_string();
    let token = sim.graph_token(0).await;
    let (status, body) = sim
        .graph_send(
            &token,
            Method::PATCH,
            &format!("/beta/deviceManagement/deviceConfigurations/{target}"),
            Some(&description_patch(&odata_type, "changed by e2e")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "PATCH: {body}");

    let third = cli.json(&["sync", "--all"]).await;
    let runs = runs_by_tenant(&third);
    for index in 0..TENANTS {
        let run = &runs[&sim.tenant_id(index)];
        let want = if index == 0 { 1 } else { 0 };
        assert_eq!(
            versions_added(run),
            want,
            "after one PATCH, tenant {index}: {run}"
        );
    }
    let (history, old, new) = tokio::join!(
        cli.json(&["history", "--tenant", &tenant0, "--object", &target]),
        cli.json(&[
            "policies",
            "show",
            "--tenant",
            &tenant0,
            "--object",
            &target,
            "--version",
            "1",
        ]),
        cli.json(&["policies", "show", "--tenant", &tenant0, "--object", &target]),
    );
    let versions = history.as_array().expect("history is an array");
    assert_eq!(versions.len(), 2, "two versions after one PATCH: {history}");
    assert_ne!(versions[0]["hash"], versions[1]["hash"], "{history}");
    assert_eq!(
        old["content"]["description"], old_description,
        "version 1 keeps the old description"
    );
    assert_ne!(old_description, "changed by e2e");
    assert_eq!(new["content"]["description"], "changed by e2e", "{new}");

    // --- A DELETE shows as deleted, and the last content stays readable. ---
    let catalog = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &tenant0,
            "--kind",
            "configurationPolicies",
        ])
        .await;
    let gone = catalog[0]["id"]
        .as_str()
        .expect("a settings catalog policy")
        .to_string();
    let gone_name = catalog[0]["name"].as_str().expect("name").to_string();
    let last = cli
        .json(&["policies", "show", "--tenant", &tenant0, "--object", &gone])
        .await;
    let (status, body) = sim
        .graph_send(
            &token,
            Method::DELETE,
            &format!("/beta/deviceManagement/configurationPolicies/{gone}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "DELETE: {body}");
    let fourth = cli.json(&["sync", "--all"]).await;
    let runs = runs_by_tenant(&fourth);
    let run0 = &runs[&sim.tenant_id(0)];
    assert_eq!(run0["status"], "succeeded", "{run0}");
    assert_eq!(
        run0["objects"].as_u64(),
        Some(expected[0].values().sum::<u64>() - 1),
        "{run0}"
    );
    for index in 1..TENANTS {
        assert_eq!(versions_added(&runs[&sim.tenant_id(index)]), 0);
    }
    let (deleted, live, shown) = tokio::join!(
        cli.json(&["policies", "list", "--tenant", &tenant0, "--deleted"]),
        cli.json(&[
            "policies",
            "list",
            "--tenant",
            &tenant0,
            "--kind",
            "configurationPolicies",
        ]),
        cli.json(&["policies", "show", "--tenant", &tenant0, "--object", &gone]),
    );
    let entry = deleted
        .as_array()
        .expect("array")
        .iter()
        .find(|p| p["id"] == gone.as_str())
        .unwrap_or_else(|| panic!("--deleted lists the deleted object {gone}: {deleted}"));
    assert_eq!(entry["deleted"], true, "{entry}");
    assert_eq!(entry["kind"], "configurationPolicies", "{entry}");
    assert_eq!(entry["name"], gone_name.as_str(), "{entry}");
    for p in live.as_array().expect("array") {
        assert!(
            p["id"] != gone.as_str() || p["deleted"] == true,
            "a deleted object is not listed as live: {p}"
        );
    }
    assert_eq!(shown["content"], last["content"], "the last content stays");

    let stats = sim.stats().await;
    println!(
        "simulator after four syncs: {} requests, {} throttled, {} injected faults",
        stats["requests"], stats["throttled"], stats["faults"]
    );

    // --- Tenants, runs, CSV. ---
    let tenants = cli.json(&["tenant", "list"]).await;
    let tenants = tenants.as_array().expect("tenant list is an array");
    assert_eq!(tenants.len(), TENANTS);
    for index in 0..TENANTS {
        let t = tenants
            .iter()
            .find(|t| t["id"] == sim.tenant_id(index).as_str())
            .unwrap_or_else(|| panic!("tenant {index} listed"));
        assert_eq!(t["domain"], sim.domain(index).as_str(), "{t}");
        assert_eq!(t["name"], sim.name(index).as_str(), "{t}");
        assert_eq!(t["state"], "active", "{t}");
        assert!(t["last_sync"].is_string(), "{t}");
        let missing: Vec<&str> = t["missing_permissions"]
            .as_array()
            .unwrap_or_else(|| panic!("missing_permissions is an array: {t}"))
            .iter()
            .map(|v| v.as_str().expect("permission name"))
            .collect();
        if index == 2 {
            assert!(missing.contains(&"Policy.Read.All"), "{t}");
        } else {
            assert!(missing.is_empty(), "{t}");
        }
    }

    let all_run_ids: Vec<String> = [&first, &second, &third, &fourth]
        .iter()
        .flat_map(|s| s["runs"].as_array().unwrap().iter())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let csv_path = cli.root.path().join("runs.csv");
    let csv_path_text = csv_path.display().to_string();
    let (list, show, export) = tokio::join!(
        cli.json(&["runs", "list"]),
        cli.json(&["runs", "show", &all_run_ids[0]]),
        cli.run(&["runs", "export", "--csv", &csv_path_text]),
    );
    let list = list.as_array().expect("runs list is an array");
    assert_eq!(list.len(), all_run_ids.len(), "one run per tenant per sync");
    for id in &all_run_ids {
        assert!(
            list.iter().any(|r| r["id"] == id.as_str()),
            "runs list holds {id}"
        );
    }
    assert_eq!(show["id"], all_run_ids[0].as_str(), "{show}");
    assert!(show["status"].is_string(), "{show}");
    export.assert_success();
    let csv = std::fs::read_to_string(&csv_path).expect("CSV written");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("id,"),
        "CSV starts with a header: {}",
        lines[0]
    );
    assert_eq!(
        lines.len(),
        all_run_ids.len() + 1,
        "header + one row per run:\n{csv}"
    );
    for id in &all_run_ids {
        assert!(
            lines[1..].iter().any(|l| l.starts_with(id.as_str())),
            "CSV has a row for {id}"
        );
    }
}

/// For the object with the most children of each navigation that sync must page or fetch
/// separately, the stored content holds exactly what the simulator holds.
async fn assert_faithful(cli: &CliEnv, sim: &common::TestSim) {
    // (collection, navigation): the object with the most such children in tenant 0.
    let picks: Vec<(String, String, String, Value)> = {
        let world = sim.handle.sim.world();
        let tenant = &world.tenants[0];
        [
            ("configurationPolicies", "settings"),
            ("configurationPolicies", "assignments"),
            ("groupPolicyConfigurations", "definitionValues"),
            ("deviceCompliancePolicies", "scheduledActionsForRule"),
            ("deviceManagementScripts", "scriptContent"),
        ]
        .iter()
        .map(|(kind, nav)| {
            let object = tenant
                .collection(kind)
                .iter()
                .max_by_key(|o| o.children.get(*nav).map_or(0, Vec::len))
                .unwrap_or_else(|| panic!("tenant 0 has {kind}"));
            let want = match object.children.get(*nav) {
                Some(kids) => Value::from(kids.len()),
                None => object.body.get(*nav).cloned().unwrap_or(Value::Null),
            };
            (
                kind.to_string(),
                nav.to_string(),
                object.id().to_string(),
                want,
            )
        })
        .collect()
    };
    let domain = sim.domain(0);
    let invocations = picks
        .iter()
        .map(|(_, _, id, _)| {
            cli.command(&[
                "policies", "show", "--tenant", &domain, "--object", id, "--json",
            ])
        })
        .collect();
    let outcomes = common::run_all(invocations, 3).await;
    for ((kind, nav, id, want), outcome) in picks.iter().zip(outcomes) {
        let shown = outcome.json();
        let got = &shown["content"][nav.as_str()];
        let got = match got {
            Value::Array(items) => Value::from(items.len()),
            other => other.clone(),
        };
        assert!(
            !want.is_null() && want != 0,
            "the simulator's {kind} {id} has {nav}"
        );
        assert_eq!(
            &got, want,
            "{kind} {id}: stored `{nav}` (count) differs from the simulator's"
        );
    }
}
