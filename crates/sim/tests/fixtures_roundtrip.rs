//! Every real exported policy under `tests/fixtures` (IntuneCD backups, Microsoft's configuration
//! frameworks) goes into the simulator over HTTP, the way an administrator's tool would create it,
//! and must come back by id unchanged apart from what the service assigns itself.

mod common;

use common::TestSim;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// Files that are not single policy objects: IntuneCD's assignment report and its tenant-wide
/// Intune settings.
const EXPECTED_SKIPS: &[&str] = &[
    "CES2026-IntuneCD/Backup/Assignment Report/report.json",
    "CES2026-IntuneCD/Backup/Device Management Settings/settings.json",
];

/// Properties the service sets itself; a round trip may add or change them.
const SERVER_FIELDS: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "modifiedDateTime",
    "version",
    "settingCount",
    "isAssigned",
];

/// Navigation collections written inline (or, for message templates, one by one) and read back
/// with `$expand`; the service numbers or ids their items.
const NAVIGATIONS: &[&str] = &[
    "settings",
    "scheduledActionsForRule",
    "scheduledActionConfigurations",
    "localizedNotificationMessages",
];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
    {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_json(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            out.push(path);
        }
    }
}

/// Where an exported object lives: `(collection path below /beta, base @odata.type)`. Chosen from
/// `@odata.type`, or — for IntuneCD exports that carry none — from the object's shape and folder.
fn collection_for(
    relative: &str,
    object: &Map<String, Value>,
) -> Option<(&'static str, &'static str)> {
    if let Some(odata_type) = object.get("@odata.type").and_then(Value::as_str) {
        let t = odata_type
            .trim_start_matches("#microsoft.graph.")
            .to_ascii_lowercase();
        let found = if t == "iosmanagedappprotection" {
            (
                "deviceAppManagement/iosManagedAppProtections",
                "#microsoft.graph.iosManagedAppProtection",
            )
        } else if t == "androidmanagedappprotection" {
            (
                "deviceAppManagement/androidManagedAppProtections",
                "#microsoft.graph.androidManagedAppProtection",
            )
        } else if t.ends_with("compliancepolicy") {
            (
                "deviceManagement/deviceCompliancePolicies",
                "#microsoft.graph.deviceCompliancePolicy",
            )
        } else if t.contains("enrollment") || t == "devicecomanagementauthorityconfiguration" {
            (
                "deviceManagement/deviceEnrollmentConfigurations",
                "#microsoft.graph.deviceEnrollmentConfiguration",
            )
        } else if t.ends_with("roledefinition") {
            (
                "deviceManagement/roleDefinitions",
                "#microsoft.graph.deviceAndAppManagementRoleDefinition",
            )
        } else if t.ends_with("configuration") {
            (
                "deviceManagement/deviceConfigurations",
                "#microsoft.graph.deviceConfiguration",
            )
        } else {
            panic!("{relative}: no collection known for {odata_type}; extend the test's mapping");
        };
        return Some(found);
    }
    let has = |key: &str| object.contains_key(key);
    if has("settings") && has("technologies") {
        Some((
            "deviceManagement/configurationPolicies",
            "#microsoft.graph.deviceManagementConfigurationPolicy",
        ))
    } else if has("scriptContent") && relative.contains("Custom Attributes/") {
        Some((
            "deviceManagement/deviceCustomAttributeShellScripts",
            "#microsoft.graph.deviceCustomAttributeShellScript",
        ))
    } else if has("scriptContent") {
        let powershell = object
            .get("fileName")
            .and_then(Value::as_str)
            .is_some_and(|f| f.ends_with(".ps1"));
        Some(if powershell {
            (
                "deviceManagement/deviceManagementScripts",
                "#microsoft.graph.deviceManagementScript",
            )
        } else {
            (
                "deviceManagement/deviceShellScripts",
                "#microsoft.graph.deviceShellScript",
            )
        })
    } else if has("brandingOptions") {
        Some((
            "deviceManagement/notificationMessageTemplates",
            "#microsoft.graph.notificationMessageTemplate",
        ))
    } else if relative.contains("Scope Tags/") && has("displayName") {
        Some((
            "deviceManagement/roleScopeTags",
            "#microsoft.graph.roleScopeTag",
        ))
    } else {
        None
    }
}

/// The query that reads an object back with the navigations it was written with.
fn expand_for(collection: &str) -> &'static str {
    match collection {
        "deviceManagement/configurationPolicies" => "?$expand=settings",
        "deviceManagement/deviceCompliancePolicies" => {
            "?$expand=scheduledActionsForRule($expand=scheduledActionConfigurations)"
        }
        "deviceManagement/notificationMessageTemplates" => "?$expand=localizedNotificationMessages",
        _ => "",
    }
}

