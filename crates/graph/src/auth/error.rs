//! Sign-in errors: Entra's error body ([`EntraError`]) and what we tell the engineer ([`AuthError`]).
//!
//! Every message is one lowercase line that says what to do next, and never contains a token,
//! a code or a response body: only Entra's own description (which names ids, never secrets) and
//! our words. The AADSTS code and Entra's trace and correlation ids stay available as fields, for
//! `--verbose` output and support tickets with Microsoft.

use oauth2::{HttpClientError, RequestTokenError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Entra ID's OAuth error body: `{error, error_description, error_codes, trace_id,
/// correlation_id, …}`. It is also the error type the `oauth2` crate parses token and
/// device-authorization errors into.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct EntraError {
    /// The OAuth error (`invalid_grant`, `authorization_declined`, …).
    pub error: String,
    /// `AADSTS<code>: <text>\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub error_codes: Vec<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

impl oauth2::ErrorResponse for EntraError {}

impl fmt::Display for EntraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Without Entra's trailing period: our messages end without one.
        match self.summary().trim_end_matches('.') {
            "" => write!(f, "{}", self.error),
            summary => write!(f, "{}: {}", self.error, summary),
        }
    }
}

impl EntraError {
    /// An error known only by its `error` and `error_description` (a device-code poll, or the
    /// browser redirect's query), completed by [`EntraError::normalise`].
    pub fn from_parts(error: &str, description: Option<&str>) -> Self {
        EntraError {
            error: error.to_string(),
            error_description: description.map(str::to_string),
            ..EntraError::default()
        }
        .normalise()
    }

