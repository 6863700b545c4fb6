//! The sign-in host: Microsoft identity platform v2 endpoints for device code, authorization code
//! with PKCE, and refresh tokens, with the error bodies Entra ID returns.
//!
//! Paths are `/{tenant}/…` where `{tenant}` is a GUID, a domain, `organizations` or `common`. Paths
//! are parsed by hand rather than by a router so that the forms real clients send (a doubled slash
//! from an authority with a trailing slash, `%2F`…) are handled like the real service handles them.

// Handlers return the error response itself (`Result<_, Response>`), the usual axum shape.
#![allow(clippy::result_large_err)]

mod apps;
mod pages;
mod tokens;

pub(crate) use apps::{portfolio_apps, redirect_registered, register_app};
pub(crate) use tokens::mint_access_token;

use crate::state::{AuthCodeGrant, DeviceCodeGrant, DeviceCodeStatus, World};
use crate::Sim;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;
use tokens::{ScopeRequest, TokenRequest};

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new().fallback(handle).with_state(sim)
}

async fn handle(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let latency = sim.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let base = base_url(&headers);
    let mut world = sim.world();
    world.stats.identity_requests += 1;
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let query = form_pairs(uri.query().unwrap_or("").as_bytes());
    let form = form_pairs(&body);
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.clone(), segs.as_slice()) {
        (Method::GET, ["devicelogin"]) => pages::device_login_page(&world, param(&query, "otc"), None),
        (Method::POST, ["devicelogin"]) => device_login_submit(&mut world, &form),
        (Method::GET, ["common", "discovery", "instance"]) => instance_discovery(&base, &query),
        (Method::GET, [tenant, "v2.0", ".well-known", "openid-configuration"]) => {
            openid_configuration(&world, &base, tenant)
        }
        (Method::GET, [tenant, "discovery", "v2.0", "keys"]) => match resolve_authority(&world, tenant) {
            Ok(_) => json_response(StatusCode::OK, json!({"keys": []})),
            Err(e) => e,
        },
        (Method::POST, [tenant, "oauth2", "v2.0", "devicecode"]) => device_code(&mut world, &base, tenant, &form),
        (Method::POST, [tenant, "oauth2", "v2.0", "token"]) => {
            tokens::token_endpoint(&mut world, &base, tenant, TokenRequest::new(&form))
        }
        (Method::GET, [tenant, "oauth2", "v2.0", "authorize"]) => authorize(&mut world, tenant, &query, None),
        (Method::POST, [tenant, "oauth2", "v2.0", "authorize"]) => {
            let decision = param(&form, "decision").map(str::to_string);
            let merged: Vec<(String, String)> = query.iter().chain(form.iter()).cloned().collect();
            authorize(&mut world, tenant, &merged, Some(decision.as_deref().unwrap_or("")))
        }
        (_, [_, "oauth2", "v2.0", "devicecode" | "token" | "authorize"]) => oauth_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            900561,
            "The endpoint only accepts POST requests. Received a GET request.",
        ),
        _ => oauth_error(
            StatusCode::NOT_FOUND,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'. The path is not a known endpoint of the Microsoft identity platform.",
        ),
    }
}

/// The scheme and host the client used (behind a proxy: `X-Forwarded-Proto` and `-Host`).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("https");
    format!("{proto}://{host}")
}

pub(crate) fn form_pairs(raw: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, "no-store, no-cache".parse().unwrap());
    headers.insert(header::PRAGMA, "no-cache".parse().unwrap());
    response
}

/// An error as the Microsoft identity platform returns it.
pub(crate) fn oauth_error(
    status: StatusCode,
    error: &str,
    code: u32,
    description: &str,
) -> Response {
    json_response(status, error_body(error, code, description))
}

/// The body of [`oauth_error`], for errors that carry more fields (`suberror`).
pub(crate) fn error_body(error: &str, code: u32, description: &str) -> Value {
    let trace_id = uuid::Uuid::new_v4().to_string();
    let correlation_id = uuid::Uuid::new_v4().to_string();
    let timestamp = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}Z",
        timestamp.year(),
        timestamp.month() as u8,
        timestamp.day(),
        timestamp.hour(),
        timestamp.minute(),
        timestamp.second()
    );
    json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {stamp}"
        ),
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    })
}

/// Who may sign in through an authority path segment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Authority {
    /// `common` or `organizations`: any tenant's user.
    AnyTenant(String),
    /// One tenant (by index into `World::tenants`).
    Tenant(usize),
}

impl Authority {
    pub(crate) fn path_segment(&self, world: &World) -> String {
        match self {
            Authority::AnyTenant(name) => name.clone(),
            Authority::Tenant(index) => world.tenants[*index].id.clone(),
        }
    }
}

