//! The Graph host: `/v1.0/…` and `/beta/…`, plus the simulator's own `/_sim/…` control endpoints.
//!
//! Every request — and every `$batch` sub-request — goes through [`dispatch`], a synchronous function
//! over the world that returns a [`Reply`]; the HTTP layer around it adds latency, injected faults,
//! authentication and statistics. That keeps `$batch` exactly as faithful as single requests.

pub mod batch;
mod directory;
mod entra;
pub mod error;
pub mod filter;
pub mod odata;
mod paths;
mod resources;
mod tenant_settings;
pub mod throttle;
mod writes;

use crate::identity::base_url;
use crate::kinds::ApiVersion;
use crate::state::{graph_time, AccessGrant, World};
use crate::Sim;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use error::{GraphError, Reply, Source};
use serde_json::{json, Value};
use std::sync::Arc;

pub use paths::route_template;

pub fn router(sim: Arc<Sim>) -> Router {
    Router::new().fallback(entry).with_state(sim)
}

/// Who is calling and how, for one request or sub-request.
pub struct Call<'a> {
    pub base: &'a str,
    pub version: ApiVersion,
    pub grant: &'a AccessGrant,
    pub tenant: usize,
    pub request_id: String,
    pub client_request_id: Option<String>,
}

async fn entry(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    if path.starts_with("/_sim/") || path == "/_sim" {
        return control(&sim, &method, &path, &body);
    }
    let latency = sim.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let base = base_url(&headers);
    let request_id = uuid::Uuid::new_v4().to_string();
    let client_request_id = headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut world = sim.world();
    world.stats.requests += 1;

    // Injected faults happen before anything else, as a gateway failure would.
    let fault_rate = world.behaviour.fault_rate;
    let key = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        format!("{method} {uri} {:x}", hasher.finish())
    };
    if world.inject(fault_rate, &key) {
        world.stats.faults += 1;
        let pick = world.random_guid();
        drop(world);
        return fault(pick.as_bytes()[0], &request_id);
    }

    let date = error_date(world.now_time());
    let full_url = format!("{base}{uri}");
    let reply = match authenticate(&world, &headers) {
        Err(e) => e
            .to_reply(&request_id, client_request_id.as_deref(), &date, &full_url)
            .with_header(
                "WWW-Authenticate",
                format!(
                    r#"Bearer realm="", authorization_uri="{}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#,
                    world.authority
                ),
            ),
        Ok(grant) => {
            let tenant = world.tenant_index(&grant.tenant_id).unwrap_or(0);
            let (version, rest) = match split_version(&path) {
                Ok(parts) => parts,
                Err(e) => {
                    let reply = e.to_reply(&request_id, client_request_id.as_deref(), &date, &full_url);
                    return to_http(reply, &request_id, client_request_id.as_deref());
                }
            };
            let call = Call {
                base: &base,
                version,
                grant: &grant,
                tenant,
                request_id: request_id.clone(),
                client_request_id: client_request_id.clone(),
            };
            let query = uri.query().unwrap_or("");
            if rest.eq_ignore_ascii_case("$batch") {
                world.stats.batches += 1;
                batch::handle(&mut world, &call, &method, &headers, &body)
            } else {
                let parsed_body = match parse_body(&method, &headers, &body) {
                    Ok(b) => b,
                    Err(e) => {
                        world.stats.graph_calls += 1;
                        let reply = e.to_reply(&request_id, client_request_id.as_deref(), &date, &full_url);
                        return to_http(reply, &request_id, client_request_id.as_deref());
                    }
                };
                dispatch(&mut world, &call, &method, &rest, query, parsed_body)
            }
        }
    };
    drop(world);
    to_http(reply, &request_id, client_request_id.as_deref())
}

/// `innerError.date` as Graph writes it: seconds, no zone (`2025-01-22T19:17:04`).
pub(crate) fn error_date(time: std::time::SystemTime) -> String {
    graph_time(time)[..19].to_string()
}

/// Splits `/beta/deviceManagement/…` into the version and the rest (without leading slash).
fn split_version(path: &str) -> Result<(ApiVersion, String), GraphError> {
    let trimmed = path.trim_start_matches('/');
    let (first, rest) = trimmed.split_once('/').unwrap_or((trimmed, ""));
    let version = match first.to_ascii_lowercase().as_str() {
        "v1.0" => ApiVersion::V1,
        "beta" => ApiVersion::Beta,
        _ => {
            return Err(GraphError::new(
                404,
                "ResourceNotFound",
                format!("Invalid version: {}", first.to_ascii_lowercase()),
            ));
        }
    };
    Ok((version, rest.trim_end_matches('/').to_string()))
}

