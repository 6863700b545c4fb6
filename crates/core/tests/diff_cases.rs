//! One case per kind of drift, on real IntuneCD export payloads where the fixtures have the kind.
//! Each case is data: a kind, a payload, an edit, and the changes expected, rendered one per line
//! as `Category path (setting): before -> after`. Conditional access has no fixture, so its case
//! uses the v1.0 shape from `docs/graph-research.md`.

use serde_json::{json, Value};
use std::collections::HashMap;
use tenantatlas_core::diff::{diff, Change, MapRefs, NoRefs};
use tenantatlas_core::kinds::by_key;

macro_rules! fixture {
    ($path:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/CES2026-IntuneCD/Backup/",
            $path
        ))
    };
}

const BITLOCKER: &str = fixture!("Settings Catalog/POC_WIN_D_CO_SBL_CIS_MS_BitLocker_mdm.json");
const COMPLIANCE: &str = fixture!(
    "Compliance Policies/Policies/POC_WIN_D_CO_SBL_CIS_BitLocker_windows10CompliancePolicy.json"
);
const UPDATE_RING: &str = fixture!(
    "Device Configurations/POC_WIN_D_CO_SBL_MSZT_Updates_windowsUpdateForBusinessConfiguration.json"
);
const SHELL_SCRIPT: &str =
    fixture!("Scripts/Shell/[intune-my-macs] SCR-APP-100 - Install Company Portal.json");

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

/// One line per change; a text diff follows its change, indented.
fn render(changes: &[Change]) -> String {
    let show = |v: &Option<Value>| match v {
        None => "-".to_string(),
        Some(Value::String(s)) if s.contains('\n') => "<text>".to_string(),
        Some(v) => v.to_string(),
    };
    let mut out = String::new();
    for c in changes {
        let setting = c
            .setting
            .as_deref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:?} {}{}: {} -> {}\n",
            c.category,
            c.path,
            setting,
            show(&c.before),
            show(&c.after)
        ));
        for line in c.text_diff.iter().flat_map(|t| t.lines()) {
            if line.starts_with(['-', '+']) && !line.starts_with("---") && !line.starts_with("+++")
            {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}

fn check_with(kind: &str, before: &Value, after: &Value, refs: &MapRefs, expect: &str) {
    let kind = by_key(kind).expect("known kind");
    let changes = diff(kind, before, after, refs, refs);
    assert_eq!(
        render(&changes).trim(),
        expect.trim(),
        "changes: {changes:#?}"
    );
}

fn check(kind: &str, before: &Value, after: &Value, expect: &str) {
    check_with(kind, before, after, &MapRefs::default(), expect);
}

/// The settings array entry whose instance has this definition id.
fn setting_mut<'a>(policy: &'a mut Value, id: &str) -> &'a mut Value {
    policy["settings"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|s| s["settingInstance"]["settingDefinitionId"] == id)
        .expect("setting in fixture")
}

#[test]
fn changed_setting_value() {
    let before = parse(BITLOCKER);
    let mut after = before.clone();
    let id = "device_vendor_msft_bitlocker_requiredeviceencryption";
    setting_mut(&mut after, id)["settingInstance"]["choiceSettingValue"]["value"] =
        json!(format!("{id}_0"));
    check(
        "configurationPolicies",
        &before,
        &after,
        r#"
Setting settings[device_vendor_msft_bitlocker_requiredeviceencryption].value (device_vendor_msft_bitlocker_requiredeviceencryption): "device_vendor_msft_bitlocker_requiredeviceencryption_1" -> "device_vendor_msft_bitlocker_requiredeviceencryption_0"
"#,
    );
}

#[test]
fn changed_child_setting_names_the_child() {
    let before = parse(BITLOCKER);
    let mut after = before.clone();
    let parent = "device_vendor_msft_bitlocker_encryptionmethodbydrivetype";
    let child = format!("{parent}_encryptionmethodwithxtsosdropdown_name");
    let children =
        &mut setting_mut(&mut after, parent)["settingInstance"]["choiceSettingValue"]["children"];
    children[1]["choiceSettingValue"]["value"] = json!(format!("{child}_7"));
    check(
        "configurationPolicies",
        &before,
        &after,
        &format!(
            r#"Setting settings[{parent}].children[{child}].value ({child}): "{child}_6" -> "{child}_7""#
        ),
    );
}

