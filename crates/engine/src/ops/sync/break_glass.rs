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
    const KEEP_QUOTES: &percent_encoding::AsciiSet = &KEEP.remove(b'\'');
    if name.starts_with('$') {
        // OData doubles a quote inside a quoted key; the quotes themselves stay as they are.
        let doubled = name.replace('\'', "''");
        let encoded = percent_encoding::utf8_percent_encode(&doubled, KEEP_QUOTES).to_string();
        format!("users('{encoded}')")
    } else {
        let encoded = percent_encoding::utf8_percent_encode(name, KEEP).to_string();
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

/// What [`describe`] found: the accounts' objects, and the named accounts the tenant has no user for
/// (a typo, or an account deleted), for the run's warnings.
pub(super) struct Described {
    pub objects: Vec<Value>,
    pub missing: Vec<String>,
}

/// The captured object of each named account, described from the same sync's lists; `None` when a
/// kind it is described from failed this sync (see [`NEEDS`]; custom role names and eligibilities
/// too, so a failed read never shows as a changed account). `lists` holds the kinds read, `failed`
/// says which of them failed. Eligibilities the tenant's consent or licence does not give are
/// `null` (unknown), never "none".
pub(super) fn describe(
    names: &[String],
    accounts: &[Account],
    lists: &[(&'static ObjectKind, Vec<Value>)],
    failed: &dyn Fn(&str) -> bool,
) -> Option<Described> {
    let read = |key: &str| -> Option<Option<&[Value]>> {
        if failed(key) {
            return None;
        }
        Some(
            lists
                .iter()
                .find(|(k, _)| k.key == key)
                .map(|(_, items)| items.as_slice()),
        )
    };
    let policies = read(NEEDS[0])??;
    let assignments = read(NEEDS[1])??;
    let eligibilities = read(ELIGIBILITIES)?;
    let custom_roles = read(ROLE_DEFINITIONS)?.unwrap_or_default();
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
    let mut missing = Vec::new();
    let mut objects = Vec::new();
    for (n, (name, account)) in names.iter().zip(accounts).enumerate() {
        let mut object = json!({
            "id": name.to_lowercase(),
            "name": format!("{BREAK_GLASS_LABEL} {}", n + 1),
            "userPrincipalName": name,
        });
        let user_id = account
            .user
            .as_ref()
            .map(|u| text(u, "id").to_lowercase())
            .unwrap_or_default();
        if user_id.is_empty() {
            // No such user (or an answer without an id, which names no one either).
            object["accountExists"] = json!(false);
            missing.push(name.clone());
            objects.push(object);
            continue;
        }
        // Groups only: `transitiveMemberOf` also lists directory roles and administrative units.
        // A group whose name the permission does not show keeps its id.
        let groups: BTreeSet<(String, String)> = account
            .member_of
            .iter()
            .filter(|g| matches!(text(g, "@odata.type"), "" | "#microsoft.graph.group"))
            .filter(|g| !text(g, "id").is_empty())
            .map(|g| {
                let id = text(g, "id").to_lowercase();
                let name = match text(g, "displayName") {
                    "" => id.clone(),
                    shown => shown.to_string(),
                };
                (id, name)
            })
            .collect();
        let group_ids: BTreeSet<String> = groups.iter().map(|(id, _)| id.clone()).collect();
        // Roles assigned to the account, or to a role-assignable group it is in.
        let held = |items: &'_ [Value]| -> Vec<Value> {
            items
                .iter()
                .filter(|a| {
                    let principal = text(a, "principalId").to_lowercase();
                    !principal.is_empty()
                        && (principal == user_id || group_ids.contains(&principal))
                })
                .cloned()
                .collect()
        };
        let active = held(assignments);
        // Conditional Access evaluates directory-wide roles only: one scoped to an
        // administrative unit neither includes nor excludes the account.
        let roles: BTreeSet<String> = active
            .iter()
            .filter(|a| matches!(text(a, "directoryScopeId"), "" | "/"))
            .map(|a| text(a, "roleDefinitionId").to_lowercase())
            .collect();
        let role_names = |items: &[Value]| -> Vec<String> {
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
        let group_names: BTreeSet<String> = groups.into_iter().map(|(_, name)| name).collect();
        let user = account.user.as_ref().expect("an id came from the user");
        object["objectId"] = json!(user_id);
        object["accountExists"] = json!(true);
        object["accountEnabled"] = user.get("accountEnabled").cloned().unwrap_or(Value::Null);
        object["activeRoles"] = json!(role_names(&active));
        object["eligibleRoles"] =
            eligibilities.map_or(Value::Null, |e| json!(role_names(&held(e))));
        object["memberOf"] = json!(group_names);
        object["conditionalAccessPoliciesApplying"] = json!(applying);
        objects.push(object);
    }
    Some(Described { objects, missing })
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
        assert_eq!(
            user_path("$o'x@contoso.com"),
            "users('%24o''x@contoso.com')"
        );
    }

    fn kind(key: &str) -> &'static ObjectKind {
        tenantatlas_core::kinds::by_key(key).unwrap()
    }

    const GA: &str = "62e90394-69f5-4237-9190-012177145e10";

    /// The account `u1` in group `g1` (and an administrative unit), a policy for everyone that
    /// excludes Global Administrators, and the role given as `assignments` say.
    fn described(assignments: Value, eligibility: Option<Value>, failed: &[&str]) -> Option<Value> {
        let mut lists = vec![
            (
                kind("conditionalAccessPolicies"),
                vec![json!({"displayName": "Block legacy", "state": "enabled",
                    "conditions": {"users": {"includeUsers": ["All"], "excludeRoles": [GA]}}})],
            ),
            (
                kind("directoryRoleAssignments"),
                assignments.as_array().unwrap().clone(),
            ),
        ];
        if let Some(e) = eligibility {
            lists.push((kind(ELIGIBILITIES), e.as_array().unwrap().clone()));
        }
        let accounts = vec![Account {
            user: Some(json!({"id": "U1", "accountEnabled": true})),
            member_of: vec![
                json!({"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "SG-BreakGlass"}),
                json!({"@odata.type": "#microsoft.graph.group", "id": "g2"}),
                json!({"@odata.type": "#microsoft.graph.administrativeUnit", "id": "au1", "displayName": "Restricted"}),
                json!({"@odata.type": "#microsoft.graph.directoryRole", "id": "dr1", "displayName": "Global Administrator"}),
            ],
        }];
        let failed = |key: &str| failed.contains(&key);
        describe(&["bg@contoso.com".to_string()], &accounts, &lists, &failed)
            .map(|d| d.objects[0].clone())
    }

    #[test]
    fn roles_held_through_a_group_count_and_scoped_ones_do_not_exclude() {
        let through_group = described(
            json!([{"principalId": "g1", "roleDefinitionId": GA, "directoryScopeId": "/"}]),
            Some(json!([])),
            &[],
        )
        .unwrap();
        assert_eq!(
            through_group["activeRoles"],
            json!(["Global Administrator"])
        );
        assert_eq!(
            through_group["conditionalAccessPoliciesApplying"],
            json!([])
        );
        assert_eq!(through_group["eligibleRoles"], json!([]));
        // Groups only, named where the name was given, by id where not.
        assert_eq!(through_group["memberOf"], json!(["SG-BreakGlass", "g2"]));

        let scoped = described(
            json!([{"principalId": "u1", "roleDefinitionId": GA, "directoryScopeId": "/administrativeUnits/au1"}]),
            None,
            &[],
        )
        .unwrap();
        assert_eq!(
            scoped["activeRoles"],
            json!(["Global Administrator (scoped)"])
        );
        assert_eq!(
            scoped["conditionalAccessPoliciesApplying"],
            json!(["Block legacy"])
        );
        // Eligibilities not readable: unknown, not "none".
        assert_eq!(scoped["eligibleRoles"], Value::Null);
    }

    #[test]
    fn a_failed_read_leaves_the_accounts_unchecked_and_a_missing_user_is_named() {
        let none = json!([]);
        assert!(described(
            none.clone(),
            Some(json!([])),
            &["roleEligibilityScheduleInstances"]
        )
        .is_none());
        assert!(described(none.clone(), None, &["directoryRoleDefinitions"]).is_none());
        assert!(described(none.clone(), None, &["conditionalAccessPolicies"]).is_none());
        let lists = vec![
            (kind("conditionalAccessPolicies"), Vec::new()),
            (kind("directoryRoleAssignments"), Vec::new()),
        ];
        let accounts = vec![
            Account::default(),
            Account {
                user: Some(json!({"displayName": "no id"})),
                member_of: Vec::new(),
            },
        ];
        let names = vec![
            "gone@contoso.com".to_string(),
            "odd@contoso.com".to_string(),
        ];
        let found = describe(&names, &accounts, &lists, &|_| false).unwrap();
        assert_eq!(found.missing, names);
        assert!(found
            .objects
            .iter()
            .all(|o| o["accountExists"] == json!(false)));
        assert_eq!(found.objects[1]["name"], json!("Break-glass account 2"));
    }
}
