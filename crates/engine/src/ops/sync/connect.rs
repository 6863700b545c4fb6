//! Signing a sync in: a Graph client built from the tenant's stored tokens, with every refresh-token
//! rotation saved as it happens and the newest one saved again before the run ends. Sign-in
//! errors name the tenant by its domain, and a revoked or expired sign-in says to run
//! `tenantatlas tenant reconnect <domain>`, which signs in again with the stored connection; the
//! refusal is also recorded with the tokens, so `tenant list` shows the tenant as needing a new
//! sign-in until it gets one.

use crate::{EngineError, ErrorCode};
use std::sync::Arc;
use tenantatlas_graph::auth::{AuthError, TokenRefresher, TokenSet};
use tenantatlas_graph::client::{self, ClientConfig, GraphClient};
use tenantatlas_graph::{BoxFuture, TokenSource};
use tenantatlas_store::TenantRecord;
use tokio_util::sync::CancellationToken;

/// The HTTP clients of one sync: a few per CA certificate the tenants trust (a few for all of
/// Microsoft's tenants), handed out in turn. Building one reads and parses the system's root
/// certificates, which a sync of a hundred tenants did a hundred times (5 % of its CPU); a few
/// keep tenants on more than one connection, so one stalled connection holds up only some.
#[derive(Default)]
pub(super) struct HttpClients {
    built: std::sync::Mutex<Vec<(Option<String>, tenantatlas_graph::reqwest::Client)>>,
    turn: std::sync::atomic::AtomicUsize,
}

/// Clients per CA certificate in one sync.
const CLIENTS_PER_CA: usize = 4;

impl HttpClients {
    fn for_tenant(
        &self,
        tenant: &TenantRecord,
    ) -> Result<tenantatlas_graph::reqwest::Client, EngineError> {
        let pem = tenant.ca_cert_pem.clone();
        let turn = self.turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % CLIENTS_PER_CA;
        let lock = || {
            self.built
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((_, found)) = lock().iter().filter(|(key, _)| *key == pem).nth(turn) {
            return Ok(found.clone());
        }
        // Built without the lock held (it reads files): two tenants may both build one, and both
        // are kept, which only means one more client.
        let client = client::http_client(pem.as_deref())?;
        lock().push((pem, client.clone()));
        Ok(client)
    }
}

/// A Graph client for a tenant, signed in with its stored tokens; rotated refresh tokens are
/// saved as soon as they arrive.
pub(super) async fn connect(
    workspace: &tenantatlas_store::Workspace,
    tenant: &TenantRecord,
    clients: &HttpClients,
    cancel: CancellationToken,
) -> Result<(GraphClient, LatestTokens), EngineError> {
    let stored = workspace.load_tokens(&tenant.id).await?.ok_or_else(|| {
        EngineError::new(
            ErrorCode::Auth,
            format!(
                "{} is not signed in; run `tenantatlas tenant reconnect {}`",
                tenant.domain, tenant.domain
            ),
        )
    })?;
    let http = clients.for_tenant(tenant)?;
    let config = crate::ops::tenant_add::auth_config(tenant, http.clone())?;
    let tokens = TokenSet {
        access_token: stored.access_token.clone().unwrap_or_default(),
        expires_at: stored.access_expires_at.unwrap_or(0).max(0) as u64,
        refresh_token: Some(stored.refresh_token.clone()),
        granted_scopes: tenant.granted_scopes.clone(),
        tenant_id: tenant.id.clone(),
        username: None,
    };
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<TokenSet>();
    let latest: LatestTokens = Arc::new(SessionOutcome::default());
    let latest_slot = latest.clone();
    let persist_workspace = workspace.clone();
    let tenant_id = tenant.id.clone();
    tokio::spawn(async move {
        while let Some(set) = receiver.recv().await {
            let _ = persist_workspace
                .save_tokens(&tenant_id, &crate::ops::stored_tokens(&set))
                .await;
        }
    });
    let refresher = TokenRefresher::new(
        config,
        tokens,
        Arc::new(move |set: &TokenSet| {
            if let Ok(mut slot) = latest_slot.tokens.lock() {
                *slot = Some(set.clone());
            }
            let _ = sender.send(set.clone());
        }),
    );
    let graph_base = url::Url::parse(&tenant.graph_url).map_err(|e| {
        EngineError::invalid(format!(
            "the Graph URL '{}' of {} is not a URL: {e}",
            tenant.graph_url, tenant.domain
        ))
    })?;
    let tokens = NamedTokens {
        refresher,
        domain: tenant.domain.clone(),
        outcome: latest.clone(),
    };
    let mut config = ClientConfig::new(graph_base, http, Arc::new(tokens));
    config.cancel = cancel;
    Ok((GraphClient::new(config), latest))
}

/// The tenant's token refresher, with its errors naming the tenant by domain (the refresher signs
/// in by the tenant's GUID); a refusal of the stored sign-in is noted in `outcome`.
struct NamedTokens {
    refresher: TokenRefresher,
    domain: String,
    outcome: LatestTokens,
}

impl TokenSource for NamedTokens {
    fn access_token<'a>(
        &'a self,
        rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin(async move {
            self.refresher.access_token(rejected).await.map_err(|e| {
                if refuses_the_stored_sign_in(&e) {
                    if let Ok(mut slot) = self.outcome.rejected.lock() {
                        *slot = Some(e.code());
                    }
                }
                crate::ops::tenant_add::named(e, &self.domain)
            })
        })
    }
}

/// Whether an error means the stored refresh token will never work again (it went unused too
/// long, was revoked or already redeemed), so that only `tenant reconnect` helps. Consent or
/// Conditional Access problems are the customer's to fix and say so themselves.
fn refuses_the_stored_sign_in(error: &AuthError) -> bool {
    matches!(error.code(), "sign_in_inactive" | "sign_in_expired")
}

/// What signing in did during a run: the newest token set a refresh produced, and the code of
/// the error with which the sign-in service refused the stored sign-in, if it did.
#[derive(Default)]
pub(super) struct SessionOutcome {
    tokens: std::sync::Mutex<Option<TokenSet>>,
    rejected: std::sync::Mutex<Option<&'static str>>,
}

pub(super) type LatestTokens = Arc<SessionOutcome>;

/// Saves the newest rotated tokens before the run ends, or records that the sign-in service
/// refused the stored ones. Rotations are also saved as they happen (so a killed process keeps
/// them); this makes sure the last one is stored before the process exits.
pub(super) async fn save_latest_tokens(
    workspace: &tenantatlas_store::Workspace,
    tenant_id: &str,
    latest: &LatestTokens,
) -> Result<(), EngineError> {
    let newest = latest.tokens.lock().ok().and_then(|mut slot| slot.take());
    if let Some(set) = newest {
        workspace
            .save_tokens(tenant_id, &crate::ops::stored_tokens(&set))
            .await?;
    }
    let rejected = latest.rejected.lock().ok().and_then(|mut slot| slot.take());
    if let Some(code) = rejected {
        tenantatlas_store::tokens::mark_tokens_rejected(workspace.pool(), tenant_id, code).await?;
    }
    Ok(())
}
