//! Keeps one tenant's access token fresh for the Graph client.

use super::refresh::refresh_from;
use super::token_set::unix_now;
use super::{AuthConfig, AuthError, TokenSet};
use crate::{BoxFuture, TokenSource};
use std::fmt;
use std::sync::Arc;
use tokio::sync::Mutex;

/// A cached token is handed out only while it stays valid this much longer: a request that
/// starts with it must not see it expire mid-flight (a paged list can take minutes), and clocks
/// drift.
const REFRESH_MARGIN_SECONDS: u64 = 300;

/// Called with every new [`TokenSet`], so the caller can persist it (encrypted) before anyone uses
/// it. Runs while the refresh lock is held: it must not call back into the manager.
pub type OnRotate = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// The [`TokenSource`] of one signed-in tenant: hands out the cached access token while it is
/// valid for more than five minutes, refreshes otherwise — one refresh at a time, concurrent
/// callers wait for it and share its result — and reports every rotated set to `on_rotate`.
///
/// A refresh that fails for good (revoked, consent withdrawn, …) is remembered and returned to
/// every later caller without asking Entra again; network failures are not remembered.
pub struct TokenRefresher {
    config: AuthConfig,
    state: Mutex<State>,
    on_rotate: OnRotate,
}

struct State {
    tokens: TokenSet,
    failed: Option<AuthError>,
}

impl fmt::Debug for TokenRefresher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenRefresher")
            .field("tenant", &self.config.tenant)
            .finish_non_exhaustive()
    }
}

impl TokenRefresher {
    pub fn new(config: AuthConfig, tokens: TokenSet, on_rotate: OnRotate) -> Self {
        TokenRefresher {
            config,
            state: Mutex::new(State {
                tokens,
                failed: None,
            }),
            on_rotate,
        }
    }

    /// The current set (after any refresh so far), e.g. for its granted scopes.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    async fn token(&self, rejected: Option<&str>) -> Result<String, AuthError> {
        // The lock is held across the refresh on purpose: a concurrent caller waits here, then
        // finds the refreshed token valid and returns it. Refreshing in parallel would redeem the
        // same rotating refresh token twice and lose the session.
        let mut state = self.state.lock().await;
        let fresh = state.tokens.valid_for(REFRESH_MARGIN_SECONDS, unix_now());
        let refused = rejected.is_some_and(|r| r == state.tokens.access_token);
        if fresh && !refused {
            return Ok(state.tokens.access_token.clone());
        }
        if let Some(error) = &state.failed {
            return Err(error.clone());
        }
        let Some(refresh_token) = state.tokens.refresh_token.clone() else {
            tracing::info!("the access token needs renewing and there is no refresh token");
            return Err(AuthError::SignInExpired {
                tenant: self.config.tenant.clone(),
                entra: None,
            });
        };
        // Log lines say that a refresh happened, why and how it ended: never a token.
        tracing::info!(
            reason = if refused {
                "refused by graph"
            } else {
                "expiring"
            },
            "refreshing the access token"
        );
        match refresh_from(&self.config, &refresh_token, Some(&state.tokens)).await {
            Ok(tokens) => {
                tracing::info!(
                    valid_for_s = tokens.expires_at.saturating_sub(unix_now()),
                    rotated = tokens.refresh_token != state.tokens.refresh_token,
                    "access token refreshed"
                );
                (self.on_rotate)(&tokens);
                state.tokens = tokens;
                Ok(state.tokens.access_token.clone())
            }
            Err(error) => {
                tracing::info!(
                    code = error.code(),
                    aadsts = error.aadsts().unwrap_or(0),
                    transient = error.is_transient(),
                    "refreshing the access token failed"
                );
                if !error.is_transient() {
                    state.failed = Some(error.clone());
                }
                Err(error)
            }
        }
    }
}

impl TokenSource for TokenRefresher {
    fn access_token<'a>(
        &'a self,
        rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin(self.token(rejected))
    }
}
