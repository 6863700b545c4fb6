//! Writing Graph through the simulator with a plain HTTP client: create, update (PATCH, and PUT
//! for the settings catalog), delete, each kind's assign action with its body key, status and
//! assignment ids, Autopilot's per-target assignments, and the audit trail writes leave behind.

mod common;

use common::{graph_error_code, TestSim, CLIENT_ID};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const BETA: &str = "/beta/deviceManagement";
const ALL_DEVICES: &str = "adadadad-808e-44e2-905a-0b7873a8a531";

async fn group_ids(sim: &TestSim, token: &str) -> Vec<String> {
    let (groups, _) = sim.get_all(token, "/v1.0/groups").await;
    let ids: Vec<String> = groups
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2, "the tenant needs two groups");
    ids
}

async fn first_id(sim: &TestSim, token: &str, path: &str) -> String {
    let (status, body) = sim
        .get_json(token, &format!("{path}?$top=1&$select=id"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["value"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} is empty: {body}"))
        .to_string()
}

fn group_target(group: &str) -> Value {
    json!({"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group,
           "deviceAndAppManagementAssignmentFilterId": null, "deviceAndAppManagementAssignmentFilterType": "none"})
}

fn choice_setting(definition: &str, value: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSetting",
        "settingInstance": {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
            "settingDefinitionId": definition,
            "settingInstanceTemplateReference": null,
            "choiceSettingValue": {"settingValueTemplateReference": null, "value": value, "children": []}
        }
    })
}

