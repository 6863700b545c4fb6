//! Tenant-wide Intune endpoints that are not plain collections: the `deviceManagement` singleton
//! and its `settings` property, `applePushNotificationCertificate` and
//! `androidManagedStoreAccountEnterpriseSettings`; and two navigations backup tools read that the
//! collection table cannot express: a scope tag's auto-assignments
//! (`roleScopeTags/{id}/assignments`) and an intent's settings by category
//! (`intents/{id}/categories/{id}/settings`).
//!
//! The singletons are computed from the tenant (`data::tenant_settings::singletons`) and are
//! read-only here: the service takes PATCH on them, the simulator answers 405 (no client we know
//! writes them; `docs/simulator.md` lists it under what is not modelled).

use super::error::{GraphError, GraphResult, Reply, Source};
use super::odata::Query;
use super::resources::{context, find, move_first, paginate, render, select_objects};
use super::Call;
use crate::data::tenant_settings::singletons;
use crate::kinds::{ApiVersion, KindSpec};
use crate::model::SimObject;
use crate::state::World;
use axum::http::Method;
use serde_json::{json, Map, Value};

/// The singletons below `deviceManagement`, and `deviceManagement` itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Singleton {
    DeviceManagement,
    /// `deviceManagement/settings` (`deviceManagementSettings`, a complex property).
    Settings,
    ApplePushNotificationCertificate,
    AndroidManagedStoreAccountEnterpriseSettings,
}

const CONFIG_READ: &[&str] = &[
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
];
/// The Get applePushNotificationCertificate page lists exactly these (ServiceConfig.Read.All is
/// not among them).
const APNS_READ: &[&str] = &[
    "DeviceManagementServiceConfig.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
];

impl Singleton {
    /// The singleton a path names (`deviceManagement/<segment>`), if any.
    pub(super) fn named(segment: &str) -> Option<Singleton> {
        [
            ("settings", Singleton::Settings),
            (
                "applePushNotificationCertificate",
                Singleton::ApplePushNotificationCertificate,
            ),
            (
                "androidManagedStoreAccountEnterpriseSettings",
                Singleton::AndroidManagedStoreAccountEnterpriseSettings,
            ),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(segment))
        .map(|(_, s)| s)
    }

    fn path(self) -> &'static str {
        match self {
            Singleton::DeviceManagement => "deviceManagement",
            Singleton::Settings => "deviceManagement/settings",
            Singleton::ApplePushNotificationCertificate => {
                "deviceManagement/applePushNotificationCertificate"
            }
            Singleton::AndroidManagedStoreAccountEnterpriseSettings => {
                "deviceManagement/androidManagedStoreAccountEnterpriseSettings"
            }
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            Singleton::DeviceManagement => "microsoft.graph.deviceManagement",
            Singleton::Settings => "microsoft.graph.deviceManagementSettings",
            Singleton::ApplePushNotificationCertificate => {
                "microsoft.graph.applePushNotificationCertificate"
            }
            Singleton::AndroidManagedStoreAccountEnterpriseSettings => {
                "microsoft.graph.androidManagedStoreAccountEnterpriseSettings"
            }
        }
    }

    /// Delegated scopes that allow reading (any one suffices). `deviceManagement` and its
    /// settings belong to the "device configuration" workflow of the Get deviceManagement page.
    pub(super) fn read_scopes(self) -> &'static [&'static str] {
        match self {
            Singleton::ApplePushNotificationCertificate => APNS_READ,
            _ => CONFIG_READ,
        }
    }

    /// `deviceManagement` and the push certificate are documented on v1.0 too; the Android
    /// enterprise binding is beta only, and `settings` is reached on v1.0 only through
    /// `deviceManagement?$select=settings` (public tools use the path form on beta alone).
    pub(super) fn serves(self, version: ApiVersion) -> bool {
        version == ApiVersion::Beta
            || matches!(
                self,
                Singleton::DeviceManagement | Singleton::ApplePushNotificationCertificate
            )
    }
}

