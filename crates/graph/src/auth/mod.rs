//! Signing in to a customer tenant with the Microsoft identity platform (Entra ID, v2 endpoints),
//! and keeping its access token fresh.
//!
//! Three ways to get a [`TokenSet`]: [`device_code`] (the default of `tenantatlas tenant add`),
//! [`browser`] (authorization code + PKCE, for tenants whose Conditional Access blocks device
//! code) and [`refresh`]. [`TokenRefresher`] wraps a set for the Graph client as a
//! [`TokenSource`](crate::TokenSource).
//!
//! Decisions a newcomer must know:
//! - **The `oauth2` crate speaks the protocol** (device authorization and polling with RFC 8628's
//!   `slow_down`, PKCE S256, random `state`, the code and refresh grants). What is Entra-specific
//!   lives here: the `{authority}/{tenant}/oauth2/v2.0/…` endpoints, the `message` of the device
//!   code, the `id_token` claims we read, and above all the errors. Entra's error body carries
//!   `error_codes`, `trace_id` and `correlation_id`; [`EntraError`] keeps them, and [`AuthError`]
//!   turns the AADSTS codes an MSP engineer meets into one actionable line. The device-code poll is
//!   the one place where `oauth2` fixes the error type to RFC 8628's shape; Entra repeats the code
//!   and both ids inside `error_description`, so nothing is lost (see [`EntraError::normalise`]).
//! - **Browser sign-in uses an RFC 8252 loopback redirect**: we listen on `127.0.0.1:0`, send
//!   `http://localhost:{port}` as `redirect_uri` (as MSAL does), and answer exactly one redirect
//!   with a small page. Entra ignores the port of a registered `http://localhost` redirect, so
//!   nothing has to be reserved — but it compares the host, and `http://localhost` is what app
//!   registrations (ours, as `docs/connecting-tenants.md` says, and Microsoft's own public
//!   clients) register; the portal refuses `http://127.0.0.1`. A custom URI scheme would need OS
//!   registration per platform. The request is parsed by hand on a Tokio listener: one GET with a
//!   query string does not justify a web framework.
//! - **Refresh tokens rotate and lapse**: every refresh may return a new refresh token, and Entra
//!   may invalidate the old one (the simulator always does). Callers must persist the newest set;
//!   [`TokenRefresher`] calls its `on_rotate` hook with every new set for exactly that purpose. A
//!   refresh token unused for [`REFRESH_TOKEN_MAX_INACTIVE`] expires (AADSTS700082); each new one
//!   starts that window again, so a tenant synced now and then never needs a new sign-in.
//! - **One refresh at a time** per tenant: a sync runs many Graph requests concurrently, and when
//!   the token expires they would all refresh at once, each redeeming (and invalidating) the refresh
//!   token the others are about to use — all but one would fail and the session would be lost.
//!   [`TokenRefresher`] holds an async lock across the refresh; the others wait and then find the new
//!   token.
//! - Tokens never appear in `Debug` output or error messages; [`TokenSet`]'s `Debug` redacts them.

mod browser;
mod device_code;
mod error;
mod refresh;
mod token_refresher;
mod token_set;

pub use browser::browser;
pub use device_code::{device_code, DeviceCodePrompt};
pub use error::{AuthError, EntraError};
pub use refresh::refresh;
pub use token_refresher::{OnRotate, TokenRefresher};
pub use token_set::TokenSet;
/// Re-exported so callers need no direct dependency to cancel a sign-in.
pub use tokio_util::sync::CancellationToken;

use error::Flow;
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointNotSet, EndpointSet, StandardRevocableToken,
    StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

/// Microsoft's public-cloud sign-in host, the default authority.
pub const MICROSOFT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// How long Entra keeps a refresh token that nobody redeems: 90 days (`MaxInactiveTime`, no
/// longer configurable; entra-docs `configurable-token-lifetimes.md`, `refresh-tokens.md`). The
/// chain of rotated tokens has no maximum age of its own ("until-revoked").
pub const REFRESH_TOKEN_MAX_INACTIVE: std::time::Duration =
    std::time::Duration::from_secs(90 * 24 * 3600);

/// What a TenantAtlas sign-in asks for by default: every Graph permission an administrator
/// consented for the app (`.default`), a refresh token, and an `id_token` naming tenant and user.
pub const DEFAULT_SCOPES: [&str; 4] = [
    "https://graph.microsoft.com/.default",
    "offline_access",
    "openid",
    "profile",
];

/// Where and as whom to sign in. Authority, tenant and client id are per-tenant settings of the
/// workspace; the same code signs in to Microsoft's cloud and to the simulator.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// The sign-in host: [`MICROSOFT_AUTHORITY`] or the simulator's.
    pub authority: Url,
    /// A tenant GUID, one of its domains, or `organizations`.
    pub tenant: String,
    /// The application (client) id of the MSP's multi-tenant public client app.
    pub client_id: String,
    /// Scopes to request, space-joined on the wire; [`DEFAULT_SCOPES`] unless set otherwise.
    pub scopes: Vec<String>,
    /// The HTTP client (from [`crate::client::http_client`], so an extra CA is honoured).
    pub http: reqwest::Client,
}

