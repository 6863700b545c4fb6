//! End to end through the real binary against a simulator that reads as strictly as Microsoft's
//! service is known (or assumed) to (issue 9, docs/simulator.md "Reads"): role assignment lists
//! without `members`, no `$expand` two levels deep, no list `$expand=assignments` where no public
//! source shows it, and settings catalog lists that page small and cut large policies' settings
//! short. The sync must still be complete and exact — counts per kind equal the simulator's, the
//! stored objects hold what the simulator holds — with few requests, and drift must still see a
//! change in each of the objects those strict reads concern as exactly one finding.

mod common;

use common::CliEnv;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_sim::model::SimObject;

const BETA: &str = "/beta/deviceManagement";

/// The number of sub-requests the simulator saw for a route template.
fn route_count(stats: &Value, route: &str) -> u64 {
    stats["by_route"][route].as_u64().unwrap_or(0)
}

/// One object of tenant 0 as the simulator holds it, with its navigations folded in.
fn truth(sim: &common::TestSim, kind: &str, pick: impl Fn(&SimObject) -> bool) -> Value {
    let world = sim.handle.sim.world();
    world.tenants[0]
        .collection(kind)
        .iter()
        .find(|o| pick(o))
        .unwrap_or_else(|| panic!("tenant 0 has a fitting {kind}"))
        .to_full_json()
}

fn len(value: &Value) -> usize {
    value.as_array().map_or(0, Vec::len)
}

