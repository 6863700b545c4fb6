//! Turning a Graph path into a handler: segment decoding (`%2F`, key syntax `collection('id')`),
//! finding the collection, checking throttling and permissions, and route templates for statistics.

use super::entra::{self, Policy};
use super::error::{GraphError, GraphResult, Reply, Source};
use super::odata::Query;
use super::tenant_settings::{self, Singleton};
use super::throttle::Admission;
use super::{directory, resources, Call};
use crate::kinds::{self, ApiVersion, Family, KindSpec, KINDS};
use crate::state::World;
use axum::http::Method;
use serde_json::Value;
use std::time::Instant;

/// Splits a path into decoded segments; `name('key')` and `name(key)` become `name`, `key`.
/// Function calls with named parameters (`getOmaSettingPlainTextValue(secretReferenceValueId='…')`)
/// stay one segment.
pub(crate) fn segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for raw in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned();
        match (seg.find('('), seg.ends_with(')')) {
            (Some(open), true) if !seg[open..].contains('=') => {
                out.push(seg[..open].to_string());
                let key = seg[open + 1..seg.len() - 1].trim_matches('\'');
                if !key.is_empty() {
                    out.push(key.to_string());
                }
            }
            _ => out.push(seg),
        }
    }
    out
}

/// Path segments that are names (collections, navigations, actions) rather than ids.
fn is_name(segment: &str) -> bool {
    const FIXED: &[&str] = &[
        "deviceManagement",
        "deviceAppManagement",
        "identity",
        "conditionalAccess",
        "groups",
        "users",
        "me",
        "organization",
        "directoryObjects",
        "getByIds",
        "configurationSettings",
        "auditEvents",
        "assign",
        "assignments",
        "presentationValues",
        "scheduledActionConfigurations",
        "updateDefinitionValues",
        "$batch",
        "members",
        "$count",
        "managedAppPolicies",
        "applePushNotificationCertificate",
        "androidManagedStoreAccountEnterpriseSettings",
        "categories",
        "settings",
        "authorizationPolicy",
        "identitySecurityDefaultsEnforcementPolicy",
        "authenticationMethodsPolicy",
        "authenticationMethodConfigurations",
        "crossTenantAccessPolicy",
        "default",
    ];
    FIXED.iter().any(|f| f.eq_ignore_ascii_case(segment))
        || KINDS.iter().any(|k| {
            k.full_path()
                .split('/')
                .any(|p| p.eq_ignore_ascii_case(segment))
                || k.navs.iter().any(|n| n.name.eq_ignore_ascii_case(segment))
        })
        || segment.starts_with("getOmaSettingPlainTextValue")
}

/// `GET /beta/deviceManagement/deviceConfigurations/{id}/assignments`: ids replaced by `{id}`.
pub fn route_template(method: &str, version: ApiVersion, path: &str) -> String {
    let mut template = format!("{method} /{}", version.as_str());
    for seg in segments(path) {
        template.push('/');
        if is_name(&seg) {
            template.push_str(&seg);
        } else {
            template.push_str("{id}");
        }
    }
    template
}

/// What a request needs before it may run.
struct Gate {
    family: Family,
    scopes: &'static [&'static str],
    source: Source,
    write: bool,
}

