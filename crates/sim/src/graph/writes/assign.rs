//! Assignments: validating targets against the tenant's groups and filters, the id forms the
//! service uses, and the `/assign` actions with each kind's body key and status.

use super::super::error::{GraphError, GraphResult, Reply};
use super::super::resources::{find, render, source_of};
use super::super::Call;
use super::{body_object, change_object};
use crate::kinds::{AssignStyle, Family, KindSpec};
use crate::model::SimObject;
use crate::state::World;
use serde_json::{json, Map, Value};

/// Virtual target ids Intune uses in assignment ids for "All devices" and "All users".
const ALL_DEVICES_ID: &str = "adadadad-808e-44e2-905a-0b7873a8a531";
const ALL_USERS_ID: &str = "acacacac-9df4-4c7d-9d50-4ef0226f57a9";

/// Validates an assignment and gives its id the form the service uses.
pub(super) fn make_assignment(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    object_id: &str,
    item: Value,
) -> GraphResult<SimObject> {
    let Value::Object(mut map) = item else {
        return Err(GraphError::bad_request(
            "Each assignment must be an object.",
        ));
    };
    map.retain(|key, _| key == "@odata.type" || !key.contains('@'));
    let target = map
        .get("target")
        .and_then(Value::as_object)
        .ok_or_else(|| GraphError::bad_request("An assignment needs a 'target'."))?;
    let target_type = target
        .get("@odata.type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let tenant = &world.tenants[call.tenant];
    let target_id = match target_type {
        "#microsoft.graph.groupAssignmentTarget" | "#microsoft.graph.exclusionGroupAssignmentTarget" => {
            let group = target.get("groupId").and_then(Value::as_str).unwrap_or("");
            if !tenant.groups.iter().any(|g| g.get("id").and_then(Value::as_str) == Some(group)) {
                return Err(GraphError::bad_request(format!("The group '{group}' in the assignment target does not exist in this tenant.")).from(source_of(kind)));
            }
            group.to_string()
        }
        "#microsoft.graph.allDevicesAssignmentTarget" => ALL_DEVICES_ID.to_string(),
        "#microsoft.graph.allLicensedUsersAssignmentTarget" => ALL_USERS_ID.to_string(),
        other => {
            return Err(GraphError::bad_request(format!("The assignment target type '{other}' is not valid; use a group, exclusion group, all devices or all licensed users target.")))
        }
    };
    if let Some(filter) = target
        .get("deviceAndAppManagementAssignmentFilterId")
        .and_then(Value::as_str)
    {
        let known = filter == "00000000-0000-0000-0000-000000000000"
            || tenant
                .collection("assignmentFilters")
                .iter()
                .any(|f| f.id().eq_ignore_ascii_case(filter));
        if !known {
            return Err(GraphError::bad_request(format!(
                "The assignment filter '{filter}' does not exist in this tenant."
            ))
            .from(source_of(kind)));
        }
    }
    if let Some(mode) = target
        .get("deviceAndAppManagementAssignmentFilterType")
        .and_then(Value::as_str)
    {
        if !matches!(mode, "include" | "exclude" | "none") {
            return Err(GraphError::bad_request(format!(
                "The filter type '{mode}' is not valid; use include, exclude or none."
            )));
        }
    }
    let separator = if kind.family == Family::IntuneScripts {
        ":"
    } else {
        "_"
    };
    let id = match kind.assign {
        AssignStyle::PostEach => world.random_guid(),
        _ => format!("{object_id}{separator}{target_id}"),
    };
    let mut out = Map::new();
    out.insert("id".into(), json!(id));
    if matches!(
        kind.key,
        "configurationPolicies"
            | "deviceConfigurations"
            | "deviceCompliancePolicies"
            | "groupPolicyConfigurations"
    ) {
        out.insert("source".into(), json!("direct"));
        out.insert("sourceId".into(), json!(object_id));
    }
    map.remove("id");
    out.extend(map);
    Ok(SimObject::new(out))
}

pub(in crate::graph) fn assign(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
    body: Option<Value>,
) -> GraphResult<Reply> {
    let AssignStyle::Action { body_key, status } = kind.assign else {
        return Err(GraphError::segment_not_found("assign"));
    };
    let map = body_object(body)?;
    let items = match map.iter().find(|(k, _)| k.eq_ignore_ascii_case(body_key)).map(|(_, v)| v) {
        Some(Value::Array(items)) => items.clone(),
        _ => {
            return Err(GraphError::bad_request(format!(
                "The request body must contain the parameter '{body_key}' with an array of assignments."
            )))
        }
    };
    let object_id = find(world, call, kind, id)?.id().to_string();
    let mut assignments = Vec::new();
    for item in items {
        let assignment = make_assignment(world, call, kind, &object_id, item)?;
        if assignments
            .iter()
            .any(|a: &SimObject| a.id() == assignment.id())
        {
            return Err(
                GraphError::bad_request("The same target is assigned twice.").from(source_of(kind)),
            );
        }
        assignments.push(assignment);
    }
    let changes = vec![
        json!({"displayName": "Assignments", "oldValue": null, "newValue": format!("{} assignment(s)", assignments.len())}),
    ];
    let rendered: Vec<Value> = assignments
        .iter()
        .map(|a| render(a, &None, &[], &[]))
        .collect();
    change_object(world, call, kind, &object_id, "Assign", |object| {
        if kind.key == "configurationPolicies" {
            object
                .body
                .insert("isAssigned".into(), json!(!assignments.is_empty()));
        }
        object.children.insert("assignments".into(), assignments);
        Ok(((), changes))
    })?;
    if status == 204 {
        return Ok(Reply::no_content());
    }
    let entity = kind.base_type.trim_start_matches('#');
    Ok(Reply::json(
        200,
        json!({
            "@odata.context": format!("{}/{}/$metadata#Collection({entity}Assignment)", call.base, call.version.as_str()),
            "value": rendered,
        }),
    ))
}