    /// Fills the AADSTS code and the trace and correlation ids from `error_description` where the
    /// body did not carry them as fields: Entra repeats all three in the description
    /// (`AADSTS53003: …\r\nTrace ID: …\r\nCorrelation ID: …`).
    pub fn normalise(mut self) -> Self {
        let description = self.error_description.clone().unwrap_or_default();
        if self.error_codes.is_empty() {
            let digits: String = description
                .trim_start()
                .strip_prefix("AADSTS")
                .unwrap_or("")
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(code) = digits.parse() {
                self.error_codes.push(code);
            }
        }
        let field = |name: &str| {
            description
                .lines()
                .find_map(|line| line.trim().strip_prefix(name))
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        if self.trace_id.is_none() {
            self.trace_id = field("Trace ID:");
        }
        if self.correlation_id.is_none() {
            self.correlation_id = field("Correlation ID:");
        }
        self
    }

    /// The first AADSTS code (`53003`).
    pub fn aadsts(&self) -> Option<u64> {
        self.error_codes.first().copied()
    }

    /// The first line of the description (`AADSTS53003: Access has been blocked …`).
    pub fn summary(&self) -> &str {
        self.error_description
            .as_deref()
            .unwrap_or("")
            .lines()
            .next()
            .unwrap_or("")
            .trim()
    }

    fn has_code(&self, code: u64) -> bool {
        self.error_codes.contains(&code)
    }
}

/// Why a sign-in or refresh failed. [`AuthError::code`] is the stable name front ends branch on.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// AADSTS53003 during the device-code flow: a Conditional Access policy blocks it (the usual
    /// MSP baseline), while the browser flow is allowed. The advice names no whole command: the
    /// same one (`tenant add` with its `--authority`, `--ca-cert`…, or `tenant reconnect`) is
    /// the one to run again.
    #[error(
        "conditional access in {tenant} blocks device-code sign-in (AADSTS53003); run the same command again with `--browser` to sign in through the browser"
    )]
    DeviceCodeBlocked {
        tenant: String,
        entra: Box<EntraError>,
    },

    /// AADSTS53003 in the browser flow or on refresh.
    #[error(
        "conditional access in {tenant} blocked the sign-in (AADSTS53003); ask the customer's administrator which policy applies to this account and device"
    )]
    ConditionalAccessBlocked {
        tenant: String,
        entra: Box<EntraError>,
    },

    /// `authorization_declined` (device code) or `access_denied`/AADSTS65004 (browser).
    #[error("the sign-in was declined; run the command again and approve the sign-in")]
    Declined { entra: Box<EntraError> },

    /// `expired_token`/AADSTS70019, or `expires_in` passed while polling.
    #[error("the sign-in code expired before it was used; run the command again")]
    CodeExpired { entra: Box<EntraError> },

    /// `bad_verification_code`: the server does not know the device code.
    #[error("the sign-in server did not recognise the device code; run the command again")]
    BadVerificationCode { entra: Box<EntraError> },

    /// AADSTS65001 (or 90094): the app lacks admin consent in the tenant. Entra names the app
    /// in its description ("… the application with ID '…' named 'TenantAtlas'"); so do we.
    #[error(
        "an administrator of {tenant} must grant admin consent to the app {} before it can sign in (AADSTS65001)",
        app_words(client_id, entra)
    )]
    ConsentMissing {
        tenant: String,
        client_id: String,
        entra: Box<EntraError>,
    },

    /// AADSTS700016: no such application in the tenant.
    #[error(
        "the app {client_id} was not found in {tenant} (AADSTS700016); check the client id, and that the app registration is multi-tenant"
    )]
    AppNotFound {
        tenant: String,
        client_id: String,
        entra: Box<EntraError>,
    },

    /// AADSTS90002: no such tenant.
    #[error("the tenant {tenant} was not found (AADSTS90002); check the domain or tenant id")]
    TenantNotFound {
        tenant: String,
        entra: Box<EntraError>,
    },

    /// AADSTS7000218: the app registration does not allow public client flows.
    #[error(
        "the app {client_id} is not enabled for public client flows (AADSTS7000218); set 'allow public client flows' to yes in its app registration"
    )]
    NotPublicClient {
        client_id: String,
        entra: Box<EntraError>,
    },

    /// The refresh token went unused for longer than Entra allows (AADSTS700082, or the older
    /// AADSTS70008): 90 days, [`REFRESH_TOKEN_MAX_INACTIVE`](super::REFRESH_TOKEN_MAX_INACTIVE).
    /// Only signing in again helps; a sync every few weeks keeps a sign-in from lapsing.
    #[error("the sign-in for {tenant} expired after going unused for 90 days (AADSTS700082); run `tenantatlas tenant reconnect {tenant}` to sign in again")]
    SignInInactive {
        tenant: String,
        entra: Box<EntraError>,
    },

    /// The refresh token no longer works: revoked (AADSTS50173), expired, already redeemed
    /// (`invalid_grant`), or the tenant wants an interactive sign-in again. `tenant reconnect`
    /// signs in again with the tenant's stored connection (authority, Graph, CA, sign-in method).
    #[error("the sign-in for {tenant} was revoked or expired; run `tenantatlas tenant reconnect {tenant}` to sign in again")]
    SignInExpired {
        tenant: String,
        entra: Option<Box<EntraError>>,
    },

    /// Any other error Entra answered with.
    #[error("the sign-in to {tenant} failed: {entra}")]
    Rejected {
        tenant: String,
        entra: Box<EntraError>,
    },

    /// TLS: the server's certificate chains to no CA this machine trusts (a TLS-inspecting proxy).
    #[error(
        "the sign-in server {host} presented a certificate this machine does not trust ({detail}); if a proxy inspects TLS, pass its CA certificate with `--ca-cert <file>`"
    )]
    UntrustedCertificate { host: String, detail: String },

    /// The sign-in server could not be reached.
    #[error("could not reach the sign-in server {host} ({detail}); check the network connection and proxy")]
    Network { host: String, detail: String },

    /// The answer was HTML, empty or otherwise not JSON (a captive portal, a proxy, a wrong URL).
    #[error("the sign-in server sent a response that is not JSON; check that {host} is a Microsoft sign-in server")]
    NotJson { host: String },

    /// JSON, but not the shape of a token or error response.
    #[error("the sign-in server {host} sent a response that could not be read ({detail})")]
    UnexpectedResponse { host: String, detail: String },

    /// The browser never came back to the loopback redirect. Entra shows some errors only in the
    /// browser and never redirects (an unregistered redirect URI, AADSTS50011), so the advice
    /// names the usual cause.
    #[error("the browser sign-in did not finish within {seconds} s; run the command again, and if the browser showed AADSTS50011, add the redirect URI http://localhost to the app registration (mobile and desktop applications)")]
    BrowserTimedOut { seconds: u64 },

    /// The loopback redirect carried a `state` we did not send: not our sign-in.
    #[error(
        "the browser sign-in returned an unexpected state and was stopped; run the command again"
    )]
    StateMismatch,

    /// Listening on the loopback interface failed.
    #[error("could not listen on 127.0.0.1 for the browser sign-in ({detail})")]
    Loopback { detail: String },

    #[error("the sign-in was cancelled")]
    Cancelled,

    /// The authority, tenant or client id cannot form a sign-in request.
    #[error("the sign-in settings are invalid: {detail}")]
    InvalidConfig { detail: String },
}

