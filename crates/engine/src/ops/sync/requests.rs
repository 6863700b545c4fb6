//! The Graph requests a sync sends for each kind, and how their answers are put together.
//!
//! A per-object read (`Detail`) is addressed by the object and a *location* inside it: empty for
//! the object itself, `[("definitionValues", 3)]` for its fourth ADMX definition value, and so on.
//! Reads of one level go out together in `$batch`; a `Detail::Child` with `each` reads, once
//! answered, gives the next level's reads (one per item of the child collection).

use serde_json::Value;
use tenantatlas_core::kinds::{Detail, ObjectKind};

/// Where inside a listed object a read's answer goes: `(navigation, index)` steps from the object.
pub(super) type Location = Vec<(&'static str, usize)>;

/// Every setting of a settings catalog policy whose listed settings fell short of its
/// `settingCount` (IntuneCD asks `/settings?top=1000` the same way).
pub(super) const ALL_SETTINGS: Detail = Detail::Child {
    nav: "settings",
    query: "$top=1000",
    each: &[],
};

/// The id of a settings catalog policy whose listed `settings` are fewer than its `settingCount`.
pub(super) fn settings_short_of_count(item: &Value) -> Option<String> {
    let expected = item.get("settingCount")?.as_u64()?;
    let listed = item
        .get("settings")
        .and_then(Value::as_array)
        .map_or(0, Vec::len) as u64;
    if listed < expected {
        item["id"].as_str().map(str::to_string)
    } else {
        None
    }
}

/// The items of a collection response (the client has already followed every page).
pub(super) fn items_of(body: Value) -> Vec<Value> {
    match body {
        Value::Object(mut map) => match map.remove("value") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        Value::Array(items) => items,
        _ => Vec::new(),
    }
}

/// The objects a kind's read answered: a collection's items (the client has already followed
/// every page), or a singleton as one object.
pub(super) fn objects_of(kind: &ObjectKind, body: Value) -> Vec<Value> {
    if kind.is_singleton() {
        vec![body]
    } else {
        items_of(body)
    }
}

/// Whether a failed read of a kind means the tenant has none of it: a singleton the tenant never
/// set up is a 404 (Intune's answer for an Apple push certificate never uploaded).
pub(super) fn means_none(kind: &ObjectKind, status: Option<u16>) -> bool {
    kind.is_singleton() && status == Some(404)
}

/// The list request of a kind (relative to the version root).
pub(super) fn list_url(kind: &ObjectKind) -> String {
    if kind.list_query.is_empty() {
        kind.collection.to_string()
    } else {
        format!("{}?{}", kind.collection, kind.list_query)
    }
}

/// The value at `location` inside an object.
fn at<'v>(object: &'v Value, location: &[(&str, usize)]) -> Option<&'v Value> {
    location
        .iter()
        .try_fold(object, |value, (nav, index)| value.get(*nav)?.get(*index))
}

fn at_mut<'v>(object: &'v mut Value, location: &[(&str, usize)]) -> Option<&'v mut Value> {
    location.iter().try_fold(object, |value, (nav, index)| {
        value.get_mut(*nav)?.get_mut(*index)
    })
}

fn encoded_id(value: &Value) -> Option<String> {
    let id = value.get("id").and_then(Value::as_str)?;
    Some(percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string())
}

/// The URL of one read about `location` inside a listed object of a kind, relative to the version
/// root; `None` when an object on the way has no id.
pub(super) fn detail_url(
    kind: &ObjectKind,
    object: &Value,
    location: &[(&str, usize)],
    detail: &Detail,
) -> Option<String> {
    let mut path = if kind.is_singleton() {
        kind.collection.to_string()
    } else {
        format!("{}/{}", kind.collection, encoded_id(object)?)
    };
    for (depth, (nav, _)) in location.iter().enumerate() {
        let item = at(object, &location[..=depth])?;
        path.push_str(&format!("/{nav}/{}", encoded_id(item)?));
    }
    let (path, query) = match detail {
        Detail::Get(query) => (path, *query),
        Detail::Child { nav, query, .. } => (format!("{path}/{nav}"), *query),
    };
    Some(if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    })
}