#[test]
fn added_and_removed_settings_are_one_change_each() {
    let full = parse(BITLOCKER);
    let mut fewer = full.clone();
    let settings = fewer["settings"].as_array_mut().unwrap();
    let gone = settings.remove(15);
    assert_eq!(
        gone["settingInstance"]["settingDefinitionId"],
        "device_vendor_msft_bitlocker_requiredeviceencryption"
    );
    let kind = by_key("configurationPolicies").unwrap();
    let removed = diff(kind, &full, &fewer, &NoRefs, &NoRefs);
    assert_eq!(removed.len(), 1, "{removed:#?}");
    assert_eq!(
        removed[0].path,
        "settings[device_vendor_msft_bitlocker_requiredeviceencryption]"
    );
    assert!(removed[0].before.is_some() && removed[0].after.is_none());
    let added = diff(kind, &fewer, &full, &NoRefs, &NoRefs);
    assert_eq!(added.len(), 1);
    assert!(added[0].before.is_none());
    assert_eq!(
        added[0].after.as_ref().unwrap()["value"],
        "device_vendor_msft_bitlocker_requiredeviceencryption_1"
    );
    assert_eq!(
        added[0].setting.as_deref(),
        Some("device_vendor_msft_bitlocker_requiredeviceencryption")
    );
}

#[test]
fn assignment_filter_mode_include_to_exclude() {
    let refs = MapRefs {
        groups: HashMap::from([("1f0c".repeat(9), "SG-Pilot-Devices".to_string())]),
        filters: HashMap::from([("a1b2-c3".to_string(), "Corporate devices".to_string())]),
        ..MapRefs::default()
    };
    let mut before = parse(UPDATE_RING);
    before["assignments"].as_array_mut().unwrap().push(json!({
        "id": "policy_group", "source": "direct", "intent": "apply",
        "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": "1f0c".repeat(9),
                   "deviceAndAppManagementAssignmentFilterId": "a1b2-c3",
                   "deviceAndAppManagementAssignmentFilterType": "include"}}));
    let mut after = before.clone();
    after["assignments"][1]["target"]["deviceAndAppManagementAssignmentFilterType"] =
        json!("exclude");
    check_with(
        "deviceConfigurations",
        &before,
        &after,
        &refs,
        r#"
Assignment assignments[group:SG-Pilot-Devices|filter:Corporate devices].target.deviceAndAppManagementAssignmentFilterType: "include" -> "exclude"
"#,
    );
}

#[test]
fn compliance_grace_period() {
    let before = parse(COMPLIANCE);
    let mut after = before.clone();
    after["scheduledActionsForRule"][0]["scheduledActionConfigurations"][0]["gracePeriodHours"] =
        json!(24);
    check(
        "deviceCompliancePolicies",
        &before,
        &after,
        r#"
Setting scheduledActionsForRule[default].scheduledActionConfigurations[block].gracePeriodHours (block): 336 -> 24
"#,
    );
}

#[test]
fn conditional_access_group_excluded() {
    let refs = MapRefs {
        groups: HashMap::from([
            (
                "f389fc8e-3965-4ae0-aa53-87511ab05f2b".into(),
                "SG-CA-BreakGlass-Exclude".into(),
            ),
            (
                "0c5a4d7e-0000-4000-8000-000000000001".into(),
                "SG-Contractors".into(),
            ),
        ]),
        ..MapRefs::default()
    };
    let before = json!({
        "id": "6b5e999b-0ba8-4186-a106-e0296c1c4358", "templateId": null,
        "displayName": "CA001 - Require MFA for admins", "state": "enabled",
        "createdDateTime": "2024-02-01T10:00:00.1234567Z", "modifiedDateTime": "2024-05-01T10:00:00Z",
        "sessionControls": null,
        "conditions": {
            "userRiskLevels": [], "signInRiskLevels": [], "clientAppTypes": ["all"],
            "platforms": null, "locations": null,
            "applications": {"includeApplications": ["All"], "excludeApplications": []},
            "users": {"includeUsers": ["All"], "excludeUsers": [], "includeGroups": [],
                      "excludeGroups": ["f389fc8e-3965-4ae0-aa53-87511ab05f2b"],
                      "includeRoles": [], "excludeRoles": []}
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"], "customAuthenticationFactors": [], "termsOfUse": []}
    });
    let mut after = before.clone();
    after["conditions"]["users"]["excludeGroups"] = json!([
        "0c5a4d7e-0000-4000-8000-000000000001",
        "f389fc8e-3965-4ae0-aa53-87511ab05f2b"
    ]);
    check_with(
        "conditionalAccessPolicies",
        &before,
        &after,
        &refs,
        r#"
Setting conditions.users.excludeGroups (conditions): ["group:SG-CA-BreakGlass-Exclude"] -> ["group:SG-CA-BreakGlass-Exclude","group:SG-Contractors"]
"#,
    );
}

/// Standard padded base64, for writing script bodies the way Graph sends them.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn script_line_change_shows_the_line() {
    let before = parse(SHELL_SCRIPT);
    let script = fixture!("Scripts/Shell/Script Data/scr-app-100-install-company-portal.sh");
    assert_eq!(
        before["scriptContent"],
        base64(script.as_bytes()),
        "encoder matches Graph's"
    );
    let mut after = before.clone();
    let edited = script.replacen("## Version: 1.1.0", "## Version: 1.2.0", 1);
    after["scriptContent"] = json!(base64(edited.as_bytes()));
    check(
        "deviceShellScripts",
        &before,
        &after,
        r#"
Script scriptContent: <text> -> <text>
    -## Version: 1.1.0
    +## Version: 1.2.0
"#,
    );
}