impl AuthError {
    /// A stable, closed name for the kind of error, for front ends to branch on (never on
    /// messages).
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::DeviceCodeBlocked { .. } => "device_code_blocked",
            AuthError::ConditionalAccessBlocked { .. } => "conditional_access_blocked",
            AuthError::Declined { .. } => "declined",
            AuthError::CodeExpired { .. } => "code_expired",
            AuthError::BadVerificationCode { .. } => "bad_verification_code",
            AuthError::ConsentMissing { .. } => "consent_missing",
            AuthError::AppNotFound { .. } => "app_not_found",
            AuthError::TenantNotFound { .. } => "tenant_not_found",
            AuthError::NotPublicClient { .. } => "not_public_client",
            AuthError::SignInInactive { .. } => "sign_in_inactive",
            AuthError::SignInExpired { .. } => "sign_in_expired",
            AuthError::Rejected { .. } => "rejected",
            AuthError::UntrustedCertificate { .. } => "untrusted_certificate",
            AuthError::Network { .. } => "network",
            AuthError::NotJson { .. } => "not_json",
            AuthError::UnexpectedResponse { .. } => "unexpected_response",
            AuthError::BrowserTimedOut { .. } => "browser_timed_out",
            AuthError::StateMismatch => "state_mismatch",
            AuthError::Loopback { .. } => "loopback",
            AuthError::Cancelled => "cancelled",
            AuthError::InvalidConfig { .. } => "invalid_config",
        }
    }

    /// Entra's error body, when Entra answered with one.
    pub fn entra(&self) -> Option<&EntraError> {
        match self {
            AuthError::DeviceCodeBlocked { entra, .. }
            | AuthError::ConditionalAccessBlocked { entra, .. }
            | AuthError::Declined { entra }
            | AuthError::CodeExpired { entra }
            | AuthError::BadVerificationCode { entra }
            | AuthError::ConsentMissing { entra, .. }
            | AuthError::AppNotFound { entra, .. }
            | AuthError::TenantNotFound { entra, .. }
            | AuthError::NotPublicClient { entra, .. }
            | AuthError::SignInInactive { entra, .. }
            | AuthError::Rejected { entra, .. } => Some(entra),
            AuthError::SignInExpired { entra, .. } => entra.as_deref(),
            _ => None,
        }
    }

    /// The AADSTS code, when Entra answered with one.
    pub fn aadsts(&self) -> Option<u64> {
        self.entra().and_then(EntraError::aadsts)
    }

    /// Whether trying again later may succeed without anyone changing anything (network trouble).
    /// A token manager remembers every other failure instead of hammering the server with it.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AuthError::Network { .. } | AuthError::NotJson { .. } | AuthError::Cancelled
        ) || self
            .entra()
            .is_some_and(|e| matches!(e.error.as_str(), "temporarily_unavailable" | "server_error"))
    }

    /// Explains an error Entra answered with.
    pub(crate) fn from_entra(entra: EntraError, ctx: &Context) -> AuthError {
        let tenant = ctx.tenant.clone();
        let client_id = ctx.client_id.clone();
        let entra = Box::new(entra);
        let error = entra.error.clone();
        let error = error.as_str();
        if entra.has_code(53003) {
            return match ctx.flow {
                Flow::DeviceCode => AuthError::DeviceCodeBlocked { tenant, entra },
                Flow::Browser | Flow::Refresh => {
                    AuthError::ConditionalAccessBlocked { tenant, entra }
                }
            };
        }
        if entra.has_code(65001) || entra.has_code(90094) {
            return AuthError::ConsentMissing {
                tenant,
                client_id,
                entra,
            };
        }
        if entra.has_code(700016) {
            return AuthError::AppNotFound {
                tenant,
                client_id,
                entra,
            };
        }
        if entra.has_code(90002) || error == "invalid_tenant" {
            return AuthError::TenantNotFound { tenant, entra };
        }
        if entra.has_code(7000218) {
            return AuthError::NotPublicClient { client_id, entra };
        }
        if error == "authorization_declined" || error == "access_denied" || entra.has_code(65004) {
            return AuthError::Declined { entra };
        }
        if error == "expired_token" || entra.has_code(70019) {
            return AuthError::CodeExpired { entra };
        }
        if error == "bad_verification_code" {
            return AuthError::BadVerificationCode { entra };
        }
        if entra.has_code(700082) || (entra.has_code(70008) && ctx.flow == Flow::Refresh) {
            return AuthError::SignInInactive { tenant, entra };
        }
        // A refresh token that no longer works (revoked, expired, already redeemed) or a tenant
        // that now wants an interactive sign-in: only signing in again helps.
        let refresh_dead =
            ctx.flow == Flow::Refresh && matches!(error, "invalid_grant" | "interaction_required");
        if entra.has_code(50173) || refresh_dead {
            return AuthError::SignInExpired {
                tenant,
                entra: Some(entra),
            };
        }
        AuthError::Rejected { tenant, entra }
    }

    /// Explains a failed `oauth2` request; `server` turns the flow's error type into Entra's.
    pub(crate) fn from_oauth<T>(
        err: RequestTokenError<HttpClientError<reqwest::Error>, T>,
        ctx: &Context,
        server: impl FnOnce(T) -> EntraError,
    ) -> AuthError
    where
        T: oauth2::ErrorResponse + 'static,
    {
        match err {
            RequestTokenError::ServerResponse(e) => {
                AuthError::from_entra(server(e).normalise(), ctx)
            }
            RequestTokenError::Request(e) => AuthError::from_transport(&e, ctx),
            RequestTokenError::Parse(e, body) => {
                if serde_json::from_slice::<serde_json::Value>(&body).is_ok() {
                    // Only the path of the field: serde's message may quote the value.
                    AuthError::UnexpectedResponse {
                        host: ctx.host.clone(),
                        detail: format!("unexpected value at `{}`", e.path()),
                    }
                } else {
                    AuthError::NotJson {
                        host: ctx.host.clone(),
                    }
                }
            }
            // `oauth2` reports a non-JSON Content-Type and an empty error body this way.
            RequestTokenError::Other(message)
                if message.contains("Content-Type") || message.contains("empty error response") =>
            {
                AuthError::NotJson {
                    host: ctx.host.clone(),
                }
            }
            RequestTokenError::Other(message) => AuthError::UnexpectedResponse {
                host: ctx.host.clone(),
                detail: message,
            },
        }
    }

    fn from_transport(err: &HttpClientError<reqwest::Error>, ctx: &Context) -> AuthError {
        let mut chain: Vec<String> = Vec::new();
        let mut timed_out = false;
        if let HttpClientError::Reqwest(e) = err {
            timed_out = e.is_timeout();
        }
        let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = current {
            chain.push(e.to_string());
            current = e.source();
        }
        // The innermost cause is the informative one ("invalid peer certificate: UnknownIssuer",
        // "Connection refused (os error 111)"); outer layers only repeat the URL.
        let detail = if timed_out {
            "timed out".to_string()
        } else {
            chain.last().cloned().unwrap_or_default()
        };
        // rustls is not a direct dependency, so its error is recognised by its message.
        let certificate = chain.iter().any(|m| {
            let m = m.to_ascii_lowercase();
            m.contains("certificate") || m.contains("unknownissuer")
        });
        if certificate {
            AuthError::UntrustedCertificate {
                host: ctx.host.clone(),
                detail,
            }
        } else {
            AuthError::Network {
                host: ctx.host.clone(),
                detail,
            }
        }
    }
}

