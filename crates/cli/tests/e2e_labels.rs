//! End to end through the real binary: friendly setting names. A sync reads the settings catalog
//! definitions the tenants' policies use — once for the workspace, in `$batch`, never again for an
//! unchanged tenant, nor again for an id the service does not know — and `tenantatlas diff` names
//! a changed settings catalog setting and its options the way the definitions do ("Require
//! Device Encryption: Enabled → Disabled").

mod common;

use common::{CliEnv, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use tenantatlas_sim::model::SimObject;

/// The simulator's statistics route for one definition.
const DEFINITION_ROUTE: &str = "GET /beta/deviceManagement/configurationSettings/{id}";

/// A setting id Microsoft does not publish (as when a definition is retired after use).
const RETIRED: &str = "device_vendor_msft_policy_config_tenantatlas_retiredsetting";

fn definition_requests(stats: &Value) -> u64 {
    stats["by_route"][DEFINITION_ROUTE].as_u64().unwrap_or(0)
}

/// Every `settingDefinitionId` below `value`, lowercased.
fn ids_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("settingDefinitionId", Value::String(id)) => {
                        out.insert(id.to_lowercase());
                    }
                    _ => ids_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids_in(v, out)),
        _ => {}
    }
}

/// The definition ids tenant `index`'s settings catalog policies use, as the simulator holds them.
fn tenant_definition_ids(sim: &TestSim, index: usize) -> BTreeSet<String> {
    let world = sim.handle.sim.world();
    let mut out = BTreeSet::new();
    for policy in world.tenants[index].collection("configurationPolicies") {
        for setting in policy.children.get("settings").into_iter().flatten() {
            ids_in(&Value::Object(setting.body.clone()), &mut out);
        }
    }
    out
}

