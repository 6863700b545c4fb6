//! Entra's policy singletons below `/policies`: the authorization policy, security defaults, the
//! authentication methods policy (with its method configurations, expanded on every GET) and the
//! cross-tenant access policy with its default configuration. The collections beside them
//! (authentication strengths, partners) are plain kinds in `kinds::KINDS`.
//!
//! Each singleton is a one-object collection of the tenant (`data::entra::SINGLETON_KEYS`), so
//! tests can change it; writes are not modelled (405, stricter than the service).
//!
//! Shapes: v1.0 answers `policies/authorizationPolicy` with the object; beta with a collection of
//! one (`/policies/authorizationPolicy/authorizationPolicy` reads the object there), as older
//! reference pages and public tools show — the current beta page shows the object, so which beta
//! shape the service sends today is unverified (docs/simulator.md).

use super::error::{GraphError, GraphResult, Reply, Source};
use super::odata::Query;
use super::resources::{context, move_first, render};
use super::Call;
use crate::kinds::ApiVersion;
use crate::model::SimObject;
use crate::state::World;
use axum::http::Method;
use serde_json::{json, Value};

/// A singleton below `policies`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Policy {
    Authorization,
    SecurityDefaults,
    AuthenticationMethods,
    /// `policies/crossTenantAccessPolicy` itself, and its `default` below it.
    CrossTenantAccess,
}

impl Policy {
    /// The singleton `policies/<segment>` names.
    pub(super) fn named(segment: &str) -> Option<Policy> {
        [
            ("authorizationPolicy", Policy::Authorization),
            (
                "identitySecurityDefaultsEnforcementPolicy",
                Policy::SecurityDefaults,
            ),
            ("authenticationMethodsPolicy", Policy::AuthenticationMethods),
            ("crossTenantAccessPolicy", Policy::CrossTenantAccess),
        ]
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(segment))
        .map(|(_, p)| p)
    }

    /// Delegated read permissions as the Get pages list them, least privileged first.
    pub(super) fn read_scopes(self) -> &'static [&'static str] {
        match self {
            Policy::Authorization => &["Policy.Read.All", "Policy.ReadWrite.Authorization"],
            Policy::SecurityDefaults => &["Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"],
            Policy::AuthenticationMethods => &[
                "Policy.Read.AuthenticationMethod",
                "Policy.ReadWrite.AuthenticationMethod",
                "Policy.Read.All",
            ],
            Policy::CrossTenantAccess => &["Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess"],
        }
    }
}

fn stored<'w>(world: &'w World, call: &Call, key: &str) -> GraphResult<&'w SimObject> {
    world.tenants[call.tenant]
        .collection(key)
        .first()
        .ok_or_else(|| GraphError::not_found(Source::Directory, key))
}

fn entity(call: &Call, path: &str, object: &SimObject, query: &Query, whole: bool) -> Reply {
    let mut value = render(object, &query.select, &[], &[]);
    value["@odata.context"] = json!(context(call, path, query, whole));
    move_first(&mut value, "@odata.context");
    Reply::json(200, value)
}

