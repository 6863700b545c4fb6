//! App registrations: which applications exist, in which tenants they may sign in, the redirect
//! URIs they registered, whether they are public clients, and the admin consent each tenant gave
//! them. Entra checks all of this before it issues anything; so does the simulator, taking the
//! stricter reading wherever Microsoft's documentation leaves room (`docs/simulator.md`, "Sign-in
//! and app registrations").

use super::{oauth_error, pages, Authority};
use crate::model::{SimApp, SimTenant, GRAPH_CLI_TOOLS_APP_ID, MSP_APP_ID};
use crate::state::World;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The apps of a generated portfolio: Microsoft Graph Command Line Tools (Microsoft's first-party
/// public client, the product's default) and the MSP's own public client, both multi-tenant with
/// redirect URI `http://localhost`, and both consented in every tenant with the tenant's generated
/// permissions (so tenant 2 lacks `Policy.Read.All` for either).
pub(crate) fn portfolio_apps(tenants: &[SimTenant]) -> Vec<SimApp> {
    let consents: BTreeMap<String, _> = tenants
        .iter()
        .map(|t| (t.id.clone(), t.granted_scopes.clone()))
        .collect();
    let public = |client_id: &str, display_name: &str| SimApp {
        client_id: client_id.to_string(),
        display_name: display_name.to_string(),
        public_client: true,
        redirect_uris: vec!["http://localhost".to_string()],
        multi_tenant: true,
        home_tenant: None,
        consents: consents.clone(),
    };
    vec![
        public(GRAPH_CLI_TOOLS_APP_ID, "Microsoft Graph Command Line Tools"),
        public(MSP_APP_ID, "TenantAtlas (MSP)"),
    ]
}

/// Why Entra refuses to go on with a client id, before any user signs in. Shown on the sign-in
/// page by `/authorize` (the redirect URI is not trusted yet), returned as JSON elsewhere.
pub(crate) struct Refusal {
    status: StatusCode,
    error: &'static str,
    code: u32,
    description: String,
}

impl Refusal {
    pub(crate) fn response(&self) -> Response {
        oauth_error(self.status, self.error, self.code, &self.description)
    }

    pub(crate) fn page(&self) -> Response {
        pages::error_page(
            StatusCode::BAD_REQUEST,
            &format!("AADSTS{}: {}", self.code, self.description),
        )
    }
}

/// The app a request names with `client_id`, as seen from the authority's tenant: it must exist,
/// and a single-tenant app only signs in to its home tenant (AADSTS700016 elsewhere) and never
/// through `common` or `organizations` (AADSTS50194).
pub(crate) fn find_app(
    world: &World,
    client_id: Option<&str>,
    authority: &Authority,
    tenant: &str,
) -> Result<SimApp, Refusal> {
    let Some(client_id) = client_id else {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            error: "invalid_request",
            code: 900144,
            description: "The request body must contain the following parameter: 'client_id'."
                .to_string(),
        });
    };
    let not_found = || {
        Refusal {
        status: StatusCode::BAD_REQUEST,
        error: "unauthorized_client",
        code: 700016,
        description: format!(
            "Application with identifier '{client_id}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ),
    }
    };
    let app = world.app(client_id).ok_or_else(not_found)?;
    if !app.multi_tenant {
        match authority {
            Authority::AnyTenant(_) => {
                return Err(Refusal {
                    status: StatusCode::BAD_REQUEST,
                    error: "invalid_request",
                    code: 50194,
                    description: format!(
                        "Application '{}'({}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.",
                        app.client_id, app.display_name
                    ),
                })
            }
            Authority::Tenant(index) => {
                let home = app.home_tenant.as_deref().unwrap_or("");
                if !world.tenants[*index].id.eq_ignore_ascii_case(home) {
                    return Err(not_found());
                }
            }
        }
    }
    Ok(app.clone())
}

/// Whether `requested` matches one of the app's registered redirect URIs, as Entra compares them
/// (entra-docs `reply-url.md`): scheme, host, path (case-sensitive) and query exactly; a URI
/// without a path is the same as one ending in `/`; on `localhost` and `127.0.0.1` the port is
/// ignored (RFC 8252 §7.3), but the host is not — `http://localhost` does not admit
/// `http://127.0.0.1` (Entra documents no such equivalence; the stricter reading). The IPv6
/// loopback `[::1]` is not supported, and a fragment never matches.
pub(crate) fn redirect_registered(app: &SimApp, requested: &str) -> bool {
    let Ok(requested) = url::Url::parse(requested) else {
        return false;
    };
    if requested.fragment().is_some() {
        return false;
    }
    app.redirect_uris.iter().any(|registered| {
        url::Url::parse(registered).is_ok_and(|registered| same_redirect(&registered, &requested))
    })
}

fn same_redirect(registered: &url::Url, requested: &url::Url) -> bool {
    let host = |u: &url::Url| u.host_str().map(str::to_ascii_lowercase);
    let loopback = matches!(host(requested).as_deref(), Some("localhost" | "127.0.0.1"));
    let path = |u: &url::Url| match u.path() {
        "" => "/".to_string(),
        p => p.to_string(),
    };
    registered.scheme() == requested.scheme()
        && host(registered) == host(requested)
        && (loopback || registered.port_or_known_default() == requested.port_or_known_default())
        && path(registered) == path(requested)
        && registered.query() == requested.query()
        // Plain http is only ever a loopback redirect.
        && (requested.scheme() == "https" || loopback)
}