const GROUP_READ: &[&str] = &[
    "Group.Read.All",
    "Group.ReadWrite.All",
    "GroupMember.Read.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const USER_READ: &[&str] = &[
    "User.Read.All",
    "User.ReadBasic.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
const ME_READ: &[&str] = &[
    "User.Read",
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
];
const ORG_READ: &[&str] = &[
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "User.Read",
];
const DIRECTORY_READ: &[&str] = &["Directory.Read.All", "Directory.ReadWrite.All"];
const AUDIT_READ: &[&str] = &[
    "DeviceManagementApps.Read.All",
    "DeviceManagementApps.ReadWrite.All",
    "DeviceManagementConfiguration.Read.All",
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementRBAC.Read.All",
    "DeviceManagementRBAC.ReadWrite.All",
    "DeviceManagementServiceConfig.Read.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
];

pub(crate) fn route(
    world: &mut World,
    call: &Call,
    method: &Method,
    path: &str,
    query: &str,
    body: Option<Value>,
) -> GraphResult<Reply> {
    // IntuneCD passes its options as a string that already starts with `?`, so its requests read
    // `…/notificationMessageTemplates??$expand=localizedNotificationMessages`; the service answers
    // them as if the second `?` were not there (docs/simulator.md, "What real clients send").
    let query = query.strip_prefix('?').unwrap_or(query);
    let segs = segments(path);
    let Some(first) = segs.first() else {
        return Err(GraphError::bad_request(
            "Invalid request: the request URL names no resource.",
        ));
    };
    let write = !matches!(*method, Method::GET | Method::HEAD);

    // Configuration collections (two or three segments long).
    for len in [2usize, 3] {
        if segs.len() >= len {
            if let Some(kind) = kinds::by_path(&segs[..len].join("/")) {
                if !kind.serves(call.version) {
                    return Err(GraphError::segment_not_found(&segs[len - 1]));
                }
                let scopes = if write {
                    kind.write_scopes
                } else {
                    kind.read_scopes
                };
                let source = super::resources::source_of(kind);
                gate(
                    world,
                    call,
                    Gate {
                        family: kind.family,
                        scopes,
                        source,
                        write,
                    },
                )?;
                let rest = &segs[len..];
                if let Some(reply) =
                    tenant_settings::navigation(world, call, kind, rest, method, query)?
                {
                    return Ok(reply);
                }
                if *method == Method::GET && rest.is_empty() {
                    check_filter(world, call, kind, query)?;
                }
                return resources::kind_request(
                    world,
                    call,
                    kind,
                    &segs[len..],
                    method,
                    query,
                    body,
                );
            }
        }
    }

    let second = segs.get(1).map(String::as_str).unwrap_or("");
    let lower = first.to_ascii_lowercase();
    let intune_read = |world: &mut World, scopes| {
        gate(
            world,
            call,
            Gate {
                family: Family::IntuneConfig,
                scopes,
                source: Source::Intune,
                write,
            },
        )
    };
    match (lower.as_str(), second.to_ascii_lowercase().as_str()) {
        ("devicemanagement", "configurationsettings") => {
            intune_read(
                world,
                kinds::by_key("configurationPolicies")
                    .map(|k| k.read_scopes)
                    .unwrap_or(&[]),
            )?;
            read_only(method)?;
            directory::setting_definitions(world, call, &segs[2..], query)
        }
        ("devicemanagement", "auditevents") => {
            intune_read(world, AUDIT_READ)?;
            read_only(method)?;
            directory::audit_events(world, call, &segs[2..], query)
        }
        ("deviceappmanagement", "managedapppolicies") => {
            intune_read(
                world,
                kinds::by_key("iosManagedAppProtections")
                    .map(|k| k.read_scopes)
                    .unwrap_or(&[]),
            )?;
            read_only(method)?;
            directory::managed_app_policies(world, call, &segs[2..], query)
        }
        ("devicemanagement", "") => {
            intune_read(world, Singleton::DeviceManagement.read_scopes())?;
            tenant_settings::singleton(world, call, Singleton::DeviceManagement, &[], method, query)
        }
        ("devicemanagement", segment) if Singleton::named(segment).is_some() => {
            let which = Singleton::named(segment).expect("matched above");
            if !which.serves(call.version) {
                return Err(GraphError::segment_not_found(&segs[1]));
            }
            intune_read(world, which.read_scopes())?;
            tenant_settings::singleton(world, call, which, &segs[2..], method, query)
        }
        ("devicemanagement" | "deviceappmanagement" | "identity", segment) => {
            Err(GraphError::segment_not_found(if segment.is_empty() {
                first
            } else {
                &segs[1]
            }))
        }
        ("policies", segment) if Policy::named(segment).is_some() => {
            let which = Policy::named(segment).expect("matched above");
            directory_gate(world, call, which.read_scopes(), write)?;
            entra::policy(world, call, which, &segs[2..], method, query)
        }
        ("groups", _) => {
            directory_gate(world, call, GROUP_READ, write)?;
            read_only(method)?;
            directory::groups(world, call, &segs[1..], query)
        }
        ("users", _) => {
            directory_gate(world, call, USER_READ, write)?;
            read_only(method)?;
            directory::users(world, call, &segs[1..], query)
        }
        ("me", _) => {
            directory_gate(world, call, ME_READ, false)?;
            read_only(method)?;
            let me = call.grant.user_id.clone();
            let mut rest = vec![me];
            rest.extend(segs[1..].iter().cloned());
            directory::users(world, call, &rest, query)
        }
        ("organization", _) => {
            directory_gate(world, call, ORG_READ, write)?;
            read_only(method)?;
            directory::organization(world, call, &segs[1..], query)
        }
        ("directoryobjects", "getbyids") if segs.len() == 2 => {
            directory_gate(world, call, DIRECTORY_READ, false)?;
            if *method != Method::POST {
                return Err(GraphError::method_not_allowed(method.as_str()));
            }
            directory::get_by_ids(world, call, body)
        }
        ("directoryobjects", _) => {
            directory_gate(world, call, DIRECTORY_READ, write)?;
            read_only(method)?;
            directory::directory_object(world, call, &segs[1..], query)
        }
        _ => Err(GraphError::segment_not_found(first)),
    }
}

/// The service checks `$filter` against the collection's type: a property it lacks is a 400
/// (`Filter::check_properties`). Malformed options are left to the handler, which reports them.
fn check_filter(world: &World, call: &Call, kind: &KindSpec, query: &str) -> GraphResult<()> {
    let Ok(Query {
        filter: Some(filter),
        ..
    }) = Query::parse(query, call.version)
    else {
        return Ok(());
    };
    let objects: Vec<_> = world.tenants[call.tenant]
        .collection(kind.key)
        .iter()
        .map(|o| &o.body)
        .collect();
    let navigations: Vec<&str> = kind.navs.iter().map(|n| n.name).collect();
    filter.check_properties(kind.base_type, &objects, &navigations)
}

fn read_only(method: &Method) -> GraphResult<()> {
    if *method == Method::GET {
        Ok(())
    } else {
        Err(GraphError::method_not_allowed(method.as_str()))
    }
}

fn directory_gate(
    world: &mut World,
    call: &Call,
    scopes: &'static [&'static str],
    write: bool,
) -> GraphResult<()> {
    gate(
        world,
        call,
        Gate {
            family: Family::Directory,
            scopes,
            source: Source::Directory,
            write,
        },
    )
}

