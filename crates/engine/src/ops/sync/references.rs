//! The directory objects (groups, users) captured configuration refers to by id, and their names
//! as `directoryObjects/getByIds` returns them.

use serde_json::Value;
use tenantatlas_core::CapturedObject;
use tenantatlas_store::DirectoryObject;

/// Permissions that allow `directoryObjects/getByIds`.
pub(super) const DIRECTORY_READ: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];

/// Ids of directory objects (groups, users) the captured configuration refers to: assignment
/// targets' `groupId`, conditional access include/exclude lists, Intune role assignments' member
/// and scope groups, and compliance notifications' CC groups.
pub(crate) fn referenced_ids(objects: &[CapturedObject]) -> std::collections::BTreeSet<String> {
    fn walk(value: &Value, out: &mut std::collections::BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("groupId", Value::String(id)) if is_guid(id) => {
                            out.insert(id.to_ascii_lowercase());
                        }
                        (
                            "includeGroups"
                            | "excludeGroups"
                            | "includeUsers"
                            | "excludeUsers"
                            | "members"
                            | "resourceScopes"
                            | "notificationMessageCCList",
                            Value::Array(ids),
                        ) => {
                            out.extend(
                                ids.iter()
                                    .filter_map(Value::as_str)
                                    .filter(|id| is_guid(id))
                                    .map(str::to_ascii_lowercase),
                            );
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for o in objects {
        walk(&o.content, &mut out);
    }
    out
}

fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// A `getByIds` result as the workspace keeps it.
pub(super) fn directory_object(value: &Value) -> Option<DirectoryObject> {
    Some(DirectoryObject {
        object_id: value["id"].as_str()?.to_ascii_lowercase(),
        object_type: value["@odata.type"]
            .as_str()
            .unwrap_or("#microsoft.graph.directoryObject")
            .trim_start_matches("#microsoft.graph.")
            .to_string(),
        display_name: value["displayName"].as_str().unwrap_or("").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tenantatlas_core::kinds::by_key;

    #[test]
    fn referenced_groups_and_users_are_found_wherever_they_are() {
        let kind = by_key("conditionalAccessPolicies").unwrap();
        let g1 = "11111111-2222-3333-4444-555555555555";
        let u1 = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
        let ca = CapturedObject::new(
            kind,
            &json!({"id": "p", "conditions": {"users": {"includeGroups": [g1], "excludeUsers": [u1, "GuestsOrExternalUsers"], "includeUsers": ["All"]}}}),
        );
        let config = CapturedObject::new(
            by_key("deviceConfigurations").unwrap(),
            &json!({"id": "c", "assignments": [{"target": {"groupId": g1.to_uppercase()}}, {"target": {"groupId": null}}]}),
        );
        let ids: Vec<String> = referenced_ids(&[ca, config]).into_iter().collect();
        assert_eq!(ids, vec![g1.to_string(), u1.to_string()]);
    }
}