/// `GET` of a singleton; anything else is 405.
pub(super) fn singleton(
    world: &mut World,
    call: &Call,
    which: Singleton,
    rest: &[String],
    method: &Method,
    raw_query: &str,
) -> GraphResult<Reply> {
    if let Some(segment) = rest.first() {
        return Err(GraphError::segment_not_found(segment));
    }
    if *method != Method::GET {
        return Err(GraphError::method_not_allowed(method.as_str()));
    }
    let query = Query::parse(raw_query, call.version)?;
    if let Some(e) = query.expand.first() {
        return Err(GraphError::bad_request(format!(
            "Parsing OData Select and Expand failed: Could not find a property named '{}' on type '{}'.",
            e.name,
            which.type_name()
        )));
    }
    let all = singletons(&world.tenants[call.tenant], call.tenant);
    let value = match which {
        Singleton::DeviceManagement => all.device_management,
        Singleton::Settings => all.settings,
        Singleton::AndroidManagedStoreAccountEnterpriseSettings => {
            all.android_managed_store_account_enterprise_settings
        }
        // A tenant that never set up Apple MDM has no certificate: Intune's 404.
        Singleton::ApplePushNotificationCertificate => {
            all.apple_push_notification_certificate.ok_or_else(|| {
                GraphError::not_found(Source::Intune, "applePushNotificationCertificate")
            })?
        }
    };
    let mut value = value;
    if let (Some(Value::Object(changes)), Value::Object(map)) = (
        which
            .path()
            .strip_prefix("deviceManagement/")
            .and_then(|name| world.tenants[call.tenant].singleton_changes.get(name)),
        &mut value,
    ) {
        for (k, v) in changes {
            map.insert(k.clone(), v.clone());
        }
    }
    // `deviceManagement` carries its `settings`: changed ones there too.
    if let (Singleton::DeviceManagement, Some(Value::Object(changes))) = (
        which,
        world.tenants[call.tenant].singleton_changes.get("settings"),
    ) {
        if let Some(Value::Object(settings)) = value.get_mut("settings") {
            for (k, v) in changes {
                settings.insert(k.clone(), v.clone());
            }
        }
    }
    let mut value = match which {
        // A complex property comes back whole: `$select` applies to entities.
        Singleton::Settings => value,
        _ => render(&SimObject::from_value(value), &query.select, &[], &[]),
    };
    // Entities below the singleton are `…/$entity`; the singleton and a property are not.
    let entity = matches!(
        which,
        Singleton::ApplePushNotificationCertificate
            | Singleton::AndroidManagedStoreAccountEnterpriseSettings
    );
    value["@odata.context"] = json!(context(call, which.path(), &query, entity));
    move_first(&mut value, "@odata.context");
    Ok(Reply::json(200, value))
}

/// The navigations this module serves for a configuration collection, or `None` when the request
/// is for `resources`.
pub(super) fn navigation(
    world: &mut World,
    call: &Call,
    kind: &'static KindSpec,
    rest: &[String],
    method: &Method,
    raw_query: &str,
) -> GraphResult<Option<Reply>> {
    let is = |s: &String, name: &str| s.eq_ignore_ascii_case(name);
    let reply = match (kind.key, rest) {
        ("roleScopeTags", [id, nav]) if is(nav, "assignments") => {
            read_only(method)?;
            scope_tag_assignments(world, call, kind, id, None, raw_query)?
        }
        ("roleScopeTags", [id, nav, child]) if is(nav, "assignments") => {
            read_only(method)?;
            scope_tag_assignments(world, call, kind, id, Some(child), raw_query)?
        }
        ("intents", [id, nav, category, settings])
            if is(nav, "categories") && is(settings, "settings") =>
        {
            read_only(method)?;
            intent_category_settings(world, call, kind, id, category, None, raw_query)?
        }
        ("intents", [id, nav, category, settings, setting])
            if is(nav, "categories") && is(settings, "settings") =>
        {
            read_only(method)?;
            intent_category_settings(world, call, kind, id, category, Some(setting), raw_query)?
        }
        _ => return Ok(None),
    };
    Ok(Some(reply))
}

fn read_only(method: &Method) -> GraphResult<()> {
    if *method == Method::GET {
        Ok(())
    } else {
        Err(GraphError::method_not_allowed(method.as_str()))
    }
}

