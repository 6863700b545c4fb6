// Handlers return the error response itself (`Result<_, Response>`), the usual axum shape; the
// size of `Response` in the `Err` variant does not matter on this path.
#![allow(clippy::result_large_err)]

//! The token endpoint: device code, authorization code (+ PKCE) and refresh token grants, and the
//! tokens they issue (access token, rotating refresh token, `id_token`, `client_info`).

use super::apps::find_app;
use super::{error_body, json_response, oauth_error, param, resolve_authority, Authority};
use crate::model::{SimApp, SimUser};
use crate::state::{
    AccessGrant, DeviceCodeStatus, RefreshGrant, World, REFRESH_TOKEN_MAX_INACTIVE,
};
use axum::http::StatusCode;
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Microsoft Graph's application id; a scope may name Graph by it or by its URL.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
const GRAPH_RESOURCES: &[&str] = &["https://graph.microsoft.com", GRAPH_APP_ID];
const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access", "email"];

/// The scopes of a request, split into OpenID Connect scopes and Graph permissions.
#[derive(Clone, Debug)]
pub(crate) struct ScopeRequest {
    pub raw: Vec<String>,
    pub default: bool,
    /// Graph permissions named explicitly (short form, e.g. `DeviceManagementConfiguration.Read.All`).
    pub graph: Vec<String>,
    pub offline_access: bool,
    pub openid: bool,
}

impl ScopeRequest {
    pub fn parse(scope: &str) -> Result<ScopeRequest, Response> {
        let raw: Vec<String> = scope.split_whitespace().map(str::to_string).collect();
        let mut request = ScopeRequest {
            raw: raw.clone(),
            default: false,
            graph: Vec::new(),
            offline_access: false,
            openid: false,
        };
        for s in &raw {
            let lower = s.to_ascii_lowercase();
            if OIDC_SCOPES.contains(&lower.as_str()) {
                request.offline_access |= lower == "offline_access";
                request.openid |= lower == "openid";
                continue;
            }
            let (resource, permission) = match s.rfind('/') {
                Some(i) => (&s[..i], &s[i + 1..]),
                None => ("https://graph.microsoft.com", s.as_str()),
            };
            if !GRAPH_RESOURCES
                .iter()
                .any(|r| r.eq_ignore_ascii_case(resource.trim_end_matches('/')))
            {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_resource",
                    500011,
                    &format!("The resource principal named {resource} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."),
                ));
            }
            if permission.eq_ignore_ascii_case(".default") {
                request.default = true;
            } else if !permission.is_empty() {
                request.graph.push(permission.to_string());
            }
        }
        if request.default && !request.graph.is_empty() {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                70011,
                "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope .default cannot be combined with resource-specific scopes.",
            ));
        }
        Ok(request)
    }
}

/// The form fields of a token request.
pub(crate) struct TokenRequest<'a> {
    form: &'a [(String, String)],
}

impl<'a> TokenRequest<'a> {
    pub fn new(form: &'a [(String, String)]) -> Self {
        TokenRequest { form }
    }
    fn get(&self, name: &str) -> Option<&'a str> {
        param(self.form, name)
    }
}

pub(crate) fn token_endpoint(
    world: &mut World,
    base: &str,
    tenant: &str,
    request: TokenRequest,
) -> Response {
    let authority = match resolve_authority(world, tenant) {
        Ok(authority) => authority,
        Err(response) => return response,
    };
    let app = match find_app(world, request.get("client_id"), &authority, tenant) {
        Ok(app) => app,
        Err(refusal) => return refusal.response(),
    };
    if let Err(response) = authenticate_client(&app, &request) {
        return response;
    }
    let client_id = app.client_id;
    let with_client_info = request.get("client_info") == Some("1");
    let result = match request.get("grant_type") {
        Some("urn:ietf:params:oauth:grant-type:device_code" | "device_code") => {
            device_code_grant(world, &authority, &client_id, &request)
        }
        Some("authorization_code") => {
            authorization_code_grant(world, &authority, &client_id, &request)
        }
        Some("refresh_token") => refresh_grant(world, &authority, &client_id, &request),
        Some(other) => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        )),
        None => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
        )),
    };
    match result {
        Ok(session) => issue(world, base, session, with_client_info),
        Err(response) => response,
    }
}