fn authenticate(world: &World, headers: &HeaderMap) -> Result<AccessGrant, GraphError> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .unwrap_or("")
        .trim();
    if token.is_empty() {
        return Err(GraphError::new(
            401,
            "InvalidAuthenticationToken",
            "Access token is empty.",
        ));
    }
    let Some(grant) = world.access_tokens.get(token) else {
        return Err(GraphError::new(
            401,
            "InvalidAuthenticationToken",
            if token.split('.').count() == 3 {
                "Access token validation failure. Invalid audience."
            } else {
                "IDX14100: JWT is not well formed, there are no dots (.)."
            },
        ));
    };
    if grant.revoked {
        return Err(GraphError::new(
            401,
            "InvalidAuthenticationToken",
            "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
        ));
    }
    if grant.expires_at <= world.now() {
        return Err(GraphError::new(
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ));
    }
    Ok(grant.clone())
}

/// Parses a JSON body for writes; an empty body is `None`.
pub(crate) fn parse_body(
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Value>, GraphError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if matches!(*method, Method::GET | Method::DELETE) {
        return Ok(None);
    }
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.is_empty() && !content_type.to_ascii_lowercase().contains("json") {
        return Err(GraphError::new(
            415,
            "UnsupportedMediaType",
            format!("The content type '{content_type}' is not supported; send application/json."),
        ));
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|e| GraphError::bad_request(format!("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. ({e})")))
}

/// Routes one Graph request (after authentication) and counts it.
pub fn dispatch(
    world: &mut World,
    call: &Call,
    method: &Method,
    path: &str,
    query: &str,
    body: Option<Value>,
) -> Reply {
    world.stats.graph_calls += 1;
    world.injection_key = format!("{method} {}/{path}?{query}", call.version.as_str());
    let template = route_template(method.as_str(), call.version, path);
    *world.stats.by_route.entry(template).or_insert(0) += 1;
    let date = error_date(world.now_time());
    let url = format!("{}/{}/{}", call.base, call.version.as_str(), path);
    let result = paths::route(world, call, method, path, query, body);
    let reply = match result {
        Ok(reply) => reply,
        Err(e) => e.to_reply(
            &call.request_id,
            call.client_request_id.as_deref(),
            &date,
            &url,
        ),
    };
    if reply.status == 429 {
        world.stats.throttled += 1;
    }
    reply
}

fn to_http(reply: Reply, request_id: &str, client_request_id: Option<&str>) -> Response {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match &reply.body {
        Some(value) => Body::from(value.to_string()),
        None => Body::empty(),
    };
    let mut response = Response::builder()
        .status(status)
        .body(body)
        .unwrap_or_default();
    let headers = response.headers_mut();
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert("request-id", value);
    }
    if let Some(Ok(value)) = client_request_id.map(HeaderValue::from_str) {
        headers.insert("client-request-id", value);
    }
    headers.insert(
        "strict-transport-security",
        HeaderValue::from_static("max-age=31536000"),
    );
    headers.insert(
        "x-ms-ags-diagnostic",
        HeaderValue::from_static(r#"{"ServerInfo":{"DataCenter":"Simulated","Slice":"E","Ring":"5","ScaleUnit":"000","RoleInstance":"SIM"}}"#),
    );
    response
}

