//! Shared set-up for the simulator's black-box tests: start a simulator on `127.0.0.1:0`, an HTTP
//! client that trusts only its CA (verification stays on), and sign-in helpers that go through the
//! real device-code endpoints.
#![allow(dead_code)]

use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};

/// A public client id, as an MSP would register one.
pub const CLIENT_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";
pub const GRAPH_DEFAULT: &str =
    "https://graph.microsoft.com/.default offline_access openid profile";

pub struct TestSim {
    pub handle: SimHandle,
    pub client: Client,
}

pub async fn start(tenants: usize, objects: usize) -> TestSim {
    start_with(SimConfig {
        tenants,
        objects_per_tenant: objects,
        seed: 42,
        behaviour: Behaviour {
            auto_approve: true,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    })
    .await
}

pub async fn start_with(config: SimConfig) -> TestSim {
    let handle = Simulator::start(config).await.expect("simulator starts");
    let client = client_for(&handle);
    TestSim { handle, client }
}

/// A client that trusts the simulator's CA and nothing else, and never follows redirects.
pub fn client_for(handle: &SimHandle) -> Client {
    let pem = std::fs::read(handle.ca_cert()).expect("CA certificate file exists");
    let ca = reqwest::Certificate::from_pem(&pem).expect("CA certificate is PEM");
    Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client builds")
}

impl TestSim {
    pub fn authority(&self) -> &str {
        self.handle.authority()
    }
    pub fn graph(&self) -> &str {
        self.handle.graph()
    }
    pub fn tenant_id(&self, index: usize) -> String {
        self.handle.tenants()[index].id.clone()
    }

    /// Signs in to a tenant with the device-code flow (the simulator auto-approves) and returns the
    /// token response.
    pub async fn device_code_tokens(&self, tenant: usize, scope: &str) -> Value {
        let tenant_id = self.tenant_id(tenant);
        let code: Value = self
            .client
            .post(format!(
                "{}/{tenant_id}/oauth2/v2.0/devicecode",
                self.authority()
            ))
            .form(&[("client_id", CLIENT_ID), ("scope", scope)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let device_code = code["device_code"]
            .as_str()
            .expect("device_code")
            .to_string();
        let response = self
            .client
            .post(format!(
                "{}/{tenant_id}/oauth2/v2.0/token",
                self.authority()
            ))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", CLIENT_ID),
                ("device_code", &device_code),
                ("client_info", "1"),
            ])
            .send()
            .await
            .unwrap();
        response.json().await.unwrap()
    }

    /// An access token for Graph in a tenant with every consented permission.
    pub async fn token(&self, tenant: usize) -> String {
        let tokens = self.device_code_tokens(tenant, GRAPH_DEFAULT).await;
        tokens["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access token: {tokens}"))
            .to_string()
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        let url = if path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{path}", self.graph())
        };
        self.client
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, token: &str, path: &str) -> (StatusCode, Value) {
        let response = self.get(token, path).await;
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    pub async fn send_json(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.graph()))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Follows `@odata.nextLink` to the end; returns every item and the number of pages.
    pub async fn get_all(&self, token: &str, path: &str) -> (Vec<Value>, usize) {
        let mut items = Vec::new();
        let mut pages = 0;
        let mut next = Some(path.to_string());
        while let Some(url) = next {
            let (status, body) = self.get_json(token, &url).await;
            assert_eq!(status, StatusCode::OK, "{url}: {body}");
            pages += 1;
            items.extend(body["value"].as_array().cloned().unwrap_or_default());
            next = body["@odata.nextLink"].as_str().map(str::to_string);
        }
        (items, pages)
    }

    pub async fn stats(&self) -> Value {
        self.control_get("stats").await
    }

    /// The tenants as the simulator announces them (`GET /_sim/tenants`): counts per collection,
    /// granted scopes, consents.
    pub async fn sim_tenants(&self) -> Value {
        self.control_get("tenants").await
    }

    async fn control_get(&self, path: &str) -> Value {
        self.client
            .get(format!("{}/_sim/{path}", self.graph()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        self.client
            .post(format!("{}/_sim/{path}", self.graph()))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap_or(json!(null))
    }
}

/// Asserts a Graph error body's shape and returns its code.
pub fn graph_error_code(body: &Value) -> String {
    let error = &body["error"];
    assert!(error["code"].is_string(), "error.code missing: {body}");
    assert!(
        error["message"].is_string(),
        "error.message missing: {body}"
    );
    assert!(
        error["innerError"]["request-id"].is_string(),
        "innerError.request-id missing: {body}"
    );
    assert!(
        error["innerError"]["date"].is_string(),
        "innerError.date missing: {body}"
    );
    error["code"].as_str().unwrap().to_string()
}

/// Asserts an Entra error body's shape and returns (error, first AADSTS code).
pub fn entra_error(body: &Value) -> (String, u64) {
    for field in [
        "error",
        "error_description",
        "timestamp",
        "trace_id",
        "correlation_id",
    ] {
        assert!(body[field].is_string(), "{field} missing: {body}");
    }
    let code = body["error_codes"][0]
        .as_u64()
        .unwrap_or_else(|| panic!("error_codes missing: {body}"));
    assert!(body["error_description"]
        .as_str()
        .unwrap()
        .starts_with(&format!("AADSTS{code}:")));
    (body["error"].as_str().unwrap().to_string(), code)
}