/// Drops annotations other than `@odata.type`, and server fields inside navigation items.
fn normalise(value: &Value, inside_navigation: bool) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, v) in map {
                if key.contains('@') && key != "@odata.type" {
                    continue;
                }
                if inside_navigation && SERVER_FIELDS.contains(&key.as_str()) {
                    continue;
                }
                let nested = NAVIGATIONS.contains(&key.as_str());
                out.insert(key.clone(), normalise(v, nested));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| normalise(i, inside_navigation))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Differences between what was sent and what came back, as readable lines.
fn compare(
    expected: &Map<String, Value>,
    actual: &Map<String, Value>,
    base_type: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, want) in expected {
        if SERVER_FIELDS.contains(&key.as_str()) {
            continue;
        }
        match actual.get(key) {
            None => problems.push(format!("{key} is missing")),
            Some(got) if got != want => {
                problems.push(format!("{key} changed: sent {want}, got {got}"))
            }
            Some(_) => {}
        }
    }
    for (key, got) in actual {
        if expected.contains_key(key) || SERVER_FIELDS.contains(&key.as_str()) {
            continue;
        }
        // Defaults the service fills in when the client sends none.
        let defaulted = match key.as_str() {
            "@odata.type" => got == base_type,
            "roleScopeTagIds" => got == &serde_json::json!(["0"]),
            "creationSource" => got.is_null(),
            "templateReference" => got["templateFamily"] == "none",
            _ => false,
        };
        if !defaulted {
            problems.push(format!("{key} appeared: {got}"));
        }
    }
    problems
}

/// Creates one exported object over HTTP and reads it back; `Err` says what went wrong.
async fn round_trip(
    sim: &TestSim,
    token: &str,
    relative: &str,
    mut object: Map<String, Value>,
    collection: &str,
    base_type: &str,
) -> Result<(), String> {
    // IntuneCD names assignment groups, which mean nothing in another tenant.
    object.remove("assignments");
    object.retain(|key, _| !key.contains('@') || key == "@odata.type");
    // Message templates take their localized messages one by one after the template exists.
    let messages = match collection {
        "deviceManagement/notificationMessageTemplates" => {
            object.remove("localizedNotificationMessages")
        }
        _ => None,
    };
    let sent = Value::Object(object.clone());
    let (status, created) = sim
        .send_json(token, Method::POST, &format!("/beta/{collection}"), &sent)
        .await;
    if status != StatusCode::CREATED {
        return Err(format!("POST answered {status}: {created}"));
    }
    let id = created["id"]
        .as_str()
        .ok_or_else(|| format!("created without id: {created}"))?
        .to_string();
    if let Some(Value::Array(messages)) = &messages {
        for message in messages {
            let path = format!("/beta/{collection}/{id}/localizedNotificationMessages");
            let (status, body) = sim.send_json(token, Method::POST, &path, message).await;
            if status != StatusCode::CREATED {
                return Err(format!("POST {path} answered {status}: {body}"));
            }
        }
        object.insert(
            "localizedNotificationMessages".into(),
            Value::Array(messages.clone()),
        );
    }

    let (status, read) = sim
        .get_json(
            token,
            &format!("/beta/{collection}/{id}{}", expand_for(collection)),
        )
        .await;
    if status != StatusCode::OK {
        return Err(format!("GET answered {status}: {read}"));
    }
    if read["id"] != created["id"] {
        return Err(format!("GET returned another object: {read}"));
    }
    if let Some(settings) = object.get("settings").and_then(Value::as_array) {
        if read["settingCount"] != serde_json::json!(settings.len()) {
            return Err(format!(
                "settingCount is {} for {} settings",
                read["settingCount"],
                settings.len()
            ));
        }
    }
    let expected = normalise(&Value::Object(object), false);
    let actual = normalise(&read, false);
    let problems = compare(
        expected.as_object().unwrap(),
        actual.as_object().unwrap(),
        base_type,
    );
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{relative}: {}", problems.join("; ")))
    }
}

#[tokio::test]
async fn every_fixture_round_trips_through_graph() {
    let root = fixtures_dir();
    let mut files = Vec::new();
    collect_json(&root, &mut files);
    files.sort();
    assert!(
        files.len() > EXPECTED_SKIPS.len(),
        "no fixtures under {}",
        root.display()
    );

    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let mut skipped = Vec::new();
    let mut passed = 0;
    let mut failures = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap();
        let value: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{relative} is not JSON: {e}"));
        let Value::Object(object) = value else {
            skipped.push(relative);
            continue;
        };
        let Some((collection, base_type)) = collection_for(&relative, &object) else {
            skipped.push(relative);
            continue;
        };
        match round_trip(&sim, &token, &relative, object, collection, base_type).await {
            Ok(()) => passed += 1,
            Err(problem) => failures.push(format!("{relative} ({collection}): {problem}")),
        }
    }
    println!(
        "fixtures: {passed} of {} policy files round-tripped through Graph, {} skipped as not single policies",
        files.len() - skipped.len(),
        skipped.len()
    );
    assert_eq!(
        skipped, EXPECTED_SKIPS,
        "only the known non-policy files are skipped"
    );
    assert!(
        failures.is_empty(),
        "{} fixture(s) did not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
