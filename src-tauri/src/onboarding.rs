//! Connecting a tenant from the window — the onboarding wizard and Reconnect: sign in (device
//! code or browser, cancellable), the permission check in the words of what a missing permission
//! costs, and the first sync of one tenant with its progress.
//!
//! The sign-in page opens in the system browser only (never in the app's web view), and only an
//! `https` address the pending sign-in gave: the window asks to open "the sign-in page", it never
//! names a URL to open.

use crate::ipc::{CommandError, ErrorCode, SyncOutcome, SyncProgress};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;
use tenantatlas_engine::ops::input::read_bounded;
use tenantatlas_engine::ops::tenant_add::{
    AddTenantFlags, ReconnectTenant, SignInMethod, SignInPrompt, TenantAdded,
};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// What the wizard's first step asks: the tenant, how to sign in, and (under "Advanced") the
/// app registration and cloud, each `None` for the default (or, for a tenant already in the
/// workspace, what it was connected with).
#[derive(Clone, Debug, Default, Deserialize, TS)]
pub struct ConnectRequest {
    /// A verified domain (contoso.onmicrosoft.com) or the tenant id.
    pub tenant: String,
    /// Sign in in the browser (authorization code + PKCE) instead of with a device code.
    pub browser: bool,
    /// The MSP's own app registration (a GUID).
    pub client_id: Option<String>,
    /// The sign-in authority, e.g. `https://login.microsoftonline.com`.
    pub authority: Option<String>,
    /// The Graph root, e.g. `https://graph.microsoft.com`.
    pub graph: Option<String>,
    /// A PEM file with an extra CA certificate to trust for this tenant's hosts.
    pub ca_cert_path: Option<String>,
}

/// What the person must do to sign in, streamed once per sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "flow", rename_all = "snake_case")]
pub enum SignInStep {
    /// Enter `user_code` at `verification_uri` (in any browser, on any device).
    DeviceCode {
        user_code: String,
        verification_uri: String,
    },
    /// Sign in at `url`; the app opened it in the system browser unless `opened` is false.
    Browser { url: String, opened: bool },
}

/// A permission the consent lacks and what it costs: the kinds a sync cannot read without it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PermissionCost {
    /// The least-privileged Graph permission that would do.
    pub permission: String,
    /// What an MSP engineer calls each kind it would let a sync read.
    pub kinds: Vec<String>,
}

/// The tenant as the sign-in found it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct ConnectedTenant {
    pub id: String,
    pub domain: String,
    pub name: String,
    /// The account that signed in.
    pub username: String,
    /// Empty when the consent covers every kind.
    pub missing: Vec<PermissionCost>,
    /// When the new sign-in lapses unless a sync uses it before.
    pub sign_in_lapses_at: String,
}

impl From<TenantAdded> for ConnectedTenant {
    fn from(t: TenantAdded) -> Self {
        let mut missing: Vec<PermissionCost> = Vec::new();
        for kind in t.cannot_read {
            let permission = kind.any_of.first().copied().unwrap_or("a read permission");
            match missing.iter_mut().find(|m| m.permission == permission) {
                Some(cost) => cost.kinds.push(kind.label.to_string()),
                None => missing.push(PermissionCost {
                    permission: permission.to_string(),
                    kinds: vec![kind.label.to_string()],
                }),
            }
        }
        missing.sort_by(|a, b| a.permission.cmp(&b.permission));
        ConnectedTenant {
            id: t.id,
            domain: t.domain,
            name: t.name,
            username: t.username,
            missing,
            sign_in_lapses_at: t.sign_in_lapses_at,
        }
    }
}

/// The sign-in in progress in this window: its cancel switch and the page it asks for.
#[derive(Default)]
pub struct PendingSignIn {
    slot: Mutex<Option<Pending>>,
}

struct Pending {
    cancel: CancellationToken,
    page: Option<String>,
}

/// Holds the sign-in slot; frees it however the sign-in ends.
struct SignInClaim<'a>(&'a PendingSignIn);