#[test]
fn description_change_is_a_property() {
    let before = parse(COMPLIANCE);
    let mut after = before.clone();
    after["description"] = json!("CIS BitLocker, reviewed");
    check(
        "deviceCompliancePolicies",
        &before,
        &after,
        r#"Property description: "" -> "CIS BitLocker, reviewed""#,
    );
}

#[test]
fn flat_policy_property_is_a_setting() {
    let before = parse(COMPLIANCE);
    let mut after = before.clone();
    after["bitLockerEnabled"] = json!(false);
    check(
        "deviceCompliancePolicies",
        &before,
        &after,
        "Setting bitLockerEnabled (bitLockerEnabled): true -> false",
    );
}

/// Entra policies compare by meaning: reordered method combinations, role actions and method
/// targets are no drift; a target's group id is configuration (not a child id to drop), so
/// changing it is one change, as is a method switched off.
#[test]
fn entra_policies_compare_sets_and_targets_by_meaning() {
    let strength = json!({"id": "s", "displayName": "Admins", "policyType": "custom",
        "allowedCombinations": ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"]});
    let mut reordered = strength.clone();
    reordered["allowedCombinations"] = json!([
        "x509CertificateMultiFactor",
        "fido2",
        "windowsHelloForBusiness"
    ]);
    check("authenticationStrengthPolicies", &strength, &reordered, "");

    let role = json!({"id": "r", "displayName": "Helpdesk", "isBuiltIn": false,
        "rolePermissions": [{"allowedResourceActions": ["a/read", "b/update"], "condition": null}]});
    let mut same = role.clone();
    same["rolePermissions"][0]["allowedResourceActions"] = json!(["b/update", "a/read"]);
    check("directoryRoleDefinitions", &role, &same, "");

    let methods = json!({"id": "authenticationMethodsPolicy", "authenticationMethodConfigurations": [
        {"id": "Fido2", "state": "enabled", "includeTargets": [
            {"targetType": "group", "id": "g1", "isRegistrationRequired": false},
            {"targetType": "group", "id": "g2", "isRegistrationRequired": false}]},
        {"id": "Sms", "state": "enabled", "includeTargets": []}]});
    let mut reversed = methods.clone();
    reversed["authenticationMethodConfigurations"]
        .as_array_mut()
        .unwrap()
        .reverse();
    reversed["authenticationMethodConfigurations"][1]["includeTargets"]
        .as_array_mut()
        .unwrap()
        .reverse();
    check("authenticationMethodsPolicy", &methods, &reversed, "");
    let mut sms_off = methods.clone();
    sms_off["authenticationMethodConfigurations"][1]["state"] = json!("disabled");
    let kind = by_key("authenticationMethodsPolicy").unwrap();
    let changes = diff(kind, &methods, &sms_off, &NoRefs, &NoRefs);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert!(changes[0].path.contains("Sms"), "{changes:#?}");
    let mut other_group = methods.clone();
    other_group["authenticationMethodConfigurations"][0]["includeTargets"][1]["id"] = json!("g3");
    let changes = diff(kind, &methods, &other_group, &NoRefs, &NoRefs);
    assert_eq!(changes.len(), 2, "g2 gone, g3 added: {changes:#?}");
}