/// An injected fault: a 5xx as Graph's front end sends it, or a connection reset mid-response.
fn fault(pick: u8, request_id: &str) -> Response {
    match pick % 5 {
        0 => {
            // A body that fails while streaming makes the server abort the connection.
            let stream = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected reset",
                ))
            });
            Response::builder()
                .status(StatusCode::OK)
                .header("content-length", "1024")
                .body(Body::from_stream(stream))
                .unwrap_or_default()
        }
        1 => (
            StatusCode::BAD_GATEWAY,
            [("content-type", "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response(),
        2 => {
            let e = GraphError::new(
                503,
                "serviceNotAvailable",
                "The service is temporarily unavailable. Please retry later.",
            );
            let reply = GraphError {
                retry_after: Some(1),
                ..e
            }
            .to_reply(request_id, None, "", "");
            to_http(reply, request_id, None)
        }
        3 => {
            let reply = GraphError::new(504, "UnknownError", "")
                .from(Source::Graph)
                .to_reply(request_id, None, "", "");
            to_http(reply, request_id, None)
        }
        _ => {
            let reply = GraphError::new(
                500,
                "InternalServerError",
                "An internal server error occurred.",
            )
            .to_reply(request_id, None, "", "");
            to_http(reply, request_id, None)
        }
    }
}

/// The simulator's control endpoints (no authentication; loopback only).
fn control(sim: &Sim, method: &Method, path: &str, body: &[u8]) -> Response {
    let mut world = sim.world();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ok = |value: Value| (StatusCode::OK, axum::Json(value)).into_response();
    let bad = |message: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": message})),
        )
            .into_response()
    };
    match (method.clone(), parts.as_slice()) {
        (Method::GET, ["_sim", "stats"]) => ok(serde_json::to_value(&world.stats).unwrap_or_default()),
        (Method::POST, ["_sim", "stats", "reset"]) => {
            world.stats = Default::default();
            ok(json!({}))
        }
        (Method::GET, ["_sim", "tenants"]) => ok(Value::Array(
            world
                .tenants
                .iter()
                .map(|t| {
                    let consents: serde_json::Map<String, Value> = world
                        .apps
                        .iter()
                        .filter_map(|a| a.consent(&t.id).map(|c| (a.client_id.clone(), json!(c))))
                        .collect();
                    json!({"id": t.id, "domain": t.domain, "name": t.name, "device_code_allowed": t.device_code_allowed,
                        "granted_scopes": t.granted_scopes, "consents": consents, "objects": t.object_count(),
                        "counts": t.collections.iter().map(|(k, v)| (k.clone(), json!(v.len()))).collect::<serde_json::Map<_, _>>()})
                })
                .collect(),
        )),
        (Method::POST, ["_sim", "tenants", tenant, "revoke"]) => {
            let Some(index) = world.tenant_index(tenant) else {
                return bad("unknown tenant");
            };
            let id = world.tenants[index].id.clone();
            let mut revoked = 0;
            for grant in world.access_tokens.values_mut().filter(|g| g.tenant_id == id) {
                grant.revoked = true;
                revoked += 1;
            }
            for grant in world.refresh_tokens.values_mut().filter(|g| g.tenant_id == id) {
                grant.revoked = true;
                revoked += 1;
            }
            ok(json!({"revoked": revoked}))
        }
        (Method::POST, ["_sim", "tenants", tenant, "device-code"]) => {
            let Some(index) = world.tenant_index(tenant) else {
                return bad("unknown tenant");
            };
            let allowed = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("allowed").and_then(Value::as_bool));
            let Some(allowed) = allowed else {
                return bad("send {\"allowed\": true|false}");
            };
            world.tenants[index].device_code_allowed = allowed;
            ok(json!({"device_code_allowed": allowed}))
        }
        // An administrator changing admin consent in a tenant: for one app (`client_id`), or for
        // every app consented there. Tokens issued from now on (a refresh included) carry the new
        // permissions; tokens already issued keep theirs, as Entra's do until they expire.
        (Method::POST, ["_sim", "tenants", tenant, "consent"]) => {
            let Some(index) = world.tenant_index(tenant) else {
                return bad("unknown tenant");
            };
            let request = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
            let granted: Option<Vec<String>> = request
                .get("granted")
                .cloned()
                .and_then(|v| serde_json::from_value(v).ok());
            let Some(granted) = granted else {
                return bad("send {\"granted\": [\"Scope.Name\", …]} and optionally \"client_id\"");
            };
            let granted: std::collections::BTreeSet<String> = granted.into_iter().collect();
            let tenant_id = world.tenants[index].id.clone();
            match request.get("client_id") {
                Some(client_id) => {
                    let Some(app) = client_id.as_str().and_then(|id| world.app_mut(id)) else {
                        return bad("unknown app: register it first with POST /_sim/apps");
                    };
                    app.consents.retain(|t, _| !t.eq_ignore_ascii_case(&tenant_id));
                    app.consents.insert(tenant_id, granted.clone());
                    ok(json!({"client_id": app.client_id, "granted": granted}))
                }
                None => {
                    for app in &mut world.apps {
                        if let Some(consent) = app
                            .consents
                            .iter_mut()
                            .find(|(t, _)| t.eq_ignore_ascii_case(&tenant_id))
                            .map(|(_, c)| c)
                        {
                            *consent = granted.clone();
                        }
                    }
                    world.tenants[index].granted_scopes = granted;
                    ok(json!({"granted": world.tenants[index].granted_scopes}))
                }
            }
        }
        (Method::GET, ["_sim", "apps"]) => ok(json!(world.apps)),
        // Registers an app (or changes a registered one, keeping its consents). Defaults are the
        // app registration portal's: single tenant, no redirect URI, public client flows off.
        (Method::POST, ["_sim", "apps"]) => {
            let request = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
            match crate::identity::register_app(&mut world, &request) {
                Ok(app) => ok(app),
                Err(message) => bad(&message),
            }
        }
        (Method::POST, ["_sim", "clock"]) => {
            let seconds = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|v| v.get("advance_seconds").and_then(Value::as_u64));
            let Some(seconds) = seconds else {
                return bad("send {\"advance_seconds\": N}");
            };
            world.clock_offset += seconds;
            ok(json!({"clock_offset": world.clock_offset}))
        }
        _ => (StatusCode::NOT_FOUND, axum::Json(json!({"error": "unknown simulator control endpoint"}))).into_response(),
    }
}