/// The ids of a list of objects, sorted.
fn ids(value: &Value) -> Vec<String> {
    let mut out: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["id"].as_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_reads_sync_completely_with_few_requests_and_drift_exactly() {
    const OBJECTS: usize = 300;
    let sim = common::start(common::config(1, OBJECTS)).await;
    let cli = CliEnv::new();
    cli.connect(&sim, 0).await;
    let domain = sim.domain(0);

    // --- Sync: complete, correct, and cheap. ---
    let expected = sim.expected_counts().await;
    sim.control("stats/reset", json!({})).await;
    let synced = cli.json(&["sync", "--all"]).await;
    let stats = sim.stats().await;
    let run = &synced["runs"][0];
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(run["errors"], json!([]), "{run}");
    let counts: BTreeMap<String, u64> =
        serde_json::from_value(run["counts"].clone()).expect("counts per kind");
    assert_eq!(counts, expected[0], "counts per kind: {run}");
    let objects = run["objects"].as_u64().unwrap();
    let requests = run["requests"].as_u64().unwrap();
    let calls = run["graph_calls"].as_u64().unwrap();
    // Setting definitions (friendly names) are read once per workspace, not per tenant.
    let definitions = route_count(
        &stats,
        "GET /beta/deviceManagement/configurationSettings/{id}",
    );
    let tenant_calls = calls - definitions;
    println!(
        "{objects} objects: {requests} requests ({:.3}/object), {calls} Graph calls of which \
         {definitions} setting definitions ({:.3}/object without them)",
        requests as f64 / objects as f64,
        tenant_calls as f64 / objects as f64
    );
    println!("by route: {}", stats["by_route"]);
    assert!(
        requests as f64 / objects as f64 <= 0.15,
        "{requests} requests for {objects} objects"
    );
    assert!(
        tenant_calls as f64 / objects as f64 <= 0.8,
        "{tenant_calls} Graph calls (without setting definitions) for {objects} objects"
    );
    assert_eq!(stats["graph_calls"].as_u64(), Some(calls), "{stats}");

    // The documented reads, once per object and no more.
    let world_counts = {
        let world = sim.handle.sim.world();
        let tenant = &world.tenants[0];
        let values: usize = tenant
            .collection("groupPolicyConfigurations")
            .iter()
            .map(|c| c.children.get("definitionValues").map_or(0, Vec::len))
            .sum();
        let cut = tenant
            .collection("configurationPolicies")
            .iter()
            .filter(|p| p.children.get("settings").map_or(0, Vec::len) > 25)
            .count();
        (values, cut)
    };
    let (definition_values, cut_policies) = world_counts;
    assert!(
        cut_policies > 0,
        "no settings catalog policy has more than 25 settings"
    );
    for (route, want) in [
        (
            "GET /beta/deviceManagement/roleAssignments/{id}",
            counts["roleAssignments"],
        ),
        (
            "GET /beta/deviceManagement/groupPolicyConfigurations/{id}/definitionValues",
            counts["groupPolicyConfigurations"],
        ),
        (
            "GET /beta/deviceManagement/groupPolicyConfigurations/{id}/definitionValues/{id}/presentationValues",
            definition_values as u64,
        ),
        (
            "GET /beta/deviceManagement/windowsAutopilotDeploymentProfiles/{id}/assignments",
            counts["windowsAutopilotDeploymentProfiles"],
        ),
        (
            "GET /beta/deviceManagement/notificationMessageTemplates/{id}/localizedNotificationMessages",
            counts["notificationMessageTemplates"],
        ),
        (
            "GET /beta/deviceManagement/configurationPolicies/{id}/settings",
            cut_policies as u64,
        ),
    ] {
        assert_eq!(route_count(&stats, route), want, "{route}: {}", stats["by_route"]);
    }

    // --- What was stored is what the simulator holds. ---
    let token = sim.graph_token(0).await;
    let role = sim
        .graph_find(
            &token,
            &format!("{BETA}/roleAssignments"),
            "MSP - Helpdesk L1 - All users",
        )
        .await;
    let role_id = role["id"].as_str().unwrap().to_string();
    let admx_truth = truth(&sim, "groupPolicyConfigurations", |o| {
        o.children.get("definitionValues").is_some_and(|v| {
            v.iter()
                .any(|d| !d.children["presentationValues"].is_empty())
        })
    });
    let admx_id = admx_truth["id"].as_str().unwrap().to_string();
    let template_truth = truth(&sim, "notificationMessageTemplates", |_| true);
    let template_id = template_truth["id"].as_str().unwrap().to_string();
    let autopilot_truth = truth(&sim, "windowsAutopilotDeploymentProfiles", |_| true);
    let autopilot_id = autopilot_truth["id"].as_str().unwrap().to_string();
    let big_truth = truth(&sim, "configurationPolicies", |o| {
        o.children.get("settings").map_or(0, Vec::len) > 25
    });
    let role_truth = truth(&sim, "roleAssignments", |o| o.id() == role_id);
    let shown = common::run_all(
        [
            &role_id,
            &admx_id,
            &template_id,
            &autopilot_id,
            big_truth["id"].as_str().unwrap(),
        ]
        .iter()
        .map(|id| {
            cli.command(&[
                "policies", "show", "--tenant", &domain, "--object", id, "--json",
            ])
        })
        .collect(),
        3,
    )
    .await;
    let content: Vec<Value> = shown.iter().map(|o| o.json()["content"].clone()).collect();
    assert_eq!(
        content[0]["members"], role_truth["members"],
        "role assignment members"
    );
    assert!(len(&content[0]["members"]) > 0);
    let stored_values = &content[1]["definitionValues"];
    assert_eq!(
        ids(stored_values),
        ids(&admx_truth["definitionValues"]),
        "ADMX definition values"
    );
    for value in admx_truth["definitionValues"].as_array().unwrap() {
        let stored = stored_values
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == value["id"])
            .unwrap();
        assert_eq!(
            stored["definition"]["id"], value["definition"]["id"],
            "{stored}"
        );
        assert_eq!(
            ids(&stored["presentationValues"]),
            ids(&value["presentationValues"]),
            "{stored}"
        );
        for pv in stored["presentationValues"].as_array().unwrap() {
            assert!(pv["presentation"]["id"].is_string(), "{pv}");
        }
    }
    assert_eq!(
        ids(&content[2]["localizedNotificationMessages"]),
        ids(&template_truth["localizedNotificationMessages"])
    );
    assert!(len(&content[2]["localizedNotificationMessages"]) > 0);
    assert_eq!(
        ids(&content[3]["assignments"]),
        ids(&autopilot_truth["assignments"]),
        "Autopilot assignments"
    );
    assert_eq!(
        len(&content[4]["settings"]),
        len(&big_truth["settings"]),
        "a policy whose listed settings were cut short"
    );

    // --- Drift: a baseline of the tenant's own snapshot has nothing to find. ---
    cli.json(&["baseline", "create", "Own", "--from-tenant", &domain])
        .await;
    cli.json(&["baseline", "assign", "Own", "--tenant", &domain])
        .await;
    let clean = cli.json(&["drift", "--tenant", &domain]).await;
    assert_eq!(clean["findings"], json!([]), "{clean}");

    // --- One change in each object the strict reads concern. ---
    // A role assignment's members (read only by GET by id).
    let groups = sim.graph_list(&token, "/v1.0/groups").await;
    let other = groups
        .iter()
        .filter_map(|g| g["id"].as_str())
        .find(|g| !role_truth["members"].to_string().contains(g))
        .unwrap();
    let (status, body) = sim
        .graph_call(
            &token,
            Method::PATCH,
            &format!("{BETA}/roleAssignments/{role_id}"),
            Some(&json!({"@odata.type": "#microsoft.graph.deviceAndAppManagementRoleAssignment", "members": [other]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // An ADMX definition value (read per configuration, its presentations per value).
    let first_value = &admx_truth["definitionValues"][0];
    let (status, body) = sim
        .graph_call(
            &token,
            Method::POST,
            &format!("{BETA}/groupPolicyConfigurations/{admx_id}/updateDefinitionValues"),
            Some(&json!({"added": [], "deletedIds": [], "updated": [
                {"id": first_value["id"], "enabled": !first_value["enabled"].as_bool().unwrap()}
            ]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // A notification template's messages (read per template).
    let (status, body) = sim
        .graph_call(
            &token,
            Method::POST,
            &format!("{BETA}/notificationMessageTemplates/{template_id}/localizedNotificationMessages"),
            Some(&json!({"locale": "de-de", "subject": "Ihr Gerät ist nicht konform",
                         "messageTemplate": "Bitte prüfen Sie das Unternehmensportal.", "isDefault": false})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // An Autopilot profile's assignments (read per profile).
    let group = groups
        .iter()
        .filter_map(|g| g["id"].as_str())
        .find(|g| !autopilot_truth["assignments"].to_string().contains(g))
        .unwrap();
    let (status, body) = sim
        .graph_call(
            &token,
            Method::POST,
            &format!("{BETA}/windowsAutopilotDeploymentProfiles/{autopilot_id}/assignments"),
            Some(&json!({"@odata.type": "#microsoft.graph.windowsAutopilotDeploymentProfileAssignment",
                         "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group}})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let resynced = cli.json(&["sync", "--all"]).await;
    assert_eq!(resynced["runs"][0]["status"], "succeeded", "{resynced}");
    assert_eq!(
        resynced["runs"][0]["versions_added"], 4,
        "one new version per changed object: {resynced}"
    );
    let drift = cli.json(&["drift", "--tenant", &domain]).await;
    let findings = drift["findings"].as_array().unwrap();
    let mut found: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["object_id"].as_str().unwrap().to_string(),
                f["drift"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let mut want = vec![
        (
            "groupPolicyConfigurations".to_string(),
            admx_id.clone(),
            "modified".to_string(),
        ),
        (
            "notificationMessageTemplates".to_string(),
            template_id.clone(),
            "modified".to_string(),
        ),
        (
            "roleAssignments".to_string(),
            role_id.clone(),
            "modified".to_string(),
        ),
        (
            "windowsAutopilotDeploymentProfiles".to_string(),
            autopilot_id.clone(),
            "assignments".to_string(),
        ),
    ];
    want.sort();
    assert_eq!(found, want, "exactly one finding per change: {drift}");
    let by_kind = |kind: &str| {
        findings
            .iter()
            .find(|f| f["kind"] == kind)
            .map(|f| f["changes"].to_string())
            .unwrap()
    };
    assert!(by_kind("roleAssignments").contains("members"), "{drift}");
    assert!(
        by_kind("groupPolicyConfigurations").contains("enabled"),
        "{drift}"
    );
    assert!(
        by_kind("notificationMessageTemplates").contains("Unternehmensportal"),
        "{drift}"
    );
}
