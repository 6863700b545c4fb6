//! Connect a tenant: sign in (device code by default, browser with PKCE on request), read the
//! organization, record the tenant with its connection, sign-in method and granted permissions,
//! keep the tokens encrypted in the workspace.
//!
//! A tenant already in the workspace signs in again with what it has stored: `tenant reconnect`
//! ([`Engine::reconnect_tenant`]) uses its authority, Graph URL, client id, CA certificate and
//! sign-in method and changes nothing else about it; `tenant add` of such a tenant takes every
//! setting not given from it ([`Engine::add_tenant_request`]), so a tenant of another cloud (or the
//! simulator) is never moved to Microsoft's public cloud by a bare `tenant add DOMAIN`.

use crate::{Engine, EngineError, ErrorCode};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use tenantatlas_core::kinds::ThrottleFamily;
use tenantatlas_core::permissions;
use tenantatlas_core::ApiVersion;
use tenantatlas_graph::auth::{
    self, AuthConfig, AuthError, DeviceCodePrompt, TokenRefresher, TokenSet,
};
use tenantatlas_graph::client::{self, ClientConfig, GraphClient};
pub use tenantatlas_store::tenants::SignInMethod;
use tenantatlas_store::{TenantRecord, TenantState};
use tokio_util::sync::CancellationToken;

/// Microsoft's public cloud.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
pub const DEFAULT_GRAPH: &str = "https://graph.microsoft.com";
/// The multi-tenant public client used when no `--client-id` is given: Microsoft Graph Command
/// Line Tools, which every tenant can consent to. MSPs should register their own app
/// (`docs/connecting-tenants.md`) and pass its id.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// What `tenant add` needs.
#[derive(Clone, Debug)]
pub struct AddTenant {
    /// A verified domain or the tenant GUID.
    pub tenant: String,
    pub authority: String,
    pub graph: String,
    pub client_id: String,
    /// An extra CA certificate (PEM) to trust for this tenant's hosts.
    pub ca_cert_pem: Option<String>,
    /// Sign in with the browser (authorization code + PKCE) instead of a device code.
    pub browser: bool,
}

/// `tenant add` as the person typed it: `None` for every setting not given.
#[derive(Clone, Debug, Default)]
pub struct AddTenantFlags {
    /// A verified domain or the tenant GUID.
    pub tenant: String,
    pub authority: Option<String>,
    pub graph: Option<String>,
    pub client_id: Option<String>,
    pub ca_cert_pem: Option<String>,
    pub sign_in: Option<SignInMethod>,
}

/// What `tenant reconnect` needs: the tenant (domain or id), and a sign-in method other than the
/// stored one, if wanted.
#[derive(Clone, Debug, Default)]
pub struct ReconnectTenant {
    pub tenant: String,
    pub sign_in: Option<SignInMethod>,
}

/// What the person must do to sign in.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum SignInPrompt {
    DeviceCode {
        user_code: String,
        verification_uri: String,
        message: String,
    },
    Browser {
        url: String,
    },
}

/// The tenant as `tenant add` reports it.
#[derive(Clone, Debug, Serialize)]
pub struct TenantAdded {
    pub id: String,
    pub domain: String,
    pub name: String,
    pub username: String,
    pub missing_permissions: Vec<String>,
    /// What the missing permissions cost: each kind the consent cannot read, and the permissions
    /// (any one) that would allow it.
    pub cannot_read: Vec<permissions::MissingPermission>,
    /// When the new sign-in lapses unless a sync uses it before (90 days from now).
    pub sign_in_lapses_at: String,
}

/// When a sign-in saved now lapses if unused.
fn lapses_from_now() -> String {
    use crate::ops::queries::{format_time, lapse_of};
    format_time(lapse_of(time::OffsetDateTime::now_utc()))
}

/// The sign-in settings of a recorded tenant.
pub(crate) fn auth_config(
    tenant: &TenantRecord,
    http: reqwest_client::Client,
) -> Result<AuthConfig, EngineError> {
    let authority = url::Url::parse(&tenant.authority).map_err(|e| {
        EngineError::invalid(format!(
            "the authority '{}' of {} is not a URL: {e}",
            tenant.authority, tenant.domain
        ))
    })?;
    Ok(AuthConfig::new(
        authority,
        &tenant.id,
        &tenant.client_id,
        http,
    ))
}

