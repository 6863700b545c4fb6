//! Captured content: the normal form of an object (what we store and hash) and its hash.
//!
//! Normal form: the object as Graph returned it, with annotations (`@odata.context`,
//! `…@odata.context`, `@odata.nextLink`), and the kind's volatile fields removed, keys sorted
//! recursively. Arrays keep their order here — comparing arrays by meaning is the diff engine's job,
//! and a reordered array is a different capture but never a different *drift*. Identical content is
//! stored once: the SHA-256 of the canonical JSON is its address.

use crate::kinds::ObjectKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// One object as captured by a sync, ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapturedObject {
    /// The kind's registry key (`deviceConfigurations`).
    pub kind: String,
    /// The object's id in its tenant.
    pub object_id: String,
    pub display_name: String,
    /// Normal form (see [`normalise`]).
    pub content: Value,
    /// `sha256:<hex>` of the canonical JSON of `content`.
    pub hash: String,
}

impl CapturedObject {
    pub fn new(kind: &ObjectKind, raw: &Value) -> CapturedObject {
        let content = normalise(kind, raw);
        if kind.is_singleton() {
            // One per tenant: the kind is its identity, in every tenant and baseline alike.
            let hash = content_hash(&content);
            return CapturedObject {
                kind: kind.key.to_string(),
                object_id: kind.key.to_string(),
                display_name: kind.label.to_string(),
                content,
                hash,
            };
        }
        // Cross-tenant access partners have no `id`: they are keyed by the partner's `tenantId`
        // (their name field).
        let object_id = raw
            .get("id")
            .or_else(|| {
                raw.get("tenantId")
                    .filter(|_| kind.name_field == "tenantId")
            })
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let display_name = raw
            .get(kind.name_field)
            .or_else(|| raw.get("displayName"))
            .or_else(|| raw.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let hash = content_hash(&content);
        CapturedObject {
            kind: kind.key.to_string(),
            object_id,
            display_name,
            content,
            hash,
        }
    }
}

/// Removes annotations and volatile fields at the top level, annotations everywhere, and sorts keys.
pub fn normalise(kind: &ObjectKind, raw: &Value) -> Value {
    let mut value = strip_annotations(raw);
    if let Value::Object(map) = &mut value {
        for field in kind.volatile_fields {
            // Shifting keeps the keys in order (a plain remove would move the last key here).
            map.shift_remove(*field);
        }
    }
    value
}

/// The value without annotations, every object's keys sorted: one copy of `raw`, made in order.
fn strip_annotations(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().filter(|k| !is_annotation(k)).collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), strip_annotations(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(strip_annotations).collect()),
        other => other.clone(),
    }
}

/// `@odata.context`, `assignments@odata.context`, `@odata.nextLink`… but not `@odata.type`, which
/// is content (it says what the object is).
fn is_annotation(key: &str) -> bool {
    key.contains('@') && key != "@odata.type"
}

/// The same value with every object's keys in sorted order.
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), canonical(&map[k]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Whether every object's keys inside `value` are already in order (what [`canonical`] makes).
fn is_canonical(value: &Value) -> bool {
    match value {
        Value::Object(map) => {
            map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b) && map.values().all(is_canonical)
        }
        Value::Array(items) => items.iter().all(is_canonical),
        _ => true,
    }
}

/// The compact JSON of the canonical form of `value`; a value already canonical (as stored
/// content is) is written as it is, without the copy [`canonical`] makes.
pub fn canonical_json(value: &Value) -> String {
    let text = if is_canonical(value) {
        serde_json::to_string(value)
    } else {
        serde_json::to_string(&canonical(value))
    };
    text.expect("JSON values serialise")
}

/// `sha256:<hex>` of the compact JSON of a canonical value.
pub fn content_hash(content: &Value) -> String {
    let text = canonical_json(content);
    format!("sha256:{}", hex::encode(Sha256::digest(text.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kinds::by_key;
    use serde_json::json;

    #[test]
    fn normal_form_is_canonical() {
        let kind = by_key("deviceConfigurations").unwrap();
        let raw = json!({"zeta": 1, "id": "x", "alpha": {"d": 1, "c@odata.context": "x", "b": 2}, "version": 3, "mid": [{"y": 1, "x": 2}]});
        let form = normalise(kind, &raw);
        assert!(is_canonical(&form), "{form}");
        assert_eq!(
            serde_json::to_string(&form).unwrap(),
            r#"{"alpha":{"b":2,"d":1},"mid":[{"x":2,"y":1}],"zeta":1}"#
        );
    }

    #[test]
    fn canonical_json_is_the_same_text_whether_or_not_the_value_was_canonical() {
        let messy = json!({"b": [{"z": 1, "a": 2}], "a": {"y": null, "x": "é"}});
        let tidy = canonical(&messy);
        assert!(!is_canonical(&messy));
        assert!(is_canonical(&tidy));
        assert_eq!(canonical_json(&messy), canonical_json(&tidy));
        assert_eq!(
            canonical_json(&messy),
            r#"{"a":{"x":"é","y":null},"b":[{"a":2,"z":1}]}"#
        );
    }

    #[test]
    fn annotations_and_volatile_fields_do_not_change_the_hash() {
        let kind = by_key("deviceConfigurations").unwrap();
        let a = json!({"id": "1", "displayName": "X", "version": 3, "lastModifiedDateTime": "2026-01-01T00:00:00Z",
            "@odata.context": "https://graph/beta/$metadata#x/$entity", "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "assignments@odata.context": "…", "assignments": [{"id": "a", "target": {"b": 1, "a": 2}}]});
        let b = json!({"assignments": [{"target": {"a": 2, "b": 1}, "id": "a"}], "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
            "displayName": "X", "id": "1", "version": 4, "lastModifiedDateTime": "2026-02-01T00:00:00Z"});
        let ca = CapturedObject::new(kind, &a);
        let cb = CapturedObject::new(kind, &b);
        assert_eq!(ca.hash, cb.hash);
        assert_eq!(ca.display_name, "X");
        assert!(ca.hash.starts_with("sha256:") && ca.hash.len() == 71);
        let changed = json!({"id": "1", "displayName": "Y", "@odata.type": "#microsoft.graph.windows10GeneralConfiguration"});
        assert_ne!(CapturedObject::new(kind, &changed).hash, ca.hash);
    }

    #[test]
    fn a_singleton_is_named_and_identified_by_its_kind() {
        let kind = by_key("deviceManagementSettings").unwrap();
        let a = CapturedObject::new(
            kind,
            &json!({"@odata.context": "…#deviceManagement/settings", "secureByDefault": true}),
        );
        assert_eq!(a.object_id, "deviceManagementSettings");
        assert_eq!(a.display_name, kind.label);
        assert_eq!(a.content, json!({"secureByDefault": true}));
    }

    #[test]
    fn normalising_twice_is_normalising_once() {
        let kind = by_key("configurationPolicies").unwrap();
        let raw = json!({"name": "P", "settingCount": 2, "settings": [{"id": "0", "settingInstance": {"z": 1, "@odata.type": "t"}}]});
        let once = normalise(kind, &raw);
        assert_eq!(normalise(kind, &once), once);
    }
}