/// The app as an error names it: "TenantAtlas (MSP) (5f3c…)" when Entra's description gives its
/// display name ("… with ID '…' named 'TenantAtlas (MSP)'"), else its client id.
fn app_words(client_id: &str, entra: &EntraError) -> String {
    let summary = entra.summary();
    let name = summary
        .split_once(" named '")
        .and_then(|(_, rest)| rest.split_once('\''))
        .map(|(name, _)| name.trim())
        .filter(|name| !name.is_empty() && !name.contains(['\r', '\n']));
    match name {
        Some(name) => format!("{name} ({client_id})"),
        None => client_id.to_string(),
    }
}

/// Which flow an error happened in: the same AADSTS code calls for different advice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    DeviceCode,
    Browser,
    Refresh,
}

/// What an error message may name.
#[derive(Clone, Debug)]
pub(crate) struct Context {
    pub tenant: String,
    pub client_id: String,
    pub host: String,
    pub flow: Flow,
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTION: &str = "AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\r\nTrace ID: 0b5f0c1e-aaaa-4bbb-8ccc-000000000001\r\nCorrelation ID: 7d1c2b3a-aaaa-4bbb-8ccc-000000000002\r\nTimestamp: 2026-03-04 10:22:31Z";

    fn ctx(flow: Flow) -> Context {
        Context {
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10".into(),
            host: "login.microsoftonline.com".into(),
            flow,
        }
    }