/// Puts a read's answer into the object at `location`; returns the reads it makes possible (one
/// `each` read per item of a child collection), with their locations.
pub(super) fn apply(
    object: &mut Value,
    location: &[(&'static str, usize)],
    detail: &'static Detail,
    answer: Value,
) -> Vec<(Location, &'static Detail)> {
    let Some(target) = at_mut(object, location) else {
        return Vec::new();
    };
    match detail {
        Detail::Get(_) => {
            *target = merge_get(std::mem::take(target), answer);
            Vec::new()
        }
        Detail::Child { nav, each, .. } => {
            *target = with_child(std::mem::take(target), nav, answer);
            let items = target
                .get(*nav)
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let mut next = Vec::new();
            for index in 0..items {
                for read in *each {
                    let mut place = location.to_vec();
                    place.push((*nav, index));
                    next.push((place, read));
                }
            }
            next
        }
    }
}

/// The GET by id wins over the list's copy, but keeps what only the list had (an `$expand`).
pub(super) fn merge_get(list_item: Value, detail: Value) -> Value {
    match (list_item, detail) {
        (Value::Object(mut list), Value::Object(detail)) => {
            for (k, v) in detail {
                list.insert(k, v);
            }
            Value::Object(list)
        }
        (_, detail) => detail,
    }
}

/// Stores a child collection under its navigation name.
pub(super) fn with_child(item: Value, nav: &str, children: Value) -> Value {
    let items = match children {
        Value::Array(items) => Value::Array(items),
        Value::Object(mut map) => map.remove("value").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    match item {
        Value::Object(mut map) => {
            map.insert(nav.to_string(), items);
            Value::Object(map)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tenantatlas_core::kinds::by_key;

    #[test]
    fn list_and_detail_urls_follow_the_registry() {
        let scripts = by_key("deviceManagementScripts").unwrap();
        assert_eq!(
            list_url(scripts),
            "deviceManagement/deviceManagementScripts?$expand=assignments"
        );
        assert_eq!(
            detail_url(scripts, &json!({"id": "a b"}), &[], &scripts.details[0]).unwrap(),
            "deviceManagement/deviceManagementScripts/a%20b"
        );
        let admx = by_key("groupPolicyConfigurations").unwrap();
        assert_eq!(list_url(admx), "deviceManagement/groupPolicyConfigurations");
        let urls: Vec<String> = admx
            .details
            .iter()
            .map(|d| detail_url(admx, &json!({"id": "x"}), &[], d).unwrap())
            .collect();
        assert_eq!(
            urls,
            [
                "deviceManagement/groupPolicyConfigurations/x/assignments",
                "deviceManagement/groupPolicyConfigurations/x/definitionValues?$expand=definition"
            ]
        );
        assert!(by_key("deviceConfigurations").unwrap().details.is_empty());
    }

    #[test]
    fn a_child_read_leads_to_a_read_per_child_item() {
        let admx = by_key("groupPolicyConfigurations").unwrap();
        let mut object = json!({"id": "c"});
        let values = &admx.details[1];
        let next = apply(
            &mut object,
            &[],
            values,
            json!({"value": [{"id": "v1"}, {"id": "v 2"}]}),
        );
        assert_eq!(next.len(), 2);
        let (location, read) = &next[1];
        assert_eq!(location, &vec![("definitionValues", 1)]);
        assert_eq!(
            detail_url(admx, &object, location, read).unwrap(),
            "deviceManagement/groupPolicyConfigurations/c/definitionValues/v%202/presentationValues?$expand=presentation"
        );
        let more = apply(
            &mut object,
            location,
            read,
            json!({"value": [{"id": "p", "value": 1}]}),
        );
        assert!(more.is_empty());
        assert_eq!(
            object,
            json!({"id": "c", "definitionValues": [{"id": "v1"}, {"id": "v 2", "presentationValues": [{"id": "p", "value": 1}]}]})
        );
        let roles = by_key("roleAssignments").unwrap();
        let mut assignment = json!({"id": "r", "displayName": "Helpdesk"});
        apply(
            &mut assignment,
            &[],
            &roles.details[0],
            json!({"id": "r", "displayName": "Helpdesk", "members": ["g"]}),
        );
        assert_eq!(assignment["members"], json!(["g"]));
    }

    #[test]
    fn short_settings_lists_are_noticed() {
        let short = json!({"id": "p", "settingCount": 3, "settings": [{}, {}]});
        assert_eq!(settings_short_of_count(&short), Some("p".into()));
        assert_eq!(
            settings_short_of_count(&json!({"id": "p", "settingCount": 2, "settings": [{}, {}]})),
            None
        );
        assert_eq!(
            settings_short_of_count(&json!({"id": "p", "settings": []})),
            None
        );
    }

    #[test]
    fn details_merge_into_the_listed_object() {
        let merged = merge_get(
            json!({"id": "1", "scriptContent": null, "assignments": []}),
            json!({"id": "1", "scriptContent": "ZWNobw=="}),
        );
        assert_eq!(
            merged,
            json!({"id": "1", "scriptContent": "ZWNobw==", "assignments": []})
        );
        let child = with_child(json!({"id": "1"}), "settings", json!([{"id": "s"}]));
        assert_eq!(child["settings"][0]["id"], "s");
    }
}