impl Drop for SignInClaim<'_> {
    fn drop(&mut self) {
        *self.0.slot.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

impl PendingSignIn {
    fn claim(&self) -> Result<(SignInClaim<'_>, CancellationToken), CommandError> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if slot.is_some() {
            return Err(CommandError::new(
                ErrorCode::Busy,
                "a sign-in is already waiting; finish or cancel it first",
            ));
        }
        let cancel = CancellationToken::new();
        *slot = Some(Pending {
            cancel: cancel.clone(),
            page: None,
        });
        Ok((SignInClaim(self), cancel))
    }

    fn set_page(&self, page: &str) {
        if let Some(pending) = self.slot.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            pending.page = Some(page.to_string());
        }
    }

    /// Cancels the waiting sign-in; answers whether one was waiting.
    pub fn cancel(&self) -> bool {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().inspect(|p| p.cancel.cancel()).is_some()
    }

    /// The page the waiting sign-in asks the person to open.
    fn page(&self) -> Option<String> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref().and_then(|p| p.page.clone())
    }
}

/// Only an `https` address is handed to the system browser: the device-code page comes from the
/// sign-in service's answer, and nothing else (a `file:` or script address) may be opened.
fn openable(url: &str) -> bool {
    url.len() <= 8192
        && url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        && !url.chars().any(char::is_control)
}

fn open_in_system_browser(url: &str) -> bool {
    // Over a remote session or in tests there may be no browser to open; the address is shown.
    if std::env::var_os("TENANTATLAS_NO_BROWSER").is_some() || !openable(url) {
        return false;
    }
    open::that_detached(url).is_ok()
}

/// The step the window shows for what the engine asks; the browser flow's page is opened at once.
fn step_of(prompt: SignInPrompt, pending: &PendingSignIn) -> SignInStep {
    match prompt {
        SignInPrompt::DeviceCode {
            user_code,
            verification_uri,
            ..
        } => {
            pending.set_page(&verification_uri);
            SignInStep::DeviceCode {
                user_code,
                verification_uri,
            }
        }
        SignInPrompt::Browser { url } => {
            pending.set_page(&url);
            let opened = open_in_system_browser(&url);
            SignInStep::Browser { url, opened }
        }
    }
}