/// `roleScopeTags/{id}/assignments`: the tag's `roleScopeTagAutoAssignment`s (groups whose devices
/// get the tag automatically). Generated tenants have none, as most tenants; a tag's
/// `assignments` children, where present, are served.
fn scope_tag_assignments(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    child: Option<&String>,
    raw_query: &str,
) -> GraphResult<Reply> {
    let query = Query::parse(raw_query, call.version)?;
    let tag = find(world, call, kind, id)?;
    let items = tag
        .children
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("assignments"))
        .map(|(_, v)| v.as_slice())
        .unwrap_or(&[]);
    let path = format!("{}('{}')/assignments", kind.full_path(), tag.id());
    let link = format!("{}/{}/assignments", kind.full_path(), tag.id());
    match child {
        None => list(world, call, &path, &link, items, &query, 100),
        Some(child) => one(call, &path, items, child, &query),
    }
}

/// `intents/{id}/categories/{categoryId}/settings`: the intent's settings that belong to the
/// category. Every setting of `intents/{id}/settings` is in exactly one of the intent's
/// categories, so a tool that reads every category (IntuneCD) gets the intent's settings, each
/// once, with the same ids.
#[allow(clippy::too_many_arguments)]
fn intent_category_settings(
    world: &mut World,
    call: &Call,
    kind: &KindSpec,
    id: &str,
    category_id: &str,
    setting: Option<&String>,
    raw_query: &str,
) -> GraphResult<Reply> {
    let query = Query::parse(raw_query, call.version)?;
    let intent = find(world, call, kind, id)?;
    let categories = children(intent, "categories");
    let category = categories
        .iter()
        .find(|c| c.id().eq_ignore_ascii_case(category_id))
        .ok_or_else(|| GraphError::not_found(Source::Intune, category_id))?;
    let items: Vec<SimObject> = children(intent, "settings")
        .iter()
        .filter(|s| category_of(s, categories).is_some_and(|c| c.id() == category.id()))
        .cloned()
        .collect();
    let path = format!(
        "{}('{}')/categories('{}')/settings",
        kind.full_path(),
        intent.id(),
        category.id()
    );
    let link = format!(
        "{}/{}/categories/{}/settings",
        kind.full_path(),
        intent.id(),
        category.id()
    );
    match setting {
        None => list(world, call, &path, &link, &items, &query, 100),
        Some(setting) => one(call, &path, &items, setting, &query),
    }
}

fn children<'o>(object: &'o SimObject, nav: &str) -> &'o [SimObject] {
    object
        .children
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(nav))
        .map(|(_, v)| v.as_slice())
        .unwrap_or(&[])
}

/// The category a setting of an intent belongs to: the one whose name shares most words with the
/// setting's definition id (`…firewallProfilePrivate…` is in "Private profile"), else the first.
fn category_of<'c>(setting: &SimObject, categories: &'c [SimObject]) -> Option<&'c SimObject> {
    let definition = setting
        .body
        .get("definitionId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let score = |category: &SimObject| {
        category
            .body
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() > 2)
            .filter(|w| definition.contains(&w.to_ascii_lowercase()))
            .count()
    };
    let best = categories.iter().map(score).max()?;
    categories.iter().find(|c| score(c) == best)
}

/// A navigation collection as a page with `@odata.context` naming the parents by id.
fn list(
    world: &World,
    call: &Call,
    path: &str,
    link: &str,
    items: &[SimObject],
    query: &Query,
    default_size: usize,
) -> GraphResult<Reply> {
    let objects = select_objects(items, query);
    let size = world.behaviour.page_size.unwrap_or(default_size);
    let (range, next) = paginate(call, link, query, objects.len(), size, 1000)?;
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        json!(context(call, path, query, false)),
    );
    if query.count {
        body.insert("@odata.count".into(), json!(objects.len()));
    }
    if let Some(next) = next {
        body.insert("@odata.nextLink".into(), json!(next));
    }
    body.insert(
        "value".into(),
        Value::Array(
            objects[range]
                .iter()
                .map(|o| render(o, &query.select, &[], &[]))
                .collect(),
        ),
    );
    Ok(Reply::json(200, Value::Object(body)))
}

fn one(
    call: &Call,
    path: &str,
    items: &[SimObject],
    id: &str,
    query: &Query,
) -> GraphResult<Reply> {
    let found = items
        .iter()
        .find(|o| o.id().eq_ignore_ascii_case(id))
        .ok_or_else(|| GraphError::not_found(Source::Intune, id))?;
    let mut value = render(found, &query.select, &[], &[]);
    value["@odata.context"] = json!(context(call, path, query, true));
    move_first(&mut value, "@odata.context");
    Ok(Reply::json(200, value))
}