pub(crate) fn resolve_authority(world: &World, tenant: &str) -> Result<Authority, Response> {
    let lower = tenant.to_ascii_lowercase();
    match lower.as_str() {
        "common" | "organizations" => Ok(Authority::AnyTenant(lower)),
        "consumers" => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            9002331,
            "Application is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.",
        )),
        _ => world.tenant_index(tenant).map(Authority::Tenant).ok_or_else(|| {
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_tenant",
                90002,
                &format!(
                    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
                ),
            )
        }),
    }
}

fn instance_discovery(base: &str, query: &[(String, String)]) -> Response {
    let host = base.split("://").nth(1).unwrap_or(base).to_string();
    let tenant = param(query, "authorization_endpoint")
        .and_then(|endpoint| url::Url::parse(endpoint).ok())
        .and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.next().map(str::to_string))
        })
        .unwrap_or_else(|| "common".to_string());
    json_response(
        StatusCode::OK,
        json!({
            "tenant_discovery_endpoint": format!("{base}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }),
    )
}

fn openid_configuration(world: &World, base: &str, tenant: &str) -> Response {
    let authority = match resolve_authority(world, tenant) {
        Ok(authority) => authority,
        Err(response) => return response,
    };
    let segment = authority.path_segment(world);
    let issuer_tenant = match &authority {
        Authority::AnyTenant(_) => "{tenantid}".to_string(),
        Authority::Tenant(index) => world.tenants[*index].id.clone(),
    };
    let host = base.split("://").nth(1).unwrap_or(base);
    json_response(
        StatusCode::OK,
        json!({
            "token_endpoint": format!("{base}/{segment}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/{segment}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{issuer_tenant}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{base}/oidc/userinfo"),
            "authorization_endpoint": format!("{base}/{segment}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/{segment}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/{segment}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": format!("{base}/{segment}/kerberos"),
            "tenant_region_scope": "EU",
            "cloud_instance_name": host,
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }),
    )
}

fn device_code(world: &mut World, base: &str, tenant: &str, form: &[(String, String)]) -> Response {
    let authority = match resolve_authority(world, tenant) {
        Ok(authority) => authority,
        Err(response) => return response,
    };
    let client_id = match apps::find_app(world, param(form, "client_id"), &authority, tenant) {
        Ok(app) => app.client_id,
        Err(refusal) => return refusal.response(),
    };
    let Some(scope) = param(form, "scope") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    };
    let scopes = match ScopeRequest::parse(scope) {
        Ok(scopes) => scopes,
        Err(response) => return response,
    };
    let device_code = format!("DAQABIQEAAAD{}", world.random_token(96));
    let user_code = user_code(world);
    let now = world.now();
    let interval = world.behaviour.device_code_interval;
    let lifetime = world.behaviour.device_code_lifetime;
    let mut grant = DeviceCodeGrant {
        user_code: user_code.clone(),
        client_id,
        authority_tenant: authority.path_segment(world),
        tenant_id: None,
        scopes: scopes.raw,
        expires_at: now + lifetime,
        interval,
        last_poll: None,
        status: DeviceCodeStatus::Pending,
    };
    if world.behaviour.auto_approve {
        let index = match authority {
            Authority::Tenant(index) => index,
            Authority::AnyTenant(_) => 0,
        };
        if let Some(t) = world.tenants.get(index) {
            grant.tenant_id = Some(t.id.clone());
            grant.status = DeviceCodeStatus::Approved;
        }
    }
    world.device_codes.insert(device_code.clone(), grant);
    let verification_uri = format!("{base}/devicelogin");
    json_response(
        StatusCode::OK,
        json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": verification_uri,
            "expires_in": lifetime,
            "interval": interval,
            "message": format!(
                "To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."
            ),
        }),
    )
}

