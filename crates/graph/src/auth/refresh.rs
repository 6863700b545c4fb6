//! The refresh-token grant.

use super::error::{AuthError, Flow};
use super::{refresh_client, AuthConfig, TokenSet};
use oauth2::RefreshToken;

/// Redeems `refresh_token` for a new set. Refresh tokens rotate: the returned set carries the
/// newest refresh token (or the old one when the server sent none), and the caller must keep it —
/// the old one may already be invalid. A revoked, expired or reused refresh token ends in
/// [`AuthError::SignInExpired`].
pub async fn refresh(config: &AuthConfig, refresh_token: &str) -> Result<TokenSet, AuthError> {
    refresh_from(config, refresh_token, None).await
}

/// [`refresh`] that keeps tenant, user and refresh token of `previous` where the response lacks
/// them.
pub(crate) async fn refresh_from(
    config: &AuthConfig,
    refresh_token: &str,
    previous: Option<&TokenSet>,
) -> Result<TokenSet, AuthError> {
    let ctx = config.context(Flow::Refresh);
    let client = refresh_client(config)?;
    let started = std::time::Instant::now();
    let token = RefreshToken::new(refresh_token.to_string());
    let response = client
        .exchange_refresh_token(&token)
        .add_scopes(config.oauth_scopes())
        .request_async(&config.http)
        .await
        .map_err(|e| AuthError::from_oauth(e, &ctx, |e| e))?;
    tracing::debug!(
        ms = started.elapsed().as_millis() as u64,
        "refresh token redeemed at the token endpoint"
    );
    let fallback;
    let previous = match previous {
        Some(p) => Some(p),
        None => {
            fallback = TokenSet {
                access_token: String::new(),
                expires_at: 0,
                refresh_token: Some(refresh_token.to_string()),
                granted_scopes: Vec::new(),
                tenant_id: config.tenant.clone(),
                username: None,
            };
            Some(&fallback)
        }
    };
    Ok(TokenSet::from_response(&response, config, previous))
}