/// Client authentication, checked before any grant (RFC 6749 §3.2.1): a public client must not
/// send a secret (AADSTS700025), a confidential one must (AADSTS7000218). The simulator knows no
/// secrets, so whatever a confidential client sends is wrong (AADSTS7000215): only public clients
/// sign in. `invalid_client` is answered with 401, as RFC 6749 §5.2 allows; whether Entra uses
/// 400 or 401 here is **unverified**.
fn authenticate_client(app: &SimApp, request: &TokenRequest) -> Result<(), Response> {
    let credential =
        request.get("client_secret").is_some() || request.get("client_assertion").is_some();
    match (app.public_client, credential) {
        (true, false) => Ok(()),
        (true, true) => Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            700025,
            "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        )),
        (false, false) => Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )),
        (false, true) => Err(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7000215,
            &format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                app.client_id
            ),
        )),
    }
}

/// A signed-in session about to receive tokens.
struct Session {
    tenant_index: usize,
    user_id: String,
    client_id: String,
    scopes: ScopeRequest,
    nonce: Option<String>,
}

fn device_code_grant(
    world: &mut World,
    authority: &Authority,
    client_id: &str,
    request: &TokenRequest,
) -> Result<Session, Response> {
    let code = request
        .get("device_code")
        .or_else(|| request.get("code"))
        .ok_or_else(|| {
            oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'device_code'.",
            )
        })?;
    let now = world.now();
    let now_ms = crate::state::unix_now_nanos() / 1_000_000 + u128::from(world.clock_offset) * 1000;
    let Some(grant) = world.device_codes.get_mut(code) else {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            70000,
            "Provided grant is invalid or malformed. The device code is not recognised.",
        ));
    };
    if grant.client_id != client_id {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed. The device code was issued to another application."));
    }
    if grant.expires_at <= now {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "expired_token",
            70019,
            "Verification code expired.",
        ));
    }
    // Polls closer together than the announced interval are told to slow down (RFC 8628 §3.5).
    let too_fast = grant
        .last_poll
        .is_some_and(|last| (now_ms as u64).saturating_sub(last) < grant.interval * 1000 * 8 / 10);
    grant.last_poll = Some(now_ms as u64);
    match grant.status {
        DeviceCodeStatus::Pending if too_fast => Err(oauth_error(StatusCode::BAD_REQUEST, "slow_down", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling, but poll less often.")),
        DeviceCodeStatus::Pending => Err(oauth_error(StatusCode::BAD_REQUEST, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")),
        DeviceCodeStatus::Declined => Err(oauth_error(StatusCode::BAD_REQUEST, "authorization_declined", 70020, "The end user declined the authorization request.")),
        DeviceCodeStatus::Redeemed => Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")),
        DeviceCodeStatus::Approved => {
            grant.status = DeviceCodeStatus::Redeemed;
            let tenant_id = grant.tenant_id.clone().unwrap_or_default();
            let scopes = grant.scopes.join(" ");
            let index = world.tenant_index(&tenant_id).ok_or_else(|| {
                oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed.")
            })?;
            if let Authority::Tenant(requested) = authority {
                if *requested != index {
                    return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed. The device code was issued for another tenant."));
                }
            }
            if !world.tenants[index].device_code_allowed {
                return Err(conditional_access_block());
            }
            Ok(Session {
                tenant_index: index,
                user_id: world.tenants[index].admin().id.clone(),
                client_id: client_id.to_string(),
                scopes: ScopeRequest::parse(&scopes)?,
                nonce: None,
            })
        }
    }
}

/// What a tenant whose Conditional Access blocks the device-code flow answers.
pub(crate) fn conditional_access_block() -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        53003,
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    )
}

fn authorization_code_grant(
    world: &mut World,
    authority: &Authority,
    client_id: &str,
    request: &TokenRequest,
) -> Result<Session, Response> {
    let code = request.get("code").ok_or_else(|| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'code'.",
        )
    })?;
    let Some(grant) = world.auth_codes.remove(code) else {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
    };
    if grant.expires_at <= world.now() {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
    }
    if grant.client_id != client_id {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed. The code was issued to another application.",
        ));
    }
    if request.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 500112, "The reply address does not match the reply address used to obtain the authorization code."));
    }
    if let Some(challenge) = &grant.code_challenge {
        let verifier = request.get("code_verifier").unwrap_or("");
        let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        if verifier.is_empty() || (computed != *challenge && verifier != challenge) {
            return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
        }
    }
    let index = world.tenant_index(&grant.tenant_id).ok_or_else(|| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed.",
        )
    })?;
    if let Authority::Tenant(requested) = authority {
        if *requested != index {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                70000,
                "Provided grant is invalid or malformed. The code was issued for another tenant.",
            ));
        }
    }
    let scopes = match request.get("scope") {
        Some(scope) => ScopeRequest::parse(scope)?,
        None => ScopeRequest::parse(&grant.scopes.join(" "))?,
    };
    Ok(Session {
        tenant_index: index,
        user_id: world.tenants[index].admin().id.clone(),
        client_id: client_id.to_string(),
        scopes,
        nonce: grant.nonce,
    })
}

