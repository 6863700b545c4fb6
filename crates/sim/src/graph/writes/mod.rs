//! Writes: create (POST), update (PATCH, and PUT for the settings catalog), delete, the `/assign`
//! actions with each kind's body and status, and navigation writes. Every change bumps
//! `lastModifiedDateTime` (and `version` where the kind has one) and records an Intune audit event.

use super::error::{GraphError, GraphResult, Reply};
use super::odata::Query;
use super::resources::{context, find, move_first, render, source_of};
use super::Call;
use crate::kinds::{AssignStyle, Family, KindSpec};
use crate::model::SimObject;
use crate::state::{graph_time, World};
use serde_json::{json, Map, Value};

mod admx;
mod assign;
mod audit;

use admx::definition_value;
pub(super) use admx::update_definition_values;
pub(super) use assign::assign;
use assign::make_assignment;
use audit::{audit_properties, record_audit};

/// Base types that cannot be created without naming a concrete `@odata.type`.
const ABSTRACT_TYPES: &[&str] = &[
    "#microsoft.graph.deviceConfiguration",
    "#microsoft.graph.deviceCompliancePolicy",
    "#microsoft.graph.deviceEnrollmentConfiguration",
    "#microsoft.graph.windowsAutopilotDeploymentProfile",
    "#microsoft.graph.mobileApp",
    "#microsoft.graph.managedDeviceMobileAppConfiguration",
    "#microsoft.graph.namedLocation",
];

/// Server-assigned properties a client cannot set; ignored in request bodies.
pub(super) const SERVER_FIELDS: &[&str] = &[
    "id",
    "createdDateTime",
    "lastModifiedDateTime",
    "modifiedDateTime",
    "version",
];

pub(super) fn name_field(kind: &KindSpec) -> &'static str {
    if kind.key == "configurationPolicies" {
        "name"
    } else {
        "displayName"
    }
}

