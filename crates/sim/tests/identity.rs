//! The sign-in host against a plain HTTP client: discovery, device code (pending, slow down,
//! approve on the page, decline, expiry), Conditional Access refusing device code, the browser flow
//! with PKCE, refresh-token rotation, lifetime (90 days unused) and revocation, and Entra's error
//! bodies. App registrations (client ids, redirect URIs, consent) are in `app_registrations.rs`.

mod common;

use common::{entra_error, CLIENT_ID, GRAPH_DEFAULT};
use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

async fn manual_sim() -> common::TestSim {
    common::start_with(SimConfig {
        tenants: 3,
        objects_per_tenant: 20,
        behaviour: Behaviour {
            auto_approve: false,
            device_code_interval: 1,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    })
    .await
}

async fn post_form(sim: &common::TestSim, url: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = sim.client.post(url).form(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn start_device_code(sim: &common::TestSim, tenant: &str) -> Value {
    let (status, body) = post_form(
        sim,
        &format!("{}/{tenant}/oauth2/v2.0/devicecode", sim.authority()),
        &[("client_id", CLIENT_ID), ("scope", GRAPH_DEFAULT)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn poll(sim: &common::TestSim, tenant: &str, device_code: &str) -> (StatusCode, Value) {
    post_form(
        sim,
        &format!("{}/{tenant}/oauth2/v2.0/token", sim.authority()),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", CLIENT_ID),
            ("device_code", device_code),
            ("client_info", "1"),
        ],
    )
    .await
}

async fn decide(sim: &common::TestSim, user_code: &str, tenant: usize, decision: &str) -> String {
    let admin = sim.handle.sim.world().tenants[tenant]
        .admin()
        .user_principal_name
        .clone();
    sim.client
        .post(format!("{}/devicelogin", sim.authority()))
        .form(&[
            ("user_code", user_code),
            ("account", admin.as_str()),
            ("decision", decision),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).expect("three parts");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[tokio::test]
async fn discovery_names_the_endpoints_for_every_tenant_form() {
    let sim = common::start(2, 10).await;
    let tenant = sim.handle.tenants()[0].clone();
    for form in [
        tenant.id.as_str(),
        tenant.domain.as_str(),
        "organizations",
        "common",
    ] {
        let url = format!(
            "{}/{form}/v2.0/.well-known/openid-configuration",
            sim.authority()
        );
        let (status, body) = sim.get_json("", &url).await;
        assert_eq!(status, StatusCode::OK, "{form}: {body}");
        for endpoint in [
            "authorization_endpoint",
            "token_endpoint",
            "device_authorization_endpoint",
        ] {
            let value = body[endpoint].as_str().unwrap();
            assert!(
                value.starts_with(&format!("{}/", sim.authority())),
                "{endpoint}: {value}"
            );
        }
    }
    // A doubled slash (an authority with a trailing slash) works as on the real service.
    let url = format!(
        "{}/{}//v2.0/.well-known/openid-configuration",
        sim.authority(),
        tenant.id
    );
    assert_eq!(sim.get(" ", &url).await.status(), StatusCode::OK);
    let (status, body) = sim
        .get_json(
            "",
            &format!(
                "{}/nosuch.example/v2.0/.well-known/openid-configuration",
                sim.authority()
            ),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(entra_error(&body), ("invalid_tenant".to_string(), 90002));
}

#[tokio::test]
async fn device_code_is_pending_then_slows_down_then_succeeds_after_approval() {
    let sim = manual_sim().await;
    let tenant = sim.tenant_id(0);
    let code = start_device_code(&sim, &tenant).await;
    assert_eq!(code["interval"], 1);
    assert_eq!(code["expires_in"], 900);
    assert!(code["message"]
        .as_str()
        .unwrap()
        .contains(code["user_code"].as_str().unwrap()));
    let device_code = code["device_code"].as_str().unwrap();

    let (status, body) = poll(&sim, &tenant, device_code).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        entra_error(&body),
        ("authorization_pending".to_string(), 70016)
    );
    // Polling again at once is too fast.
    let (_, body) = poll(&sim, &tenant, device_code).await;
    assert_eq!(entra_error(&body).0, "slow_down");

    let page = decide(&sim, code["user_code"].as_str().unwrap(), 0, "approve").await;
    assert!(page.contains("signed in"), "{page}");
    let (status, tokens) = poll(&sim, &tenant, device_code).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(
        tokens["refresh_token"].is_string(),
        "offline_access gives a refresh token"
    );
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["aud"], CLIENT_ID);
    assert_eq!(id["tid"], tenant);
    assert!(id["preferred_username"].as_str().unwrap().contains('@'));
    let access = claims(tokens["access_token"].as_str().unwrap());
    assert!(access["scp"]
        .as_str()
        .unwrap()
        .contains("DeviceManagementConfiguration.ReadWrite.All"));
    // The code is single use.
    let (_, again) = poll(&sim, &tenant, device_code).await;
    assert_eq!(entra_error(&again).0, "invalid_grant");
}

#[tokio::test]
async fn declined_expired_and_unknown_device_codes_end_the_flow() {
    let sim = manual_sim().await;
    let tenant = sim.tenant_id(0);
    let declined = start_device_code(&sim, &tenant).await;
    decide(&sim, declined["user_code"].as_str().unwrap(), 0, "decline").await;
    let (_, body) = poll(&sim, &tenant, declined["device_code"].as_str().unwrap()).await;
    assert_eq!(entra_error(&body).0, "authorization_declined");

    let (_, body) = poll(&sim, &tenant, "not-a-device-code").await;
    assert_eq!(entra_error(&body).0, "bad_verification_code");

    let expiring = start_device_code(&sim, &tenant).await;
    sim.control("clock", serde_json::json!({"advance_seconds": 901}))
        .await;
    let (_, body) = poll(&sim, &tenant, expiring["device_code"].as_str().unwrap()).await;
    assert_eq!(entra_error(&body), ("expired_token".to_string(), 70019));
}

#[tokio::test]
async fn conditional_access_blocks_device_code_and_the_browser_flow_works() {
    let sim = common::start(3, 20).await;
    assert!(
        !sim.handle.tenants()[1].device_code_allowed,
        "generator rule: tenant 1 blocks device code"
    );
    let tokens = sim.device_code_tokens(1, GRAPH_DEFAULT).await;
    assert_eq!(entra_error(&tokens), ("invalid_grant".to_string(), 53003));

    // Authorization code + PKCE (S256) with a loopback redirect, auto-approved.
    let tenant = sim.tenant_id(1);
    let verifier = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag";
    let challenge = {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
    };
    // The MSP's app registered `http://localhost`: any port, as Entra allows on loopback.
    let redirect = "http://localhost:53682/";
    let response = sim
        .client
        .get(format!(
            "{}/{tenant}/oauth2/v2.0/authorize",
            sim.authority()
        ))
        .query(&[
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", GRAPH_DEFAULT),
            ("state", "xyz"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.as_str().starts_with(redirect));
    let query: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(query["state"], "xyz");
    let code = query["code"].clone();

    let token_url = format!("{}/{tenant}/oauth2/v2.0/token", sim.authority());
    let (_, wrong) = post_form(
        &sim,
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", "wrong-verifier"),
        ],
    )
    .await;
    assert_eq!(entra_error(&wrong).1, 501481);
    // A failed redemption burns the code, as on the real service; sign in again.
    let response = sim
        .client
        .get(format!(
            "{}/{tenant}/oauth2/v2.0/authorize",
            sim.authority()
        ))
        .query(&[
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", redirect),
            ("scope", GRAPH_DEFAULT),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .unwrap();
    let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let (status, tokens) = post_form(
        &sim,
        &token_url,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let token = tokens["access_token"].as_str().unwrap();
    let (status, org) = sim.get_json(token, "/v1.0/organization").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(org["value"][0]["id"], tenant);
}

#[tokio::test]
async fn authorize_refuses_redirects_the_app_did_not_register() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    for redirect in [
        "https://evil.example/cb",
        "http://192.168.1.10:8080/cb",
        "not a url",
        // Registered is `http://localhost`: another path, the IP literal or IPv6 do not match.
        "http://localhost:53682/callback",
        "http://127.0.0.1:53682/",
        "http://[::1]:53682/",
        "",
    ] {
        let response = sim
            .client
            .get(format!(
                "{}/{tenant}/oauth2/v2.0/authorize",
                sim.authority()
            ))
            .query(&[
                ("client_id", CLIENT_ID),
                ("response_type", "code"),
                ("redirect_uri", redirect),
                ("scope", GRAPH_DEFAULT),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect}");
        assert!(response.headers().get("location").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains("AADSTS50011"), "{redirect}: {page}");
    }
}

#[tokio::test]
async fn refresh_tokens_rotate_and_the_old_one_stops_working() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    let first = sim.device_code_tokens(0, GRAPH_DEFAULT).await;
    let url = format!("{}/{tenant}/oauth2/v2.0/token", sim.authority());
    let old = first["refresh_token"].as_str().unwrap();
    let (status, second) = post_form(
        &sim,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", old),
            ("scope", GRAPH_DEFAULT),
            ("client_info", "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert!(second["client_info"].is_string());
    let (_, reused) = post_form(
        &sim,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", old),
        ],
    )
    .await;
    assert_eq!(entra_error(&reused).0, "invalid_grant");
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_refused() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    let tokens = sim.device_code_tokens(0, GRAPH_DEFAULT).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        sim.get(access, "/v1.0/organization").await.status(),
        StatusCode::OK
    );

    sim.control("clock", serde_json::json!({"advance_seconds": 3600}))
        .await;
    let (status, body) = sim.get_json(access, "/v1.0/organization").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        common::graph_error_code(&body),
        "InvalidAuthenticationToken"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("expired"));

    // Refresh still works after expiry; after revocation it does not.
    let url = format!("{}/{tenant}/oauth2/v2.0/token", sim.authority());
    let (status, fresh) = post_form(
        &sim,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    sim.control(&format!("tenants/{tenant}/revoke"), serde_json::json!({}))
        .await;
    let (status, _) = sim
        .get_json(
            fresh["access_token"].as_str().unwrap(),
            "/v1.0/organization",
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, refused) = post_form(
        &sim,
        &url,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", fresh["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(entra_error(&refused), ("invalid_grant".to_string(), 50173));
}

#[tokio::test]
async fn scopes_that_were_not_consented_are_refused_and_default_lists_what_was() {
    let sim = common::start(3, 10).await;
    let tokens = sim.device_code_tokens(2, GRAPH_DEFAULT).await;
    let scope = tokens["scope"].as_str().unwrap();
    assert!(
        !scope.contains("Policy.Read.All"),
        "tenant 2 lacks Policy.Read.All: {scope}"
    );
    assert!(scope.contains("DeviceManagementConfiguration.ReadWrite.All"));
    let refused = sim
        .device_code_tokens(
            2,
            "https://graph.microsoft.com/Policy.Read.All offline_access",
        )
        .await;
    assert_eq!(entra_error(&refused), ("invalid_grant".to_string(), 65001));
    let unknown_app = {
        let (status, body) = post_form(
            &sim,
            &format!(
                "{}/{}/oauth2/v2.0/devicecode",
                sim.authority(),
                sim.tenant_id(0)
            ),
            &[("client_id", "not-a-guid"), ("scope", GRAPH_DEFAULT)],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        body
    };
    assert_eq!(
        entra_error(&unknown_app),
        ("unauthorized_client".to_string(), 700016)
    );
}

/// Exchanges a refresh token; returns the status and body.
async fn refresh(sim: &common::TestSim, refresh_token: &str) -> (StatusCode, Value) {
    post_form(
        sim,
        &format!("{}/{}/oauth2/v2.0/token", sim.authority(), sim.tenant_id(0)),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", refresh_token),
            ("scope", GRAPH_DEFAULT),
        ],
    )
    .await
}

const DAY: u64 = 24 * 3600;

#[tokio::test]
async fn a_refresh_token_unused_for_90_days_expires_and_each_rotation_starts_a_new_window() {
    let sim = common::start(1, 5).await;
    let first = sim.device_code_tokens(0, GRAPH_DEFAULT).await;
    let mut token = first["refresh_token"].as_str().unwrap().to_string();
    // Used every 80 days, a session lives on: the chain has no maximum age ("until-revoked").
    for _ in 0..3 {
        sim.control("clock", serde_json::json!({"advance_seconds": 80 * DAY}))
            .await;
        let (status, body) = refresh(&sim, &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        token = body["refresh_token"].as_str().unwrap().to_string();
    }
    // Unused for 90 days, it expires.
    sim.control("clock", serde_json::json!({"advance_seconds": 90 * DAY}))
        .await;
    let (status, body) = refresh(&sim, &token).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(entra_error(&body), ("invalid_grant".to_string(), 700082));
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with("AADSTS700082: The refresh token has expired due to inactivity."),
        "{description}"
    );
}