/// Nine characters from an alphabet without look-alikes, like Entra's user codes.
fn user_code(world: &mut World) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..9)
        .map(|_| ALPHABET[world.rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

fn device_login_submit(world: &mut World, form: &[(String, String)]) -> Response {
    let code = param(form, "user_code")
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let decision = param(form, "decision").unwrap_or("");
    let now = world.now();
    let found = world
        .device_codes
        .iter()
        .find(|(_, g)| g.user_code == code && g.status == DeviceCodeStatus::Pending)
        .map(|(k, g)| (k.clone(), g.clone()));
    let Some((key, grant)) = found else {
        return pages::device_login_page(
            world,
            Some(&code),
            Some("That code wasn't recognised or was already used. Check the code and try again."),
        );
    };
    if grant.expires_at <= now {
        return pages::device_login_page(
            world,
            Some(&code),
            Some("That code has expired. Go back to the application to get a new code."),
        );
    }
    if decision.is_empty() {
        return pages::device_consent_page(world, &grant);
    }
    let account = param(form, "account").unwrap_or("");
    let tenant = world
        .tenants
        .iter()
        .find(|t| {
            t.users
                .iter()
                .any(|u| u.user_principal_name.eq_ignore_ascii_case(account) || u.id == account)
        })
        .map(|t| t.id.clone());
    let Some(tenant_id) = tenant else {
        return pages::device_consent_page(world, &grant);
    };
    let allowed = grant.authority_tenant == "common"
        || grant.authority_tenant == "organizations"
        || grant.authority_tenant.eq_ignore_ascii_case(&tenant_id);
    if !allowed {
        return pages::device_consent_page(world, &grant);
    }
    let approve = decision == "approve";
    if let Some(g) = world.device_codes.get_mut(&key) {
        g.tenant_id = Some(tenant_id);
        g.status = if approve {
            DeviceCodeStatus::Approved
        } else {
            DeviceCodeStatus::Declined
        };
    }
    pages::message_page(
        if approve {
            "You're signed in"
        } else {
            "Sign-in declined"
        },
        if approve {
            "You have signed in to the application on your device. You may now close this window."
        } else {
            "You declined to sign in to the application on your device. You may now close this window."
        },
    )
}

/// `/authorize`: shows the sign-in page, or with auto-approve (or a decision posted from the page)
/// redirects to the client's loopback `redirect_uri` with a code or an error.
fn authorize(
    world: &mut World,
    tenant: &str,
    query: &[(String, String)],
    decision: Option<&str>,
) -> Response {
    let authority = match resolve_authority(world, tenant) {
        Ok(authority) => authority,
        Err(response) => return response,
    };
    // Until the client id and redirect URI are trusted, errors are shown on a page, never redirected.
    let app = match apps::find_app(world, param(query, "client_id"), &authority, tenant) {
        Ok(app) => app,
        Err(refusal) => return refusal.page(),
    };
    let client_id = app.client_id.clone();
    let redirect_uri = param(query, "redirect_uri").unwrap_or("");
    if !redirect_registered(&app, redirect_uri) {
        return pages::error_page(
            StatusCode::BAD_REQUEST,
            &format!(
                "AADSTS50011: The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{client_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
            ),
        );
    }
    let state = param(query, "state").map(str::to_string);
    let redirect_error = |error: &str, code: u32, description: &str| {
        let mut url = url::Url::parse(redirect_uri).expect("checked above");
        url.query_pairs_mut()
            .append_pair("error", error)
            .append_pair("error_description", &format!("AADSTS{code}: {description}"));
        if let Some(state) = &state {
            url.query_pairs_mut().append_pair("state", state);
        }
        redirect(url.as_str())
    };
    if param(query, "response_type") != Some("code") {
        return redirect_error("unsupported_response_type", 900144, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value is 'code'.");
    }
    let challenge = param(query, "code_challenge").map(str::to_string);
    match (challenge.is_some(), param(query, "code_challenge_method")) {
        (true, Some("S256")) | (false, None) => {}
        (true, None | Some("plain")) => {}
        _ => {
            return redirect_error(
                "invalid_request",
                501491,
                "Invalid size of Code_Challenge parameter or unsupported Code_Challenge_Method.",
            )
        }
    }
    let scopes = match ScopeRequest::parse(param(query, "scope").unwrap_or("openid")) {
        Ok(scopes) => scopes,
        Err(_) => {
            return redirect_error(
                "invalid_scope",
                70011,
                "The provided value for the input parameter 'scope' is not valid.",
            )
        }
    };
    let hint = param(query, "login_hint").or_else(|| param(query, "account"));
    let tenant_index = match &authority {
        Authority::Tenant(index) => Some(*index),
        Authority::AnyTenant(_) => hint
            .and_then(|h| h.rsplit('@').next())
            .and_then(|domain| world.tenant_index(domain))
            .or(if world.tenants.is_empty() {
                None
            } else {
                Some(0)
            }),
    };
    let Some(tenant_index) = tenant_index else {
        return redirect_error(
            "invalid_request",
            90002,
            "No tenant could be found for the sign-in.",
        );
    };
    let decision = match decision {
        Some(decision) => decision.to_string(),
        None if world.behaviour.auto_approve => "approve".to_string(),
        None => return pages::authorize_page(world, tenant_index, &client_id, query),
    };
    if decision != "approve" {
        return redirect_error(
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        );
    }
    let code = format!("1.AQ{}", world.random_token(120));
    let expires_at = world.now() + 600;
    world.auth_codes.insert(
        code.clone(),
        AuthCodeGrant {
            client_id,
            tenant_id: world.tenants[tenant_index].id.clone(),
            redirect_uri: redirect_uri.to_string(),
            code_challenge: challenge,
            scopes: scopes.raw,
            nonce: param(query, "nonce").map(str::to_string),
            expires_at,
        },
    );
    let mut url = url::Url::parse(redirect_uri).expect("checked above");
    url.query_pairs_mut().append_pair("code", &code);
    if let Some(state) = &state {
        url.query_pairs_mut().append_pair("state", state);
    }
    url.query_pairs_mut()
        .append_pair("session_state", &uuid::Uuid::new_v4().to_string());
    redirect(url.as_str())
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = location.parse() {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}