pub(super) fn display_name(object: &Map<String, Value>) -> String {
    object
        .get("displayName")
        .or_else(|| object.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

pub(super) fn body_object(body: Option<Value>) -> GraphResult<Map<String, Value>> {
    match body {
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(GraphError::bad_request(
            "The request body must be a JSON object.",
        )),
        None => Err(GraphError::bad_request(
            "Empty Payload. JSON content expected.",
        )),
    }
}

pub(super) fn writable(kind: &KindSpec) -> GraphResult<()> {
    if kind.writable {
        Ok(())
    } else {
        Err(GraphError::method_not_allowed("POST"))
    }
}

/// Removes annotations and server fields; returns the navigation collections found in the body.
pub(super) fn strip_request(
    kind: &KindSpec,
    map: &mut Map<String, Value>,
    allow_inline: bool,
) -> GraphResult<Vec<(String, Vec<Value>)>> {
    map.retain(|key, _| key == "@odata.type" || !key.contains('@'));
    for field in SERVER_FIELDS {
        map.remove(*field);
    }
    let mut navs = Vec::new();
    for nav in kind.navs {
        let Some(key) = map
            .keys()
            .find(|k| k.eq_ignore_ascii_case(nav.name))
            .cloned()
        else {
            continue;
        };
        let value = map.remove(&key).unwrap_or(Value::Null);
        if !(allow_inline && nav.inline_on_create) {
            return Err(GraphError::bad_request(format!(
                "The navigation property '{}' cannot be set in this request; use its own endpoint{}.",
                nav.name,
                if nav.name == "assignments" { " (/assign)" } else { "" }
            )));
        }
        match value {
            Value::Array(items) => navs.push((nav.name.to_string(), items)),
            Value::Null => {}
            _ => {
                return Err(GraphError::bad_request(format!(
                    "The property '{}' must be an array.",
                    nav.name
                )))
            }
        }
    }
    Ok(navs)
}

/// Turns posted navigation items into stored children, assigning ids the way the service does.
pub(super) fn children_from(
    world: &mut World,
    nav: &str,
    items: Vec<Value>,
) -> GraphResult<Vec<SimObject>> {
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let Value::Object(mut map) = item else {
            return Err(GraphError::bad_request(format!(
                "Each item of '{nav}' must be an object."
            )));
        };
        map.retain(|key, _| key == "@odata.type" || !key.contains('@'));
        let id = match nav {
            // Settings catalog settings are numbered within their policy.
            "settings" => index.to_string(),
            _ => world.random_guid(),
        };
        map.insert("id".into(), json!(id));
        let mut child = SimObject::new(map);
        if nav == "scheduledActionsForRule" {
            let configs = child
                .body
                .remove("scheduledActionConfigurations")
                .and_then(|v| v.as_array().cloned())
                .unwrap_or_default();
            let configs = children_from(world, "scheduledActionConfigurations", configs)?;
            child = child.with_children("scheduledActionConfigurations", configs);
        }
        out.push(child);
    }
    Ok(out)
}

pub(super) fn create(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    body: Option<Value>,
) -> GraphResult<Reply> {
    writable(kind)?;
    let mut map = body_object(body)?;
    let navs = strip_request(kind, &mut map, true)?;
    let odata_type = match map.get("@odata.type") {
        Some(Value::String(t)) if t.starts_with("#microsoft.graph.") && t.len() > 17 => t.clone(),
        Some(other) => {
            return Err(GraphError::bad_request(format!(
                "Invalid @odata.type {other}: expected a type such as '{}'.",
                kind.base_type
            )))
        }
        None if ABSTRACT_TYPES.contains(&kind.base_type) => {
            return Err(GraphError::bad_request(format!(
                "Cannot create an instance of the abstract type '{}'; the request body must name a concrete @odata.type.",
                kind.base_type.trim_start_matches('#')
            )))
        }
        None => kind.base_type.to_string(),
    };
    if !kind.accepts_type(&odata_type) {
        return Err(GraphError::bad_request(format!(
            "ModelValidationFailure: the type '{}' cannot be created in {}.",
            odata_type.trim_start_matches('#'),
            kind.full_path()
        ))
        .with_code("ModelValidationFailure"));
    }
    let name_key = name_field(kind);
    let named = map
        .get(name_key)
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    if kind.key != "roleAssignments" && !named {
        return Err(GraphError::bad_request(format!(
            "The property '{name_key}' is required and cannot be empty."
        )));
    }
    let id = world.random_guid();
    let now = graph_time(world.now_time());
    let mut stored = Map::new();
    stored.insert("@odata.type".into(), json!(odata_type));
    stored.insert("id".into(), json!(id));
    map.remove("@odata.type");
    if kind.family == Family::ConditionalAccess {
        stored.insert("createdDateTime".into(), json!(now));
        stored.insert("modifiedDateTime".into(), Value::Null);
    } else {
        stored.insert("createdDateTime".into(), json!(now));
        stored.insert("lastModifiedDateTime".into(), json!(now));
    }
    if kind.has_version {
        stored.insert("version".into(), json!(1));
    }
    stored.extend(map);
    let takes_scope_tags = kind.family != Family::ConditionalAccess
        && kind.audit_category.is_some()
        && !matches!(
            kind.key,
            "assignmentFilters" | "roleScopeTags" | "roleDefinitions" | "roleAssignments"
        );
    if takes_scope_tags && !stored.contains_key("roleScopeTagIds") {
        stored.insert("roleScopeTagIds".into(), json!(["0"]));
    }
    let mut object = SimObject::new(stored);
    for (nav, items) in navs {
        let children = children_from(world, &nav, items)?;
        object.children.insert(nav, children);
    }
    if kind.key == "configurationPolicies" {
        let count = object.children.get("settings").map(Vec::len).unwrap_or(0);
        object.body.insert("settingCount".into(), json!(count));
        object.body.entry("isAssigned").or_insert(json!(false));
        object.body.entry("creationSource").or_insert(Value::Null);
        object.body.entry("templateReference").or_insert(json!({
            "templateId": "", "templateFamily": "none", "templateDisplayName": null, "templateDisplayVersion": null
        }));
    }
    let created = audit_properties(None, &object.body);
    let reply_body = {
        let query = Query::default();
        let mut value = render(&object, &None, &[], &[]);
        value["@odata.context"] = json!(context(call, &kind.full_path(), &query, true));
        move_first(&mut value, "@odata.context");
        value
    };
    let name = display_name(&object.body);
    world.tenants[call.tenant]
        .collection_mut(kind.key)
        .push(object);
    record_audit(world, call, kind, "Create", &id, &name, created);
    Ok(Reply::json(201, reply_body))
}

pub(super) fn update(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
    body: Option<Value>,
    replace: bool,
) -> GraphResult<Reply> {
    writable(kind)?;
    let mut map = body_object(body)?;
    let navs = strip_request(kind, &mut map, replace)?;
    let existing = find(world, call, kind, id)?;
    let stored_type = existing.body.get("@odata.type").cloned();
    if let Some(given) = map.remove("@odata.type") {
        if Some(&given) != stored_type.as_ref() {
            return Err(GraphError::bad_request(format!(
                "The @odata.type {given} does not match the type of the object ({}).",
                stored_type.unwrap_or(Value::Null)
            )));
        }
    }
    let before = existing.body.clone();
    let mut after = before.clone();
    if replace {
        after.retain(|k, _| k == "@odata.type" || SERVER_FIELDS.contains(&k.as_str()));
    }
    after.extend(map);
    let mut new_children = Vec::new();
    for (nav, items) in navs {
        new_children.push((nav.clone(), children_from(world, &nav, items)?));
    }
    let changes = audit_properties(Some(&before), &after);
    let operation = if replace { "Update" } else { "Patch" };
    change_object(world, call, kind, id, operation, |object| {
        object.body = after;
        for (nav, children) in new_children {
            object.children.insert(nav, children);
        }
        if kind.key == "configurationPolicies" {
            let count = object.children.get("settings").map(Vec::len).unwrap_or(0);
            object.body.insert("settingCount".into(), json!(count));
        }
        Ok(((), changes))
    })?;
    Ok(Reply::no_content())
}

/// Changes one stored object of the caller's tenant: `change` edits it and returns what to answer
/// and the audit event's `modifiedProperties`; then the object is marked changed and the change
/// recorded. A `change` that refuses must do so before it edits anything.
pub(super) fn change_object<T>(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    object_id: &str,
    operation: &str,
    change: impl FnOnce(&mut SimObject) -> GraphResult<(T, Vec<Value>)>,
) -> GraphResult<T> {
    let now = graph_time(world.now_time());
    let object = world.tenants[call.tenant]
        .collection_mut(kind.key)
        .iter_mut()
        .find(|o| o.id().eq_ignore_ascii_case(object_id))
        .ok_or_else(|| GraphError::not_found(source_of(kind), object_id))?;
    let (answer, modified) = change(object)?;
    touch(object, kind, &now);
    let name = display_name(&object.body);
    let id = object.id().to_string();
    record_audit(world, call, kind, operation, &id, &name, modified);
    Ok(answer)
}

/// Marks an object changed: `lastModifiedDateTime` (or `modifiedDateTime`) and `version`.
pub(super) fn touch(object: &mut SimObject, kind: &KindSpec, now: &str) {
    if kind.family == Family::ConditionalAccess {
        object.body.insert("modifiedDateTime".into(), json!(now));
    } else {
        object
            .body
            .insert("lastModifiedDateTime".into(), json!(now));
    }
    if kind.has_version {
        // Most kinds type `version` as an integer; remediations as a string ("3").
        let next = match object.body.get("version") {
            Some(Value::String(text)) => json!((text.parse::<i64>().unwrap_or(0) + 1).to_string()),
            other => json!(other.and_then(Value::as_i64).unwrap_or(0) + 1),
        };
        object.body.insert("version".into(), next);
    }
}

pub(super) fn delete(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
) -> GraphResult<Reply> {
    writable(kind)?;
    let object = find(world, call, kind, id)?;
    if kind.key == "deviceEnrollmentConfigurations"
        && object.body.get("priority").and_then(Value::as_i64) == Some(0)
    {
        return Err(GraphError::bad_request(
            "The default enrollment configuration cannot be deleted.",
        )
        .from(source_of(kind)));
    }
    let name = display_name(&object.body);
    let object_id = object.id().to_string();
    world.tenants[call.tenant]
        .collection_mut(kind.key)
        .retain(|o| !o.id().eq_ignore_ascii_case(id));
    record_audit(world, call, kind, "Delete", &object_id, &name, Vec::new());
    Ok(Reply::no_content())
}

pub(super) fn create_child(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
    nav: &str,
    body: Option<Value>,
) -> GraphResult<Reply> {
    let Some(spec) = kind.nav(nav) else {
        return Err(GraphError::segment_not_found(nav));
    };
    let object_id = find(world, call, kind, id)?.id().to_string();
    let child = match spec.name {
        "assignments" if kind.assign != AssignStyle::None => {
            let map = body_object(body)?;
            make_assignment(world, call, kind, &object_id, Value::Object(map))?
        }
        "definitionValues" => definition_value(world, body_object(body)?)?,
        "localizedNotificationMessages" => {
            let mut map = body_object(body)?;
            map.retain(|key, _| key == "@odata.type" || !key.contains('@'));
            for field in SERVER_FIELDS {
                map.remove(*field);
            }
            let mut stored = Map::new();
            stored.insert("id".into(), json!(world.random_guid()));
            stored.insert(
                "lastModifiedDateTime".into(),
                json!(graph_time(world.now_time())),
            );
            stored.extend(map);
            SimObject::new(stored)
        }
        _ => return Err(GraphError::method_not_allowed("POST")),
    };
    let rendered = render(&child, &None, &[], &[]);
    let modified =
        vec![json!({"displayName": spec.name, "oldValue": null, "newValue": rendered.to_string()})];
    change_object(world, call, kind, &object_id, "Patch", |object| {
        object
            .children
            .entry(spec.name.to_string())
            .or_default()
            .push(child);
        Ok(((), modified))
    })?;
    let mut value = rendered;
    value["@odata.context"] = json!(format!(
        "{}/{}/$metadata#{}('{}')/{}/$entity",
        call.base,
        call.version.as_str(),
        kind.full_path(),
        object_id,
        spec.name
    ));
    move_first(&mut value, "@odata.context");
    Ok(Reply::json(201, value))
}

pub(super) fn delete_child(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
    nav: &str,
    child: &str,
) -> GraphResult<Reply> {
    let Some(spec) = kind.nav(nav) else {
        return Err(GraphError::segment_not_found(nav));
    };
    if !matches!(
        spec.name,
        "assignments" | "definitionValues" | "localizedNotificationMessages"
    ) {
        return Err(GraphError::method_not_allowed("DELETE"));
    }
    let modified = vec![json!({"displayName": spec.name, "oldValue": child, "newValue": null})];
    change_object(world, call, kind, id, "Patch", |object| {
        let children = object.children.entry(spec.name.to_string()).or_default();
        if !children.iter().any(|c| c.id().eq_ignore_ascii_case(child)) {
            return Err(GraphError::not_found(source_of(kind), child));
        }
        children.retain(|c| !c.id().eq_ignore_ascii_case(child));
        Ok(((), modified))
    })?;
    Ok(Reply::no_content())
}
