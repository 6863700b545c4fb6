//! Entra directory reads (groups, users, organization, `directoryObjects/getByIds`) and the two
//! tenant-wide Intune collections that are not configuration: setting definitions and audit events.

use super::error::{GraphError, GraphResult, Reply, Source};
use super::odata::Query;
use super::resources::{context, move_first, paginate};
use super::Call;
use crate::model::SimObject;
use crate::state::World;
use serde_json::{json, Map, Value};

/// A read-only collection of plain JSON objects served with the usual OData options.
pub(super) struct Collection<'a> {
    pub path: &'a str,
    pub items: Vec<Value>,
    pub default_size: usize,
    pub max_top: usize,
    pub source: Source,
}

pub(super) fn serve(
    call: &Call,
    collection: Collection,
    rest: &[String],
    raw_query: &str,
) -> GraphResult<Reply> {
    let query = Query::parse(raw_query, call.version)?;
    if !query.expand.is_empty() {
        return Err(GraphError::bad_request(format!(
            "Parsing OData Select and Expand failed: Could not find a property named '{}' on this type.",
            query.expand[0].name
        )));
    }
    let select = |value: &Value| -> Value {
        let object = SimObject::from_value(value.clone());
        super::resources::render(&object, &query.select, &[], &[])
    };
    match rest {
        [] => {
            if query.search.is_some() {
                return Err(GraphError::new(400, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'").from(collection.source));
            }
            if query.top.is_some_and(|t| t > collection.max_top || t == 0)
                && collection.source == Source::Directory
            {
                return Err(GraphError::new(
                    400,
                    "Request_UnsupportedQuery",
                    format!(
                        "Invalid page size specified: '{}'. Must be between 1 and {} inclusive.",
                        query.top.unwrap_or(0),
                        collection.max_top
                    ),
                )
                .from(Source::Directory));
            }
            let matching: Vec<&Value> = match &query.filter {
                Some(filter) => collection
                    .items
                    .iter()
                    .filter(|v| filter.matches(v))
                    .collect(),
                None => collection.items.iter().collect(),
            };
            let (range, next) = paginate(
                call,
                collection.path,
                &query,
                matching.len(),
                collection.default_size,
                collection.max_top,
            )?;
            let mut body = Map::new();
            body.insert(
                "@odata.context".into(),
                json!(context(call, collection.path, &query, false)),
            );
            if query.count {
                body.insert("@odata.count".into(), json!(matching.len()));
            }
            if let Some(next) = next {
                body.insert("@odata.nextLink".into(), json!(next));
            }
            body.insert(
                "value".into(),
                Value::Array(matching[range].iter().map(|v| select(v)).collect()),
            );
            Ok(Reply::json(200, Value::Object(body)))
        }
        [id] => {
            let found = collection
                .items
                .iter()
                .find(|v| {
                    v.get("id")
                        .and_then(Value::as_str)
                        .is_some_and(|i| i.eq_ignore_ascii_case(id))
                })
                .ok_or_else(|| GraphError::not_found(collection.source, id))?;
            let mut value = select(found);
            value["@odata.context"] = json!(context(call, collection.path, &query, true));
            move_first(&mut value, "@odata.context");
            Ok(Reply::json(200, value))
        }
        [_, segment, ..] => Err(GraphError::segment_not_found(segment)),
    }
}

pub(super) fn setting_definitions(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    let collection = Collection {
        path: "deviceManagement/configurationSettings",
        items: world.setting_definitions.clone(),
        default_size: world.behaviour.page_size.unwrap_or(1000),
        max_top: 1000,
        source: Source::Intune,
    };
    serve(call, collection, rest, query)
}

pub(super) fn audit_events(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    let mut items = world.tenants[call.tenant].audit_events.clone();
    // Newest first, as the service lists them.
    items.reverse();
    let collection = Collection {
        path: "deviceManagement/auditEvents",
        items,
        default_size: world.behaviour.page_size.unwrap_or(100),
        max_top: 999,
        source: Source::Intune,
    };
    serve(call, collection, rest, query)
}

pub(super) fn groups(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    let collection = Collection {
        path: "groups",
        items: world.tenants[call.tenant].groups.clone(),
        default_size: world.behaviour.page_size.unwrap_or(100),
        max_top: 999,
        source: Source::Directory,
    };
    serve(call, collection, rest, query)
}

fn user_json(world: &World, call: &Call) -> Vec<Value> {
    let tenant = &world.tenants[call.tenant];
    tenant
        .users
        .iter()
        .map(|u| {
            json!({
                "@odata.type": "#microsoft.graph.user",
                "id": u.id,
                "displayName": u.display_name,
                "userPrincipalName": u.user_principal_name,
                "mail": u.user_principal_name,
                "businessPhones": [],
                "givenName": u.display_name.split(' ').next(),
                "surname": u.display_name.split(' ').nth(1),
                "jobTitle": null,
                "mobilePhone": null,
                "officeLocation": null,
                "preferredLanguage": "en-US",
                // Not among a user's default properties: served only when `$select`ed.
                "accountEnabled": true,
            })
        })
        .collect()
}

/// A user's groups, as `memberOf` and `transitiveMemberOf` answer: everyone is in the dynamic
/// all-users group and the all-staff group; the admin in the Intune admins' group; the break-glass
/// account (user 1) in the group Conditional Access policies exclude. No nesting, and no
/// directory roles (which the real service lists among them too).
fn member_of(world: &World, call: &Call, user: usize) -> Vec<Value> {
    let tenant = &world.tenants[call.tenant];
    tenant
        .groups
        .iter()
        .filter(|g| {
            let name = g["displayName"].as_str().unwrap_or("");
            name == "SG-Intune-All-Users"
                || g["groupTypes"] == json!(["Unified"])
                || (user == 0 && name == "SG-Intune-Admins")
                || (user == 1 && name == "SG-CA-BreakGlass-Exclude")
        })
        .cloned()
        .collect()
}

pub(super) fn users(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    // A user is addressed by id or by user principal name.
    let mut rest = rest.to_vec();
    let mut user = None;
    if let Some(key) = rest.first_mut() {
        let tenant = &world.tenants[call.tenant];
        let at = tenant.users.iter().position(|u| {
            u.id.eq_ignore_ascii_case(key) || u.user_principal_name.eq_ignore_ascii_case(key)
        });
        let Some(at) = at else {
            return Err(GraphError::not_found(Source::Directory, key));
        };
        *key = tenant.users[at].id.clone();
        user = Some(at);
    }
    if let (Some(user), [_, nav]) = (user, rest.as_slice()) {
        if nav.eq_ignore_ascii_case("memberOf") || nav.eq_ignore_ascii_case("transitiveMemberOf") {
            let collection = Collection {
                path: "directoryObjects",
                items: member_of(world, call, user),
                default_size: world.behaviour.page_size.unwrap_or(100),
                max_top: 999,
                source: Source::Directory,
            };
            return serve(call, collection, &[], query);
        }
    }
    let selected = Query::parse(query, call.version)?.select.is_some();
    let mut items = user_json(world, call);
    if !selected {
        for item in &mut items {
            if let Value::Object(map) = item {
                map.remove("accountEnabled");
            }
        }
    }
    let collection = Collection {
        path: "users",
        items,
        default_size: world.behaviour.page_size.unwrap_or(100),
        max_top: 999,
        source: Source::Directory,
    };
    serve(call, collection, &rest, query)
}

fn organization_json(world: &World, call: &Call) -> Value {
    let tenant = &world.tenants[call.tenant];
    let mut domains = vec![
        json!({"capabilities": "Email, OfficeCommunicationsOnline, Intune", "isDefault": true, "isInitial": tenant.domain.ends_with(".onmicrosoft.com"), "name": tenant.domain, "type": "Managed"}),
    ];
    if !tenant.domain.ends_with(".onmicrosoft.com") {
        let initial = format!(
            "{}.onmicrosoft.com",
            tenant.domain.split('.').next().unwrap_or("tenant")
        );
        domains.push(json!({"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": false, "isInitial": true, "name": initial, "type": "Managed"}));
    }
    json!({
        "@odata.type": "#microsoft.graph.organization",
        "id": tenant.id,
        "deletedDateTime": null,
        "businessPhones": [],
        "city": null,
        "country": null,
        "countryLetterCode": "DE",
        "createdDateTime": "2019-04-02T09:15:00Z",
        "displayName": tenant.name,
        "preferredLanguage": "en",
        "tenantType": "AAD",
        "verifiedDomains": domains,
        "assignedPlans": [],
        "privacyProfile": null,
        "technicalNotificationMails": [tenant.admin().user_principal_name],
    })
}

pub(super) fn organization(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    let collection = Collection {
        path: "organization",
        items: vec![organization_json(world, call)],
        default_size: 100,
        max_top: 999,
        source: Source::Directory,
    };
    serve(call, collection, rest, query)
}

/// Every directory object of the caller's tenant with its `@odata.type`.
fn directory_objects(world: &World, call: &Call) -> Vec<Value> {
    let tenant = &world.tenants[call.tenant];
    let mut out: Vec<Value> = tenant.groups.clone();
    out.extend(user_json(world, call));
    out
}

/// `POST /directoryObjects/getByIds {"ids": […], "types": […]}`: up to 1000 ids, unknown ids skipped.
pub(super) fn get_by_ids(
    world: &mut World,
    call: &Call,
    body: Option<Value>,
) -> GraphResult<Reply> {
    let Some(Value::Object(map)) = body else {
        return Err(GraphError::new(
            400,
            "Request_BadRequest",
            "The request body must be a JSON object with an 'ids' array.",
        )
        .from(Source::Directory));
    };
    let ids: Vec<String> = match map.get("ids") {
        Some(Value::Array(ids)) if ids.iter().all(Value::is_string) => ids
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => {
            return Err(GraphError::new(
                400,
                "Request_BadRequest",
                "Invalid value specified for property 'ids' of resource 'directoryObject'.",
            )
            .from(Source::Directory))
        }
    };
    if ids.len() > 1000 {
        return Err(GraphError::new(
            400,
            "Request_BadRequest",
            "The number of ids in the request exceeds the limit of 1000.",
        )
        .from(Source::Directory));
    }
    let types: Vec<String> = map
        .get("types")
        .and_then(Value::as_array)
        .map(|t| {
            t.iter()
                .filter_map(|v| v.as_str().map(|s| s.to_ascii_lowercase()))
                .collect()
        })
        .unwrap_or_default();
    let all = directory_objects(world, call);
    let value: Vec<Value> = ids
        .iter()
        .filter_map(|id| {
            all.iter().find(|o| {
                o.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(id))
            })
        })
        .filter(|o| {
            types.is_empty()
                || o.get("@odata.type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| {
                        types
                            .iter()
                            .any(|want| t.to_ascii_lowercase().ends_with(&format!(".{want}")))
                    })
        })
        .cloned()
        .collect();
    Ok(Reply::json(
        200,
        json!({"@odata.context": format!("{}/{}/$metadata#directoryObjects", call.base, call.version.as_str()), "value": value}),
    ))
}

pub(super) fn directory_object(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    let collection = Collection {
        path: "directoryObjects",
        items: directory_objects(world, call),
        default_size: 100,
        max_top: 999,
        source: Source::Directory,
    };
    serve(call, collection, rest, query)
}

/// `deviceAppManagement/managedAppPolicies`: every app protection and targeted app configuration
/// policy of the tenant in one read-only collection (the service's base-type view).
pub(super) fn managed_app_policies(
    world: &mut World,
    call: &Call,
    rest: &[String],
    query: &str,
) -> GraphResult<Reply> {
    const MEMBERS: &[&str] = &[
        "iosManagedAppProtections",
        "androidManagedAppProtections",
        "windowsManagedAppProtections",
        "targetedManagedAppConfigurations",
    ];
    let tenant = &world.tenants[call.tenant];
    let items = MEMBERS
        .iter()
        .flat_map(|key| tenant.collection(key))
        .map(|o| Value::Object(o.body.clone()))
        .collect();
    let collection = Collection {
        path: "deviceAppManagement/managedAppPolicies",
        items,
        default_size: world.behaviour.page_size.unwrap_or(1000),
        max_top: 1000,
        source: Source::Intune,
    };
    serve(call, collection, rest, query)
}
