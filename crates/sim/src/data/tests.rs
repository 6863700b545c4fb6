use super::*;
use crate::kinds::{AssignStyle, KINDS};
use crate::model::{SimObject, SimTenant, ALL_SCOPES};
use std::collections::{HashMap, HashSet};

fn gen(seed: u64, tenants: usize, objects: usize) -> Generated {
    generate(&GenerateOptions {
        seed,
        tenants,
        objects_per_tenant: objects,
    })
}

/// Configuration objects of the portfolio; the tenant-wide settings of `tenant_settings` come on
/// top of `--objects`.
fn portfolio_count(t: &SimTenant) -> usize {
    t.collections
        .iter()
        .filter(|(k, _)| {
            !tenant_settings::KEYS.contains(&k.as_str())
                && !super::ENTRA_COLLECTIONS.contains(&k.as_str())
                && !super::ENTRA_SINGLETONS.contains(&k.as_str())
        })
        .map(|(_, v)| v.len())
        .sum()
}

fn all_json(g: &Generated) -> String {
    let tenants: Vec<Value> = g
        .tenants
        .iter()
        .map(|t| {
            let cols: serde_json::Map<String, Value> = t
                .collections
                .iter()
                .map(|(k, v)| (k.clone(), Value::Array(v.iter().map(SimObject::to_full_json).collect())))
                .collect();
            serde_json::json!({"id": t.id, "name": t.name, "domain": t.domain, "groups": t.groups, "audit": t.audit_events, "collections": cols})
        })
        .collect();
    serde_json::to_string(&serde_json::json!({"tenants": tenants, "defs": g.setting_definitions}))
        .unwrap()
}

#[test]
fn same_seed_gives_identical_output_and_other_seeds_differ() {
    let a = gen(42, 6, 120);
    let b = gen(42, 6, 120);
    assert_eq!(a.tenants, b.tenants);
    assert_eq!(a.manifests, b.manifests);
    assert_eq!(all_json(&a), all_json(&b));
    assert_ne!(all_json(&a), all_json(&gen(43, 6, 120)));
}

#[test]
fn object_counts_are_exact_for_every_size() {
    for n in [0, 1, 10, 25, 28, 300] {
        let g = gen(7, 4, n);
        for t in &g.tenants {
            assert_eq!(portfolio_count(t), n, "tenant {} with {n}", t.name);
            for k in KINDS {
                assert!(
                    t.collections.contains_key(k.key),
                    "{} missing for {n}",
                    k.key
                );
            }
        }
    }
    let q = portfolio::quotas(300);
    assert_eq!(q.values().sum::<usize>(), 300);
    assert!(q.values().all(|&c| c >= 1));
    let keys: HashSet<&str> = KINDS
        .iter()
        .map(|k| k.key)
        .filter(|k| {
            !tenant_settings::KEYS.contains(k)
                && !super::entra::KEYS.contains(k)
                && !super::intune_more::KEYS.contains(k)
        })
        .collect();
    assert_eq!(keys, q.keys().copied().collect());
}

fn walk<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    out.push(v);
    match v {
        Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
        Value::Object(m) => m.values().for_each(|x| walk(x, out)),
        _ => {}
    }
}

fn ids(t: &SimTenant, kind: &str) -> HashSet<String> {
    t.collection(kind)
        .iter()
        .map(|o| o.id().to_string())
        .collect()
}

