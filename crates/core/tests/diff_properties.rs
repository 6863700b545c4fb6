//! Properties of the semantic comparison: no false drift.
//!
//! Inputs are real IntuneCD export payloads (settings catalog with group collections, compliance
//! with scheduled actions, device configurations with assignments), generated assignment and
//! conditional access payloads, and arbitrary JSON built from the field names the diff treats
//! specially, so that the rewriting rules meet shapes nobody wrote by hand.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use tenantatlas_core::diff::{diff, is_same, semantic_form, MapRefs, NoRefs};
use tenantatlas_core::kinds::{by_key, REGISTRY};

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/CES2026-IntuneCD/Backup/",
            $path
        ))
    };
}

/// (kind, payload) pairs from the real exports.
fn fixtures() -> Vec<(&'static str, Value)> {
    let raw = [
        ("configurationPolicies", fixture!("Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_BitLocker_mdm.json")),
        ("configurationPolicies", fixture!("Settings Catalog/POC_MAC_D_CO_SBL_MSZT_SSO_Platform_appleRemoteManagement.json")),
        ("configurationPolicies", fixture!("Settings Catalog/POC_IOS_D_CO_SBL_MSZT_Updates_appleRemoteManagement.json")),
        ("configurationPolicies", fixture!("Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_Firewall_mdm.json")),
        ("configurationPolicies", fixture!("Settings Catalog/POC_WIN_D_CO_SBL_MSZT_Defender_Antivirus_microsoftSense.json")),
        ("deviceCompliancePolicies", fixture!("Compliance Policies/Policies/POC_WIN_D_CO_SBL_MSZT_DeviceCompliance_windows10CompliancePolicy.json")),
        ("deviceCompliancePolicies", fixture!("Compliance Policies/Policies/POC_IOS_D_CO_SBL_MSZT_DeviceCompliance_iosCompliancePolicy.json")),
        ("deviceConfigurations", fixture!("Device Configurations/POC_WIN_D_CO_SBL_MSZT_Updates_windowsUpdateForBusinessConfiguration.json")),
        ("deviceConfigurations", fixture!("Device Configurations/[intune-my-macs] CFG-SEC-001 - Login Window Security Configuration_macOSCustomConfiguration.json")),
        ("deviceShellScripts", fixture!("Scripts/Shell/[intune-my-macs] SCR-APP-100 - Install Company Portal.json")),
    ];
    raw.iter()
        .map(|(k, t)| (*k, serde_json::from_str(t).expect("fixture is JSON")))
        .collect()
}

/// Arrays whose order means nothing, by field name.
const UNORDERED: &[&str] = &[
    "settings",
    "children",
    "groupSettingCollectionValue",
    "assignments",
    "scheduledActionsForRule",
    "scheduledActionConfigurations",
    "roleScopeTagIds",
    "includeGroups",
    "excludeGroups",
    "includeUsers",
    "excludeUsers",
    "includeRoles",
    "includeApplications",
    "builtInControls",
    "clientAppTypes",
    "includePlatforms",
    "excludePlatforms",
];

/// A small deterministic generator, seeded by proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Shuffles every unordered array, at any depth.
fn shuffle(value: &mut Value, rng: &mut Rng, unordered: bool) {
    match value {
        Value::Array(items) => {
            if unordered {
                for i in (1..items.len()).rev() {
                    items.swap(i, rng.below(i + 1));
                }
            }
            for item in items {
                shuffle(item, rng, false);
            }
        }
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                shuffle(v, rng, UNORDERED.contains(&k.as_str()));
            }
        }
        _ => {}
    }
}

/// Rewrites every id, timestamp and version, and adds annotations, at any depth.
fn churn_volatile(value: &mut Value, rng: &mut Rng, top: bool) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|i| churn_volatile(i, rng, false)),
        Value::Object(map) => {
            for v in map.values_mut() {
                churn_volatile(v, rng, false);
            }
            let n = rng.next();
            map.insert("id".into(), json!(format!("{n:x}")));
            if map.contains_key("sourceId") || map.contains_key("target") {
                map.insert("sourceId".into(), json!(format!("src-{n:x}")));
            }
            map.insert(
                "@odata.context".into(),
                json!(format!("https://x/$metadata#{n}")),
            );
            if top {
                map.insert(
                    "lastModifiedDateTime".into(),
                    json!(format!("2025-01-{:02}T00:00:00Z", n % 28 + 1)),
                );
                map.insert("createdDateTime".into(), json!("2024-01-01T00:00:00Z"));
                map.insert("version".into(), json!(n % 9));
                map.insert("settingCount".into(), json!(n % 50));
                map.insert("assignments@odata.context".into(), json!("https://x"));
            }
        }
        _ => {}
    }
}