/// The simulator's definitions by id: display name and option names by item id.
fn definitions(sim: &TestSim) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    let world = sim.handle.sim.world();
    world
        .setting_definitions
        .iter()
        .map(|d| {
            let options = d["options"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| {
                    (
                        o["itemId"].as_str().unwrap().to_string(),
                        o["displayName"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (
                d["id"].as_str().unwrap().to_lowercase(),
                (d["displayName"].as_str().unwrap().to_string(), options),
            )
        })
        .collect()
}

/// A display name as labels show it (no trailing colon).
fn shown(name: &str) -> String {
    name.trim().trim_end_matches(':').trim().to_string()
}

/// Syncs and returns the runs; no run failed, had an error or a warning.
async fn sync(cli: &CliEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["sync"];
    all.extend_from_slice(args);
    let runs = cli.json(&all).await;
    let runs = runs["runs"]
        .as_array()
        .unwrap_or_else(|| panic!("sync --json has a runs array: {runs}"))
        .clone();
    for run in &runs {
        // Partial only for kinds a tenant's permissions skip (tenant 2 has no CA permission).
        assert_ne!(run["status"], "failed", "{run}");
        assert_eq!(run["errors"], json!([]), "{run}");
        assert_eq!(run["warnings"], json!([]), "{run}");
    }
    runs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definitions_are_read_once_and_name_settings_catalog_changes() {
    const OBJECTS: usize = 300;
    let sim = common::start(common::config(3, OBJECTS)).await;
    let cli = CliEnv::new();
    for index in 0..3 {
        cli.connect(&sim, index).await;
    }
    let tenant = sim.domain(0);
    {
        // One of tenant 0's policies uses a setting whose definition the service does not know.
        let mut world = sim.handle.sim.world();
        let policy = world.tenants[0].collection_mut("configurationPolicies")[0].clone();
        let policy_id = policy.id().to_string();
        let target = world.tenants[0]
            .collection_mut("configurationPolicies")
            .iter_mut()
            .find(|p| p.id() == policy_id)
            .unwrap();
        let settings = target.children.entry("settings".into()).or_default();
        settings.push(SimObject::from_value(json!({
            "id": settings.len().to_string(),
            "settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                "settingDefinitionId": RETIRED,
                "settingInstanceTemplateReference": null,
                "choiceSettingValue": {"settingValueTemplateReference": null, "value": format!("{RETIRED}_1"), "children": []},
            },
        })));
        let count = settings.len();
        target.body.insert("settingCount".into(), json!(count));
    }
    let used_0 = tenant_definition_ids(&sim, 0);
    assert!(used_0.contains(RETIRED));
    let used_1 = tenant_definition_ids(&sim, 1);
    let used_2 = tenant_definition_ids(&sim, 2);
    assert!(!used_0.is_empty(), "tenant 0 has settings catalog policies");

    // --- First sync of one tenant: each definition it uses, once, in `$batch`. ---
    sim.control("stats/reset", json!({})).await;
    let runs = sync(&cli, &["--tenant", &tenant]).await;
    let stats = sim.stats().await;
    let first = definition_requests(&stats);
    assert_eq!(first, used_0.len() as u64, "{stats}");
    let envelopes = first.div_ceil(20);
    println!(
        "first sync of {} objects: {first} definitions in {envelopes} $batch requests; \
         the run: {} requests, {} Graph calls in all",
        runs[0]["objects"], runs[0]["requests"], runs[0]["graph_calls"]
    );
    assert_eq!(
        stats["requests"].as_u64(),
        runs[0]["requests"].as_u64(),
        "the run counts its definition requests: {stats}"
    );

    // --- Second sync of the unchanged tenant: none at all, not even for the unknown id. ---
    sim.control("stats/reset", json!({})).await;
    sync(&cli, &["--tenant", &tenant]).await;
    let stats = sim.stats().await;
    assert_eq!(definition_requests(&stats), 0, "{stats}");

    // --- All three at once: only what tenants 1 and 2 use and tenant 0 did not, each once
    // although the two new tenants sync at the same time. ---
    sim.control("stats/reset", json!({})).await;
    sync(&cli, &["--all"]).await;
    let stats = sim.stats().await;
    let new: BTreeSet<&String> = used_1
        .union(&used_2)
        .filter(|id| !used_0.contains(*id))
        .collect();
    assert_eq!(definition_requests(&stats), new.len() as u64, "{stats}");
    println!("tenants 1 and 2 together: {} new definitions", new.len());

    // --- A settings catalog choice changed through Graph: the diff names it. ---
    let defs = definitions(&sim);
    let token = sim.graph_token(0).await;
    let (id, policy, setting_id, old_item, new_item) = {
        let world = sim.handle.sim.world();
        let mut picked = None;
        'policies: for p in world.tenants[0].collection("configurationPolicies") {
            for s in p.children.get("settings").into_iter().flatten() {
                let instance = &s.body["settingInstance"];
                let value = &instance["choiceSettingValue"];
                let leaf = value["children"].as_array().is_some_and(Vec::is_empty);
                let Some(def) = instance["settingDefinitionId"].as_str() else {
                    continue;
                };
                let Some((_, options)) = defs.get(&def.to_lowercase()) else {
                    continue;
                };
                let current = value["value"].as_str().unwrap_or_default();
                let other = options.keys().find(|k| k.as_str() != current);
                if let (true, Some(other)) = (leaf, other) {
                    picked = Some((
                        p.body["id"].as_str().unwrap().to_string(),
                        p.body["name"].as_str().unwrap().to_string(),
                        def.to_string(),
                        current.to_string(),
                        other.clone(),
                    ));
                    break 'policies;
                }
            }
        }
        picked.expect("a settings catalog policy with a top-level choice setting")
    };
    let path = format!("/beta/deviceManagement/configurationPolicies/{id}");
    let (status, mut body) = sim
        .graph_send(
            &token,
            Method::GET,
            &format!("{path}?$expand=settings"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let map = body.as_object_mut().unwrap();
    map.retain(|k, _| {
        [
            "name",
            "description",
            "platforms",
            "technologies",
            "roleScopeTagIds",
            "templateReference",
            "settings",
        ]
        .contains(&k.as_str())
    });
    for s in map["settings"].as_array_mut().unwrap() {
        let instance = &mut s["settingInstance"];
        if instance["settingDefinitionId"].as_str() == Some(setting_id.as_str()) {
            instance["choiceSettingValue"]["value"] = json!(new_item);
        }
    }
    let (status, answer) = sim
        .graph_send(&token, Method::PUT, &path, Some(&body))
        .await;
    assert!(status.is_success(), "PUT: {status} {answer}");
    sim.control("stats/reset", json!({})).await;
    sync(&cli, &["--tenant", &tenant]).await;
    let stats = sim.stats().await;
    assert_eq!(
        definition_requests(&stats),
        0,
        "a changed value of a known setting needs no definition: {stats}"
    );

    let (name, options) = &defs[&setting_id.to_lowercase()];
    let expected = format!(
        "{}: {} → {}",
        shown(name),
        options[&old_item],
        options[&new_item]
    );
    let report = cli.json(&["diff", "--tenant", &tenant]).await;
    let objects = report["objects"].as_array().expect("objects");
    assert_eq!(objects.len(), 1, "{report}");
    assert_eq!(objects[0]["name"], policy.as_str(), "{report}");
    let changes = objects[0]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let change = &changes[0];
    // The change's own fields stay; the words come beside them.
    assert_eq!(change["setting"], setting_id.as_str(), "{change}");
    assert_eq!(change["before"], old_item.as_str(), "{change}");
    assert_eq!(change["after"], new_item.as_str(), "{change}");
    assert_eq!(change["setting_name"], shown(name).as_str(), "{change}");
    assert_eq!(
        change["before_label"],
        options[&old_item].as_str(),
        "{change}"
    );
    assert_eq!(
        change["after_label"],
        options[&new_item].as_str(),
        "{change}"
    );
    assert_eq!(change["summary"], expected.as_str(), "{change}");

    let text = cli.run(&["diff", "--tenant", &tenant]).await;
    text.assert_success();
    let lines: Vec<&str> = text.stdout.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("modified") && l.ends_with(policy.as_str()))
        .unwrap_or_else(|| panic!("a line for the policy:\n{}", text.stdout));
    assert_eq!(lines[at + 1], format!("    {expected}"), "{}", text.stdout);
    assert!(
        lines[at + 2].starts_with(&format!("      settings[{setting_id}].value: ")),
        "{}",
        text.stdout
    );

    // --- Between the two tenants: every settings catalog setting is named by its definition. ---
    let report = cli
        .json(&[
            "diff",
            "--tenant",
            &tenant,
            "--against-tenant",
            &sim.domain(1),
        ])
        .await;
    let mut named = 0;
    for object in report["objects"].as_array().expect("objects") {
        if object["kind"] != "configurationPolicies" {
            continue;
        }
        for change in object["changes"].as_array().expect("changes") {
            let path = change["path"].as_str().unwrap();
            let Some(setting) = change["setting"].as_str() else {
                continue;
            };
            if !path.starts_with("settings[") {
                continue;
            }
            // A setting without a definition keeps its id: never less than the path says.
            let name = defs
                .get(&setting.to_lowercase())
                .map_or(setting, |(name, _)| name.as_str());
            let setting_name = change["setting_name"].as_str().unwrap();
            assert!(
                setting_name.starts_with(&shown(name)),
                "{setting_name} is named after {name}: {change}"
            );
            assert!(
                change["summary"]
                    .as_str()
                    .unwrap()
                    .starts_with(setting_name),
                "{change}"
            );
            named += 1;
        }
    }
    println!("{named} settings catalog changes between the two tenants, all named");
    assert!(
        named > 0,
        "the two tenants' settings catalog policies differ: {report}"
    );
}