/// `count` choice settings built from the served Windows definitions, starting at `skip`.
async fn settings_from_catalog(
    sim: &TestSim,
    token: &str,
    skip: usize,
    count: usize,
) -> Vec<Value> {
    let (definitions, _) = sim
        .get_all(token, &format!("{BETA}/configurationSettings"))
        .await;
    let settings: Vec<Value> = definitions
        .iter()
        .filter(|d| {
            d["applicability"]["platform"] == "windows10"
                && d["options"].as_array().is_some_and(|o| !o.is_empty())
        })
        .skip(skip)
        .take(count)
        .map(|d| {
            choice_setting(
                d["id"].as_str().unwrap(),
                d["options"][0]["itemId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(settings.len(), count);
    settings
}

async fn delete(sim: &TestSim, token: &str, path: &str) -> (StatusCode, Value) {
    let response = sim
        .client
        .delete(format!("{}{path}", sim.graph()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Audit events about one object, newest first.
async fn audit_events_for(sim: &TestSim, token: &str, id: &str) -> Vec<Value> {
    let (events, _) = sim
        .get_all(token, "/v1.0/deviceManagement/auditEvents")
        .await;
    events
        .into_iter()
        .filter(|e| {
            e["resources"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r["resourceId"] == id))
        })
        .collect()
}

#[tokio::test]
async fn create_device_configuration_returns_201_with_server_fields() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (before, _) = sim
        .get_all(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    let request = json!({
        "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
        "displayName": "TA - Win - Test restrictions",
        "description": "made by a test",
        "passwordRequired": true,
        "passwordMinimumLength": 12,
        "roleScopeTagIds": ["0"]
    });
    let (status, created) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/deviceConfigurations"),
            &request,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(
        created["@odata.context"],
        json!(format!(
            "{}/beta/$metadata#deviceManagement/deviceConfigurations/$entity",
            sim.graph()
        ))
    );
    assert!(
        created["createdDateTime"].as_str().unwrap().ends_with('Z'),
        "{created}"
    );
    assert_eq!(created["createdDateTime"], created["lastModifiedDateTime"]);
    assert_eq!(created["version"], 1);
    for (key, value) in request.as_object().unwrap() {
        assert_eq!(&created[key], value, "{key}");
    }

    let (status, read) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read, created, "GET returns what POST created");

    let (after, _) = sim
        .get_all(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.iter().any(|o| o["id"] == id));
    let events = audit_events_for(&sim, &token, id).await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["activityOperationType"], "Create");
}

#[tokio::test]
async fn create_on_an_abstract_base_type_needs_a_concrete_odata_type() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    for collection in [
        "deviceConfigurations",
        "deviceCompliancePolicies",
        "deviceEnrollmentConfigurations",
    ] {
        let path = format!("{BETA}/{collection}");
        let (before, _) = sim.get_all(&token, &path).await;
        let (status, body) = sim
            .send_json(
                &token,
                Method::POST,
                &path,
                &json!({"displayName": "No type"}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{collection}: {body}");
        graph_error_code(&body);
        let (after, _) = sim.get_all(&token, &path).await;
        assert_eq!(after.len(), before.len(), "{collection}: nothing created");
    }
}

/// Posting an object of another collection's type is refused: Graph answers 400
/// `ModelValidationFailure` "…is not assignable to the expected type…" (captured in
/// jseerden/IntuneBackupAndRestore#28).
#[tokio::test]
async fn create_with_a_type_of_another_collection_is_refused() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/deviceCompliancePolicies"),
            &json!({"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration", "displayName": "Wrong collection"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(graph_error_code(&body), "ModelValidationFailure");
}

#[tokio::test]
async fn create_settings_catalog_policy_with_inline_settings() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let settings = settings_from_catalog(&sim, &token, 0, 3).await;
    let (status, created) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/configurationPolicies"),
            &json!({"name": "TA - Win - Inline settings", "description": "", "platforms": "windows10",
                    "technologies": "mdm", "roleScopeTagIds": ["0"], "settings": settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["settingCount"], 3);
    assert_eq!(created["name"], "TA - Win - Inline settings");

    let (listed, _) = sim
        .get_all(
            &token,
            &format!("{BETA}/configurationPolicies/{id}/settings"),
        )
        .await;
    let ids: Vec<&str> = listed.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["0", "1", "2"]);
    for (got, sent) in listed.iter().zip(&settings) {
        assert_eq!(got["settingInstance"], sent["settingInstance"]);
    }
    let (_, read) = sim
        .get_json(&token, &format!("{BETA}/configurationPolicies/{id}"))
        .await;
    assert_eq!(read["settingCount"], 3);
    assert_eq!(read["isAssigned"], false);
}

#[tokio::test]
async fn patch_bumps_version_and_last_modified_and_is_audited() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let id = first_id(&sim, &token, &format!("{BETA}/deviceConfigurations")).await;
    let path = format!("{BETA}/deviceConfigurations/{id}");
    let (_, before) = sim.get_json(&token, &path).await;
    let old_name = before["displayName"].as_str().unwrap().to_string();
    let new_name = format!("{old_name} (patched)");

    let response = sim
        .client
        .patch(format!("{}{path}", sim.graph()))
        .bearer_auth(&token)
        .json(&json!({"@odata.type": before["@odata.type"], "displayName": new_name}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(
        response.bytes().await.unwrap().is_empty(),
        "204 has no body"
    );

    let (_, after) = sim.get_json(&token, &path).await;
    assert_eq!(after["displayName"], json!(new_name));
    assert_eq!(
        after["version"],
        json!(before["version"].as_i64().unwrap() + 1)
    );
    assert!(
        after["lastModifiedDateTime"].as_str().unwrap()
            > before["lastModifiedDateTime"].as_str().unwrap(),
        "{} -> {}",
        before["lastModifiedDateTime"],
        after["lastModifiedDateTime"]
    );
    assert_eq!(after["createdDateTime"], before["createdDateTime"]);
    assert_eq!(
        after["description"], before["description"],
        "PATCH leaves other properties alone"
    );

    let events = audit_events_for(&sim, &token, &id).await;
    let event = &events[0];
    assert_eq!(event["activityOperationType"], "Patch", "{event}");
    assert_eq!(event["activityResult"], "Success");
    assert_eq!(event["componentName"], "DeviceConfiguration");
    assert_eq!(event["actor"]["applicationId"], CLIENT_ID);
    assert_eq!(
        event["actor"]["userPrincipalName"],
        json!(format!("admin@{}", sim.handle.tenants()[0].domain))
    );
    let modified = event["resources"][0]["modifiedProperties"]
        .as_array()
        .unwrap();
    assert!(
        modified.iter().any(|p| p["displayName"]
            .as_str()
            .unwrap()
            .eq_ignore_ascii_case("displayName")
            && p["oldValue"] == json!(old_name)
            && p["newValue"] == json!(new_name)),
        "{event}"
    );

    // A PATCH that names another type is refused, and an unknown id is 404.
    let (status, body) = sim
        .send_json(
            &token,
            Method::PATCH,
            &path,
            &json!({"@odata.type": "#microsoft.graph.iosGeneralDeviceConfiguration"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = sim
        .send_json(
            &token,
            Method::PATCH,
            &format!("{BETA}/deviceConfigurations/0badc0de-0000-4000-8000-000000000000"),
            &json!({"description": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(graph_error_code(&body), "ResourceNotFound");
}

#[tokio::test]
async fn put_replaces_a_settings_catalog_policy() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let old_settings = settings_from_catalog(&sim, &token, 0, 3).await;
    let (status, created) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/configurationPolicies"),
            &json!({"name": "TA - Win - Before PUT", "description": "goes away", "platforms": "windows10",
                    "technologies": "mdm", "settings": old_settings}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let path = format!("{BETA}/configurationPolicies/{id}");

    let new_settings = settings_from_catalog(&sim, &token, 10, 2).await;
    let (status, body) = sim
        .send_json(
            &token,
            Method::PUT,
            &path,
            &json!({"name": "TA - Win - After PUT", "platforms": "windows10", "technologies": "mdm", "settings": new_settings}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, read) = sim
        .get_json(&token, &format!("{path}?$expand=settings"))
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["name"], "TA - Win - After PUT");
    assert_eq!(read["settingCount"], 2);
    assert!(
        read.get("description").is_none_or(Value::is_null),
        "PUT replaces the whole object: {read}"
    );
    assert_eq!(read["id"], created["id"]);
    assert_eq!(read["createdDateTime"], created["createdDateTime"]);
    let settings = read["settings"].as_array().unwrap();
    let ids: Vec<&str> = settings.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["0", "1"]);
    for (got, sent) in settings.iter().zip(&new_settings) {
        assert_eq!(got["settingInstance"], sent["settingInstance"]);
    }
    let events = audit_events_for(&sim, &token, id).await;
    assert_eq!(events.len(), 2, "create and update: {events:?}");
}

#[tokio::test]
async fn delete_then_get_is_404() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let id = first_id(&sim, &token, &format!("{BETA}/deviceConfigurations")).await;
    let path = format!("{BETA}/deviceConfigurations/{id}");
    let response = sim
        .client
        .delete(format!("{}{path}", sim.graph()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());

    let (status, body) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(graph_error_code(&body), "ResourceNotFound");
    let (items, _) = sim
        .get_all(&token, &format!("{BETA}/deviceConfigurations"))
        .await;
    assert!(items.iter().all(|i| i["id"] != id.as_str()));
    let events = audit_events_for(&sim, &token, &id).await;
    assert_eq!(events[0]["activityOperationType"], "Delete", "{events:?}");

    let (status, body) = delete(&sim, &token, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "deleting twice: {body}");
}

#[tokio::test]
async fn assign_device_configuration_returns_200_with_the_new_assignments() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let groups = group_ids(&sim, &token).await;
    let id = first_id(&sim, &token, &format!("{BETA}/deviceConfigurations")).await;
    let (_, before) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations/{id}"))
        .await;
    let body = json!({"assignments": [
        {"target": group_target(&groups[0])},
        {"target": {"@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget", "groupId": groups[1]}},
        {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}},
    ]});
    let (status, response) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/deviceConfigurations/{id}/assign"),
            &body,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert!(response["@odata.context"].is_string(), "{response}");
    let expected = vec![
        format!("{id}_{}", groups[0]),
        format!("{id}_{}", groups[1]),
        format!("{id}_{ALL_DEVICES}"),
    ];
    let value = response["value"].as_array().unwrap();
    let got: Vec<&str> = value.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(got, expected);
    assert_eq!(value[0]["target"]["groupId"], json!(groups[0]));

    // Assign replaces: the object now has exactly these assignments.
    let (_, listed) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceConfigurations/{id}/assignments"),
        )
        .await;
    let listed: Vec<&str> = listed["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, expected);
    let (_, after) = sim
        .get_json(&token, &format!("{BETA}/deviceConfigurations/{id}"))
        .await;
    assert_eq!(
        after["version"],
        json!(before["version"].as_i64().unwrap() + 1)
    );

    // The settings catalog answers the same way and flags the policy as assigned.
    let policy = first_id(&sim, &token, &format!("{BETA}/configurationPolicies")).await;
    let path = format!("{BETA}/configurationPolicies/{policy}");
    let (status, response) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{path}/assign"),
            &json!({"assignments": []}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(response["value"], json!([]));
    let (_, read) = sim.get_json(&token, &path).await;
    assert_eq!(read["isAssigned"], false);
    let (status, response) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{path}/assign"),
            &json!({"assignments": [{"target": group_target(&groups[0])}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    assert_eq!(
        response["value"][0]["id"],
        json!(format!("{policy}_{}", groups[0]))
    );
    let (_, read) = sim.get_json(&token, &path).await;
    assert_eq!(read["isAssigned"], true);
}

#[tokio::test]
async fn assign_remediation_returns_204_and_colon_ids() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let groups = group_ids(&sim, &token).await;
    let id = first_id(&sim, &token, &format!("{BETA}/deviceHealthScripts")).await;
    let schedule = json!({"@odata.type": "#microsoft.graph.deviceHealthScriptDailySchedule", "interval": 1, "useUtc": false, "time": "20:00:00.0000000"});
    let body = json!({"deviceHealthScriptAssignments": [
        {"target": group_target(&groups[0]), "runRemediationScript": true, "runSchedule": schedule},
        {"target": {"@odata.type": "#microsoft.graph.allDevicesAssignmentTarget"}, "runRemediationScript": false, "runSchedule": schedule},
    ]});
    let response = sim
        .client
        .post(format!(
            "{}{BETA}/deviceHealthScripts/{id}/assign",
            sim.graph()
        ))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(response.bytes().await.unwrap().is_empty());

    let (_, listed) = sim
        .get_json(
            &token,
            &format!("{BETA}/deviceHealthScripts/{id}/assignments"),
        )
        .await;
    let listed = listed["value"].as_array().unwrap();
    let ids: Vec<&str> = listed.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [format!("{id}:{}", groups[0]), format!("{id}:{ALL_DEVICES}")]
    );
    assert_eq!(listed[0]["runRemediationScript"], true);
    assert_eq!(listed[0]["runSchedule"], schedule);

    // The key is the kind's own: `assignments` is not understood here.
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{BETA}/deviceHealthScripts/{id}/assign"),
            &json!({"assignments": [{"target": group_target(&groups[0])}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    graph_error_code(&body);
}

#[tokio::test]
async fn assign_to_a_group_that_does_not_exist_is_400_and_changes_nothing() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let id = first_id(&sim, &token, &format!("{BETA}/deviceConfigurations")).await;
    let path = format!("{BETA}/deviceConfigurations/{id}");
    let (_, before) = sim.get_json(&token, &format!("{path}/assignments")).await;
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{path}/assign"),
            &json!({"assignments": [{"target": group_target("0badc0de-0000-4000-8000-000000000000")}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    graph_error_code(&body);
    let (_, after) = sim.get_json(&token, &format!("{path}/assignments")).await;
    assert_eq!(after["value"], before["value"]);
}

#[tokio::test]
async fn autopilot_profiles_take_assignments_one_post_at_a_time() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let groups = group_ids(&sim, &token).await;
    let id = first_id(
        &sim,
        &token,
        &format!("{BETA}/windowsAutopilotDeploymentProfiles"),
    )
    .await;
    let path = format!("{BETA}/windowsAutopilotDeploymentProfiles/{id}/assignments");
    let (_, before) = sim.get_json(&token, &path).await;
    let before = before["value"].as_array().unwrap().len();

    let mut created_ids = Vec::new();
    for group in &groups[..2] {
        let (status, created) = sim
            .send_json(
                &token,
                Method::POST,
                &path,
                &json!({"@odata.type": "#microsoft.graph.windowsAutopilotDeploymentProfileAssignment",
                        "target": group_target(group), "source": "direct", "sourceId": null}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert!(created["id"].is_string(), "{created}");
        assert_eq!(created["target"]["groupId"], json!(group));
        assert!(
            created["@odata.context"]
                .as_str()
                .unwrap()
                .contains(&format!(
                    "windowsAutopilotDeploymentProfiles('{id}')/assignments"
                )),
            "{created}"
        );
        created_ids.push(created["id"].clone());
    }
    let (_, after) = sim.get_json(&token, &path).await;
    let after = after["value"].as_array().unwrap();
    assert_eq!(after.len(), before + 2);
    for created in &created_ids {
        assert!(after.iter().any(|a| &a["id"] == created));
    }

    // One assignment goes away on its own.
    let one = created_ids[0].as_str().unwrap();
    let (status, _) = delete(&sim, &token, &format!("{path}/{one}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, remaining) = sim.get_json(&token, &path).await;
    assert_eq!(remaining["value"].as_array().unwrap().len(), before + 1);
}

#[tokio::test]
async fn default_enrollment_configuration_cannot_be_deleted() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let (items, _) = sim
        .get_all(&token, &format!("{BETA}/deviceEnrollmentConfigurations"))
        .await;
    let default = items
        .iter()
        .find(|i| i["priority"] == 0)
        .expect("a default enrollment configuration");
    let id = default["id"].as_str().unwrap();
    let path = format!("{BETA}/deviceEnrollmentConfigurations/{id}");
    let (status, body) = delete(&sim, &token, &path).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    graph_error_code(&body);
    let (status, _) = sim.get_json(&token, &path).await;
    assert_eq!(status, StatusCode::OK, "the default is still there");

    let custom = items
        .iter()
        .find(|i| i["priority"].as_i64().unwrap_or(0) > 0)
        .expect("a custom enrollment configuration");
    let path = format!(
        "{BETA}/deviceEnrollmentConfigurations/{}",
        custom["id"].as_str().unwrap()
    );
    let (status, body) = delete(&sim, &token, &path).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

#[tokio::test]
async fn a_refused_update_of_admx_values_changes_nothing() {
    let sim = common::start(1, 120).await;
    let token = sim.token(0).await;
    let path = format!("{BETA}/groupPolicyConfigurations");
    let id = first_id(&sim, &token, &path).await;
    let values_path = format!("{path}/{id}/definitionValues");
    let (_, before) = sim.get_json(&token, &values_path).await;
    let first_value = before["value"][0]["id"]
        .as_str()
        .expect("a definition value")
        .to_string();
    let (_, policy_before) = sim.get_json(&token, &format!("{path}/{id}")).await;

    // A valid deletion together with an update of a value that does not exist: refused whole.
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{path}/{id}/updateDefinitionValues"),
            &json!({"added": [], "updated": [{"id": "00000000-0000-0000-0000-0000000000aa", "enabled": false}], "deletedIds": [first_value]}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    graph_error_code(&body);
    let (_, after) = sim.get_json(&token, &values_path).await;
    assert_eq!(
        after["value"], before["value"],
        "the deletion was not applied"
    );
    let (_, policy_after) = sim.get_json(&token, &format!("{path}/{id}")).await;
    assert_eq!(
        policy_after["lastModifiedDateTime"],
        policy_before["lastModifiedDateTime"]
    );
    assert!(
        audit_events_for(&sim, &token, &id).await.is_empty(),
        "a refused request writes no audit event"
    );

    // The same deletion alone is applied, marks the policy changed and is audited.
    let (status, body) = sim
        .send_json(
            &token,
            Method::POST,
            &format!("{path}/{id}/updateDefinitionValues"),
            &json!({"added": [], "updated": [], "deletedIds": [first_value]}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, after) = sim.get_json(&token, &values_path).await;
    assert_eq!(
        after["value"].as_array().unwrap().len(),
        before["value"].as_array().unwrap().len() - 1
    );
    assert_eq!(audit_events_for(&sim, &token, &id).await.len(), 1);
}
