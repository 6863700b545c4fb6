//! The tokens of one signed-in tenant, as the workspace stores them (encrypted).

use super::{AuthConfig, EntraTokenResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use oauth2::TokenResponse;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Scopes that are OpenID Connect plumbing rather than Graph permissions; they are left out of
/// [`TokenSet::granted_scopes`], which is compared with what each object kind needs.
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
const GRAPH_RESOURCES: [&str; 2] = [
    "https://graph.microsoft.com/",
    "00000003-0000-0000-c000-000000000000/",
];

/// Access token, refresh token and what they grant. `Debug` redacts both tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    /// Unix seconds on this machine's clock.
    pub expires_at: u64,
    /// Rotates: after a refresh only the newest one is sure to work.
    pub refresh_token: Option<String>,
    /// Graph permissions in short form (`DeviceManagementConfiguration.Read.All`), from the
    /// response's `scope`.
    pub granted_scopes: Vec<String>,
    /// The tenant GUID (`tid` of the `id_token`).
    pub tenant_id: String,
    /// The signed-in account (`preferred_username` of the `id_token`).
    pub username: Option<String>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("granted_scopes", &self.granted_scopes)
            .field("tenant_id", &self.tenant_id)
            .field("username", &self.username)
            .finish()
    }
}

impl TokenSet {
    /// Whether the access token is still valid for more than `seconds` at `now` (unix seconds).
    pub fn valid_for(&self, seconds: u64, now: u64) -> bool {
        self.expires_at > now.saturating_add(seconds)
    }

    /// Builds the set from a token response. `previous` is the set a refresh started from: its
    /// refresh token is kept when the response brings none (RFC 6749 §6 allows that), and its
    /// tenant and user when the response has no `id_token`.
    pub(crate) fn from_response(
        response: &EntraTokenResponse,
        config: &AuthConfig,
        previous: Option<&TokenSet>,
    ) -> TokenSet {
        let access_token = response.access_token().secret().clone();
        // Entra always sends `expires_in`; an hour is its usual lifetime should it ever not.
        let lifetime = response.expires_in().map_or(3600, |d| d.as_secs());
        let id_claims = response
            .extra_fields()
            .id_token
            .as_deref()
            .and_then(jwt_claims);
        // Graph access tokens are JWTs in practice, though Microsoft asks clients not to rely on
        // it: they are only a fallback when there is no `id_token`.
        let access_claims = jwt_claims(&access_token);
        let claim = |names: &[&str]| {
            [&id_claims, &access_claims]
                .into_iter()
                .flatten()
                .find_map(|claims| {
                    names
                        .iter()
                        .find_map(|n| claims.get(*n).and_then(Value::as_str))
                        .map(str::to_string)
                })
        };
        let tenant_id = claim(&["tid"])
            .or_else(|| previous.map(|p| p.tenant_id.clone()))
            .unwrap_or_else(|| config.tenant.clone());
        let username = claim(&["preferred_username", "upn", "unique_name"])
            .or_else(|| previous.and_then(|p| p.username.clone()));
        let granted = match response.scopes() {
            Some(scopes) => scopes.iter().map(|s| s.to_string()).collect(),
            // RFC 6749 §5.1: no `scope` means the requested scopes were granted.
            None => config.scopes.clone(),
        };
        TokenSet {
            access_token,
            expires_at: unix_now().saturating_add(lifetime),
            refresh_token: response
                .refresh_token()
                .map(|t| t.secret().clone())
                .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
            granted_scopes: short_scopes(&granted),
            tenant_id,
            username,
        }
    }
}

/// Graph permissions in short form, without OpenID scopes, `.default` or duplicates.
fn short_scopes(scopes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for scope in scopes {
        let short = GRAPH_RESOURCES
            .iter()
            .find_map(|prefix| {
                scope
                    .get(..prefix.len())
                    .filter(|head| head.eq_ignore_ascii_case(prefix))
                    .map(|_| &scope[prefix.len()..])
            })
            .unwrap_or(scope);
        let oidc = OIDC_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(short));
        if short.is_empty() || oidc || short == ".default" || out.iter().any(|s| s == short) {
            continue;
        }
        out.push(short.to_string());
    }
    out
}

/// The claims of a JWT, read without checking the signature: we only learn our own tenant and
/// user name from it, and trust nothing else in it.
fn jwt_claims(token: &str) -> Option<serde_json::Map<String, Value>> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> AuthConfig {
        AuthConfig::new(
            url::Url::parse(super::super::MICROSOFT_AUTHORITY).unwrap(),
            "contoso.onmicrosoft.com",
            "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10",
            reqwest::Client::new(),
        )
    }

    fn jwt(claims: Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    fn response(body: Value) -> EntraTokenResponse {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn the_set_names_tenant_user_and_short_scopes() {
        let body = json!({
            "token_type": "Bearer", "expires_in": 3599, "access_token": "at-secret",
            "refresh_token": "rt-secret",
            "scope": "https://graph.microsoft.com/DeviceManagementConfiguration.Read.All Group.Read.All openid profile email offline_access Group.Read.All",
            "id_token": jwt(json!({"tid": "tid-1", "preferred_username": "admin@contoso.com"})),
        });
        let set = TokenSet::from_response(&response(body), &config(), None);
        assert_eq!(
            set.granted_scopes,
            ["DeviceManagementConfiguration.Read.All", "Group.Read.All"]
        );
        assert_eq!(set.tenant_id, "tid-1");
        assert_eq!(set.username.as_deref(), Some("admin@contoso.com"));
        assert_eq!(set.refresh_token.as_deref(), Some("rt-secret"));
        assert!(set.valid_for(3500, unix_now()) && !set.valid_for(3600, unix_now()));
    }

    #[test]
    fn a_refresh_without_new_refresh_token_or_id_token_keeps_the_old_ones() {
        let previous = TokenSet {
            access_token: "old".into(),
            expires_at: 0,
            refresh_token: Some("rt-old".into()),
            granted_scopes: vec![],
            tenant_id: "tid-1".into(),
            username: Some("admin@contoso.com".into()),
        };
        let body = json!({"token_type": "Bearer", "expires_in": 60, "access_token": "opaque"});
        let set = TokenSet::from_response(&response(body), &config(), Some(&previous));
        assert_eq!(set.refresh_token.as_deref(), Some("rt-old"));
        assert_eq!(set.tenant_id, "tid-1");
        assert_eq!(set.username.as_deref(), Some("admin@contoso.com"));
    }

    #[test]
    fn debug_never_shows_tokens() {
        let set = TokenSet {
            access_token: "at-secret".into(),
            expires_at: 1,
            refresh_token: Some("rt-secret".into()),
            granted_scopes: vec!["Group.Read.All".into()],
            tenant_id: "tid".into(),
            username: None,
        };
        let debug = format!("{set:?} {set:#?}");
        assert!(!debug.contains("secret"), "{debug}");
        assert!(debug.contains("Group.Read.All"));
    }

    #[test]
    fn malformed_jwts_are_ignored() {
        assert!(jwt_claims("opaque").is_none());
        assert!(jwt_claims("a.!!!.c").is_none());
        assert!(jwt_claims(&format!("a.{}.c", URL_SAFE_NO_PAD.encode("[1]"))).is_none());
    }
}
