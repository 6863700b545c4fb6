//! The device-code flow (RFC 8628): show a code, the engineer enters it at the verification URL
//! on any device, we poll the token endpoint until they approve, decline, or the code expires.

use super::error::{AuthError, EntraError, Flow};
use super::{device_client, AuthConfig, TokenSet};
use oauth2::{DeviceAuthorizationResponse, ExtraDeviceAuthorizationFields};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What to show the engineer while we wait.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceCodePrompt {
    /// The code to enter (`ABCD2EFGH`). Not a secret on its own: it is useless without approval.
    pub user_code: String,
    /// Where to enter it (`https://microsoft.com/devicelogin`).
    pub verification_uri: String,
    /// Entra's ready-made sentence naming both.
    pub message: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// Entra's `message`, which RFC 8628 does not define.
#[derive(Clone, Debug, Deserialize, Serialize)]
struct EntraDeviceFields {
    #[serde(default)]
    message: Option<String>,
}
impl ExtraDeviceAuthorizationFields for EntraDeviceFields {}

/// Signs in with a device code: requests the code, hands it to `on_prompt`, then polls at the
/// interval the server asked for (`authorization_pending` keeps polling, `slow_down` adds five
/// seconds) until approval, a terminal error, the code's `expires_in`, or `cancel`.
///
/// Transient network errors while polling are retried with backoff (RFC 8628 §3.5) until the
/// code expires; an error on the first request ends the flow at once.
pub async fn device_code(
    config: &AuthConfig,
    on_prompt: impl FnOnce(DeviceCodePrompt),
    cancel: &CancellationToken,
) -> Result<TokenSet, AuthError> {
    let ctx = config.context(Flow::DeviceCode);
    let client = device_client(config)?;
    tracing::info!("device code sign-in: requesting a code");
    let request = client
        .exchange_device_code()
        .add_scopes(config.oauth_scopes())
        .request_async(&config.http);
    let details: DeviceAuthorizationResponse<EntraDeviceFields> = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        result = request => result.map_err(|e| AuthError::from_oauth(e, &ctx, |e| e))?,
    };

    let verification_uri = details.verification_uri().to_string();
    let user_code = details.user_code().secret().clone();
    let message = details.extra_fields().message.clone().unwrap_or_else(|| {
        format!("To sign in, open {verification_uri} in a browser and enter the code {user_code}.")
    });
    // Neither the device code nor the user code is logged: the first redeems the sign-in, the
    // second is shown to the engineer only.
    tracing::info!(
        expires_in_s = details.expires_in().as_secs(),
        interval_s = details.interval().as_secs(),
        "device code sign-in: waiting for approval"
    );
    on_prompt(DeviceCodePrompt {
        user_code,
        verification_uri,
        message,
        expires_in: details.expires_in(),
    });

    // `oauth2` polls, honours `interval` and `slow_down`, and stops at `expires_in` (passing
    // `None` as the timeout means exactly that).
    let poll = client.exchange_device_access_token(&details).request_async(
        &config.http,
        tokio::time::sleep,
        None,
    );
    let response = tokio::select! {
        () = cancel.cancelled() => return Err(AuthError::Cancelled),
        result = poll => result.map_err(|e| {
            AuthError::from_oauth(e, &ctx, |e| {
                EntraError::from_parts(e.error().as_ref(), e.error_description().map(String::as_str))
            })
        })?,
    };
    tracing::info!("device code sign-in: approved");
    Ok(TokenSet::from_response(&response, config, None))
}
