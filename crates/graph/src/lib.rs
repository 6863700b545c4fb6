//! Microsoft identity sign-in (device code, browser with PKCE, refresh) and the Microsoft Graph
//! client (paging, `$batch`, throttling, retries) of TenantAtlas.
//!
//! Two decisions a newcomer must know:
//! - Authority, Graph base URL, client id and an optional extra CA certificate are per-tenant
//!   settings: the same code talks to Microsoft's public cloud and to our simulator, and never knows
//!   which. Certificate verification is never switched off.
//! - The client paces itself per throttling family below Microsoft's documented limits and
//!   honours `Retry-After` (also inside `$batch`), so a sync never hammers a tenant into 429s.

pub mod auth;
pub mod client;

use std::future::Future;
use std::pin::Pin;

/// A boxed future, for the object-safe [`TokenSource`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the Graph client gets access tokens from. `auth::TokenRefresher` is the real one; it
/// refreshes (and rotates the refresh token) when the token is about to expire or when Graph
/// answered 401 with it.
pub trait TokenSource: Send + Sync {
    /// A valid access token. With `after_401`, the token `rejected` was refused by Graph and must
    /// not be returned again (refresh first).
    fn access_token<'a>(
        &'a self,
        rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, auth::AuthError>>;
}

/// The HTTP client crate, re-exported so that callers name the same `reqwest::Client` type.
pub use reqwest;