impl AuthConfig {
    /// A configuration with [`DEFAULT_SCOPES`].
    pub fn new(
        authority: Url,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
        http: reqwest::Client,
    ) -> Self {
        AuthConfig {
            authority,
            tenant: tenant.into(),
            client_id: client_id.into(),
            scopes: DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
            http,
        }
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{leaf}`. The tenant is one path segment, escaped as such,
    /// and a trailing slash on the authority does not double the slash.
    fn endpoint(&self, leaf: &str) -> Result<Url, AuthError> {
        let invalid = |detail: String| AuthError::InvalidConfig { detail };
        if self.tenant.trim().is_empty() {
            return Err(invalid("the tenant is empty".into()));
        }
        let mut url = self.authority.clone();
        url.set_query(None);
        url.set_fragment(None);
        {
            let mut segments = url.path_segments_mut().map_err(|()| {
                invalid(format!(
                    "the authority {} is not an http(s) URL",
                    self.authority
                ))
            })?;
            segments.pop_if_empty();
            segments.extend([self.tenant.trim(), "oauth2", "v2.0", leaf]);
        }
        Ok(url)
    }

    /// `host[:port]` of the authority, for messages.
    fn host(&self) -> String {
        match (self.authority.host_str(), self.authority.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => self.authority.to_string(),
        }
    }

    /// Requested scopes in `oauth2`'s type.
    fn oauth_scopes(&self) -> Vec<oauth2::Scope> {
        self.scopes
            .iter()
            .map(|s| oauth2::Scope::new(s.clone()))
            .collect()
    }

    /// The context errors are explained in.
    fn context(&self, flow: Flow) -> error::Context {
        error::Context {
            tenant: self.tenant.clone(),
            client_id: self.client_id.clone(),
            host: self.host(),
            flow,
        }
    }
}

/// Entra's extra token response fields we read: the `id_token` (tenant and user name).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub(crate) struct EntraTokenFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) id_token: Option<String>,
}
impl oauth2::ExtraTokenFields for EntraTokenFields {}

type EntraTokenResponse = StandardTokenResponse<EntraTokenFields, BasicTokenType>;

/// An `oauth2` client for Entra with the given endpoint states (auth, device, token).
type EntraClient<A, D, T> = oauth2::Client<
    EntraError,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    A,
    D,
    EndpointNotSet,
    EndpointNotSet,
    T,
>;

fn base_client(config: &AuthConfig) -> EntraClient<EndpointNotSet, EndpointNotSet, EndpointNotSet> {
    oauth2::Client::new(ClientId::new(config.client_id.clone()))
}

fn token_url(config: &AuthConfig) -> Result<TokenUrl, AuthError> {
    Ok(TokenUrl::from_url(config.endpoint("token")?))
}

fn device_client(
    config: &AuthConfig,
) -> Result<EntraClient<EndpointNotSet, EndpointSet, EndpointSet>, AuthError> {
    Ok(base_client(config)
        .set_device_authorization_url(DeviceAuthorizationUrl::from_url(
            config.endpoint("devicecode")?,
        ))
        .set_token_uri(token_url(config)?))
}

fn code_client(
    config: &AuthConfig,
) -> Result<EntraClient<EndpointSet, EndpointNotSet, EndpointSet>, AuthError> {
    Ok(base_client(config)
        .set_auth_uri(AuthUrl::from_url(config.endpoint("authorize")?))
        .set_token_uri(token_url(config)?))
}

fn refresh_client(
    config: &AuthConfig,
) -> Result<EntraClient<EndpointNotSet, EndpointNotSet, EndpointSet>, AuthError> {
    Ok(base_client(config).set_token_uri(token_url(config)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(authority: &str, tenant: &str) -> AuthConfig {
        AuthConfig::new(
            Url::parse(authority).unwrap(),
            tenant,
            "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10",
            reqwest::Client::new(),
        )
    }

    #[test]
    fn endpoints_are_built_per_tenant() {
        let check = |authority: &str, tenant: &str, expect: &str| {
            assert_eq!(
                config(authority, tenant)
                    .endpoint("token")
                    .unwrap()
                    .as_str(),
                expect
            );
        };
        check(
            MICROSOFT_AUTHORITY,
            "contoso.onmicrosoft.com",
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
        );
        check(
            "https://127.0.0.1:4443/",
            "organizations",
            "https://127.0.0.1:4443/organizations/oauth2/v2.0/token",
        );
        check(
            "https://login.example/a/",
            "t",
            "https://login.example/a/t/oauth2/v2.0/token",
        );
        check(
            "https://login.example",
            "a/b",
            "https://login.example/a%2Fb/oauth2/v2.0/token",
        );
        assert!(config(MICROSOFT_AUTHORITY, " ").endpoint("token").is_err());
    }

    #[test]
    fn default_scopes_ask_for_a_refresh_token_and_an_id_token() {
        let scopes = config(MICROSOFT_AUTHORITY, "t").scopes;
        assert!(scopes.iter().any(|s| s == "offline_access"));
        assert!(scopes.iter().any(|s| s == "openid"));
    }
}