/// A policy assigned to some of groups 0..6, each with an optional filter, in one tenant's ids.
fn assigned_policy(targets: &[(usize, Option<(usize, bool)>)], tenant: &str) -> Value {
    let assignments: Vec<Value> = targets
        .iter()
        .map(|(g, filter)| {
            let (fid, mode) = match filter {
                Some((f, include)) => (json!(format!("{tenant}-filter-{f}")), if *include { "include" } else { "exclude" }),
                None => (Value::Null, "none"),
            };
            json!({"id": format!("p_{tenant}-group-{g}"), "source": "direct", "sourceId": null, "intent": "apply",
                   "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": format!("{tenant}-group-{g}"),
                              "deviceAndAppManagementAssignmentFilterId": fid,
                              "deviceAndAppManagementAssignmentFilterType": mode}})
        })
        .collect();
    json!({"@odata.type": "#microsoft.graph.windows10CompliancePolicy", "displayName": "P", "bitLockerEnabled": true,
           "roleScopeTagIds": ["0", "1"], "assignments": assignments})
}

fn ca_policy(include: &[usize], exclude: &[usize], tenant: &str) -> Value {
    let ids = |gs: &[usize]| {
        gs.iter()
            .map(|g| format!("{tenant}-group-{g}"))
            .collect::<Vec<_>>()
    };
    json!({"displayName": "CA", "state": "enabled",
           "conditions": {"clientAppTypes": ["browser", "mobileAppsAndDesktopClients"],
                          "users": {"includeGroups": ids(include), "excludeGroups": ids(exclude), "includeUsers": []},
                          "locations": {"includeLocations": [format!("{tenant}-loc-1"), "AllTrusted"], "excludeLocations": []},
                          "platforms": {"includePlatforms": ["android", "iOS", "windows"], "excludePlatforms": []}},
           "grantControls": {"operator": "OR", "builtInControls": ["mfa", "compliantDevice"]}})
}

/// Names for tenant `t`'s ids: the same names in every tenant.
fn refs_for(tenant: &str) -> MapRefs {
    MapRefs {
        groups: (0..6)
            .map(|g| (format!("{tenant}-group-{g}"), format!("SG-{g}")))
            .collect(),
        filters: (0..3)
            .map(|f| (format!("{tenant}-filter-{f}"), format!("Filter {f}")))
            .collect(),
        named_locations: HashMap::from([(format!("{tenant}-loc-1"), "HQ".to_string())]),
        ..MapRefs::default()
    }
}

fn targets() -> impl Strategy<Value = Vec<(usize, Option<(usize, bool)>)>> {
    proptest::sample::subsequence((0..6).collect::<Vec<_>>(), 0..6).prop_flat_map(|groups| {
        let n = groups.len();
        (
            Just(groups),
            proptest::collection::vec(proptest::option::of((0..3usize, any::<bool>())), n),
        )
            .prop_map(|(g, f)| g.into_iter().zip(f).collect())
    })
}