#[test]
fn references_resolve_within_the_tenant() {
    let g = gen(11, 8, 300);
    for t in &g.tenants {
        let groups: HashSet<&str> = t.groups.iter().filter_map(|g| g["id"].as_str()).collect();
        let filters = ids(t, "assignmentFilters");
        let locations = ids(t, "namedLocations");
        let users: HashSet<&str> = t.users.iter().map(|u| u.id.as_str()).collect();
        let mut unassigned = 0;
        for k in KINDS {
            for o in t.collection(k.key) {
                assert!(
                    !o.id().is_empty() && !o.id().starts_with('$'),
                    "{} has id {}",
                    k.key,
                    o.id()
                );
                let body = Value::Object(o.body.clone());
                let mut nodes = Vec::new();
                walk(&body, &mut nodes);
                assert!(!nodes.iter().any(|v| v
                    .as_str()
                    .is_some_and(|s| s.starts_with("$group:") || s == "$id" || s == "$created")));
                if k.assign == AssignStyle::None {
                    assert!(!o.children.contains_key("assignments"));
                    continue;
                }
                let assignments = &o.children["assignments"];
                unassigned += usize::from(assignments.is_empty());
                for a in assignments {
                    let target = &a.body["target"];
                    if let Some(gid) = target.get("groupId") {
                        assert!(
                            groups.contains(gid.as_str().unwrap()),
                            "unknown group in {}",
                            k.key
                        );
                    }
                    match target["deviceAndAppManagementAssignmentFilterId"].as_str() {
                        Some(f) => assert!(filters.contains(f)),
                        None => {
                            assert_eq!(target["deviceAndAppManagementAssignmentFilterType"], "none")
                        }
                    }
                }
            }
        }
        assert!(unassigned > 0 || t.id == g.tenants[0].id);
        for p in t.collection("policies") {
            let users_cond = &p.body["conditions"]["users"];
            for key in ["includeGroups", "excludeGroups"] {
                for gid in users_cond[key].as_array().unwrap() {
                    assert!(groups.contains(gid.as_str().unwrap()));
                }
            }
            for uid in users_cond["excludeUsers"].as_array().unwrap() {
                assert!(users.contains(uid.as_str().unwrap()));
            }
            if let Some(loc) = p.body["conditions"]["locations"].as_object() {
                for v in loc.values().flat_map(|v| v.as_array().unwrap()) {
                    let v = v.as_str().unwrap();
                    assert!(v == "All" || v == "AllTrusted" || locations.contains(v));
                }
            }
            assert!(
                p.body.contains_key("modifiedDateTime")
                    && !p.body.contains_key("lastModifiedDateTime")
            );
        }
    }
}

fn setting_ids<'a>(v: &'a Value, out: &mut Vec<(&'a str, Option<&'a str>)>) {
    if let Some(id) = v.get("settingDefinitionId").and_then(Value::as_str) {
        out.push((
            id,
            v.get("choiceSettingValue")
                .and_then(|c| c["value"].as_str()),
        ));
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| setting_ids(x, out)),
        Value::Object(m) => m.values().for_each(|x| setting_ids(x, out)),
        _ => {}
    }
}

#[test]
fn every_setting_and_choice_value_has_a_definition() {
    let g = gen(5, 10, 300);
    let defs: HashMap<&str, &Value> = g
        .setting_definitions
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d))
        .collect();
    let mut used = 0;
    for t in &g.tenants {
        for policy in t.collection("configurationPolicies") {
            let settings = &policy.children["settings"];
            assert_eq!(policy.body["settingCount"], settings.len());
            for s in settings {
                let mut found = Vec::new();
                let json = s.to_full_json();
                setting_ids(&json, &mut found);
                for (id, value) in found {
                    used += 1;
                    let def = defs
                        .get(id)
                        .unwrap_or_else(|| panic!("no definition for {id}"));
                    if let Some(value) = value {
                        let options = def["options"].as_array().unwrap();
                        assert!(
                            options.iter().any(|o| o["itemId"] == value),
                            "{value} not an option of {id}"
                        );
                    }
                }
            }
        }
    }
    assert!(used > 1000);
    assert!(defs.contains_key("device_vendor_msft_bitlocker_requiredeviceencryption"));
    assert!(defs.contains_key("com.apple.screensaver_idletime"));
}

#[test]
fn tenant_rules_and_names() {
    let g = gen(99, 70, 25);
    let (t0, t1, t2) = (&g.tenants[0], &g.tenants[1], &g.tenants[2]);
    let all: std::collections::BTreeSet<String> =
        ALL_SCOPES.iter().map(|s| s.to_string()).collect();
    assert!(t0.device_code_allowed && t0.granted_scopes == all);
    assert!(!t1.device_code_allowed && t1.granted_scopes == all);
    assert!(t1
        .collection("policies")
        .iter()
        .any(
            |p| p.body["conditions"]["authenticationFlows"]["transferMethods"] == "deviceCodeFlow"
        ));
    assert!(t2.device_code_allowed);
    assert!(
        !t2.granted_scopes.contains("Policy.Read.All")
            && !t2
                .granted_scopes
                .contains("Policy.ReadWrite.ConditionalAccess")
    );
    let names: Vec<&str> = g.tenants.iter().map(|t| t.name.as_str()).collect();
    for n in [
        "Müller & Söhne GmbH",
        "Société Générale Énergie",
        "Ørsted Læring A/S",
        "Łódź Logistics Sp. z o.o.",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let domains: HashSet<&str> = g.tenants.iter().map(|t| t.domain.as_str()).collect();
    assert_eq!(domains.len(), g.tenants.len());
    assert!(g.tenants.iter().all(|t| t.domain.is_ascii()));
    assert!(g
        .tenants
        .iter()
        .any(|t| t.domain == "muellersoehne.onmicrosoft.com" || t.domain == "muellersoehne.de"));
    for t in &g.tenants {
        assert_eq!(t.admin().user_principal_name, format!("admin@{}", t.domain));
        assert_eq!(t.admin().display_name, format!("{} Admin", t.name));
        assert!(!t.audit_events.is_empty());
    }
}

/// Golden content with tenant-specific ids replaced by the names they refer to.
fn normalise(v: &Value, names: &HashMap<String, String>) -> Value {
    // `roleAssignments` under a role definition lists the tenant's own role assignments.
    const VOLATILE: &[&str] = &[
        "id",
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "version",
        "sourceId",
        "roleAssignments",
    ];
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
                .map(|(k, x)| (k.clone(), normalise(x, names)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| normalise(x, names)).collect()),
        Value::String(s) => Value::String(names.get(s).cloned().unwrap_or_else(|| s.clone())),
        _ => v.clone(),
    }
}

