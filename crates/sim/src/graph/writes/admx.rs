//! Administrative templates (ADMX): definition values bound to the catalog of definitions and
//! presentations, and the `updateDefinitionValues` action.

use super::super::error::{GraphError, GraphResult, Reply};
use super::super::resources::{find, source_of};
use super::super::Call;
use super::{body_object, change_object};
use crate::kinds::KindSpec;
use crate::model::SimObject;
use crate::state::{graph_time, World};
use serde_json::{json, Map, Value};

/// Finds an ADMX definition (or presentation) known anywhere in the cloud by id.
fn find_catalog_ref(world: &World, name: &str, id: &str) -> Option<Value> {
    for tenant in &world.tenants {
        for config in tenant.collection("groupPolicyConfigurations") {
            for value in config
                .children
                .get("definitionValues")
                .into_iter()
                .flatten()
            {
                if name == "definition" {
                    if let Some(def) = value
                        .refs
                        .get("definition")
                        .filter(|d| d.get("id").and_then(Value::as_str) == Some(id))
                    {
                        return Some(def.clone());
                    }
                }
                for pv in value
                    .children
                    .get("presentationValues")
                    .into_iter()
                    .flatten()
                {
                    if let Some(p) = pv
                        .refs
                        .get(name)
                        .filter(|d| d.get("id").and_then(Value::as_str) == Some(id))
                    {
                        return Some(p.clone());
                    }
                }
            }
        }
    }
    None
}

/// The id inside an `@odata.bind` URL such as `…/groupPolicyDefinitions('abc')`.
fn bind_id(value: &Value) -> Option<String> {
    let text = value.as_str()?;
    let start = text.rfind("('")? + 2;
    let end = text[start..].find("')")? + start;
    Some(text[start..end].to_string())
}

/// Builds a `groupPolicyDefinitionValue` from a request with `definition@odata.bind` and
/// inline `presentationValues` carrying `presentation@odata.bind`.
pub(super) fn definition_value(
    world: &mut World,
    mut map: Map<String, Value>,
) -> GraphResult<SimObject> {
    let definition_id = map
        .remove("definition@odata.bind")
        .as_ref()
        .and_then(bind_id)
        .ok_or_else(|| {
            GraphError::bad_request(
                "A definition value needs 'definition@odata.bind' naming a groupPolicyDefinition.",
            )
        })?;
    let definition = find_catalog_ref(world, "definition", &definition_id).ok_or_else(|| {
        GraphError::bad_request(format!(
            "The group policy definition '{definition_id}' does not exist."
        ))
    })?;
    let presentations = map
        .remove("presentationValues")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    map.retain(|key, _| key == "@odata.type" || !key.contains('@'));
    let now = graph_time(world.now_time());
    map.insert("id".into(), json!(world.random_guid()));
    map.entry("@odata.type")
        .or_insert(json!("#microsoft.graph.groupPolicyDefinitionValue"));
    map.insert("createdDateTime".into(), json!(now));
    map.insert("lastModifiedDateTime".into(), json!(now));
    map.entry("configurationType").or_insert(json!("policy"));
    let mut children = Vec::new();
    for item in presentations {
        let Value::Object(mut pv) = item else {
            return Err(GraphError::bad_request(
                "Each presentation value must be an object.",
            ));
        };
        let presentation_id = pv
            .remove("presentation@odata.bind")
            .as_ref()
            .and_then(bind_id);
        let presentation = presentation_id
            .as_deref()
            .and_then(|id| find_catalog_ref(world, "presentation", id))
            .ok_or_else(|| GraphError::bad_request("A presentation value needs 'presentation@odata.bind' naming a known presentation."))?;
        pv.retain(|key, _| key == "@odata.type" || !key.contains('@'));
        pv.insert("id".into(), json!(world.random_guid()));
        pv.insert("createdDateTime".into(), json!(now));
        pv.insert("lastModifiedDateTime".into(), json!(now));
        children.push(SimObject::new(pv).with_ref("presentation", presentation));
    }
    Ok(SimObject::new(map)
        .with_ref("definition", definition)
        .with_children("presentationValues", children))
}

/// `POST /groupPolicyConfigurations/{id}/updateDefinitionValues {added, updated, deletedIds}` → 204.
pub(in crate::graph) fn update_definition_values(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    id: &str,
    body: Option<Value>,
) -> GraphResult<Reply> {
    let map = body_object(body)?;
    let object_id = find(world, call, kind, id)?.id().to_string();
    let list = |key: &str| {
        map.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut added = Vec::new();
    for item in list("added") {
        let Value::Object(value) = item else {
            return Err(GraphError::bad_request(
                "Each added definition value must be an object.",
            ));
        };
        added.push(definition_value(world, value)?);
    }
    let updated = list("updated");
    let deleted: Vec<String> = list("deletedIds")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let now = graph_time(world.now_time());
    let modified =
        vec![json!({"displayName": "definitionValues", "oldValue": null, "newValue": "updated"})];
    change_object(world, call, kind, &object_id, "Patch", |object| {
        let values = object
            .children
            .entry("definitionValues".into())
            .or_default();
        let known = |id: &str| values.iter().any(|v| v.id().eq_ignore_ascii_case(id));
        // Every id is checked before anything changes: a refused request changes nothing.
        if let Some(missing) = deleted.iter().find(|id| !known(id)) {
            return Err(GraphError::not_found(source_of(kind), missing));
        }
        let mut targets = Vec::new();
        for item in &updated {
            let Some(target) = item.get("id").and_then(Value::as_str) else {
                return Err(GraphError::bad_request(
                    "Each updated definition value needs its 'id'.",
                ));
            };
            let gone = deleted.iter().any(|d| d.eq_ignore_ascii_case(target));
            if gone || !known(target) {
                return Err(GraphError::not_found(source_of(kind), target));
            }
            targets.push((target.to_string(), item.get("enabled").cloned()));
        }
        values.retain(|v| !deleted.iter().any(|d| v.id().eq_ignore_ascii_case(d)));
        for (target, enabled) in targets {
            if let Some(existing) = values
                .iter_mut()
                .find(|v| v.id().eq_ignore_ascii_case(&target))
            {
                if let Some(enabled) = enabled {
                    existing.body.insert("enabled".into(), enabled);
                }
                existing
                    .body
                    .insert("lastModifiedDateTime".into(), json!(now));
            }
        }
        values.extend(added);
        Ok(((), modified))
    })?;
    Ok(Reply::no_content())
}
