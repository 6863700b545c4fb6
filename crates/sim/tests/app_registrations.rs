//! App registrations on the sign-in host: which client ids exist, where a single-tenant app may
//! sign in, public and confidential clients, registered redirect URIs, admin consent per app and
//! tenant (set through `/_sim/apps` and `/_sim/tenants/{t}/consent`), and the calling app's name in
//! Intune audit events.

mod common;

use common::{entra_error, CLIENT_ID, GRAPH_DEFAULT};
use reqwest::StatusCode;
use serde_json::{json, Value};

const GRAPH_CLI_TOOLS: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

async fn post_form(sim: &common::TestSim, url: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = sim.client.post(url).form(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `POST /_sim/{path}`: the status and body.
async fn control(sim: &common::TestSim, path: &str, body: Value) -> (StatusCode, Value) {
    let response = sim
        .client
        .post(format!("{}/_sim/{path}", sim.graph()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A device-code sign-in with `client_id` through `authority_tenant` (auto-approved): the error
/// of the device-code request, or the token endpoint's answer.
async fn sign_in(
    sim: &common::TestSim,
    authority_tenant: &str,
    client_id: &str,
    extra: &[(&str, &str)],
) -> (StatusCode, Value) {
    let base = format!("{}/{authority_tenant}/oauth2/v2.0", sim.authority());
    let (status, code) = post_form(
        sim,
        &format!("{base}/devicecode"),
        &[("client_id", client_id), ("scope", GRAPH_DEFAULT)],
    )
    .await;
    if status != StatusCode::OK {
        return (status, code);
    }
    let device_code = code["device_code"].as_str().unwrap();
    let mut form = vec![
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", client_id),
        ("device_code", device_code),
    ];
    form.extend_from_slice(extra);
    post_form(sim, &format!("{base}/token"), &form).await
}

fn description(body: &Value) -> String {
    body["error_description"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn an_unregistered_client_id_is_an_application_not_found() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    let unknown = "0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f";
    let (status, body) = sign_in(&sim, &tenant, unknown, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        entra_error(&body),
        ("unauthorized_client".to_string(), 700016)
    );
    assert!(description(&body).contains(unknown), "{body}");

    // The browser flow shows it on the sign-in page and never redirects.
    let response = sim
        .client
        .get(format!(
            "{}/{tenant}/oauth2/v2.0/authorize",
            sim.authority()
        ))
        .query(&[
            ("client_id", unknown),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:5000/"),
            ("scope", GRAPH_DEFAULT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get("location").is_none());
    assert!(response.text().await.unwrap().contains("AADSTS700016"));
}

#[tokio::test]
async fn the_portfolio_registers_microsofts_tools_and_the_msps_app_consented_everywhere() {
    let sim = common::start(3, 5).await;
    let apps = sim
        .client
        .get(format!("{}/_sim/apps", sim.graph()))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let names: Vec<(&str, &str)> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["client_id"].as_str().unwrap(),
                a["display_name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (GRAPH_CLI_TOOLS, "Microsoft Graph Command Line Tools"),
            (CLIENT_ID, "TenantAtlas (MSP)")
        ]
    );
    for app in apps.as_array().unwrap() {
        assert_eq!(app["public_client"], true);
        assert_eq!(app["multi_tenant"], true);
        assert_eq!(app["redirect_uris"], json!(["http://localhost"]));
    }
    // Both sign in everywhere, with the tenant's generated consent: tenant 2 lacks Policy.Read.All.
    for client in [GRAPH_CLI_TOOLS, CLIENT_ID] {
        let (status, tokens) = sign_in(&sim, &sim.tenant_id(2), client, &[]).await;
        assert_eq!(status, StatusCode::OK, "{tokens}");
        let scope = tokens["scope"].as_str().unwrap();
        assert!(!scope.contains("Policy.Read.All"), "{scope}");
        assert!(scope.contains("DeviceManagementConfiguration.ReadWrite.All"));
    }
}

#[tokio::test]
async fn a_confidential_client_is_refused_and_a_public_one_must_not_send_a_secret() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    let (status, web) = control(
        &sim,
        "apps",
        json!({"display_name": "Contoso Web Portal", "multi_tenant": true,
               "redirect_uris": ["https://portal.contoso.example/signin-oidc"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{web}");
    assert_eq!(web["public_client"], false, "the portal's default");
    let web_id = web["client_id"].as_str().unwrap().to_string();
    control(
        &sim,
        &format!("tenants/{tenant}/consent"),
        json!({"client_id": web_id, "granted": ["User.Read"]}),
    )
    .await;
    // Device code for a confidential client: the token endpoint wants its credentials.
    let (status, body) = sign_in(&sim, &tenant, &web_id, &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(entra_error(&body), ("invalid_client".to_string(), 7000218));
    // The simulator knows no secrets: a confidential client never signs in.
    let (_, body) = sign_in(&sim, &tenant, &web_id, &[("client_secret", "guess")]).await;
    assert_eq!(entra_error(&body), ("invalid_client".to_string(), 7000215));
    // A public client must not send one.
    let (status, body) = sign_in(&sim, &tenant, CLIENT_ID, &[("client_secret", "x")]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(entra_error(&body), ("invalid_client".to_string(), 700025));
}

#[tokio::test]
async fn consent_is_per_app_and_missing_consent_names_the_app() {
    // Tenants 0 and 2 allow device code (tenant 1's Conditional Access blocks it).
    let sim = common::start(3, 5).await;
    let (t0, t1) = (sim.tenant_id(0), sim.tenant_id(2));
    let (_, app) = control(
        &sim,
        "apps",
        json!({"display_name": "Northwind MSP Toolkit", "public_client": true,
               "multi_tenant": true, "redirect_uris": ["http://localhost"]}),
    )
    .await;
    let id = app["client_id"].as_str().unwrap().to_string();

    // Registered, but no tenant consented yet.
    let (status, body) = sign_in(&sim, &t0, &id, &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(entra_error(&body), ("invalid_grant".to_string(), 65001));
    assert_eq!(body["suberror"], "consent_required");
    let text = description(&body);
    assert!(
        text.contains(&id) && text.contains("named 'Northwind MSP Toolkit'"),
        "{text}"
    );

    // Consent in tenant 0 for this app only.
    let (status, _) = control(
        &sim,
        &format!("tenants/{t0}/consent"),
        json!({"client_id": id, "granted": ["DeviceManagementConfiguration.Read.All", "User.Read"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, tokens) = sign_in(&sim, &t0, &id, &[]).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert_eq!(
        tokens["scope"],
        "DeviceManagementConfiguration.Read.All User.Read openid profile"
    );
    // Tenant 2 still never consented to it; the MSP's app is untouched in tenant 0.
    let (_, body) = sign_in(&sim, &t1, &id, &[]).await;
    assert_eq!(entra_error(&body).1, 65001);
    let (_, msp) = sign_in(&sim, &t0, CLIENT_ID, &[]).await;
    assert!(msp["scope"].as_str().unwrap().contains("Policy.Read.All"));

    // Without a client id, consent changes for every app consented in the tenant — and only them.
    control(
        &sim,
        &format!("tenants/{t1}/consent"),
        json!({"granted": ["User.Read"]}),
    )
    .await;
    let (_, msp) = sign_in(&sim, &t1, CLIENT_ID, &[]).await;
    assert_eq!(msp["scope"], "User.Read openid profile");
    let (_, body) = sign_in(&sim, &t1, &id, &[]).await;
    assert_eq!(entra_error(&body).1, 65001);
    let tenants = sim.sim_tenants().await;
    assert_eq!(tenants[2]["consents"][CLIENT_ID], json!(["User.Read"]));
    assert_eq!(tenants[2]["granted_scopes"], json!(["User.Read"]));
    assert!(tenants[2]["consents"].get(&id).is_none());

    // Consent for an app that is not registered is refused.
    let (status, _) = control(
        &sim,
        &format!("tenants/{t0}/consent"),
        json!({"client_id": "0b0b0b0b-1c1c-4d4d-8e8e-2f2f2f2f2f2f", "granted": []}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_single_tenant_app_signs_in_only_to_its_home_tenant() {
    let sim = common::start(3, 5).await;
    let home = sim.tenant_id(0);
    let (status, app) = control(
        &sim,
        "apps",
        json!({"display_name": "Customer Line-of-Business", "public_client": true,
               "home_tenant": home}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{app}");
    let id = app["client_id"].as_str().unwrap().to_string();
    control(
        &sim,
        &format!("tenants/{home}/consent"),
        json!({"client_id": id, "granted": ["User.Read"]}),
    )
    .await;
    let (status, tokens) = sign_in(&sim, &home, &id, &[]).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let (_, body) = sign_in(&sim, &sim.tenant_id(2), &id, &[]).await;
    assert_eq!(entra_error(&body).1, 700016);
    let (_, body) = sign_in(&sim, "organizations", &id, &[]).await;
    assert_eq!(entra_error(&body), ("invalid_request".to_string(), 50194));

    // A single-tenant app without a home tenant, or a bad redirect URI, cannot be registered.
    let (status, _) = control(&sim, "apps", json!({"display_name": "Nowhere"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = control(
        &sim,
        "apps",
        json!({"display_name": "Plain http", "multi_tenant": true,
               "redirect_uris": ["http://app.example/cb"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn audit_events_name_the_app_that_made_the_change() {
    let sim = common::start(1, 10).await;
    let tenant = sim.tenant_id(0);
    for (client_id, name) in [
        (CLIENT_ID, "TenantAtlas (MSP)"),
        (GRAPH_CLI_TOOLS, "Microsoft Graph Command Line Tools"),
    ] {
        let token = sim.handle.access_token(&tenant, client_id).unwrap();
        let (status, created) = sim
            .send_json(
                &token,
                reqwest::Method::POST,
                "/beta/deviceManagement/deviceConfigurations",
                &json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
                        "displayName": format!("Made by {name}"), "passwordRequired": true}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, events) = sim
            .get_json(&token, "/v1.0/deviceManagement/auditEvents")
            .await;
        assert_eq!(status, StatusCode::OK, "{events}");
        let newest = events["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resources"][0]["resourceId"] == created["id"])
            .unwrap_or_else(|| panic!("an audit event for the new object: {events}"));
        assert_eq!(newest["actor"]["applicationId"], client_id, "{newest}");
        assert_eq!(newest["actor"]["applicationDisplayName"], name, "{newest}");
    }
}

#[tokio::test]
async fn a_browser_sign_in_needs_a_registered_redirect_uri() {
    let sim = common::start(1, 5).await;
    let tenant = sim.tenant_id(0);
    let authorize = |redirect: &'static str| {
        sim.client
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
    };
    // `http://localhost` is registered: any port, with or without the trailing slash.
    for redirect in ["http://localhost:49152", "http://localhost:61000/"] {
        let response = authorize(redirect).await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{redirect}");
    }
    let response = authorize("http://127.0.0.1:49152/").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let page = response.text().await.unwrap();
    assert!(page.contains("AADSTS50011"), "{page}");

    // Registering the IP literal too (as the manifest allows) makes it work.
    let (status, _) = control(
        &sim,
        "apps",
        json!({"client_id": CLIENT_ID, "display_name": "TenantAtlas (MSP)", "public_client": true,
               "multi_tenant": true, "redirect_uris": ["http://localhost", "http://127.0.0.1"]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let response = authorize("http://127.0.0.1:49152/").await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    // Changing the registration kept the app's consents.
    let (status, tokens) = sign_in(&sim, &tenant, CLIENT_ID, &[]).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
}
