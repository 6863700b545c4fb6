//! Break-glass accounts: what a sync reads about the emergency access accounts the MSP names for a
//! tenant, and the one object per account it captures.
//!
//! Per account, two reads go out with the lists (the names are known before anything is read, so
//! they cost no round-trip of their own): the user (`accountEnabled` is not among a user's default
//! properties, so it is selected) and its transitive group memberships. Once the lists are in, the
//! account is described from what the same sync read: its active and PIM-eligible Entra roles, and
//! the enabled Conditional Access policies that reach it (by "All users", by the account, by a group
//! it is in or a role it holds) without excluding it — the classic lock-out is a new policy that
//! forgot the break-glass exclusion. An account the tenant no longer has is captured as not existing,
//! so its deletion is drift, never a silently shorter list.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use tenantatlas_core::kinds::{ObjectKind, BREAK_GLASS_LABEL};
use tenantatlas_graph::client::{BatchGet, GraphError};

/// The kinds an account is described from; without the first two read completely in the same sync,
/// the accounts are not checked (a policy or role we could not read would read as "none").
pub(super) const NEEDS: &[&str] = &["conditionalAccessPolicies", "directoryRoleAssignments"];
/// PIM eligibilities: read where the tenant allows (P2), otherwise the account's eligible roles are
/// unknown (`null`), not "none".
const ELIGIBILITIES: &str = "roleEligibilityScheduleInstances";
const ROLE_DEFINITIONS: &str = "directoryRoleDefinitions";
const ID_PREFIX: &str = "breakGlass:";

/// What was read about one named account.
#[derive(Default)]
pub(super) struct Account {
    /// The user, `None` when the tenant has no such user (404).
    user: Option<Value>,
    /// Its transitive memberships (groups, and directory roles, which are ignored).
    member_of: Vec<Value>,
}

/// The `$batch` reads for the named accounts, in the lists' batch of v1.0.
pub(super) fn requests(kind: &ObjectKind, names: &[String]) -> Vec<BatchGet> {
    names
        .iter()
        .enumerate()
        .flat_map(|(n, name)| {
            let user = user_path(name);
            [
                BatchGet {
                    id: format!("{ID_PREFIX}{n}:user"),
                    url: format!("{user}?$select=id,displayName,userPrincipalName,accountEnabled"),
                    family: kind.family,
                },
                BatchGet {
                    id: format!("{ID_PREFIX}{n}:groups"),
                    url: format!("{user}/transitiveMemberOf?$select=id,displayName"),
                    family: kind.family,
                },
            ]
        })
        .collect()
}

/// `users/{upn}`; a name starting with `$` goes in the key form Graph asks for (`users('$…')`).
fn user_path(name: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'@')
        .remove(b'.')
        .remove(b'-')
        .remove(b'_');
    let encoded = percent_encoding::utf8_percent_encode(name, KEEP).to_string();
    if name.starts_with('$') {
        format!("users('{}')", encoded.replace('\'', "''"))
    } else {
        format!("users/{encoded}")
    }
}

/// Whether a `$batch` answer is one of the break-glass reads.
pub(super) fn is_break_glass(id: &str) -> bool {
    id.starts_with(ID_PREFIX)
}

/// Puts a break-glass read's answer into `accounts`. A user the tenant lacks (404) just does not
/// exist; any other failure is returned, for the run's errors.
pub(super) fn answer(
    accounts: &mut [Account],
    id: &str,
    result: Result<Value, GraphError>,
) -> Option<GraphError> {
    let mut parts = id[ID_PREFIX.len()..].split(':');
    let (Some(Ok(n)), Some(what)) = (parts.next().map(str::parse::<usize>), parts.next()) else {
        return None;
    };
    let account = accounts.get_mut(n)?;
    match (what, result) {
        ("user", Ok(user)) => account.user = Some(user),
        ("groups", Ok(body)) => account.member_of = super::requests::items_of(body),
        (_, Err(e)) if e.status() != Some(404) => return Some(e),
        _ => {}
    }
    None
}

