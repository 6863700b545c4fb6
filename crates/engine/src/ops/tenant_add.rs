//! Connect a tenant: sign in (device code by default, browser with PKCE on request), read the
//! organization, record the tenant with its connection and granted permissions, keep the tokens
//! encrypted in the workspace.

use crate::{Engine, EngineError, ErrorCode};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use tenantatlas_core::kinds::ThrottleFamily;
use tenantatlas_core::permissions;
use tenantatlas_core::ApiVersion;
use tenantatlas_graph::auth::{self, AuthConfig, DeviceCodePrompt, TokenRefresher, TokenSet};
use tenantatlas_graph::client::{self, ClientConfig, GraphClient};
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
        let tokens: TokenSet = if request.browser {
            auth::browser(
                &config,
                |url| {
                    prompt(SignInPrompt::Browser {
                        url: url.to_string(),
                    })
                },
                &cancel,
                std::time::Duration::from_secs(300),
            )
            .await?
        } else {
            auth::device_code(
                &config,
                |p: DeviceCodePrompt| {
                    prompt(SignInPrompt::DeviceCode {
                        user_code: p.user_code,
                        verification_uri: p.verification_uri,
                        message: p.message,
                    })
                },
                &cancel,
            )
            .await?
        };
        if tokens.refresh_token.is_none() {
            return Err(EngineError::new(
                ErrorCode::Auth,
                "the sign-in returned no refresh token, so later syncs could not sign in; the app registration must allow offline_access",
            ));
        }
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
        let refresher = TokenRefresher::new(
            AuthConfig::new(
                authority.clone(),
                &tenant_id,
                &request.client_id,
                http.clone(),
            ),
            tokens.clone(),
            Arc::new(|_: &TokenSet| {}),
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
            ..Default::default()
        };
        self.workspace.upsert_tenant(&record).await?;
        self.workspace
            .save_tokens(&tenant_id, &crate::ops::stored_tokens(&tokens))
            .await?;
        self.workspace
            .append_audit(
                tokens.username.as_deref().unwrap_or("unknown"),
                "tenant.add",
                &tenant_id,
                &serde_json::json!({"domain": domain, "flow": if request.browser { "browser" } else { "device_code" }}),
            )
            .await?;
        Ok(TenantAdded {
            id: tenant_id,
            domain,
            name,
            username: tokens.username.clone().unwrap_or_default(),
            missing_permissions: permissions::missing_scope_names(&tokens.granted_scopes)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    }
}

/// The GUID in a string, lower-cased, if it is one.
fn uuid_like(text: &str) -> Option<String> {
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
