//! Sign-in against the simulated Entra ID: device code (approved, pending then approved, declined,
//! expired, blocked by Conditional Access, cancelled), the browser flow with PKCE and a loopback
//! redirect, refresh-token rotation, lapse after 90 days unused and revocation, the errors an
//! engineer meets (unknown tenant, unknown app, a confidential app, an unregistered redirect URI,
//! missing consent, untrusted certificate, a server that does not speak JSON), and the token
//! manager's single refresh under concurrency.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tenantatlas_graph::auth::{
    self, AuthConfig, AuthError, CancellationToken, DeviceCodePrompt, TokenRefresher, TokenSet,
};
use tenantatlas_graph::client::http_client;
use tenantatlas_graph::TokenSource;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use url::Url;

/// A public client id, as an MSP registers one.
const CLIENT_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";

struct Sim {
    handle: SimHandle,
    http: reqwest::Client,
}

async fn start(auto_approve: bool, device_code_interval: u64) -> Sim {
    let handle = Simulator::start(SimConfig {
        tenants: 3,
        objects_per_tenant: 10,
        behaviour: Behaviour {
            auto_approve,
            device_code_interval,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let pem = std::fs::read_to_string(handle.ca_cert()).expect("CA file");
    let http = http_client(Some(&pem)).expect("HTTP client");
    Sim { handle, http }
}

impl Sim {
    /// Signs in to tenant `index` by its domain.
    fn config(&self, index: usize) -> AuthConfig {
        let domain = self.handle.tenants()[index].domain.clone();
        AuthConfig::new(self.authority(), domain, CLIENT_ID, self.http.clone())
    }
    fn authority(&self) -> Url {
        Url::parse(self.handle.authority()).unwrap()
    }
    fn tenant_id(&self, index: usize) -> String {
        self.handle.tenants()[index].id.clone()
    }
    fn domain(&self, index: usize) -> String {
        self.handle.tenants()[index].domain.clone()
    }
    fn admin(&self, index: usize) -> String {
        self.handle.sim.world().tenants[index]
            .admin()
            .user_principal_name
            .clone()
    }
    fn identity_requests(&self) -> u64 {
        self.handle.sim.world().stats.identity_requests
    }
    fn was_polled(&self, user_code: &str) -> bool {
        self.handle
            .sim
            .world()
            .device_codes
            .values()
            .any(|g| g.user_code == user_code && g.last_poll.is_some())
    }
    async fn control(&self, path: &str, body: Value) {
        let response = self
            .http
            .post(format!("{}/_sim/{path}", self.handle.graph()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    /// The engineer's decision on the device-login page.
    async fn decide(&self, user_code: &str, index: usize, decision: &str) {
        let page = self
            .http
            .post(format!("{}/devicelogin", self.handle.authority()))
            .form(&[
                ("user_code", user_code),
                ("account", self.admin(index).as_str()),
                ("decision", decision),
            ])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("close this window"), "{page}");
    }
    /// The status Graph answers a read with this token.
    async fn graph_status(&self, token: &str) -> StatusCode {
        self.http
            .get(format!(
                "{}/beta/deviceManagement/deviceConfigurations",
                self.handle.graph()
            ))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }
    /// A browser: trusts the simulator's CA and follows no redirect by itself.
    fn browser_client(&self) -> reqwest::Client {
        let pem = std::fs::read(self.handle.ca_cert()).unwrap();
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }
}

/// A device-code sign-in running in the background, and its prompt.
struct PendingDeviceCode {
    prompt: DeviceCodePrompt,
    cancel: CancellationToken,
    flow: tokio::task::JoinHandle<Result<TokenSet, AuthError>>,
}

async fn start_device_code(config: AuthConfig) -> PendingDeviceCode {
    let (tx, rx) = oneshot::channel();
    let cancel = CancellationToken::new();
    let flow_cancel = cancel.clone();
    let flow = tokio::spawn(async move {
        auth::device_code(&config, move |p| tx.send(p).unwrap(), &flow_cancel).await
    });
    let prompt = rx.await.expect("the prompt is shown");
    PendingDeviceCode {
        prompt,
        cancel,
        flow,
    }
}

async fn device_code_now(config: &AuthConfig) -> Result<TokenSet, AuthError> {
    auth::device_code(config, |_| {}, &CancellationToken::new()).await
}

/// Waits for a condition the simulator reaches on its own (a poll arriving), up to ten seconds.
async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn device_code_signs_in_and_lists_the_consented_permissions() {
    let sim = start(true, 1).await;
    let mut shown = None;
    let tokens = auth::device_code(
        &sim.config(0),
        |p| shown = Some(p),
        &CancellationToken::new(),
    )
    .await
    .expect("signed in");
    let prompt = shown.expect("prompt shown");
    assert_eq!(prompt.user_code.len(), 9);
    assert!(prompt.message.contains(&prompt.user_code));
    assert!(prompt.verification_uri.ends_with("/devicelogin"));
    assert_eq!(prompt.expires_in, Duration::from_secs(900));

    let consented: Vec<String> = sim.handle.sim.world().tenants[0]
        .granted_scopes
        .iter()
        .cloned()
        .collect();
    let mut granted = tokens.granted_scopes.clone();
    granted.sort();
    assert_eq!(granted, consented);
    assert!(granted
        .iter()
        .any(|s| s == "DeviceManagementConfiguration.ReadWrite.All"));
    assert!(!granted
        .iter()
        .any(|s| s == "openid" || s.ends_with(".default")));
    assert_eq!(tokens.tenant_id, sim.tenant_id(0));
    assert_eq!(tokens.username.as_deref(), Some(sim.admin(0).as_str()));
    assert!(tokens.refresh_token.is_some());
    assert!((unix_now() + 3500..=unix_now() + 3600).contains(&tokens.expires_at));
    assert_eq!(sim.graph_status(&tokens.access_token).await, StatusCode::OK);

    let debug = format!("{tokens:?}");
    assert!(!debug.contains(&tokens.access_token));
    assert!(!debug.contains(tokens.refresh_token.as_deref().unwrap()));
}

#[tokio::test]
async fn device_code_blocked_by_conditional_access_suggests_the_browser() {
    let sim = start(true, 1).await;
    let error = device_code_now(&sim.config(1)).await.unwrap_err();
    assert!(
        matches!(error, AuthError::DeviceCodeBlocked { .. }),
        "{error:?}"
    );
    assert_eq!(error.aadsts(), Some(53003));
    let entra = error.entra().unwrap();
    assert!(entra.trace_id.is_some() && entra.correlation_id.is_some());
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "in {} blocks device-code sign-in (AADSTS53003); run the same command again with `--browser`",
            sim.domain(1)
        )),
        "{message}"
    );
}

#[tokio::test]
async fn browser_sign_in_works_where_device_code_is_blocked() {
    let sim = start(true, 1).await;
    let (tx, rx) = oneshot::channel::<String>();
    let config = sim.config(1);
    let flow = tokio::spawn(async move {
        let open = move |url: &str| tx.send(url.to_string()).unwrap();
        auth::browser(
            &config,
            open,
            &CancellationToken::new(),
            Duration::from_secs(30),
        )
        .await
    });
    let url = Url::parse(&rx.await.unwrap()).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(param("response_type").as_deref(), Some("code"));
    let redirect_uri = param("redirect_uri").unwrap();
    // `http://localhost` with the listener's port: what app registrations register (Entra
    // ignores the port on loopback, not the host).
    let port = redirect_uri
        .strip_prefix("http://localhost:")
        .unwrap_or_else(|| panic!("{redirect_uri}"));
    assert!(port.parse::<u16>().is_ok(), "{redirect_uri}");
    assert!(param("state").is_some_and(|s| s.len() >= 16));

    let authorize = sim.browser_client().get(url.as_str()).send().await.unwrap();
    assert_eq!(authorize.status(), StatusCode::FOUND);
    let location = authorize.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with(&redirect_uri), "{location}");
    let page = reqwest::get(&location).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("You can close this window"));

    let tokens = flow.await.unwrap().expect("signed in through the browser");
    assert_eq!(tokens.tenant_id, sim.tenant_id(1));
    assert_eq!(tokens.username.as_deref(), Some(sim.admin(1).as_str()));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(sim.graph_status(&tokens.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn browser_sign_in_declined_on_the_consent_page() {
    let sim = start(false, 1).await;
    let (tx, rx) = oneshot::channel::<String>();
    let config = sim.config(0);
    let flow = tokio::spawn(async move {
        let open = move |url: &str| tx.send(url.to_string()).unwrap();
        auth::browser(
            &config,
            open,
            &CancellationToken::new(),
            Duration::from_secs(30),
        )
        .await
    });
    let url = rx.await.unwrap();
    let browser = sim.browser_client();
    let consent = browser.get(&url).send().await.unwrap();
    assert_eq!(
        consent.status(),
        StatusCode::OK,
        "the consent page is shown"
    );
    let declined = browser
        .post(&url)
        .form(&[("decision", "decline")])
        .send()
        .await
        .unwrap();
    assert_eq!(declined.status(), StatusCode::FOUND);
    let location = declined.headers()["location"].to_str().unwrap().to_string();
    let page = reqwest::get(&location).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Sign-in failed") && page.contains("declined"),
        "{page}"
    );
    let error = flow.await.unwrap().unwrap_err();
    assert!(matches!(error, AuthError::Declined { .. }), "{error:?}");
}

#[tokio::test]
async fn browser_sign_in_refuses_a_forged_state() {
    let sim = start(true, 1).await;
    let (tx, rx) = oneshot::channel::<String>();
    let config = sim.config(0);
    let flow = tokio::spawn(async move {
        let open = move |url: &str| tx.send(url.to_string()).unwrap();
        auth::browser(
            &config,
            open,
            &CancellationToken::new(),
            Duration::from_secs(30),
        )
        .await
    });
    let url = Url::parse(&rx.await.unwrap()).unwrap();
    let redirect_uri = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .unwrap()
        .1
        .into_owned();
    // A stray request first: it gets a 404 and the flow keeps waiting.
    let stray = reqwest::get(format!("{redirect_uri}/favicon.ico"))
        .await
        .unwrap();
    assert_eq!(stray.status(), StatusCode::NOT_FOUND);
    let page = reqwest::get(format!("{redirect_uri}/?code=forged&state=forged"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Sign-in failed"), "{page}");
    let error = flow.await.unwrap().unwrap_err();
    assert!(matches!(error, AuthError::StateMismatch), "{error:?}");
}

#[tokio::test]
async fn browser_sign_in_gives_up_after_its_timeout() {
    let sim = start(true, 1).await;
    // Nobody opens the page: the sign-in ends on its own timeout (the outer one only guards
    // against a hang; how long it takes is not what this test is about).
    let error = tokio::time::timeout(
        HANG,
        auth::browser(
            &sim.config(0),
            |_| {},
            &CancellationToken::new(),
            Duration::from_millis(300),
        ),
    )
    .await
    .expect("the browser sign-in ended on its own timeout")
    .unwrap_err();
    assert!(
        matches!(error, AuthError::BrowserTimedOut { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn device_code_stays_pending_until_the_engineer_approves() {
    let sim = start(false, 1).await;
    let pending = start_device_code(sim.config(0)).await;
    let code = pending.prompt.user_code.clone();
    eventually("a poll while pending", || sim.was_polled(&code)).await;
    assert!(
        !pending.flow.is_finished(),
        "authorization_pending keeps polling"
    );
    sim.decide(&code, 0, "approve").await;
    let tokens = pending
        .flow
        .await
        .unwrap()
        .expect("signed in after approval");
    assert_eq!(tokens.tenant_id, sim.tenant_id(0));
    assert_eq!(tokens.username.as_deref(), Some(sim.admin(0).as_str()));
}

#[tokio::test]
async fn device_code_declined_by_the_engineer() {
    let sim = start(false, 1).await;
    let pending = start_device_code(sim.config(0)).await;
    sim.decide(&pending.prompt.user_code, 0, "decline").await;
    let error = pending.flow.await.unwrap().unwrap_err();
    assert!(matches!(error, AuthError::Declined { .. }), "{error:?}");
    assert!(error.to_string().starts_with("the sign-in was declined"));
}

#[tokio::test]
async fn device_code_expires_when_nobody_enters_it() {
    let sim = start(false, 1).await;
    let pending = start_device_code(sim.config(0)).await;
    sim.control("clock", json!({"advance_seconds": 901})).await;
    let error = pending.flow.await.unwrap().unwrap_err();
    assert!(matches!(error, AuthError::CodeExpired { .. }), "{error:?}");
    assert_eq!(error.aadsts(), Some(70019));
    assert_eq!(
        error.to_string(),
        "the sign-in code expired before it was used; run the command again"
    );
}

#[tokio::test]
async fn cancelling_a_pending_device_code_returns_promptly() {
    // A ten-minute polling interval: the next poll is far beyond the hang guard, so only
    // cancellation can end the wait before it.
    let sim = start(false, 600).await;
    let pending = start_device_code(sim.config(0)).await;
    let code = pending.prompt.user_code.clone();
    eventually("the first poll", || sim.was_polled(&code)).await;
    pending.cancel.cancel();
    let error = tokio::time::timeout(HANG, pending.flow)
        .await
        .expect("cancellation ended the wait for the next poll")
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, AuthError::Cancelled), "{error:?}");
}

/// Guards a test against hanging; far longer than anything should take, and far shorter than
/// the waits the tests make sure are cut short.
const HANG: Duration = Duration::from_secs(120);

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_one_stops_working() {
    let sim = start(true, 1).await;
    let config = sim.config(0);
    let first = device_code_now(&config).await.unwrap();
    let old = first.refresh_token.clone().unwrap();
    let second = auth::refresh(&config, &old).await.expect("refreshed");
    let new = second.refresh_token.clone().unwrap();
    assert_ne!(new, old, "the refresh token rotated");
    assert_ne!(second.access_token, first.access_token);
    assert_eq!(second.tenant_id, sim.tenant_id(0));
    assert_eq!(second.granted_scopes.len(), first.granted_scopes.len());
    assert_eq!(sim.graph_status(&second.access_token).await, StatusCode::OK);

    let error = auth::refresh(&config, &old).await.unwrap_err();
    assert!(
        matches!(error, AuthError::SignInExpired { .. }),
        "{error:?}"
    );
    // The newest one still works.
    auth::refresh(&config, &new)
        .await
        .expect("the newest refresh token works");
}

#[tokio::test]
async fn a_revoked_sign_in_asks_to_reconnect_the_tenant() {
    let sim = start(true, 1).await;
    let config = sim.config(0);
    let tokens = device_code_now(&config).await.unwrap();
    sim.control(&format!("tenants/{}/revoke", sim.tenant_id(0)), json!({}))
        .await;
    let error = auth::refresh(&config, tokens.refresh_token.as_deref().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.aadsts(), Some(50173));
    let domain = sim.domain(0);
    assert_eq!(
        error.to_string(),
        format!("the sign-in for {domain} was revoked or expired; run `tenantatlas tenant reconnect {domain}` to sign in again")
    );
}

#[tokio::test]
async fn an_unknown_tenant_is_named() {
    let sim = start(true, 1).await;
    let mut config = sim.config(0);
    config.tenant = "nosuchcustomer.onmicrosoft.com".into();
    let error = device_code_now(&config).await.unwrap_err();
    assert!(
        matches!(error, AuthError::TenantNotFound { .. }),
        "{error:?}"
    );
    assert_eq!(error.aadsts(), Some(90002));
    assert!(error.to_string().contains("nosuchcustomer.onmicrosoft.com"));
    assert!(error.to_string().contains("check the domain or tenant id"));
}

#[tokio::test]
async fn a_client_id_that_is_no_app_is_explained() {
    let sim = start(true, 1).await;
    let mut config = sim.config(0);
    config.client_id = "tenantatlas".into();
    let error = device_code_now(&config).await.unwrap_err();
    assert!(matches!(error, AuthError::AppNotFound { .. }), "{error:?}");
    assert_eq!(error.aadsts(), Some(700016));
    let message = error.to_string();
    assert!(
        message.contains("the app tenantatlas was not found") && message.contains("multi-tenant"),
        "{message}"
    );
}

#[tokio::test]
async fn a_permission_without_admin_consent_names_the_app() {
    let sim = start(true, 1).await;
    let tokens = device_code_now(&sim.config(2)).await.unwrap();
    assert!(!tokens.granted_scopes.iter().any(|s| s == "Policy.Read.All"));
    let mut config = sim.config(2);
    config.scopes = vec![
        "https://graph.microsoft.com/Policy.Read.All".into(),
        "offline_access".into(),
        "openid".into(),
    ];
    let error = device_code_now(&config).await.unwrap_err();
    assert!(
        matches!(error, AuthError::ConsentMissing { .. }),
        "{error:?}"
    );
    assert_eq!(error.aadsts(), Some(65001));
    let message = error.to_string();
    assert!(
        message.contains(&format!("the app TenantAtlas (MSP) ({CLIENT_ID})"))
            && message.contains("administrator"),
        "{message}"
    );
}

impl Sim {
    /// Registers an app with the simulator (as an MSP would in its Entra admin center) and
    /// consents to it in tenant `index` with the tenant's usual permissions.
    async fn register_app(&self, index: usize, registration: Value) -> String {
        let app: Value = self
            .http
            .post(format!("{}/_sim/apps", self.handle.graph()))
            .json(&registration)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let client_id = app["client_id"].as_str().expect("registered").to_string();
        let granted: Vec<String> = self.handle.sim.world().tenants[index]
            .granted_scopes
            .iter()
            .cloned()
            .collect();
        self.control(
            &format!("tenants/{}/consent", self.tenant_id(index)),
            json!({"client_id": client_id, "granted": granted}),
        )
        .await;
        client_id
    }
}

#[tokio::test]
async fn a_guid_no_app_was_registered_with_is_explained() {
    let sim = start(true, 1).await;
    let mut config = sim.config(0);
    config.client_id = "0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f".into();
    let error = device_code_now(&config).await.unwrap_err();
    assert!(matches!(error, AuthError::AppNotFound { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!("the app 0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f was not found in {} (AADSTS700016); check the client id, and that the app registration is multi-tenant", sim.domain(0))
    );
}

#[tokio::test]
async fn a_confidential_app_is_told_to_allow_public_client_flows() {
    let sim = start(true, 1).await;
    let client_id = sim
        .register_app(
            0,
            json!({"display_name": "TenantAtlas (web)", "multi_tenant": true,
                   "redirect_uris": ["https://tenantatlas.example/signin"]}),
        )
        .await;
    let mut config = sim.config(0);
    config.client_id = client_id.clone();
    let error = device_code_now(&config).await.unwrap_err();
    assert!(
        matches!(error, AuthError::NotPublicClient { .. }),
        "{error:?}"
    );
    assert_eq!(error.aadsts(), Some(7000218));
    assert_eq!(
        error.to_string(),
        format!("the app {client_id} is not enabled for public client flows (AADSTS7000218); set 'allow public client flows' to yes in its app registration")
    );
}

#[tokio::test]
async fn a_browser_sign_in_with_an_unregistered_redirect_uri_stops_on_the_sign_in_page() {
    let sim = start(true, 1).await;
    // A public client that registered only a web redirect, not `http://localhost`.
    let client_id = sim
        .register_app(
            0,
            json!({"display_name": "TenantAtlas (no loopback)", "public_client": true,
                   "multi_tenant": true, "redirect_uris": ["https://tenantatlas.example/signin"]}),
        )
        .await;
    let mut config = sim.config(0);
    config.client_id = client_id;
    let (tx, rx) = oneshot::channel::<String>();
    let flow = tokio::spawn(async move {
        let open = move |url: &str| tx.send(url.to_string()).unwrap();
        auth::browser(
            &config,
            open,
            &CancellationToken::new(),
            Duration::from_secs(2),
        )
        .await
    });
    let url = rx.await.unwrap();
    let page = sim.browser_client().get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert!(page.headers().get("location").is_none(), "never redirected");
    let text = page.text().await.unwrap();
    assert!(text.contains("AADSTS50011"), "{text}");
    // The engineer sees the page; the command only learns that nothing came back.
    let error = flow.await.unwrap().unwrap_err();
    assert!(
        matches!(error, AuthError::BrowserTimedOut { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.contains("AADSTS50011") && message.contains("http://localhost"),
        "{message}"
    );
}

#[tokio::test]
async fn a_sign_in_unused_for_90_days_lapses_and_asks_to_reconnect() {
    let sim = start(true, 1).await;
    let config = sim.config(0);
    let tokens = device_code_now(&config).await.unwrap();
    // Used within 90 days, the rotated token starts a new window.
    sim.control("clock", json!({"advance_seconds": 89 * 24 * 3600}))
        .await;
    let refreshed = auth::refresh(&config, tokens.refresh_token.as_deref().unwrap())
        .await
        .expect("still valid after 89 days");
    sim.control("clock", json!({"advance_seconds": 90 * 24 * 3600}))
        .await;
    let error = auth::refresh(&config, refreshed.refresh_token.as_deref().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(error, AuthError::SignInInactive { .. }),
        "{error:?}"
    );
    assert_eq!(
        (error.code(), error.aadsts()),
        ("sign_in_inactive", Some(700082))
    );
    let domain = sim.domain(0);
    assert_eq!(
        error.to_string(),
        format!("the sign-in for {domain} expired after going unused for 90 days (AADSTS700082); run `tenantatlas tenant reconnect {domain}` to sign in again")
    );
    assert!(!error.is_transient());
}

#[tokio::test]
async fn an_untrusted_certificate_suggests_ca_cert() {
    let sim = start(true, 1).await;
    let mut config = sim.config(0);
    config.http = http_client(None).unwrap();
    let error = device_code_now(&config).await.unwrap_err();
    assert!(
        matches!(error, AuthError::UntrustedCertificate { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("--ca-cert"), "{error}");
}

#[tokio::test]
async fn a_server_that_answers_html_is_reported_as_not_json() {
    // A captive portal or proxy: every request gets an HTML error page.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let html = "<html><body>502 Bad Gateway</body></html>";
                let answer = format!(
                    "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
                    html.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    let config = AuthConfig::new(
        Url::parse(&format!("http://{addr}")).unwrap(),
        "contoso.onmicrosoft.com",
        CLIENT_ID,
        // The product's client refuses plain http; the fake portal is plain http.
        reqwest::Client::new(),
    );
    let error = device_code_now(&config).await.unwrap_err();
    assert!(matches!(error, AuthError::NotJson { .. }), "{error:?}");
    assert!(error
        .to_string()
        .starts_with("the sign-in server sent a response that is not JSON"));
}

/// A manager over a fresh sign-in, recording every rotated set.
async fn manager(
    sim: &Sim,
    expired: bool,
) -> (Arc<TokenRefresher>, TokenSet, Arc<Mutex<Vec<TokenSet>>>) {
    let config = sim.config(0);
    let mut tokens = device_code_now(&config).await.unwrap();
    if expired {
        // As if the set was loaded from the workspace an hour later: expired here and at Graph.
        tokens.expires_at = unix_now() - 1;
        sim.control("clock", json!({"advance_seconds": 3600})).await;
    }
    let rotated = Arc::new(Mutex::new(Vec::new()));
    let record = rotated.clone();
    let on_rotate = Arc::new(move |t: &TokenSet| record.lock().unwrap().push(t.clone()));
    let manager = Arc::new(TokenRefresher::new(config, tokens.clone(), on_rotate));
    (manager, tokens, rotated)
}

/// Asks for a token from `callers` tasks at once; returns their answers.
async fn concurrently(
    manager: &Arc<TokenRefresher>,
    callers: usize,
    rejected: Option<&str>,
) -> Vec<Result<String, AuthError>> {
    let barrier = Arc::new(tokio::sync::Barrier::new(callers));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..callers {
        let (manager, barrier) = (manager.clone(), barrier.clone());
        let rejected = rejected.map(str::to_string);
        tasks.spawn(async move {
            barrier.wait().await;
            manager.access_token(rejected.as_deref()).await
        });
    }
    let mut answers = Vec::new();
    while let Some(answer) = tasks.join_next().await {
        answers.push(answer.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_expired_token_is_refreshed_once_for_ten_concurrent_callers() {
    let sim = start(true, 1).await;
    let (manager, old, rotated) = manager(&sim, true).await;
    assert_eq!(
        sim.graph_status(&old.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    let before = sim.identity_requests();

    let answers = concurrently(&manager, 10, None).await;
    let tokens: Vec<String> = answers.into_iter().map(|a| a.expect("a token")).collect();
    assert!(
        tokens.iter().all(|t| *t == tokens[0]),
        "every caller got the same token"
    );
    assert_ne!(tokens[0], old.access_token);
    assert_eq!(
        sim.identity_requests() - before,
        1,
        "exactly one refresh request"
    );

    let rotated = rotated.lock().unwrap().clone();
    assert_eq!(rotated.len(), 1, "on_rotate called once");
    assert_eq!(rotated[0].access_token, tokens[0]);
    let new_refresh = rotated[0].refresh_token.clone().unwrap();
    assert_ne!(Some(&new_refresh), old.refresh_token.as_ref());
    assert_eq!(
        manager.tokens().await.refresh_token.as_deref(),
        Some(new_refresh.as_str())
    );
    assert_eq!(sim.graph_status(&tokens[0]).await, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_token_graph_rejected_is_refreshed_once_and_then_served_from_cache() {
    let sim = start(true, 1).await;
    let (manager, old, rotated) = manager(&sim, false).await;
    let before = sim.identity_requests();
    assert_eq!(
        manager.access_token(None).await.unwrap(),
        old.access_token,
        "valid: cached"
    );
    assert_eq!(sim.identity_requests(), before);

    let answers = concurrently(&manager, 10, Some(&old.access_token)).await;
    let tokens: Vec<String> = answers.into_iter().map(|a| a.unwrap()).collect();
    assert!(tokens
        .iter()
        .all(|t| *t == tokens[0] && *t != old.access_token));
    assert_eq!(sim.identity_requests() - before, 1);
    assert_eq!(rotated.lock().unwrap().len(), 1);

    // A late caller still holding the old token gets the new one without another refresh.
    assert_eq!(
        manager.access_token(Some(&old.access_token)).await.unwrap(),
        tokens[0]
    );
    assert_eq!(sim.identity_requests() - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_revoked_session_fails_every_caller_after_one_request() {
    let sim = start(true, 1).await;
    let (manager, _, rotated) = manager(&sim, true).await;
    sim.control(&format!("tenants/{}/revoke", sim.tenant_id(0)), json!({}))
        .await;
    let before = sim.identity_requests();
    let answers = concurrently(&manager, 5, None).await;
    for answer in answers {
        let error = answer.unwrap_err();
        assert!(
            matches!(error, AuthError::SignInExpired { .. }),
            "{error:?}"
        );
    }
    assert_eq!(
        sim.identity_requests() - before,
        1,
        "the failure is remembered"
    );
    assert!(rotated.lock().unwrap().is_empty());
}