fn refresh_grant(
    world: &mut World,
    authority: &Authority,
    client_id: &str,
    request: &TokenRequest,
) -> Result<Session, Response> {
    let token = request.get("refresh_token").ok_or_else(|| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'refresh_token'.",
        )
    })?;
    let Some(grant) = world.refresh_tokens.get_mut(token) else {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid. The refresh token is not recognised."));
    };
    if grant.revoked {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on a date before the sessions were revoked."));
    }
    let now = crate::state::unix_now() + world.clock_offset;
    if now >= grant.issued_at.saturating_add(REFRESH_TOKEN_MAX_INACTIVE) {
        return Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            700082,
            &format!(
                "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for 90.00:00:00.",
                entra_date(grant.issued_at)
            ),
        ));
    }
    if grant.redeemed {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed. The refresh token was already redeemed; use the newest refresh token."));
    }
    if grant.client_id != client_id {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 70000, "Provided grant is invalid or malformed. The refresh token was issued to another application."));
    }
    grant.redeemed = true;
    let grant = grant.clone();
    let index = world.tenant_index(&grant.tenant_id).ok_or_else(|| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            70000,
            "Provided grant is invalid or malformed.",
        )
    })?;
    if let Authority::Tenant(requested) = authority {
        if *requested != index {
            return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", 700003, "Device object was not found in the tenant directory. The refresh token was issued for another tenant."));
        }
    }
    let mut scopes = match request.get("scope") {
        Some(scope) => ScopeRequest::parse(scope)?,
        None => ScopeRequest::parse(&grant.scopes.join(" "))?,
    };
    // A refresh keeps the session's offline access even when the request does not repeat it.
    scopes.offline_access = true;
    Ok(Session {
        tenant_index: index,
        user_id: grant.user_id,
        client_id: client_id.to_string(),
        scopes,
        nonce: None,
    })
}

/// A date as Entra writes it in error descriptions (`2026-03-04T10:22:31.0000000Z`).
fn entra_date(unix: u64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix);
    crate::state::graph_time(time)
}

fn issue(world: &mut World, base: &str, session: Session, with_client_info: bool) -> Response {
    let tenant = &world.tenants[session.tenant_index];
    // Admin consent is per app: an app this tenant never consented to gets nothing, whatever
    // it asks for.
    let app = world.app(&session.client_id);
    let Some(consent) = app.and_then(|a| a.consent(&tenant.id)) else {
        return consent_missing(&session.client_id, app, None);
    };
    let consented: Vec<String> = consent.iter().cloned().collect();
    let granted: Vec<String> = if session.scopes.default || session.scopes.graph.is_empty() {
        if session.scopes.default {
            consented.clone()
        } else {
            consented
                .iter()
                .filter(|s| s.as_str() == "User.Read")
                .cloned()
                .collect()
        }
    } else {
        let missing: Vec<&String> = session
            .scopes
            .graph
            .iter()
            .filter(|s| !consented.iter().any(|c| c.eq_ignore_ascii_case(s)))
            .collect();
        if let Some(first) = missing.first() {
            return consent_missing(&session.client_id, app, Some(first));
        }
        session.scopes.graph.clone()
    };
    let user = tenant
        .users
        .iter()
        .find(|u| u.id == session.user_id)
        .cloned()
        .unwrap_or_else(|| tenant.admin().clone());
    let tenant_id = tenant.id.clone();
    let now = world.now();
    let lifetime = world.behaviour.access_token_lifetime.as_secs();
    let access_token = grant_access_token(world, &tenant_id, &user, &session.client_id, &granted);
    let mut scope_out = granted.clone();
    for s in ["openid", "profile", "email"] {
        if session.scopes.raw.iter().any(|r| r.eq_ignore_ascii_case(s)) {
            scope_out.push(s.to_string());
        }
    }
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope_out.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    if session.scopes.offline_access {
        let refresh = format!("1.AQ{}", world.random_token(180));
        world.refresh_tokens.insert(
            refresh.clone(),
            RefreshGrant {
                tenant_id: tenant_id.clone(),
                client_id: session.client_id.clone(),
                user_id: user.id.clone(),
                scopes: session.scopes.raw.clone(),
                revoked: false,
                redeemed: false,
                issued_at: now,
            },
        );
        body["refresh_token"] = Value::String(refresh);
    }
    if session.scopes.openid {
        let mut id_claims = json!({
            "aud": session.client_id,
            "iss": format!("{base}/{tenant_id}/v2.0"),
            "iat": now, "nbf": now, "exp": now + 3600,
            "name": user.display_name,
            "oid": user.id,
            "preferred_username": user.user_principal_name,
            "sub": URL_SAFE_NO_PAD.encode(Sha256::digest(format!("{}{}", user.id, session.client_id).as_bytes())),
            "tid": tenant_id,
            "ver": "2.0",
        });
        if let Some(nonce) = session.nonce {
            id_claims["nonce"] = Value::String(nonce);
        }
        let signature = world.random_token(64);
        body["id_token"] = Value::String(jwt(&id_claims, &signature));
    }
    if with_client_info {
        body["client_info"] = Value::String(
            URL_SAFE_NO_PAD.encode(json!({"uid": user.id, "utid": tenant_id}).to_string()),
        );
    }
    json_response(StatusCode::OK, body)
}

