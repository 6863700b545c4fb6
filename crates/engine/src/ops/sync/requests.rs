//! The Graph requests a sync sends for each kind, and how their answers are put together.

use serde_json::Value;
use tenantatlas_core::kinds::{Detail, ObjectKind};

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

/// The list request of a kind (relative to the version root).
pub(super) fn list_url(kind: &ObjectKind) -> String {
    if kind.list_query.is_empty() {
        kind.collection.to_string()
    } else {
        format!("{}?{}", kind.collection, kind.list_query)
    }
}

/// The per-object request of a kind, if it needs one.
pub(super) fn detail_url(kind: &ObjectKind, item: &Value) -> Option<String> {
    let id = item.get("id").and_then(Value::as_str)?;
    let id =
        percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string();
    match kind.detail {
        Detail::None => None,
        Detail::Get("") => Some(format!("{}/{id}", kind.collection)),
        Detail::Get(query) => Some(format!("{}/{id}?{query}", kind.collection)),
        Detail::Child { nav, query: "" } => Some(format!("{}/{id}/{nav}", kind.collection)),
        Detail::Child { nav, query } => Some(format!("{}/{id}/{nav}?{query}", kind.collection)),
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
            detail_url(scripts, &json!({"id": "a b"})).unwrap(),
            "deviceManagement/deviceManagementScripts/a%20b"
        );
        let admx = by_key("groupPolicyConfigurations").unwrap();
        assert_eq!(
            detail_url(admx, &json!({"id": "x"})).unwrap(),
            "deviceManagement/groupPolicyConfigurations/x/definitionValues?$expand=definition,presentationValues($expand=presentation)"
        );
        assert_eq!(
            detail_url(by_key("deviceConfigurations").unwrap(), &json!({"id": "x"})),
            None
        );
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
