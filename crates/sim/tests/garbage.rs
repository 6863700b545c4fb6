//! Malformed input at every endpoint family of both hosts — sign-in (token, device code,
//! authorize), Graph reads and writes, OData options, odd paths, `$batch` — and raw TCP junk.
//! Every answer must be a well-formed Entra or Graph error with the right 4xx status, and the
//! simulator must keep answering normal requests afterwards.

mod common;

use common::{entra_error, graph_error_code, TestSim, CLIENT_ID, GRAPH_DEFAULT};
use rand::{RngCore, SeedableRng};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

const CONFIGS: &str = "/beta/deviceManagement/deviceConfigurations";

fn junk(seed: u64, len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    rand_chacha::ChaCha8Rng::seed_from_u64(seed).fill_bytes(&mut bytes);
    bytes
}

/// A normal sign-in and a normal Graph read still work.
async fn assert_healthy(sim: &TestSim) {
    let token = sim.token(0).await;
    let (status, body) = sim.get_json(&token, CONFIGS).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the simulator stopped answering: {body}"
    );
    assert!(body["value"].is_array());
}

async fn post_form_raw(sim: &TestSim, url: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = sim
        .client
        .post(url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

/// Sends raw bytes to a Graph URL with a content type; returns the status and JSON body.
async fn send_raw(
    sim: &TestSim,
    token: &str,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = sim
        .client
        .request(method, format!("{}{path}", sim.graph()))
        .bearer_auth(token)
        .header(CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")),
    )
}

fn assert_graph_error(
    what: &str,
    status: StatusCode,
    body: &Value,
    want_status: StatusCode,
    want_code: &str,
) {
    assert_eq!(status, want_status, "{what}: {body}");
    assert_eq!(graph_error_code(body), want_code, "{what}: {body}");
}

/// What is sent to a sign-in URL and the Entra error expected: (what, url, form body, status,
/// `error`, AADSTS code).
type TokenCase<'a> = (&'a str, String, Vec<u8>, StatusCode, &'a str, u64);

/// A Graph request with a raw body and the error expected: (what, method, path, content type,
/// body, status, `error.code`).
type BodyCase<'a> = (
    &'a str,
    Method,
    &'a str,
    &'a str,
    Vec<u8>,
    StatusCode,
    &'a str,
);

#[tokio::test]
async fn token_endpoint_rejects_malformed_requests_with_entra_errors() {
    let sim = common::start(2, 20).await;
    let tenant = sim.tenant_id(0);
    let token_url = format!("{}/{tenant}/oauth2/v2.0/token", sim.authority());
    let cases: Vec<TokenCase> = vec![
        (
            "no grant_type",
            token_url.clone(),
            form(&[("client_id", CLIENT_ID)]),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
        ),
        (
            "unknown grant_type",
            token_url.clone(),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "password"),
                ("username", "a"),
                ("password", "b"),
            ]),
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
        ),
        (
            "client id that is no GUID",
            token_url.clone(),
            form(&[
                ("client_id", "tenantatlas"),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
            ]),
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            700016,
        ),
        (
            "unknown tenant",
            format!(
                "{}/no-such-tenant.example/oauth2/v2.0/token",
                sim.authority()
            ),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
        ),
        (
            "unknown tenant GUID",
            format!(
                "{}/0badc0de-0000-4000-8000-000000000000/oauth2/v2.0/token",
                sim.authority()
            ),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", "x"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
        ),
        (
            "empty body",
            token_url.clone(),
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
        ),
        (
            "binary junk",
            token_url.clone(),
            junk(1, 4096),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
        ),
        (
            "device code that was never issued",
            token_url.clone(),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("device_code", "junk"),
            ]),
            StatusCode::BAD_REQUEST,
            "bad_verification_code",
            70000,
        ),
        (
            "refresh token that was never issued",
            token_url.clone(),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "refresh_token"),
                ("refresh_token", "junk"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            9002313,
        ),
        (
            "authorization code without code",
            token_url.clone(),
            form(&[
                ("client_id", CLIENT_ID),
                ("grant_type", "authorization_code"),
            ]),
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
        ),
    ];
    for (what, url, body, status, error, code) in cases {
        let (got_status, got) = post_form_raw(&sim, &url, body).await;
        assert_eq!(got_status, status, "{what}: {got}");
        assert_eq!(entra_error(&got), (error.to_string(), code), "{what}");
    }

    // GET on the token endpoint.
    let response = sim.client.get(&token_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(entra_error(&body), ("invalid_request".to_string(), 900561));

    // A path the identity platform does not know.
    let response = sim
        .client
        .get(format!("{}/{tenant}/oauth2/v3.0/token", sim.authority()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    entra_error(&body);

    assert_healthy(&sim).await;
}

#[tokio::test]
async fn device_code_endpoint_rejects_missing_or_bad_input() {
    let sim = common::start(1, 20).await;
    let url = format!(
        "{}/{}/oauth2/v2.0/devicecode",
        sim.authority(),
        sim.tenant_id(0)
    );
    let cases: Vec<(&str, Vec<u8>, &str, u64)> = vec![
        (
            "missing scope",
            form(&[("client_id", CLIENT_ID)]),
            "invalid_request",
            900144,
        ),
        (
            "empty scope",
            form(&[("client_id", CLIENT_ID), ("scope", "")]),
            "invalid_request",
            900144,
        ),
        (
            "missing client id",
            form(&[("scope", GRAPH_DEFAULT)]),
            "invalid_request",
            900144,
        ),
        (
            "client id that is no GUID",
            form(&[("client_id", "x"), ("scope", GRAPH_DEFAULT)]),
            "unauthorized_client",
            700016,
        ),
        (
            "scope of another resource",
            form(&[
                ("client_id", CLIENT_ID),
                ("scope", "https://example.test/.default"),
            ]),
            "invalid_resource",
            500011,
        ),
        (
            ".default mixed with named scopes",
            form(&[
                ("client_id", CLIENT_ID),
                ("scope", "https://graph.microsoft.com/.default User.Read"),
            ]),
            "invalid_scope",
            70011,
        ),
        ("binary junk", junk(2, 2048), "invalid_request", 900144),
    ];
    for (what, body, error, code) in cases {
        let (status, got) = post_form_raw(&sim, &url, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {got}");
        assert_eq!(entra_error(&got), (error.to_string(), code), "{what}");
    }
    assert_healthy(&sim).await;
}

#[tokio::test]
async fn authorize_refuses_a_redirect_uri_that_is_not_loopback() {
    let sim = common::start(1, 20).await;
    for redirect in [
        "https://evil.example/callback",
        "http://192.168.1.10:8400/",
        "not a url",
        "http://127.0.0.1:8400/#fragment",
    ] {
        let url = format!(
            "{}/{}/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code&scope=openid&redirect_uri={}",
            sim.authority(),
            sim.tenant_id(0),
            url::form_urlencoded::byte_serialize(redirect.as_bytes()).collect::<String>()
        );
        let response = sim.client.get(url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{redirect}");
        assert!(
            response.headers().get("location").is_none(),
            "{redirect}: never redirect to an unregistered URI"
        );
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{redirect}: {content_type}"
        );
    }
    assert_healthy(&sim).await;
}

/// Entra shows the error on its sign-in page: `AADSTS50011: The redirect URI … does not match …`
/// (docs/graph-research.md §19), so the page must name the code.
#[tokio::test]
async fn authorize_error_page_names_aadsts50011() {
    let sim = common::start(1, 20).await;
    let url = format!(
        "{}/{}/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code&scope=openid&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
        sim.authority(),
        sim.tenant_id(0)
    );
    let page = sim
        .client
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("AADSTS50011"), "{page}");
}

/// Entra's `error_description` ends in `\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`
/// (docs/graph-research.md §19).
#[tokio::test]
async fn entra_error_description_puts_trace_lines_after_crlf() {
    let sim = common::start(1, 20).await;
    let url = format!("{}/{}/oauth2/v2.0/token", sim.authority(), sim.tenant_id(0));
    let (_, body) = post_form_raw(&sim, &url, form(&[("client_id", CLIENT_ID)])).await;
    let description = body["error_description"].as_str().unwrap();
    assert!(description.contains("\r\nTrace ID: "), "{description:?}");
    assert!(
        description.contains("\r\nCorrelation ID: "),
        "{description:?}"
    );
    assert!(description.contains("\r\nTimestamp: "), "{description:?}");
}

#[tokio::test]
async fn graph_rejects_malformed_bodies() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let json = "application/json";
    let cases: Vec<BodyCase> = vec![
        ("invalid JSON", Method::POST, CONFIGS, json, b"{\"displayName\": ".to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        ("trailing garbage", Method::POST, CONFIGS, json, b"{} {}".to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        (
            "a JSON array",
            Method::POST,
            CONFIGS,
            json,
            br##"[{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration","displayName":"x"}]"##.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        ("a JSON string", Method::POST, CONFIGS, json, br#""hello""#.to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        ("JSON null", Method::POST, CONFIGS, json, b"null".to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        ("an empty body", Method::POST, CONFIGS, json, Vec::new(), StatusCode::BAD_REQUEST, "BadRequest"),
        ("binary junk", Method::POST, CONFIGS, json, junk(3, 4096), StatusCode::BAD_REQUEST, "BadRequest"),
        ("invalid UTF-8", Method::POST, CONFIGS, json, b"{\"displayName\": \"\xff\xfe\"}".to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        (
            "an empty display name",
            Method::POST,
            CONFIGS,
            json,
            br##"{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration","displayName":"  "}"##.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "an @odata.type that is no Graph type",
            Method::POST,
            CONFIGS,
            json,
            br#"{"@odata.type":"windows10GeneralConfiguration","displayName":"x"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "assignments inline on create",
            Method::POST,
            CONFIGS,
            json,
            br##"{"@odata.type":"#microsoft.graph.windows10GeneralConfiguration","displayName":"x","assignments":[]}"##.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "a form body",
            Method::POST,
            CONFIGS,
            "application/x-www-form-urlencoded",
            b"displayName=x".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
        ),
        (
            "settings that are no array",
            Method::POST,
            "/beta/deviceManagement/configurationPolicies",
            json,
            br#"{"name":"x","platforms":"windows10","technologies":"mdm","settings":{"a":1}}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "assign without its array",
            Method::POST,
            "/beta/deviceManagement/deviceConfigurations/{id}/assign",
            json,
            br#"{"assignments":"all"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "assignment without target",
            Method::POST,
            "/beta/deviceManagement/deviceConfigurations/{id}/assign",
            json,
            br#"{"assignments":[{"intent":"apply"}]}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "an unknown target type",
            Method::POST,
            "/beta/deviceManagement/deviceConfigurations/{id}/assign",
            json,
            br##"{"assignments":[{"target":{"@odata.type":"#microsoft.graph.everyoneTarget"}}]}"##.to_vec(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "getByIds without ids",
            Method::POST,
            "/v1.0/directoryObjects/getByIds",
            json,
            br#"{"ids":"abc"}"#.to_vec(),
            StatusCode::BAD_REQUEST,
            "Request_BadRequest",
        ),
        ("PATCH with an array", Method::PATCH, "/beta/deviceManagement/deviceConfigurations/{id}", json, b"[]".to_vec(), StatusCode::BAD_REQUEST, "BadRequest"),
        ("a write to a read-only collection", Method::POST, "/v1.0/groups", json, br#"{"displayName":"x"}"#.to_vec(), StatusCode::METHOD_NOT_ALLOWED, "Request_BadRequest"),
    ];
    let (_, list) = sim.get_json(&token, &format!("{CONFIGS}?$top=1")).await;
    let id = list["value"][0]["id"].as_str().unwrap().to_string();
    let (before, _) = sim.get_all(&token, CONFIGS).await;
    for (what, method, path, content_type, body, status, code) in cases {
        let path = path.replace("{id}", &id);
        let (got_status, got) = send_raw(&sim, &token, method, &path, content_type, body).await;
        assert_graph_error(what, got_status, &got, status, code);
    }
    let (after, _) = sim.get_all(&token, CONFIGS).await;
    assert_eq!(after.len(), before.len(), "nothing was created");
    assert_healthy(&sim).await;
}

#[tokio::test]
async fn graph_rejects_malformed_query_options() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "huge $top",
            format!("{CONFIGS}?$top=99999999999999999999999999"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "negative $top",
            format!("{CONFIGS}?$top=-1"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$top that is no number",
            format!("{CONFIGS}?$top=ten"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "directory page size above 999",
            "/v1.0/groups?$top=5000".to_string(),
            StatusCode::BAD_REQUEST,
            "Request_UnsupportedQuery",
        ),
        (
            "$filter garbage",
            format!("{CONFIGS}?$filter=%29%29%28%28"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$filter without a value",
            format!("{CONFIGS}?$filter=displayName%20eq"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$filter with an unknown operator",
            format!("{CONFIGS}?$filter=displayName%20like%20%27x%27"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$filter with an open string",
            format!("{CONFIGS}?$filter=displayName%20eq%20%27x"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$filter lambda",
            format!("{CONFIGS}?$filter=assignments/any(a:a/id%20eq%20%27x%27)"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "unbalanced $expand",
            format!("{CONFIGS}?$expand=assignments("),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "unbalanced nested $expand",
            format!("{CONFIGS}?$expand=assignments($select=id"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$expand of nothing known",
            format!("{CONFIGS}?$expand=owners"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$select with junk",
            format!("{CONFIGS}?$select=display%20Name;drop"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "unknown $option",
            format!("{CONFIGS}?$bogus=1"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "repeated $top",
            format!("{CONFIGS}?$top=1&$top=2"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "repeated $top in two spellings",
            format!("{CONFIGS}?$top=1&%24TOP=2"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$count that is no boolean",
            format!("{CONFIGS}?$count=maybe"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$orderby junk",
            format!("{CONFIGS}?$orderby=displayName%20sideways"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "forged $skiptoken",
            format!("{CONFIGS}?$skiptoken=AAAA"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$format xml",
            format!("{CONFIGS}?$format=xml"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "$search on Intune",
            format!("{CONFIGS}?$search=%22x%22"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
    ];
    for (what, path, status, code) in cases {
        let (got_status, body) = sim.get_json(&token, &path).await;
        assert_graph_error(what, got_status, &body, status, code);
    }
    assert_healthy(&sim).await;
}

#[tokio::test]
async fn graph_answers_odd_paths_with_graph_errors() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let long_id = "a".repeat(16 * 1024);
    let cases: Vec<(&str, String, StatusCode, &str)> = vec![
        (
            "unicode id",
            format!("{CONFIGS}/%F0%9F%98%80%C3%BC"),
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
        ),
        (
            "raw unicode id",
            format!("{CONFIGS}/Müller-😀"),
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
        ),
        (
            "NUL id",
            format!("{CONFIGS}/%00"),
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
        ),
        (
            "NUL inside an id",
            format!("{CONFIGS}/abc%00def"),
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
        ),
        (
            "NUL segment",
            "/beta/deviceManagement/%00".to_string(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "unicode segment",
            "/beta/deviceManagement/%E2%98%83".to_string(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "unknown root",
            "/beta/nothingHere".to_string(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "16 KB id",
            format!("{CONFIGS}/{long_id}"),
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
        ),
        (
            "unknown navigation",
            format!("{CONFIGS}/x/y/z/w"),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
        (
            "version only",
            "/beta".to_string(),
            StatusCode::BAD_REQUEST,
            "BadRequest",
        ),
    ];
    for (what, path, status, code) in cases {
        let (got_status, body) = sim.get_json(&token, &path).await;
        assert_graph_error(what, got_status, &body, status, code);
    }
    // A 16 KB query string is still a request like any other.
    let name = "x".repeat(16 * 1024);
    let (status, body) = sim
        .get_json(
            &token,
            &format!("{CONFIGS}?$filter=displayName%20eq%20%27{name}%27"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["value"], json!([]));
    // Methods a collection does not take.
    let (status, body) = sim
        .send_json(&token, Method::PUT, CONFIGS, &json!({}))
        .await;
    assert_graph_error(
        "PUT on a collection",
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
    );
    assert_healthy(&sim).await;
}

#[tokio::test]
async fn batch_rejects_malformed_payloads() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let url = "/beta/$batch";
    let whole: Vec<(&str, Vec<u8>)> = vec![
        ("a JSON array", b"[1,2,3]".to_vec()),
        ("a JSON string", br#""requests""#.to_vec()),
        ("invalid JSON", b"{\"requests\": [".to_vec()),
        ("binary junk", junk(4, 1024)),
        ("an empty body", Vec::new()),
        ("no requests", b"{}".to_vec()),
        ("requests that are no array", br#"{"requests": {"id": "1"}}"#.to_vec()),
        ("no request at all", br#"{"requests": []}"#.to_vec()),
        ("a request without id", br#"{"requests": [{"method": "GET", "url": "/groups"}]}"#.to_vec()),
        ("an empty id", br#"{"requests": [{"id": "", "method": "GET", "url": "/groups"}]}"#.to_vec()),
        ("an object as id", br#"{"requests": [{"id": {"a": 1}, "method": "GET", "url": "/groups"}]}"#.to_vec()),
        (
            "a dependency on a request that is not there",
            br#"{"requests": [{"id": "1", "method": "GET", "url": "/groups", "dependsOn": ["9"]}]}"#.to_vec(),
        ),
        ("a request depending on itself", br#"{"requests": [{"id": "1", "method": "GET", "url": "/groups", "dependsOn": ["1"]}]}"#.to_vec()),
    ];
    for (what, body) in whole {
        let (status, got) =
            send_raw(&sim, &token, Method::POST, url, "application/json", body).await;
        assert_graph_error(what, status, &got, StatusCode::BAD_REQUEST, "BadRequest");
    }
    let (status, body) = sim.get_json(&token, url).await;
    assert_graph_error(
        "GET $batch",
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
    );

    // Per-request mistakes fail that request only.
    let requests = json!({"requests": [
        {"id": "method", "method": "FETCH", "url": "/groups"},
        {"id": "no-method", "url": "/groups"},
        {"id": "no-url", "method": "GET"},
        {"id": "absolute", "method": "GET", "url": "https://graph.microsoft.com/beta/groups"},
        {"id": "fine", "method": "GET", "url": "/groups?$top=1"},
    ]});
    let (status, body) = sim.send_json(&token, Method::POST, url, &requests).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for sub in body["responses"].as_array().unwrap() {
        let id = sub["id"].as_str().unwrap();
        let want = if id == "fine" { 200 } else { 400 };
        assert_eq!(sub["status"], want, "{id}: {sub}");
        if want == 400 {
            assert_eq!(graph_error_code(&sub["body"]), "BadRequest", "{id}");
        }
    }
    assert_healthy(&sim).await;
}

/// Host and port of an `https://host:port` URL.
fn address(url: &str) -> String {
    url.trim_start_matches("https://").to_string()
}

#[tokio::test]
async fn raw_tcp_junk_does_not_hurt_either_host() {
    let sim = common::start(1, 30).await;
    for (i, target) in [address(sim.authority()), address(sim.graph())]
        .into_iter()
        .enumerate()
    {
        let payloads: Vec<Vec<u8>> = vec![
            junk(10 + i as u64, 64 * 1024),
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            // A TLS record header announcing far more than follows.
            vec![0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00],
            Vec::new(),
        ];
        for payload in payloads {
            let mut stream = tokio::net::TcpStream::connect(&target).await.unwrap();
            // The server may close first; only the connection attempt itself must succeed.
            let _ = stream.write_all(&payload).await;
            let _ = stream.shutdown().await;
            drop(stream);
        }
    }
    assert_healthy(&sim).await;
}

#[tokio::test]
async fn the_simulator_survives_all_of_it_at_once() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let mut tasks = Vec::new();
    for i in 0..20u64 {
        let client = sim.client.clone();
        let graph = sim.graph().to_string();
        let authority = sim.authority().to_string();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let body = junk(100 + i, 8192);
            let a = client
                .post(format!("{graph}/beta/$batch"))
                .bearer_auth(&token)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let b = client
                .post(format!("{authority}/common/oauth2/v2.0/token"))
                .body(body)
                .send()
                .await
                .unwrap();
            (a.status(), b.status())
        }));
    }
    for task in tasks {
        let (graph, identity) = task.await.unwrap();
        assert_eq!(graph, StatusCode::BAD_REQUEST);
        assert_eq!(identity, StatusCode::BAD_REQUEST);
    }
    assert_healthy(&sim).await;
}