/// The captured object of each named account, described from the same sync's lists; `None` when a
/// kind it needs was not read completely (see [`NEEDS`]).
pub(super) fn describe(
    names: &[String],
    accounts: &[Account],
    lists: &[(&'static ObjectKind, Vec<Value>)],
    incomplete: &dyn Fn(&str) -> bool,
) -> Option<Vec<Value>> {
    let list = |key: &str| -> Option<&[Value]> {
        if incomplete(key) {
            return None;
        }
        lists
            .iter()
            .find(|(k, _)| k.key == key)
            .map(|(_, items)| items.as_slice())
    };
    let policies = list(NEEDS[0])?;
    let assignments = list(NEEDS[1])?;
    let eligibilities = list(ELIGIBILITIES);
    let custom_roles = list(ROLE_DEFINITIONS).unwrap_or_default();
    let role_name = |id: &str| -> String {
        tenantatlas_core::labels::builtin_role_name(id)
            .map(str::to_string)
            .or_else(|| {
                custom_roles
                    .iter()
                    .find(|r| text(r, "id").eq_ignore_ascii_case(id))
                    .map(|r| text(r, "displayName").to_string())
            })
            .unwrap_or_else(|| id.to_string())
    };
    Some(
        names
            .iter()
            .zip(accounts)
            .enumerate()
            .map(|(n, (name, account))| {
                let mut object = json!({
                    "id": name.to_lowercase(),
                    "name": format!("{BREAK_GLASS_LABEL} {}", n + 1),
                    "userPrincipalName": name,
                });
                let Some(user) = &account.user else {
                    object["accountExists"] = json!(false);
                    return object;
                };
                let user_id = text(user, "id").to_lowercase();
                fn held<'v>(items: &'v [Value], user_id: &str) -> Vec<&'v Value> {
                    items
                        .iter()
                        .filter(|a| text(a, "principalId").eq_ignore_ascii_case(user_id))
                        .collect()
                }
                let active = held(assignments, &user_id);
                let roles: BTreeSet<String> = active
                    .iter()
                    .map(|a| text(a, "roleDefinitionId").to_lowercase())
                    .collect();
                let groups: Vec<&Value> = account
                    .member_of
                    .iter()
                    .filter(|g| text(g, "@odata.type") != "#microsoft.graph.directoryRole")
                    .collect();
                let group_ids: BTreeSet<String> = groups
                    .iter()
                    .map(|g| text(g, "id").to_lowercase())
                    .collect();
                let role_names = |items: Vec<&Value>| -> Vec<String> {
                    let names: BTreeSet<String> = items
                        .iter()
                        .map(|a| {
                            let name = role_name(text(a, "roleDefinitionId"));
                            match text(a, "directoryScopeId") {
                                "" | "/" => name,
                                _ => format!("{name} (scoped)"),
                            }
                        })
                        .collect();
                    names.into_iter().collect()
                };
                let applying: BTreeSet<String> = policies
                    .iter()
                    .filter(|p| text(p, "state") == "enabled")
                    .filter(|p| reaches(p, &user_id, &group_ids, &roles))
                    .map(|p| text(p, "displayName").to_string())
                    .collect();
                let group_names: BTreeSet<String> = groups
                    .iter()
                    .map(|g| text(g, "displayName").to_string())
                    .collect();
                object["objectId"] = json!(user_id);
                object["accountExists"] = json!(true);
                object["accountEnabled"] =
                    user.get("accountEnabled").cloned().unwrap_or(Value::Null);
                object["activeRoles"] = json!(role_names(active));
                object["eligibleRoles"] =
                    eligibilities.map_or(Value::Null, |e| json!(role_names(held(e, &user_id))));
                object["memberOf"] = json!(group_names);
                object["conditionalAccessPoliciesApplying"] = json!(applying);
                object
            })
            .collect(),
    )
}

fn text<'v>(value: &'v Value, field: &str) -> &'v str {
    value.get(field).and_then(Value::as_str).unwrap_or("")
}

/// Whether a Conditional Access policy's user conditions reach the account: included by "All",
/// by id, by a group it is in or a role it holds, and excluded by none of them.
fn reaches(
    policy: &Value,
    user_id: &str,
    groups: &BTreeSet<String>,
    roles: &BTreeSet<String>,
) -> bool {
    let users = &policy["conditions"]["users"];
    let set = |field: &str| -> BTreeSet<String> {
        users[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_lowercase)
            .collect()
    };
    let names = |users_field: &str, groups_field: &str, roles_field: &str| {
        let listed = set(users_field);
        listed.contains(user_id)
            || !set(groups_field).is_disjoint(groups)
            || !set(roles_field).is_disjoint(roles)
            || (users_field == "includeUsers" && listed.contains("all"))
    };
    names("includeUsers", "includeGroups", "includeRoles")
        && !names("excludeUsers", "excludeGroups", "excludeRoles")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(state: &str, users: Value) -> Value {
        json!({"displayName": "P", "state": state, "conditions": {"users": users}})
    }

    #[test]
    fn a_policy_reaches_an_account_unless_it_excludes_it_by_id_group_or_role() {
        let groups: BTreeSet<String> = ["g1".to_string()].into();
        let roles: BTreeSet<String> = ["r1".to_string()].into();
        let reach = |users: Value| reaches(&policy("enabled", users), "u1", &groups, &roles);
        assert!(reach(json!({"includeUsers": ["All"]})));
        assert!(reach(json!({"includeUsers": ["U1"]})));
        assert!(reach(json!({"includeGroups": ["g1"]})));
        assert!(reach(json!({"includeRoles": ["r1"]})));
        assert!(!reach(
            json!({"includeUsers": ["All"], "excludeUsers": ["u1"]})
        ));
        assert!(!reach(
            json!({"includeUsers": ["All"], "excludeGroups": ["G1"]})
        ));
        assert!(!reach(
            json!({"includeUsers": ["All"], "excludeRoles": ["r1"]})
        ));
        assert!(!reach(json!({"includeGroups": ["g2"]})));
        // "All" excludes nothing when written in an exclude list.
        assert!(reach(
            json!({"includeUsers": ["All"], "excludeUsers": ["All"]})
        ));
        assert!(!reach(json!({})));
    }

    #[test]
    fn names_are_addressed_the_way_graph_reads_them() {
        assert_eq!(user_path("bg1@contoso.com"), "users/bg1@contoso.com");
        assert_eq!(
            user_path("ext_x.com#EXT#@contoso.onmicrosoft.com"),
            "users/ext_x.com%23EXT%23@contoso.onmicrosoft.com"
        );
        assert_eq!(user_path("$bg@contoso.com"), "users('%24bg@contoso.com')");
    }
}