    fn explain(error: &str, description: &str, flow: Flow) -> AuthError {
        AuthError::from_entra(EntraError::from_parts(error, Some(description)), &ctx(flow))
    }

    #[test]
    fn the_code_and_ids_are_read_from_the_description() {
        let e = EntraError::from_parts("invalid_grant", Some(DESCRIPTION));
        assert_eq!(e.aadsts(), Some(53003));
        assert_eq!(
            e.trace_id.as_deref(),
            Some("0b5f0c1e-aaaa-4bbb-8ccc-000000000001")
        );
        assert_eq!(
            e.correlation_id.as_deref(),
            Some("7d1c2b3a-aaaa-4bbb-8ccc-000000000002")
        );
        assert!(e
            .summary()
            .starts_with("AADSTS53003: Access has been blocked"));
        assert!(!e.to_string().contains("Trace ID"));
    }

    #[test]
    fn fields_in_the_body_win_over_the_description() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS1: x","error_codes":[50173],"trace_id":"t","correlation_id":"c"}"#;
        let e: EntraError = serde_json::from_str(body).unwrap();
        let e = e.normalise();
        assert_eq!(
            (
                e.aadsts(),
                e.trace_id.as_deref(),
                e.correlation_id.as_deref()
            ),
            (Some(50173), Some("t"), Some("c"))
        );
    }

    #[test]
    fn each_documented_error_gets_its_own_advice() {
        let check = |error: &str, description: &str, flow: Flow, code: &str, says: &str| {
            let e = explain(error, description, flow);
            assert_eq!(e.code(), code, "{error} {description}");
            let message = e.to_string();
            assert!(
                message.contains(says),
                "{message:?} should contain {says:?}"
            );
            assert!(!message.contains('\n'), "one line: {message:?}");
            assert!(
                message.starts_with(|c: char| c.is_lowercase()),
                "lowercase: {message:?}"
            );
            assert!(!message.ends_with('.'), "no trailing period: {message:?}");
        };
        check(
            "invalid_grant",
            DESCRIPTION,
            Flow::DeviceCode,
            "device_code_blocked",
            "in contoso.onmicrosoft.com blocks device-code sign-in (AADSTS53003); run the same command again with `--browser`",
        );
        check(
            "invalid_grant",
            DESCRIPTION,
            Flow::Browser,
            "conditional_access_blocked",
            "administrator",
        );
        check(
            "authorization_declined",
            "AADSTS70020: declined",
            Flow::DeviceCode,
            "declined",
            "the sign-in was declined",
        );
        check(
            "access_denied",
            "AADSTS65004: User declined",
            Flow::Browser,
            "declined",
            "declined",
        );
        check(
            "expired_token",
            "AADSTS70019: Verification code expired.",
            Flow::DeviceCode,
            "code_expired",
            "the sign-in code expired before it was used; run the command again",
        );
        check(
            "bad_verification_code",
            "AADSTS70000: bad",
            Flow::DeviceCode,
            "bad_verification_code",
            "device code",
        );
        check(
            "invalid_grant",
            "AADSTS65001: The user or administrator has not consented",
            Flow::DeviceCode,
            "consent_missing",
            "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10",
        );
        check(
            "unauthorized_client",
            "AADSTS700016: Application with identifier 'x' was not found",
            Flow::DeviceCode,
            "app_not_found",
            "multi-tenant",
        );
        check(
            "invalid_tenant",
            "AADSTS90002: Tenant 'x' not found.",
            Flow::DeviceCode,
            "tenant_not_found",
            "check the domain or tenant id",
        );
        check(
            "invalid_client",
            "AADSTS7000218: The request body must contain 'client_assertion'",
            Flow::DeviceCode,
            "not_public_client",
            "public client flows",
        );
        check(
            "invalid_grant",
            "AADSTS50173: The provided grant has expired due to it being revoked",
            Flow::Refresh,
            "sign_in_expired",
            "run `tenantatlas tenant reconnect contoso.onmicrosoft.com` to sign in again",
        );
        check(
            "invalid_grant",
            "AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2026-01-01T00:00:00.0000000Z and was inactive for 90.00:00:00.",
            Flow::Refresh,
            "sign_in_inactive",
            "expired after going unused for 90 days (AADSTS700082); run `tenantatlas tenant reconnect contoso.onmicrosoft.com` to sign in again",
        );
        check(
            "invalid_grant",
            "AADSTS65001: The user or administrator has not consented to use the application with ID '5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10' named 'TenantAtlas (MSP)'. Send an interactive authorization request for this user and resource.",
            Flow::Browser,
            "consent_missing",
            "grant admin consent to the app TenantAtlas (MSP) (5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10) before",
        );
        check(
            "invalid_grant",
            "AADSTS70000: The refresh token was already redeemed",
            Flow::Refresh,
            "sign_in_expired",
            "revoked or expired",
        );
        check(
            "interaction_required",
            "AADSTS50076: MFA",
            Flow::Refresh,
            "sign_in_expired",
            "again",
        );
        check(
            "invalid_scope",
            "AADSTS70011: The provided value for the input parameter 'scope' is not valid.",
            Flow::DeviceCode,
            "rejected",
            "AADSTS70011",
        );
    }

    #[test]
    fn only_network_trouble_is_transient() {
        assert!(AuthError::Network {
            host: "h".into(),
            detail: "d".into()
        }
        .is_transient());
        assert!(!explain("invalid_grant", "AADSTS50173: revoked", Flow::Refresh).is_transient());
    }
}