/// A CA certificate file, read as every file the user points at: a regular file, bounded.
fn read_ca_cert(path: &str) -> Result<String, CommandError> {
    const PEM_BYTES: u64 = 1024 * 1024;
    let invalid = |why: String| CommandError::new(ErrorCode::InvalidInput, why);
    let bytes = read_bounded(Path::new(path), PEM_BYTES)
        .map_err(|e| invalid(format!("cannot read the CA certificate {path}: {e}")))?;
    let pem = String::from_utf8(bytes)
        .map_err(|_| invalid(format!("{path} is not a PEM certificate")))?;
    if !pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err(invalid(format!(
            "{path} is not a PEM certificate (no BEGIN CERTIFICATE line)"
        )));
    }
    Ok(pem)
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl AppState {
    /// Signs in to a tenant and records it (state "onboarding" until its first sync), telling
    /// `on_step` what the person must do.
    pub async fn connect_tenant(
        &self,
        request: ConnectRequest,
        on_step: impl Fn(SignInStep) + Send + Sync + 'static,
    ) -> Result<ConnectedTenant, CommandError> {
        let ca_cert_pem = match blank_to_none(request.ca_cert_path) {
            Some(path) => Some(read_ca_cert(&path)?),
            None => None,
        };
        let opened = self.opened().await?;
        let flags = AddTenantFlags {
            tenant: request.tenant.trim().to_string(),
            authority: blank_to_none(request.authority),
            graph: blank_to_none(request.graph),
            client_id: blank_to_none(request.client_id),
            ca_cert_pem,
            sign_in: Some(if request.browser {
                SignInMethod::Browser
            } else {
                SignInMethod::DeviceCode
            }),
        };
        let add = opened.engine.add_tenant_request(flags).await?;
        let (_claim, cancel) = self.sign_in.claim()?;
        let pending = &self.sign_in;
        let added = opened
            .engine
            .add_tenant(add, |prompt| on_step(step_of(prompt, pending)), cancel)
            .await?;
        Ok(added.into())
    }

    /// Signs in to a tenant of the workspace again, with its stored settings.
    pub async fn reconnect_tenant(
        &self,
        tenant: String,
        on_step: impl Fn(SignInStep) + Send + Sync + 'static,
    ) -> Result<ConnectedTenant, CommandError> {
        let opened = self.opened().await?;
        let (_claim, cancel) = self.sign_in.claim()?;
        let pending = &self.sign_in;
        let request = ReconnectTenant {
            tenant,
            sign_in: None,
        };
        let again = opened
            .engine
            .reconnect_tenant(request, |prompt| on_step(step_of(prompt, pending)), cancel)
            .await?;
        Ok(again.into())
    }

    /// Stops the waiting sign-in (it ends `cancelled`).
    pub fn cancel_sign_in(&self) -> bool {
        self.sign_in.cancel()
    }

    /// Opens the waiting sign-in's page in the system browser again.
    pub fn open_sign_in_page(&self) -> Result<(), CommandError> {
        let page = self.sign_in.page().ok_or_else(|| {
            CommandError::new(
                ErrorCode::NotFound,
                "no sign-in is waiting; start connecting the tenant again",
            )
        })?;
        if !openable(&page) {
            return Err(CommandError::new(
                ErrorCode::InvalidInput,
                "the sign-in service gave an address that is not https; it is not opened",
            ));
        }
        open::that_detached(&page).map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("cannot open the system browser ({e}); copy the address into a browser"),
            )
        })
    }

    /// The first sync of a tenant (or any one tenant's sync), with drift after it.
    pub async fn sync_tenant(
        &self,
        tenant: String,
        on_step: impl Fn(SyncProgress) + Send + Sync + 'static,
    ) -> Result<SyncOutcome, CommandError> {
        let id = self.opened().await?.engine.tenant(&tenant).await?.id;
        self.sync_tenants(vec![id], on_step)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| CommandError::new(ErrorCode::Internal, "the sync reported no run"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tenantatlas_engine::ops::tenant_add::TenantAdded;

    #[test]
    fn only_https_addresses_reach_the_system_browser() {
        assert!(openable("https://microsoft.com/devicelogin"));
        assert!(openable("HTTPS://login.microsoftonline.com/x"));
        for refused in [
            "http://example.com",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "https://a\nb",
            "",
            "https:/",
        ] {
            assert!(!openable(refused), "{refused:?} must not be opened");
        }
        assert!(!openable(&format!("https://x/{}", "a".repeat(9000))));
    }

    #[test]
    fn missing_permissions_are_grouped_with_what_they_cost() {
        let granted = vec!["DeviceManagementConfiguration.Read.All".to_string()];
        let added = TenantAdded {
            id: "id".into(),
            domain: "contoso.com".into(),
            name: "Contoso".into(),
            username: "admin@contoso.com".into(),
            missing_permissions: vec![],
            cannot_read: tenantatlas_core::permissions::missing(&granted),
            sign_in_lapses_at: "2027-03-01T00:00:00Z".into(),
        };
        let connected = ConnectedTenant::from(added);
        let policy = connected
            .missing
            .iter()
            .find(|m| m.permission == "Policy.Read.All")
            .expect("conditional access needs Policy.Read.All");
        assert!(policy
            .kinds
            .iter()
            .any(|k| k.contains("Conditional Access")));
        let mut names: Vec<&str> = connected
            .missing
            .iter()
            .map(|m| m.permission.as_str())
            .collect();
        let before = names.clone();
        names.sort();
        names.dedup();
        assert_eq!(names, before, "one entry per permission, sorted");
        assert!(!names.contains(&"DeviceManagementConfiguration.Read.All"));
    }

    #[test]
    fn a_file_that_is_no_certificate_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, "hello").unwrap();
        let err = read_ca_cert(file.to_str().unwrap()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("ca.pem"), "{}", err.message);
        let err = read_ca_cert(dir.path().to_str().unwrap()).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
    }
}