/// A sign-in error that names the tenant by its domain. A stored tenant signs in and refreshes by
/// its GUID (which never changes), so Entra's errors name the GUID; people know their tenants by
/// domain, and the advice in the message (`tenant reconnect <domain>`) works with either.
pub(crate) fn named(error: AuthError, domain: &str) -> AuthError {
    let tenant = domain.to_string();
    match error {
        AuthError::DeviceCodeBlocked { entra, .. } => {
            AuthError::DeviceCodeBlocked { tenant, entra }
        }
        AuthError::ConditionalAccessBlocked { entra, .. } => {
            AuthError::ConditionalAccessBlocked { tenant, entra }
        }
        AuthError::ConsentMissing {
            client_id, entra, ..
        } => AuthError::ConsentMissing {
            tenant,
            client_id,
            entra,
        },
        AuthError::AppNotFound {
            client_id, entra, ..
        } => AuthError::AppNotFound {
            tenant,
            client_id,
            entra,
        },
        AuthError::TenantNotFound { entra, .. } => AuthError::TenantNotFound { tenant, entra },
        AuthError::SignInExpired { entra, .. } => AuthError::SignInExpired { tenant, entra },
        AuthError::SignInInactive { entra, .. } => AuthError::SignInInactive { tenant, entra },
        AuthError::Rejected { entra, .. } => AuthError::Rejected { tenant, entra },
        other => other,
    }
}

/// Signs in with `method`; `prompt` is called once with what the person must do.
async fn sign_in(
    config: &AuthConfig,
    method: SignInMethod,
    prompt: impl FnOnce(SignInPrompt) + Send,
    cancel: &CancellationToken,
) -> Result<TokenSet, AuthError> {
    match method {
        SignInMethod::Browser => {
            auth::browser(
                config,
                |url| {
                    prompt(SignInPrompt::Browser {
                        url: url.to_string(),
                    })
                },
                cancel,
                std::time::Duration::from_secs(300),
            )
            .await
        }
        SignInMethod::DeviceCode => {
            auth::device_code(
                config,
                |p: DeviceCodePrompt| {
                    prompt(SignInPrompt::DeviceCode {
                        user_code: p.user_code,
                        verification_uri: p.verification_uri,
                        message: p.message,
                    })
                },
                cancel,
            )
            .await
        }
    }
}

/// Later syncs sign in with the refresh token: a sign-in without one is no connection.
fn require_refresh_token(tokens: &TokenSet) -> Result<(), EngineError> {
    if tokens.refresh_token.is_none() {
        return Err(EngineError::new(
            ErrorCode::Auth,
            "the sign-in returned no refresh token, so later syncs could not sign in; the app registration must allow offline_access",
        ));
    }
    Ok(())
}