/// AADSTS65001, naming the app by its display name as Entra does.
fn consent_missing(client_id: &str, app: Option<&SimApp>, permission: Option<&String>) -> Response {
    let name = app.map_or(client_id, |a| a.display_name.as_str());
    let missing = permission
        .map(|p| format!(" Missing permission: {p}."))
        .unwrap_or_default();
    let mut body = error_body(
        "invalid_grant",
        65001,
        &format!(
            "The user or administrator has not consented to use the application with ID '{client_id}' named '{name}'. Send an interactive authorization request for this user and resource.{missing}"
        ),
    );
    // MSAL reads `suberror` to tell a consent prompt from other interaction.
    body["suberror"] = Value::String("consent_required".to_string());
    json_response(StatusCode::BAD_REQUEST, body)
}

/// A JWT-shaped token: real header and claims, and a signature nobody checks (the simulator keeps
/// what each token grants server-side, and Microsoft's clients never verify Graph tokens).
fn jwt(claims: &Value, signature: &str) -> String {
    let header = json!({"typ": "JWT", "alg": "RS256", "kid": "tenantatlas-sim"});
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        signature
    )
}

/// Makes an access token for a user of a tenant with the granted Graph permissions, and records
/// what it grants (Graph looks every token up).
fn grant_access_token(
    world: &mut World,
    tenant_id: &str,
    user: &SimUser,
    client_id: &str,
    granted: &[String],
) -> String {
    let now = world.now();
    let lifetime = world.behaviour.access_token_lifetime.as_secs();
    let claims = json!({
        "aud": GRAPH_APP_ID,
        "iss": format!("https://sts.windows.net/{tenant_id}/"),
        "iat": now, "nbf": now, "exp": now + lifetime,
        "appid": client_id,
        "idtyp": "user",
        "name": user.display_name,
        "oid": user.id,
        "scp": granted.join(" "),
        "tid": tenant_id,
        "unique_name": user.user_principal_name,
        "upn": user.user_principal_name,
        "ver": "1.0",
    });
    let signature = world.random_token(64);
    let token = jwt(&claims, &signature);
    world.access_tokens.insert(
        token.clone(),
        AccessGrant {
            tenant_id: tenant_id.to_string(),
            client_id: client_id.to_string(),
            user_id: user.id.clone(),
            scopes: granted.to_vec(),
            expires_at: now + lifetime,
            revoked: false,
        },
    );
    token
}

/// An access token for a tenant's admin with every permission the app was consented in the
/// tenant, without a sign-in flow (see `SimHandle::access_token`); none for an app that is not
/// registered or not consented there, as no sign-in would have given it any.
pub(crate) fn mint_access_token(world: &mut World, tenant_index: usize, client_id: &str) -> String {
    let tenant = &world.tenants[tenant_index];
    let (tenant_id, admin) = (tenant.id.clone(), tenant.admin().clone());
    let granted: Vec<String> = world
        .app(client_id)
        .and_then(|app| app.consent(&tenant_id))
        .map(|scopes| scopes.iter().cloned().collect())
        .unwrap_or_default();
    grant_access_token(
        world,
        &tenant_id,
        &admin,
        &client_id.to_ascii_lowercase(),
        &granted,
    )
}