/// Arbitrary JSON over the field names the diff treats specially.
fn arb_json() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        Just("settings"),
        Just("settingInstance"),
        Just("settingDefinitionId"),
        Just("children"),
        Just("choiceSettingValue"),
        Just("groupSettingCollectionValue"),
        Just("value"),
        Just("id"),
        Just("assignments"),
        Just("target"),
        Just("groupId"),
        Just("@odata.type"),
        Just("roleScopeTagIds"),
        Just("conditions"),
        Just("users"),
        Just("includeGroups"),
        Just("scheduledActionsForRule"),
        Just("scheduledActionConfigurations"),
        Just("actionType"),
        Just("definitionValues"),
        Just("definition"),
        Just("presentationValues"),
        Just("omaSettings"),
        Just("omaUri"),
        Just("scriptContent"),
        Just("payload"),
        Just("x"),
        Just("items"),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (0i64..5).prop_map(Value::from),
        prop_oneof![
            Just("a"),
            Just("block"),
            Just("x y"),
            Just("SG-1"),
            Just("#microsoft.graph.groupAssignmentTarget")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..5).prop_map(|kv| Value::Object(
                kv.into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

proptest! {
    // Failures print their minimal input; no regression files are written into the source tree.
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn anything_compared_with_itself_is_the_same(value in arb_json(), k in 0..REGISTRY.len()) {
        let kind = &REGISTRY[k];
        prop_assert!(diff(kind, &value, &value, &NoRefs, &NoRefs).is_empty());
    }

    #[test]
    fn semantic_form_is_idempotent(value in arb_json(), k in 0..REGISTRY.len()) {
        let kind = &REGISTRY[k];
        let once = semantic_form(kind, &value, &NoRefs);
        prop_assert_eq!(semantic_form(kind, &once, &NoRefs), once);
    }

    #[test]
    fn shuffling_unordered_arrays_is_no_drift(seed in 1u64.., t in targets(), inc in proptest::sample::subsequence((0..6).collect::<Vec<_>>(), 0..6)) {
        let mut rng = Rng(seed);
        let refs = refs_for("a");
        let mut inputs = fixtures();
        inputs.push(("deviceCompliancePolicies", assigned_policy(&t, "a")));
        inputs.push(("conditionalAccessPolicies", ca_policy(&inc, &[0, 5], "a")));
        for (key, before) in inputs {
            let kind = by_key(key).unwrap();
            let mut after = before.clone();
            shuffle(&mut after, &mut rng, false);
            let changes = diff(kind, &before, &after, &refs, &refs);
            prop_assert!(changes.is_empty(), "{}: {:#?}", key, changes);
        }
    }

    #[test]
    fn changing_volatile_fields_and_child_ids_is_no_drift(seed in 1u64.., t in targets()) {
        let mut rng = Rng(seed);
        let mut inputs = fixtures();
        inputs.push(("deviceCompliancePolicies", assigned_policy(&t, "a")));
        for (key, before) in inputs {
            let kind = by_key(key).unwrap();
            let mut after = before.clone();
            churn_volatile(&mut after, &mut rng, true);
            let changes = diff(kind, &before, &after, &NoRefs, &NoRefs);
            prop_assert!(changes.is_empty(), "{}: {:#?}", key, changes);
        }
    }

    #[test]
    fn equivalent_ids_in_another_tenant_are_no_drift(t in targets(), inc in proptest::sample::subsequence((0..6).collect::<Vec<_>>(), 0..6)) {
        let (ra, rb) = (refs_for("a"), refs_for("b"));
        let compliance = by_key("deviceCompliancePolicies").unwrap();
        prop_assert!(is_same(compliance, &assigned_policy(&t, "a"), &assigned_policy(&t, "b"), &ra, &rb));
        let ca = by_key("conditionalAccessPolicies").unwrap();
        prop_assert!(is_same(ca, &ca_policy(&inc, &[5], "a"), &ca_policy(&inc, &[5], "b"), &ra, &rb));
        // Unresolved, the same ids are different references.
        if !t.is_empty() {
            prop_assert!(!is_same(compliance, &assigned_policy(&t, "a"), &assigned_policy(&t, "b"), &NoRefs, &NoRefs));
        }
    }
}

#[test]
fn a_real_group_collection_item_change_is_reported_inside_the_item() {
    let kind = by_key("configurationPolicies").unwrap();
    let before = fixtures().remove(1).1;
    let text = before.to_string();
    let after: Value =
        serde_json::from_str(&text.replacen("\"value\":\"", "\"value\":\"changed-", 1)).unwrap();
    let changes = diff(kind, &before, &after, &NoRefs, &NoRefs);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        changes[0].path,
        "settings[com.apple.extensiblesso_com.apple.extensiblesso].items[*].children[com.apple.extensiblesso_authenticationmethod].value"
    );
    assert_eq!(
        changes[0].setting.as_deref(),
        Some("com.apple.extensiblesso_authenticationmethod")
    );
}