/// `GET policies/<singleton>/…` (`rest` after the singleton's segment).
pub(super) fn policy(
    world: &mut World,
    call: &Call,
    which: Policy,
    rest: &[String],
    method: &Method,
    raw_query: &str,
) -> GraphResult<Reply> {
    if *method != Method::GET {
        return Err(GraphError::method_not_allowed(method.as_str()));
    }
    let query = Query::parse(raw_query, call.version)?;
    let is = |s: &String, name: &str| s.eq_ignore_ascii_case(name);
    let no_expand = |query: &Query, type_name: &str| {
        match query.expand.first() {
        Some(e) => Err(GraphError::bad_request(format!(
            "Parsing OData Select and Expand failed: Could not find a property named '{}' on type 'microsoft.graph.{type_name}'.",
            e.name
        ))),
        None => Ok(()),
    }
    };
    match (which, rest) {
        (Policy::Authorization, []) => {
            no_expand(&query, "authorizationPolicy")?;
            let object = stored(world, call, "authorizationPolicy")?;
            if call.version == ApiVersion::V1 {
                return Ok(entity(
                    call,
                    "policies/authorizationPolicy",
                    object,
                    &query,
                    true,
                ));
            }
            let value = render(object, &query.select, &[], &[]);
            Ok(Reply::json(
                200,
                json!({
                    "@odata.context": context(call, "policies/authorizationPolicy", &query, false),
                    "value": [value],
                }),
            ))
        }
        (Policy::Authorization, [id]) if call.version == ApiVersion::Beta => {
            no_expand(&query, "authorizationPolicy")?;
            let object = stored(world, call, "authorizationPolicy")?;
            if !object.id().eq_ignore_ascii_case(id) {
                return Err(GraphError::not_found(Source::Directory, id));
            }
            Ok(entity(
                call,
                "policies/authorizationPolicy",
                object,
                &query,
                true,
            ))
        }
        (Policy::SecurityDefaults, []) => {
            no_expand(&query, "identitySecurityDefaultsEnforcementPolicy")?;
            let object = stored(world, call, "identitySecurityDefaultsEnforcementPolicy")?;
            Ok(entity(
                call,
                "policies/identitySecurityDefaultsEnforcementPolicy",
                object,
                &query,
                true,
            ))
        }
        (Policy::AuthenticationMethods, rest) => {
            // The Get page: "This method does not support any optional query parameters."
            if !query.carried.is_empty() || query.top.is_some() || query.skip.is_some() {
                return Err(GraphError::bad_request(
                    "The query specified in the URI is not valid. Query options are not supported on this resource.",
                ));
            }
            let object = stored(world, call, "authenticationMethodsPolicy")?;
            let methods = object
                .children
                .get("authenticationMethodConfigurations")
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let path = "policies/authenticationMethodsPolicy";
            match rest {
                [] => {
                    // The method configurations are expanded on every GET of the policy.
                    let mut value = render(object, &None, &[], &[]);
                    value["authenticationMethodConfigurations@odata.context"] = json!(format!(
                        "{}/{}/$metadata#policies/authenticationMethodsPolicy/authenticationMethodConfigurations",
                        call.base,
                        call.version.as_str()
                    ));
                    value["authenticationMethodConfigurations"] =
                        Value::Array(methods.iter().map(|m| render(m, &None, &[], &[])).collect());
                    value["@odata.context"] = json!(context(call, path, &query, true));
                    move_first(&mut value, "@odata.context");
                    Ok(Reply::json(200, value))
                }
                [nav] if is(nav, "authenticationMethodConfigurations") => Ok(Reply::json(
                    200,
                    json!({
                        "@odata.context": context(call, &format!("{path}/authenticationMethodConfigurations"), &query, false),
                        "value": methods.iter().map(|m| render(m, &None, &[], &[])).collect::<Vec<_>>(),
                    }),
                )),
                [nav, id] if is(nav, "authenticationMethodConfigurations") => {
                    let found = methods
                        .iter()
                        .find(|m| m.id().eq_ignore_ascii_case(id))
                        .ok_or_else(|| GraphError::not_found(Source::Directory, id))?;
                    Ok(entity(
                        call,
                        &format!("{path}/authenticationMethodConfigurations"),
                        found,
                        &query,
                        true,
                    ))
                }
                [.., last] => Err(GraphError::segment_not_found(last)),
            }
        }
        (Policy::CrossTenantAccess, []) => {
            no_expand(&query, "crossTenantAccessPolicy")?;
            let object = SimObject::from_value(json!({
                "@odata.type": "#microsoft.graph.crossTenantAccessPolicy",
                "id": "crossTenantAccessPolicy",
                "displayName": "CrossTenantAccessPolicy",
                "allowedCloudEndpoints": [],
            }));
            Ok(entity(
                call,
                "policies/crossTenantAccessPolicy",
                &object,
                &query,
                true,
            ))
        }
        (Policy::CrossTenantAccess, [segment]) if is(segment, "default") => {
            no_expand(&query, "crossTenantAccessPolicyConfigurationDefault")?;
            let object = stored(world, call, "crossTenantAccessPolicyDefault")?;
            Ok(entity(
                call,
                "policies/crossTenantAccessPolicy/default",
                object,
                &query,
                true,
            ))
        }
        (_, [.., last]) => Err(GraphError::segment_not_found(last)),
    }
}