/// Throttling first (a denied request still counts), then permissions.
fn gate(world: &mut World, call: &Call, gate: Gate) -> GraphResult<()> {
    let tenant_id = world.tenants[call.tenant].id.clone();
    let injected = world.behaviour.throttle_rate;
    let key = world.injection_key.clone();
    let admission = if world.inject(injected, &key) {
        Admission::Throttled {
            retry_after: (gate.family != Family::ConditionalAccess)
                .then_some(world.behaviour.injected_retry_after),
        }
    } else {
        world.buckets.admit(
            &tenant_id,
            &call.grant.client_id,
            gate.family,
            gate.write,
            Instant::now(),
        )
    };
    if let Admission::Throttled { retry_after } = admission {
        let mut error = GraphError::new(
            429,
            "TooManyRequests",
            match gate.source {
                Source::Intune => "Too many requests. The request was throttled; retry after the time in the Retry-After header.",
                _ => "Too many requests.",
            },
        )
        .from(gate.source);
        error.retry_after = retry_after;
        return Err(error);
    }
    let granted = &call.grant.scopes;
    if gate.scopes.is_empty()
        || gate
            .scopes
            .iter()
            .any(|s| granted.iter().any(|g| g.eq_ignore_ascii_case(s)))
    {
        return Ok(());
    }
    Err(match gate.source {
        Source::Intune => GraphError::new(
            403,
            "Forbidden",
            format!(
                "Application is not authorized to perform this operation. Application must have one of the following scopes: {}",
                gate.scopes.join(", ")
            ),
        )
        .from(Source::Intune),
        _ => GraphError::new(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
            .from(Source::Directory),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_syntax_and_encoding_are_understood() {
        assert_eq!(
            segments("deviceManagement/deviceConfigurations('abc')/assignments"),
            vec![
                "deviceManagement",
                "deviceConfigurations",
                "abc",
                "assignments"
            ]
        );
        assert_eq!(
            segments("//deviceManagement%2FdeviceConfigurations/"),
            vec!["deviceManagement/deviceConfigurations"]
        );
        assert_eq!(
            route_template(
                "GET",
                ApiVersion::Beta,
                "deviceManagement/configurationPolicies/1b2c/settings"
            ),
            "GET /beta/deviceManagement/configurationPolicies/{id}/settings"
        );
        assert_eq!(
            route_template(
                "GET",
                ApiVersion::Beta,
                "deviceManagement/configurationSettings/device_vendor_msft_x"
            ),
            "GET /beta/deviceManagement/configurationSettings/{id}"
        );
    }
}
