//! Intune audit events for changes made through Graph (`deviceManagement/auditEvents`).

use super::super::Call;
use super::SERVER_FIELDS;
use crate::kinds::KindSpec;
use crate::state::{graph_time, World};
use serde_json::{json, Map, Value};

/// `modifiedProperties` for an audit event: every top-level property that differs.
pub(super) fn audit_properties(
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
) -> Vec<Value> {
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(s)) => json!(s),
        Some(other) => json!(other.to_string()),
    };
    after
        .iter()
        .filter(|(k, v)| !k.starts_with('@') && !SERVER_FIELDS.contains(&k.as_str()) && before.and_then(|b| b.get(*k)) != Some(v))
        .map(|(k, v)| json!({"displayName": k, "oldValue": text(before.and_then(|b| b.get(k))), "newValue": text(Some(v))}))
        .collect()
}

/// Appends an Intune audit event for a change made through Graph.
pub(super) fn record_audit(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    operation: &str,
    id: &str,
    name: &str,
    modified: Vec<Value>,
) {
    let Some(category) = kind.audit_category else {
        return;
    };
    let entity = {
        let short = kind.base_type.trim_start_matches("#microsoft.graph.");
        let mut chars = short.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    };
    let now = graph_time(world.now_time());
    let event_id = world.random_guid();
    let correlation = call.request_id.clone();
    let tenant = &world.tenants[call.tenant];
    let upn = tenant
        .users
        .iter()
        .find(|u| u.id == call.grant.user_id)
        .map(|u| u.user_principal_name.clone());
    // The calling app by its registration's display name, as Intune's audit log names it.
    let app_name = world
        .app(&call.grant.client_id)
        .map_or_else(|| call.grant.client_id.clone(), |a| a.display_name.clone());
    let activity = format!("{operation} {entity}");
    let event = json!({
        "@odata.type": "#microsoft.graph.auditEvent",
        "id": event_id,
        "displayName": activity,
        "componentName": category,
        "activity": activity,
        "activityDateTime": now,
        "activityType": activity,
        "activityOperationType": operation,
        "activityResult": "Success",
        "correlationId": correlation,
        "category": category,
        "actor": {
            "@odata.type": "#microsoft.graph.auditActor",
            "type": "ItPro",
            "auditActorType": "ItPro",
            "userPermissions": ["*"],
            "applicationId": call.grant.client_id,
            "applicationDisplayName": app_name,
            "userPrincipalName": upn,
            "servicePrincipalName": null,
            "ipAddress": "127.0.0.1",
            "userId": call.grant.user_id,
            "remoteTenantId": null,
            "remoteUserId": null,
        },
        "resources": [{
            "@odata.type": "#microsoft.graph.auditResource",
            "displayName": name,
            "type": entity,
            "auditResourceType": entity,
            "resourceId": id,
            "modifiedProperties": modified,
        }],
    });
    world.tenants[call.tenant].audit_events.push(event);
}