fn id_names(t: &SimTenant) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for g in &t.groups {
        m.insert(
            g["id"].as_str().unwrap().to_string(),
            format!("group:{}", g["displayName"]),
        );
    }
    for (i, u) in t.users.iter().enumerate() {
        m.insert(u.id.clone(), format!("user:{i}"));
    }
    // Scope tag ids are small numbers ("0", "1", …) that would collide with ordinary values.
    for (kind, objects) in &t.collections {
        if kind == "roleScopeTags" {
            continue;
        }
        for o in objects {
            if let Some(n) = o.body.get("displayName") {
                m.insert(o.id().to_string(), format!("object:{n}"));
            }
        }
    }
    m
}

fn find<'a>(t: &'a SimTenant, kind: &str, name: &str) -> Option<&'a SimObject> {
    t.collection(kind).iter().find(|o| {
        o.body.get("displayName").or_else(|| o.body.get("name")) == Some(&Value::from(name))
    })
}

#[test]
fn golden_objects_match_the_reference_tenant_unless_deviated() {
    let g = gen(2024, 20, 300);
    let reference = &g.tenants[0];
    let ref_names = id_names(reference);
    assert!(g.golden.len() > 60);
    assert!(g.manifests[0].deviations.is_empty() && g.manifests[0].missing_golden.is_empty());
    assert!(g
        .golden
        .iter()
        .any(|(k, n)| k == "configurationPolicies" && n == "MSP - Win - BitLocker"));
    let (mut compared, mut deviated) = (0, 0);
    for (t, manifest) in g.tenants.iter().zip(&g.manifests).skip(1) {
        let names = id_names(t);
        for (kind, name) in &g.golden {
            let expected =
                find(reference, kind, name).unwrap_or_else(|| panic!("reference lacks {name}"));
            let Some(actual) = find(t, kind, name) else {
                assert!(
                    manifest
                        .missing_golden
                        .contains(&(kind.clone(), name.clone())),
                    "{name} missing in {}",
                    t.name
                );
                continue;
            };
            let same = normalise(&expected.to_full_json(), &ref_names)
                == normalise(&actual.to_full_json(), &names);
            if manifest
                .deviations
                .iter()
                .any(|d| &d.kind == kind && &d.name == name)
            {
                deviated += 1;
                assert!(
                    !same,
                    "{name} in {} is listed as deviated but equal",
                    t.name
                );
            } else {
                compared += 1;
                assert!(
                    same,
                    "{kind}/{name} in {} differs from the reference:\n{}\n{}",
                    t.name,
                    normalise(&expected.to_full_json(), &ref_names),
                    normalise(&actual.to_full_json(), &names)
                );
            }
        }
    }
    assert!(compared > 500 && deviated > 0);
    assert!(g.manifests.iter().any(|m| !m.missing_golden.is_empty()));
}

#[test]
fn fifty_tenants_of_three_hundred_generate_quickly() {
    // The best of three runs, so that a busy machine does not distort the figure.
    let mut best = std::time::Duration::MAX;
    for _ in 0..3 {
        let start = std::time::Instant::now();
        let g = gen(1, 50, 300);
        best = best.min(start.elapsed());
        assert_eq!(g.tenants.iter().map(portfolio_count).sum::<usize>(), 15_000);
    }
    eprintln!("generated 50 x 300 in {best:?} (best of 3)");
}
