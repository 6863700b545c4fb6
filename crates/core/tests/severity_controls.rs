//! The severity invariant an MSP relies on: a missing (or deleted) object is never rated below a
//! change inside it. Checked on every real exported policy in `tests/fixtures/` (each value
//! switched off or changed, one at a time) and on generated flat policies.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use tenantatlas_core::diff::{diff_of_forms, semantic_form, NoRefs};
use tenantatlas_core::kinds::by_key;
use tenantatlas_core::severity::{
    change_severity, control_of, missing_severity, ObjectContext, Severity,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The registry kind a fixture policy belongs to, from its shape.
fn kind_of(policy: &Value) -> &'static str {
    let odata = policy["@odata.type"].as_str().unwrap_or("");
    if policy.get("settings").is_some() && policy.get("technologies").is_some() {
        "configurationPolicies"
    } else if odata.contains("CompliancePolicy") {
        "deviceCompliancePolicies"
    } else if odata.contains("ManagedAppProtection") || odata.contains("AppProtection") {
        "iosManagedAppProtections"
    } else {
        "deviceConfigurations"
    }
}

/// Every variant of `value` with one leaf switched off (`false`, "disabled", 0) or removed.
fn weakened(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let mut removed = map.clone();
                removed.remove(k);
                out.push(Value::Object(removed));
                for w in weakened(v) {
                    let mut changed = map.clone();
                    changed.insert(k.clone(), w);
                    out.push(Value::Object(changed));
                }
            }
        }
        Value::Bool(true) => out.push(json!(false)),
        Value::String(s) if !s.is_empty() => {
            out.push(json!("disabled"));
            out.push(json!(format!("{s}_0")));
        }
        Value::Number(_) => out.push(json!(0)),
        _ => {}
    }
    out
}

/// Asserts the invariant for one object: every change in it is at most its missing severity.
fn check(kind_key: &str, content: &Value, what: &str) -> usize {
    let kind = by_key(kind_key).expect("registry kind");
    let form = semantic_form(kind, content, &NoRefs);
    let control = control_of(kind_key, &form);
    let missing = missing_severity(control);
    let mut compared = 0;
    for variant in weakened(&form) {
        for change in diff_of_forms(&form, &variant) {
            // Also as if the tenant's object were assigned to no one.
            for unassigned in [false, true] {
                compared += 1;
                let context = ObjectContext {
                    control,
                    unassigned,
                };
                let severity = change_severity(kind_key, &change, context);
                assert!(
                    severity <= missing,
                    "{what}: change {} is {severity:?} but the object missing is only {missing:?} (control {control:?})",
                    change.path
                );
            }
        }
    }
    compared
}

#[test]
fn no_change_in_a_real_policy_outranks_the_policy_missing() {
    let mut files = Vec::new();
    json_files(&fixtures(), &mut files);
    assert!(
        files.len() >= 40,
        "expected the fixture policies under {}, found {}",
        fixtures().display(),
        files.len()
    );
    let mut controls = 0;
    let mut compared = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let policy: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.display()));
        // Reports and tenant settings files are not policies.
        if !policy.is_object()
            || policy.get("@odata.type").is_none() && policy.get("settings").is_none()
        {
            continue;
        }
        let kind = kind_of(&policy);
        let form = semantic_form(by_key(kind).unwrap(), &policy, &NoRefs);
        if control_of(kind, &form).is_some() {
            controls += 1;
        }
        compared += check(kind, &policy, &file.display().to_string());
    }
    // The fixtures hold BitLocker, firewall and compliance policies: some must be controls.
    assert!(controls >= 5, "only {controls} security controls found");
    assert!(compared > 1000, "only {compared} changes compared");
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "camera",
        "firewall",
        "bitLocker",
        "defender",
        "password",
        "wifi",
        "realTime",
        "encryption",
        "attackSurfaceReduction",
        "LocalAdminPassword",
        "smartScreen",
        "Enabled",
        "Blocked",
        "Required",
        "storageRequireEncryption",
    ])
    .prop_map(str::to_string)
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(true)),
        Just(json!(false)),
        Just(Value::Null),
        Just(json!("enabled")),
        Just(json!("notConfigured")),
        (0i64..100).prop_map(|n| json!(n)),
    ]
}

proptest! {
    #[test]
    fn generated_profiles_keep_the_invariant(
        fields in prop::collection::vec((word(), word(), leaf()), 1..8)
    ) {
        let mut map = Map::new();
        map.insert("@odata.type".into(), json!("#microsoft.graph.windows10GeneralConfiguration"));
        map.insert("displayName".into(), json!("Generated"));
        for (a, b, v) in fields {
            map.insert(format!("{a}{b}"), v);
        }
        check("deviceConfigurations", &Value::Object(map), "generated");
    }
}

#[test]
fn the_three_controls_of_the_issue_are_high_when_missing() {
    // MFA for all users (Conditional Access), BitLocker, and a firewall policy.
    for (kind, body) in [
        (
            "conditionalAccessPolicies",
            json!({"displayName": "MFA", "state": "enabled"}),
        ),
        (
            "configurationPolicies",
            json!({"name": "BitLocker", "settings": [{"settingInstance": {
                "settingDefinitionId": "device_vendor_msft_bitlocker_requiredeviceencryption",
                "choiceSettingValue": {"value": "device_vendor_msft_bitlocker_requiredeviceencryption_1", "children": []}}}]}),
        ),
        (
            "configurationPolicies",
            json!({"name": "Firewall", "settings": [{"settingInstance": {
                "settingDefinitionId": "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall",
                "choiceSettingValue": {"value": "vendor_msft_firewall_mdmstore_domainprofile_enablefirewall_true", "children": []}}}]}),
        ),
    ] {
        let form = semantic_form(by_key(kind).unwrap(), &body, &NoRefs);
        assert_eq!(
            missing_severity(control_of(kind, &form)),
            Severity::High,
            "{body}"
        );
    }
}
