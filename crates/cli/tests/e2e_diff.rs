//! End to end through the real binary: `tenantatlas diff` between two snapshots of one tenant
//! (after a description PATCH and an assignment change made through Graph) and between two
//! tenants (the simulator's clean golden reference against tenants whose deviations from golden
//! content its manifest records).

mod common;

use common::{description_patch, CliEnv, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use tenantatlas_sim::data::{generate, GenerateOptions};

fn objects(report: &Value) -> &Vec<Value> {
    report["objects"]
        .as_array()
        .unwrap_or_else(|| panic!("diff --json has an objects array: {report}"))
}

/// The simulator's group names by id, in one tenant.
fn group_names(sim: &TestSim, tenant: usize) -> Vec<(String, String)> {
    let world = sim.handle.sim.world();
    world.tenants[tenant]
        .groups
        .iter()
        .map(|g| {
            (
                g["id"].as_str().expect("group id").to_string(),
                g["displayName"].as_str().expect("group name").to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshots_of_one_tenant_show_a_patch_and_an_assignment_change() {
    let sim = common::start(common::config(1, 120)).await;
    let cli = CliEnv::new();
    let tenant = sim.domain(0);
    cli.connect(&sim, 0).await;
    cli.json(&["sync", "--tenant", &tenant]).await;

    // One snapshot is not enough, and the message says what to do.
    let one = cli.run(&["diff", "--tenant", &tenant]).await;
    let line = one.only_error_line();
    assert!(
        line.contains(&format!("tenantatlas sync --tenant {tenant}")),
        "{line}"
    );

    // A device configuration with a group assignment: its description and that assignment change.
    let configs = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &tenant,
            "--kind",
            "deviceConfigurations",
        ])
        .await;
    let mut picked = None;
    for listed in configs.as_array().expect("policies list is an array") {
        let id = listed["id"].as_str().expect("id");
        let shown = cli
            .json(&["policies", "show", "--tenant", &tenant, "--object", id])
            .await;
        let assignments = shown["content"]["assignments"].clone();
        let grouped = assignments.as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["target"]["@odata.type"] == "#microsoft.graph.groupAssignmentTarget")
        });
        if grouped {
            picked = Some((id.to_string(), shown["content"].clone()));
            break;
        }
    }
    let (target, content) = picked.expect("a device configuration assigned to a group");
    let name = content["displayName"].as_str().expect("displayName");
    let old_description = content["description"].clone();
    let odata_type = content["@odata.type"].as_str().expect("@odata.type");

    let groups = group_names(&sim, 0);
    let mut assignments: Vec<Value> = content["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| json!({"target": a["target"]}))
        .collect();
    let assigned: HashSet<String> = assignments
        .iter()
        .filter_map(|a| a["target"]["groupId"].as_str().map(str::to_string))
        .collect();
    let changed = assignments
        .iter_mut()
        .find(|a| a["target"]["@odata.type"] == "#microsoft.graph.groupAssignmentTarget")
        .unwrap();
    let old_group = changed["target"]["groupId"].as_str().unwrap().to_string();
    let (new_group, new_group_name) = groups
        .iter()
        .find(|(id, _)| !assigned.contains(id))
        .cloned()
        .expect("a group the policy is not assigned to");
    let old_group_name = groups
        .iter()
        .find(|(id, _)| *id == old_group)
        .map(|(_, n)| n.clone())
        .expect("the assigned group exists");
    changed["target"]["groupId"] = json!(new_group);

    let token = sim.graph_token(0).await;
    let path = format!("/beta/deviceManagement/deviceConfigurations/{target}");
    let (status, body) = sim
        .graph_send(
            &token,
            Method::PATCH,
            &path,
            Some(&description_patch(odata_type, "changed by e2e diff")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "PATCH: {body}");
    let (status, body) = sim
        .graph_send(
            &token,
            Method::POST,
            &format!("{path}/assign"),
            Some(&json!({"assignments": assignments})),
        )
        .await;
    assert!(status.is_success(), "assign: {status} {body}");
    cli.json(&["sync", "--tenant", &tenant]).await;

    // --- JSON: exactly that object, with the description and the assignment change. ---
    let report = cli.json(&["diff", "--tenant", &tenant]).await;
    let listed = objects(&report);
    assert_eq!(listed.len(), 1, "one object changed: {report}");
    let entry = &listed[0];
    assert_eq!(entry["status"], "modified", "{entry}");
    assert_eq!(entry["object_id"], target.as_str(), "{entry}");
    assert_eq!(entry["kind"], "deviceConfigurations", "{entry}");
    assert_eq!(entry["name"], name, "{entry}");
    assert_eq!(
        report["summary"],
        json!({"added": 0, "removed": 0, "modified": 1, "unchanged": report["summary"]["unchanged"]}),
        "{report}"
    );
    assert_ne!(report["from"]["snapshot_id"], report["to"]["snapshot_id"]);
    let changes = entry["changes"].as_array().expect("changes");
    let description: Vec<&Value> = changes
        .iter()
        .filter(|c| c["path"] == "description")
        .collect();
    assert_eq!(description.len(), 1, "{changes:#?}");
    assert_eq!(description[0]["category"], "Property");
    assert_eq!(description[0]["before"], old_description);
    assert_eq!(description[0]["after"], "changed by e2e diff");
    let assignment: Vec<&Value> = changes
        .iter()
        .filter(|c| c["category"] == "Assignment")
        .collect();
    assert_eq!(
        changes.len(),
        1 + assignment.len(),
        "only the description and assignments changed: {changes:#?}"
    );
    let removed = assignment
        .iter()
        .find(|c| c["after"].is_null())
        .unwrap_or_else(|| panic!("the old assignment is gone: {changes:#?}"));
    assert!(
        removed["path"]
            .as_str()
            .unwrap()
            .contains(&format!("group:{old_group_name}")),
        "{removed}"
    );
    let added = assignment
        .iter()
        .find(|c| c["before"].is_null())
        .unwrap_or_else(|| panic!("the new assignment is there: {changes:#?}"));
    assert!(
        added["path"]
            .as_str()
            .unwrap()
            .contains(&format!("group:{new_group_name}")),
        "{added}"
    );

    // --- Text: one line for the object, its changes indented below. ---
    let text = cli.run(&["diff", "--tenant", &tenant]).await;
    text.assert_success();
    let lines: Vec<&str> = text.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.starts_with("modified") && l.contains("Device configuration") && l.ends_with(name)
        })
        .unwrap_or_else(|| panic!("a line for the object:\n{}", text.stdout));
    assert!(
        lines[at + 1..]
            .iter()
            .take_while(|l| l.starts_with("    "))
            .any(|l| l.starts_with("    description: ") && l.contains("\"changed by e2e diff\"")),
        "{}",
        text.stdout
    );

    // --- Explicit ids, and an unknown one. ---
    let from = report["from"]["snapshot_id"].as_i64().unwrap().to_string();
    let to = report["to"]["snapshot_id"].as_i64().unwrap().to_string();
    let backwards = cli
        .json(&["diff", "--tenant", &tenant, "--from", &to, "--to", &from])
        .await;
    let back = objects(&backwards);
    assert_eq!(back.len(), 1, "{backwards}");
    assert_eq!(back[0]["changes"].as_array().unwrap().len(), changes.len());
    let same = cli
        .json(&["diff", "--tenant", &tenant, "--from", &to, "--to", &to])
        .await;
    assert!(objects(&same).is_empty(), "{same}");
    let unknown = cli
        .run(&["diff", "--tenant", &tenant, "--from", "999"])
        .await;
    let line = unknown.only_error_line();
    assert!(
        line.contains("no snapshot 999") && line.contains(&from),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenants_differ_only_where_the_simulator_deviated_from_golden() {
    const TENANTS: usize = 6;
    const OBJECTS: usize = 150;
    let config = common::config(TENANTS, OBJECTS);
    // The simulator's data is a pure function of these options: this is its ground truth.
    let generated = generate(&GenerateOptions {
        seed: config.seed,
        tenants: TENANTS,
        objects_per_tenant: OBJECTS,
    });
    let sim = common::start(config).await;
    let cli = CliEnv::new();
    // Tenant 3 always deviates from golden content; tenant 4 may or may not.
    let others = [3, 4];
    cli.connect(&sim, 0).await;
    for index in others {
        cli.connect(&sim, index).await;
    }
    cli.json(&["sync", "--all"]).await;

    let reference = sim.domain(0);
    let itself = cli
        .run(&[
            "diff",
            "--tenant",
            &reference,
            "--against-tenant",
            &reference,
        ])
        .await;
    assert!(
        itself
            .only_error_line()
            .contains("tenantatlas diff --tenant"),
        "{}",
        itself.stderr
    );

    let mut deviations_seen = 0;
    let mut false_drift = Vec::new();
    for index in others {
        let manifest = &generated.manifests[index];
        let report = cli
            .json(&[
                "diff",
                "--tenant",
                &reference,
                "--against-tenant",
                &sim.domain(index),
            ])
            .await;
        let not_compared: HashSet<&str> = report["not_compared"]
            .as_array()
            .expect("not_compared")
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        let find = |kind: &str, name: &str| -> Option<&Value> {
            objects(&report).iter().find(|o| {
                o["kind"] == kind && o["name"].as_str().unwrap().eq_ignore_ascii_case(name)
            })
        };
        let status_of =
            |kind: &str, name: &str| find(kind, name).map(|o| o["status"].as_str().unwrap());
        // The simulator calls conditional access policies `policies`.
        let product_kind = |kind: &str| match kind {
            "policies" => "conditionalAccessPolicies".to_string(),
            other => other.to_string(),
        };
        let deviated: HashSet<(String, String)> = manifest
            .deviations
            .iter()
            .map(|d| (product_kind(&d.kind), d.name.to_lowercase()))
            .collect();
        let missing: HashSet<(String, String)> = manifest
            .missing_golden
            .iter()
            .map(|(k, n)| (product_kind(k), n.to_lowercase()))
            .collect();

        for (kind, name) in &generated.golden {
            let kind = product_kind(kind);
            let key = (kind.clone(), name.to_lowercase());
            let status = status_of(&kind, name);
            if missing.contains(&key) {
                if !not_compared.contains(kind.as_str()) {
                    assert_eq!(
                        status,
                        Some("removed"),
                        "tenant {index}: missing {kind}/{name}"
                    );
                }
            } else if deviated.contains(&key) {
                if status.is_some() {
                    assert_eq!(status, Some("modified"), "tenant {index}: {kind}/{name}");
                    deviations_seen += 1;
                }
            } else if let Some(reported) = find(&kind, name) {
                // A golden object the simulator did not deviate must not be reported at all.
                false_drift.push(format!("tenant {index}: {reported}"));
            }
        }
        // Every modified object is a golden one the simulator deviated. Kinds outside the golden
        // portfolio (tenant-wide settings, Entra policies and roles) differ per tenant by design.
        let golden_kinds: HashSet<String> = generated
            .golden
            .iter()
            .map(|(kind, _)| product_kind(kind))
            .collect();
        for o in objects(&report) {
            if o["status"] == "modified" && golden_kinds.contains(o["kind"].as_str().unwrap()) {
                let key = (
                    o["kind"].as_str().unwrap().to_string(),
                    o["name"].as_str().unwrap().to_lowercase(),
                );
                if !deviated.contains(&key) {
                    false_drift.push(format!("tenant {index}, not deviated: {o}"));
                }
                assert!(!o["changes"].as_array().unwrap().is_empty(), "{o}");
            }
        }
        // Every deviation the manifest lists in a kind both sides read shows as modified.
        for (kind, name) in &deviated {
            if !not_compared.contains(kind.as_str()) {
                assert_eq!(
                    status_of(kind, name),
                    Some("modified"),
                    "tenant {index}: deviation of {kind}/{name} ({:?})",
                    manifest.deviations
                );
            }
        }
    }
    assert!(
        false_drift.is_empty(),
        "golden objects identical to the reference but reported:\n{}",
        false_drift.join("\n")
    );
    println!("{deviations_seen} deviations reported as modified, no false drift");
    assert!(
        deviations_seen > 0,
        "tenant 3 always deviates from golden content"
    );
}