/// Checks a redirect URI given when registering an app: https, or http on `localhost` /
/// `127.0.0.1`, as the app registration portal and manifest accept them.
pub(crate) fn valid_registration_uri(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    url.fragment().is_none()
        && (url.scheme() == "https" && url.host_str().is_some()
            || url.scheme() == "http" && loopback)
}

/// `POST /_sim/apps`: `{"client_id"?, "display_name", "public_client"?, "redirect_uris"?,
/// "multi_tenant"?, "home_tenant"?}`; returns the app as registered.
pub(crate) fn register_app(world: &mut World, request: &Value) -> Result<Value, String> {
    let text = |name: &str| request.get(name).and_then(Value::as_str);
    let flag = |name: &str| request.get(name).and_then(Value::as_bool).unwrap_or(false);
    let client_id = match text("client_id") {
        Some(id) => uuid::Uuid::parse_str(id)
            .map_err(|_| format!("client_id '{id}' is not a GUID"))?
            .to_string(),
        None => world.random_guid(),
    };
    let display_name = text("display_name")
        .filter(|n| !n.trim().is_empty())
        .ok_or("send {\"display_name\": \"…\"} (and optionally client_id, public_client, redirect_uris, multi_tenant, home_tenant)")?
        .to_string();
    let redirect_uris: Vec<String> = match request.get("redirect_uris") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|_| "redirect_uris must be an array of strings".to_string())?,
    };
    if let Some(bad) = redirect_uris.iter().find(|u| !valid_registration_uri(u)) {
        return Err(format!(
            "redirect URI '{bad}' is not https, or http on localhost or 127.0.0.1"
        ));
    }
    let home_tenant = match text("home_tenant") {
        Some(t) => Some(
            world
                .tenant_index(t)
                .map(|i| world.tenants[i].id.clone())
                .ok_or_else(|| format!("unknown home tenant '{t}'"))?,
        ),
        None => None,
    };
    let multi_tenant = flag("multi_tenant");
    if !multi_tenant && home_tenant.is_none() {
        return Err(
            "a single-tenant app needs a home_tenant; or register it with \"multi_tenant\": true"
                .to_string(),
        );
    }
    let app = SimApp {
        consents: world
            .app(&client_id)
            .map(|a| a.consents.clone())
            .unwrap_or_default(),
        client_id,
        display_name,
        public_client: flag("public_client"),
        redirect_uris,
        multi_tenant,
        home_tenant,
    };
    let value = json!(app);
    world
        .apps
        .retain(|a| !a.client_id.eq_ignore_ascii_case(&app.client_id));
    world.apps.push(app);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(uris: &[&str]) -> SimApp {
        SimApp {
            client_id: MSP_APP_ID.into(),
            display_name: "TenantAtlas (MSP)".into(),
            public_client: true,
            redirect_uris: uris.iter().map(|s| s.to_string()).collect(),
            multi_tenant: true,
            home_tenant: None,
            consents: BTreeMap::new(),
        }
    }

    #[test]
    fn loopback_redirects_match_any_port_but_only_their_own_host_and_path() {
        let check = |registered: &[&str], requested: &str, expect: bool| {
            assert_eq!(
                redirect_registered(&app(registered), requested),
                expect,
                "{registered:?} ← {requested}"
            );
        };
        let localhost = &["http://localhost"];
        check(localhost, "http://localhost", true);
        check(localhost, "http://localhost:53682/", true);
        check(localhost, "http://localhost:1234", true);
        check(localhost, "http://LOCALHOST:1234/", true);
        check(localhost, "http://localhost:1234/callback", false);
        check(localhost, "http://127.0.0.1:1234/", false);
        check(localhost, "https://localhost:1234/", false);
        check(localhost, "http://localhost:1234/#x", false);
        check(localhost, "http://[::1]:1234/", false);
        check(&["http://[::1]"], "http://[::1]:1234/", false);
        check(&["http://127.0.0.1/cb"], "http://127.0.0.1:5000/cb", true);
        check(&["http://127.0.0.1/cb"], "http://127.0.0.1:5000/CB", false);
        check(&["https://app.example/cb"], "https://app.example/cb", true);
        check(
            &["https://app.example/cb"],
            "https://app.example:8443/cb",
            false,
        );
        check(&["https://app.example/cb"], "http://app.example/cb", false);
        check(&["https://app.example/cb"], "not a url", false);
    }

    #[test]
    fn registration_accepts_https_and_loopback_http_only() {
        assert!(valid_registration_uri("http://localhost"));
        assert!(valid_registration_uri("http://127.0.0.1/cb"));
        assert!(valid_registration_uri("https://app.example/cb"));
        assert!(!valid_registration_uri("http://app.example/cb"));
        assert!(!valid_registration_uri("localhost"));
        assert!(!valid_registration_uri("https://app.example/#f"));
    }
}