fn missing_permissions(scopes: &[String]) -> Vec<String> {
    permissions::missing_scope_names(scopes)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// `reqwest` as re-exported by the Graph crate, so the engine needs no HTTP dependency of its own.
pub(crate) use tenantatlas_graph::reqwest as reqwest_client;

fn parse_url(text: &str, what: &str) -> Result<url::Url, EngineError> {
    let url = url::Url::parse(text)
        .map_err(|e| EngineError::invalid(format!("{what} '{text}' is not a URL: {e}")))?;
    if url.scheme() != "https" {
        return Err(EngineError::invalid(format!(
            "{what} '{text}' must use https"
        )));
    }
    Ok(url)
}

impl Engine {
    /// Signs in to a tenant and records it. `prompt` is called once with what the person must do.
    pub async fn add_tenant(
        &self,
        request: AddTenant,
        prompt: impl FnOnce(SignInPrompt) + Send,
        cancel: CancellationToken,
    ) -> Result<TenantAdded, EngineError> {
        let tenant = request.tenant.trim().to_string();
        if tenant.is_empty() || tenant.contains('/') || tenant.contains(' ') {
            return Err(EngineError::invalid(format!("'{tenant}' is not a tenant domain or id; give a domain such as contoso.onmicrosoft.com or the tenant GUID")));
        }
        let authority = parse_url(&request.authority, "the authority")?;
        let graph = parse_url(&request.graph, "the Graph URL")?;
        if uuid_like(&request.client_id).is_none() {
            return Err(EngineError::invalid(format!(
                "the client id '{}' is not a GUID",
                request.client_id
            )));
        }
        let http = client::http_client(request.ca_cert_pem.as_deref())?;
        let config = AuthConfig::new(authority.clone(), &tenant, &request.client_id, http.clone());
        let method = if request.browser {
            SignInMethod::Browser
        } else {
            SignInMethod::DeviceCode
        };
        let tokens = sign_in(&config, method, prompt, &cancel).await?;
        require_refresh_token(&tokens)?;
        if let Some(expected) = uuid_like(&tenant) {
            if !tokens.tenant_id.eq_ignore_ascii_case(&expected) {
                return Err(EngineError::new(
                    ErrorCode::Auth,
                    format!("the sign-in was for tenant {} but {expected} was asked for; sign in with an account of that tenant", tokens.tenant_id),
                ));
            }
        }

        // Read the organization for the tenant's name and primary domain.
        let tenant_id = tokens.tenant_id.clone();
        // Graph may refuse the fresh token (or it may be close to expiry), and the refresh then
        // rotates the refresh token: the newest set is the one to store, the first is spent.
        let rotated: Arc<std::sync::Mutex<Option<TokenSet>>> = Arc::default();
        let rotated_slot = rotated.clone();
        let refresher = TokenRefresher::new(
            AuthConfig::new(
                authority.clone(),
                &tenant_id,
                &request.client_id,
                http.clone(),
            ),
            tokens.clone(),
            Arc::new(move |set: &TokenSet| {
                if let Ok(mut slot) = rotated_slot.lock() {
                    *slot = Some(set.clone());
                }
            }),
        );
        let mut client_config = ClientConfig::new(graph.clone(), http, Arc::new(refresher));
        client_config.cancel = cancel;
        let client = GraphClient::new(client_config);
        let organization = client
            .get(ApiVersion::V1, "organization", ThrottleFamily::Directory)
            .await?;
        let org = organization["value"].get(0).cloned().unwrap_or(Value::Null);
        let name = org["displayName"].as_str().unwrap_or(&tenant).to_string();
        let domain = org["verifiedDomains"]
            .as_array()
            .and_then(|domains| domains.iter().find(|d| d["isDefault"] == true))
            .and_then(|d| d["name"].as_str())
            .map(str::to_string)
            .unwrap_or_else(|| tenant.clone());

        let record = TenantRecord {
            id: tenant_id.clone(),
            domain: domain.clone(),
            name: name.clone(),
            // Onboarding until its first sync completes; a reconnected tenant keeps its state.
            state: match self.workspace.find_tenant(&tenant_id).await? {
                Some(existing) if existing.state != TenantState::Onboarding => existing.state,
                _ => TenantState::Onboarding,
            },
            authority: authority.as_str().trim_end_matches('/').to_string(),
            graph_url: graph.as_str().trim_end_matches('/').to_string(),
            client_id: request.client_id.to_ascii_lowercase(),
            ca_cert_pem: request.ca_cert_pem.clone(),
            granted_scopes: tokens.granted_scopes.clone(),
            sign_in: method,
            ..Default::default()
        };
        self.workspace.upsert_tenant(&record).await?;
        let newest = rotated
            .lock()
            .ok()
            .and_then(|slot| slot.clone())
            .unwrap_or_else(|| tokens.clone());
        self.workspace
            .save_tokens(&tenant_id, &crate::ops::stored_tokens(&newest))
            .await?;
        self.workspace
            .append_audit(
                &crate::ops::findings::actor_signed_in(tokens.username.as_deref()),
                "tenant.add",
                &tenant_id,
                &serde_json::json!({"domain": domain, "flow": method.as_str()}),
            )
            .await?;
        Ok(TenantAdded {
            id: tenant_id,
            domain,
            name,
            username: tokens.username.clone().unwrap_or_default(),
            missing_permissions: missing_permissions(&tokens.granted_scopes),
            cannot_read: permissions::missing(&tokens.granted_scopes),
            sign_in_lapses_at: lapses_from_now(),
        })
    }

    /// The request `tenant add` makes of what was typed: each setting as given; else, for a tenant
    /// already in the workspace, as stored; else the workspace's default (`tenant.*` settings, or
    /// Microsoft's public cloud and the built-in client id; no extra CA, device code).
    pub async fn add_tenant_request(
        &self,
        flags: AddTenantFlags,
    ) -> Result<AddTenant, EngineError> {
        let stored = self.workspace.find_tenant(flags.tenant.trim()).await?;
        let stored = stored.as_ref();
        // A new tenant connects with the workspace's defaults (`tenantatlas settings`), which are
        // Microsoft's public cloud and the built-in client id until the MSP sets its own.
        let defaults = self.settings().await?;
        let pick = |given: Option<String>, stored: Option<&String>, default: &str| {
            given
                .or_else(|| stored.cloned())
                .unwrap_or_else(|| default.to_string())
        };
        Ok(AddTenant {
            authority: pick(
                flags.authority,
                stored.map(|t| &t.authority),
                defaults.authority(),
            ),
            graph: pick(flags.graph, stored.map(|t| &t.graph_url), defaults.graph()),
            client_id: pick(
                flags.client_id,
                stored.map(|t| &t.client_id),
                defaults.client_id(),
            ),
            ca_cert_pem: flags
                .ca_cert_pem
                .or_else(|| stored.and_then(|t| t.ca_cert_pem.clone())),
            browser: flags
                .sign_in
                .or(stored.map(|t| t.sign_in))
                .unwrap_or_default()
                == SignInMethod::Browser,
            tenant: flags.tenant,
        })
    }

    /// Signs in to a tenant of the workspace again (after its sign-in was revoked or expired)
    /// with its stored authority, Graph URL, client id, CA certificate and sign-in method (or
    /// `request.sign_in`), saves the new tokens and granted permissions, and records it in the
    /// audit log. The tenant keeps its id, state, history and everything else.
    pub async fn reconnect_tenant(
        &self,
        request: ReconnectTenant,
        prompt: impl FnOnce(SignInPrompt) + Send,
        cancel: CancellationToken,
    ) -> Result<TenantAdded, EngineError> {
        let tenant = self.tenant(&request.tenant).await?;
        let method = request.sign_in.unwrap_or(tenant.sign_in);
        let http = client::http_client(tenant.ca_cert_pem.as_deref())?;
        let config = auth_config(&tenant, http)?;
        let tokens = sign_in(&config, method, prompt, &cancel)
            .await
            .map_err(|e| named(e, &tenant.domain))?;
        require_refresh_token(&tokens)?;
        if !tokens.tenant_id.eq_ignore_ascii_case(&tenant.id) {
            return Err(EngineError::new(
                ErrorCode::Auth,
                format!(
                    "the sign-in was for tenant {} but {} is {}; sign in with an account of {}",
                    tokens.tenant_id, tenant.domain, tenant.id, tenant.domain
                ),
            ));
        }
        self.workspace
            .save_tokens(&tenant.id, &crate::ops::stored_tokens(&tokens))
            .await?;
        self.workspace
            .set_sign_in(&tenant.id, &tokens.granted_scopes, method)
            .await?;
        self.workspace
            .append_audit(
                &crate::ops::findings::actor_signed_in(tokens.username.as_deref()),
                "tenant.reconnect",
                &tenant.id,
                &serde_json::json!({"domain": tenant.domain, "flow": method.as_str()}),
            )
            .await?;
        Ok(TenantAdded {
            id: tenant.id,
            domain: tenant.domain,
            name: tenant.name,
            username: tokens.username.clone().unwrap_or_default(),
            missing_permissions: missing_permissions(&tokens.granted_scopes),
            cannot_read: permissions::missing(&tokens.granted_scopes),
            sign_in_lapses_at: lapses_from_now(),
        })
    }
}

/// The GUID in a string, lower-cased, if it is one.
pub(crate) fn uuid_like(text: &str) -> Option<String> {
    let t = text.trim();
    let ok = t.len() == 36
        && t.chars().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    ok.then(|| t.to_ascii_lowercase())
}
