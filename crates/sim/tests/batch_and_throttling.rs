//! JSON `$batch` and throttling against the simulator with a plain HTTP client: the batch
//! envelope and its limits, `dependsOn`, relative URLs, the request statistics, injected 429s
//! (alone and inside a batch) and the real Intune bucket of 1000 reads per app and tenant.

mod common;

use common::{graph_error_code, TestSim};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Instant;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

const CONFIGS: &str = "/deviceManagement/deviceConfigurations";

async fn batch(
    sim: &TestSim,
    token: &str,
    version: &str,
    body: &Value,
) -> (StatusCode, HeaderMap, Value) {
    let response = sim
        .client
        .post(format!("{}/{version}/$batch", sim.graph()))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

fn get(id: impl Into<Value>, url: &str) -> Value {
    json!({"id": id.into(), "method": "GET", "url": url})
}

/// The sub-responses by id.
fn responses(body: &Value) -> Vec<(String, &Value)> {
    body["responses"]
        .as_array()
        .unwrap_or_else(|| panic!("no responses array: {body}"))
        .iter()
        .map(|r| {
            (
                r["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("response id is not a string: {r}"))
                    .to_string(),
                r,
            )
        })
        .collect()
}

fn response<'a>(body: &'a Value, id: &str) -> &'a Value {
    responses(body)
        .into_iter()
        .find(|(rid, _)| rid == id)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no response {id}: {body}"))
}

/// The `Retry-After` of a sub-response, whatever the header's case.
fn retry_after(sub: &Value) -> Option<&str> {
    sub["headers"]
        .as_object()
        .unwrap_or_else(|| panic!("sub-response without headers: {sub}"))
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, v)| v.as_str())
}

async fn config_ids(sim: &TestSim, token: &str) -> Vec<String> {
    let (items, _) = sim.get_all(token, &format!("/beta{CONFIGS}")).await;
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

/// An access token for another application (client id) in a tenant: the app is registered and
/// consented there first, as a real one would have to be.
async fn token_for_client(sim: &TestSim, tenant: usize, client_id: &str) -> String {
    sim.control(
        "apps",
        serde_json::json!({"client_id": client_id, "display_name": "Another MSP tool",
                           "public_client": true, "multi_tenant": true}),
    )
    .await;
    let granted: Vec<String> = sim.handle.sim.world().tenants[tenant]
        .granted_scopes
        .iter()
        .cloned()
        .collect();
    sim.control(
        &format!("tenants/{}/consent", sim.tenant_id(tenant)),
        serde_json::json!({"client_id": client_id, "granted": granted}),
    )
    .await;
    sim.handle
        .access_token(&sim.tenant_id(tenant), client_id)
        .expect("the tenant exists")
}

#[tokio::test]
async fn batch_of_20_reads_returns_20_sub_responses_like_single_requests() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let ids = config_ids(&sim, &token).await;
    assert!(ids.len() >= 15, "{}", ids.len());
    let mut requests: Vec<Value> = ids[..15]
        .iter()
        .enumerate()
        .map(|(i, id)| get(format!("r{i}"), &format!("{CONFIGS}/{id}")))
        .collect();
    requests.push(get("list", &format!("{CONFIGS}?$top=2")));
    requests.push(get(
        "policies",
        "/deviceManagement/configurationPolicies?$select=id,name",
    ));
    requests.push(get("groups", "/groups?$top=1"));
    requests.push(get(
        "settings",
        "/deviceManagement/configurationSettings?$top=1",
    ));
    // IntuneCD sends numeric ids and reads them back with int().
    requests.push(get(7, &format!("{CONFIGS}/{}", ids[0])));
    assert_eq!(requests.len(), 20);

    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let subs = responses(&body);
    assert_eq!(subs.len(), 20);
    let got: BTreeSet<&str> = subs.iter().map(|(id, _)| id.as_str()).collect();
    let mut wanted: BTreeSet<String> = (0..15).map(|i| format!("r{i}")).collect();
    wanted.extend(["list", "policies", "groups", "settings", "7"].map(String::from));
    assert_eq!(got, wanted.iter().map(String::as_str).collect());
    for (id, sub) in &subs {
        assert_eq!(sub["status"], 200, "{id}: {sub}");
        assert!(sub["headers"].is_object(), "{id}: {sub}");
        assert!(sub["body"]["@odata.context"].is_string(), "{id}: {sub}");
    }
    // A sub-response is what the same request alone returns.
    for (i, id) in ids[..15].iter().enumerate() {
        let (_, alone) = sim.get_json(&token, &format!("/beta{CONFIGS}/{id}")).await;
        assert_eq!(response(&body, &format!("r{i}"))["body"], alone);
    }
    assert_eq!(response(&body, "7")["body"]["id"], json!(ids[0]));
    assert_eq!(
        response(&body, "list")["body"]["value"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn batch_of_21_requests_is_400() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let requests: Vec<Value> = (1..=21).map(|i| get(i.to_string(), CONFIGS)).collect();
    let before = sim.stats().await;
    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(graph_error_code(&body), "BadRequest");
    let after = sim.stats().await;
    assert_eq!(
        after["graph_calls"], before["graph_calls"],
        "none of the 21 ran"
    );
}

#[tokio::test]
async fn batch_with_duplicate_ids_is_400() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (status, _, body) = batch(
        &sim,
        &token,
        "beta",
        &json!({"requests": [get("1", CONFIGS), get("2", CONFIGS), get("1", CONFIGS)]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    graph_error_code(&body);
    // A number and the same digits as a string are the same id.
    let (status, _, body) = batch(
        &sim,
        &token,
        "beta",
        &json!({"requests": [get(1, CONFIGS), get("1", CONFIGS)]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    graph_error_code(&body);
}

/// Batch request ids are not case-sensitive (Microsoft's JSON batching docs), so `a` and `A`
/// are duplicates.
#[tokio::test]
async fn batch_ids_differing_only_in_case_are_duplicates() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let (status, _, body) = batch(
        &sim,
        &token,
        "beta",
        &json!({"requests": [get("a", "/groups?$top=1&$select=id"), get("A", "/groups?$top=1&$select=id")]}),
    )
    .await;
    let ran: Vec<String> = body["responses"]
        .as_array()
        .map(|r| {
            r.iter()
                .map(|s| format!("{}: {}", s["id"], s["status"]))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(status, StatusCode::BAD_REQUEST, "both ran: {ran:?}");
    graph_error_code(&body);
}

#[tokio::test]
async fn depending_on_a_failed_request_gives_424() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let requests = json!([
        get("1", &format!("{CONFIGS}/0badc0de-0000-4000-8000-000000000000")),
        {"id": "2", "method": "GET", "url": CONFIGS, "dependsOn": ["1"]},
        get("3", &format!("{CONFIGS}?$top=1")),
        {"id": "4", "method": "GET", "url": "/groups?$top=1", "dependsOn": ["3"]},
        {"id": "5", "method": "GET", "url": CONFIGS, "dependsOn": ["2"]},
    ]);
    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(response(&body, "1")["status"], 404);
    assert_eq!(
        graph_error_code(&response(&body, "1")["body"]),
        "ResourceNotFound"
    );
    assert_eq!(response(&body, "2")["status"], 424);
    assert_eq!(response(&body, "3")["status"], 200);
    assert_eq!(response(&body, "4")["status"], 200);
    assert_eq!(
        response(&body, "5")["status"],
        424,
        "a failed dependency fails its dependants too"
    );
}

#[tokio::test]
async fn relative_urls_with_or_without_slash_and_version_all_work() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let forms = [
        "deviceManagement/deviceConfigurations?$top=3",
        "/deviceManagement/deviceConfigurations?$top=3",
        "/beta/deviceManagement/deviceConfigurations?$top=3",
        "beta/deviceManagement/deviceConfigurations?$top=3",
    ];
    let requests: Vec<Value> = forms
        .iter()
        .enumerate()
        .map(|(i, url)| get(i.to_string(), url))
        .collect();
    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, alone) = sim
        .get_json(&token, &format!("/beta{CONFIGS}?$top=3"))
        .await;
    for (i, url) in forms.iter().enumerate() {
        let sub = response(&body, &i.to_string());
        assert_eq!(sub["status"], 200, "{url}: {sub}");
        assert_eq!(sub["body"]["value"], alone["value"], "{url}");
    }
    // The same on v1.0.
    let (status, _, body) = batch(
        &sim,
        &token,
        "v1.0",
        &json!({"requests": [get("a", "groups?$top=1"), get("b", "/v1.0/groups?$top=1")]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(response(&body, "a")["status"], 200);
    assert_eq!(response(&body, "b")["status"], 200);
    assert_eq!(
        response(&body, "a")["body"]["value"],
        response(&body, "b")["body"]["value"]
    );
}

#[tokio::test]
async fn a_sub_request_with_a_body_needs_a_content_type() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let before = config_ids(&sim, &token).await.len();
    let object = json!({"@odata.type": "#microsoft.graph.windows10GeneralConfiguration", "displayName": "Made in a batch"});
    let requests = json!([
        {"id": "bare", "method": "POST", "url": CONFIGS, "body": object},
        {"id": "typed", "method": "POST", "url": CONFIGS, "headers": {"Content-Type": "application/json"}, "body": object},
    ]);
    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bare = response(&body, "bare");
    assert_eq!(bare["status"], 400, "{bare}");
    assert_eq!(graph_error_code(&bare["body"]), "BadRequest");
    let typed = response(&body, "typed");
    assert_eq!(typed["status"], 201, "{typed}");
    assert_eq!(typed["body"]["displayName"], "Made in a batch");
    assert_eq!(
        config_ids(&sim, &token).await.len(),
        before + 1,
        "only the typed request created an object"
    );
}

fn delta(before: &Value, after: &Value, field: &str) -> u64 {
    after[field].as_u64().unwrap() - before[field].as_u64().unwrap()
}

fn route_delta(before: &Value, after: &Value, route: &str) -> u64 {
    after["by_route"][route].as_u64().unwrap_or(0) - before["by_route"][route].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn stats_count_round_trips_and_every_sub_request() {
    let sim = common::start(1, 200).await;
    let token = sim.token(0).await;
    let ids = config_ids(&sim, &token).await;
    let before = sim.stats().await;

    let (status, _) = sim
        .get_json(&token, &format!("/beta{CONFIGS}/{}", ids[0]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = sim.get_json(&token, "/v1.0/groups").await;
    assert_eq!(status, StatusCode::OK);
    let five: Vec<Value> = ids[..5]
        .iter()
        .enumerate()
        .map(|(i, id)| get(i.to_string(), &format!("{CONFIGS}/{id}")))
        .collect();
    let (status, _, _) = batch(&sim, &token, "beta", &json!({"requests": five})).await;
    assert_eq!(status, StatusCode::OK);
    let three = json!([
        get("a", &format!("{CONFIGS}/0badc0de-0000-4000-8000-000000000000")),
        {"id": "b", "method": "GET", "url": CONFIGS, "dependsOn": ["a"]},
        get("c", CONFIGS),
    ]);
    let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": three})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let after = sim.stats().await;
    assert_eq!(
        delta(&before, &after, "requests"),
        4,
        "HTTP round trips: two GETs and two batches"
    );
    assert_eq!(delta(&before, &after, "batches"), 2);
    assert_eq!(
        delta(&before, &after, "graph_calls"),
        2 + 5 + 3,
        "every sub-request counts, even the 424"
    );
    assert_eq!(delta(&before, &after, "throttled"), 0);
    assert_eq!(
        route_delta(
            &before,
            &after,
            "GET /beta/deviceManagement/deviceConfigurations/{id}"
        ),
        1 + 5 + 1
    );
    assert_eq!(
        route_delta(
            &before,
            &after,
            "GET /beta/deviceManagement/deviceConfigurations"
        ),
        1,
        "the 424 never ran"
    );
    assert_eq!(route_delta(&before, &after, "POST /beta/$batch"), 2);
    assert_eq!(route_delta(&before, &after, "GET /v1.0/groups"), 1);
    // Reading the statistics is not Graph traffic.
    let again = sim.stats().await;
    assert_eq!(again["requests"], after["requests"]);
}

async fn throttled_sim() -> TestSim {
    common::start_with(SimConfig {
        tenants: 1,
        objects_per_tenant: 30,
        seed: 42,
        behaviour: Behaviour {
            auto_approve: true,
            throttle_rate: 1.0,
            ..Default::default()
        },
        ..SimConfig::default()
    })
    .await
}

#[tokio::test]
async fn injected_throttling_answers_429_with_retry_after_and_graph_error() {
    let sim = throttled_sim().await;
    let token = sim.token(0).await;
    let before = sim.stats().await;
    for path in [
        format!("/beta{CONFIGS}"),
        "/v1.0/groups".to_string(),
        "/beta/deviceManagement/configurationPolicies".to_string(),
    ] {
        let response = sim.get(&token, &path).await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let seconds: u64 = response
            .headers()
            .get("retry-after")
            .unwrap_or_else(|| panic!("{path}: no Retry-After"))
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(seconds >= 1, "{path}: Retry-After {seconds}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(graph_error_code(&body), "TooManyRequests", "{path}");
    }
    let after = sim.stats().await;
    assert_eq!(delta(&before, &after, "throttled"), 3);
}

#[tokio::test]
async fn injected_throttling_inside_a_batch_is_per_sub_request() {
    let sim = throttled_sim().await;
    let token = sim.token(0).await;
    let requests = json!([
        get("1", CONFIGS),
        get("2", "/groups"),
        get("3", "/deviceManagement/deviceHealthScripts")
    ]);
    let before = sim.stats().await;
    let (status, headers, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        headers.get("retry-after").is_none(),
        "the batch itself is not throttled"
    );
    let subs = responses(&body);
    assert_eq!(subs.len(), 3);
    for (id, sub) in subs {
        assert_eq!(sub["status"], 429, "{id}: {sub}");
        let seconds: u64 = retry_after(sub)
            .unwrap_or_else(|| panic!("{id}: no Retry-After: {sub}"))
            .parse()
            .unwrap();
        assert!(seconds >= 1);
        assert_eq!(graph_error_code(&sub["body"]), "TooManyRequests");
    }
    let after = sim.stats().await;
    assert_eq!(delta(&before, &after, "throttled"), 3);
    assert_eq!(delta(&before, &after, "graph_calls"), 3);
}

/// Intune configuration reads: 1000 per 20 s per app and tenant (refilled at 50 per second).
/// Fifty batches of 20 all pass; the bucket then runs dry within the refill the test's own
/// duration allows, answers 429 with `Retry-After`, and another app still gets through.
#[tokio::test]
async fn intune_config_bucket_allows_1000_reads_per_app_then_429() {
    let sim = common::start(1, 30).await;
    let token = sim.token(0).await;
    let read = |i: usize| get(i.to_string(), &format!("{CONFIGS}?$top=1&$select=id"));
    let started = Instant::now();
    for round in 0..50 {
        let requests: Vec<Value> = (0..20).map(read).collect();
        let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for (id, sub) in responses(&body) {
            assert_eq!(
                sub["status"],
                200,
                "read {} of 1000 was refused: {sub}",
                round * 20 + id.parse::<usize>().unwrap() + 1
            );
        }
    }

    // Keep reading until the bucket is empty: only what refilled meanwhile may still pass.
    let mut extra = 0usize;
    let mut throttled = None;
    'outer: for _ in 0..100 {
        let requests: Vec<Value> = (0..20).map(read).collect();
        let (status, _, body) = batch(&sim, &token, "beta", &json!({"requests": requests})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for i in 0..20 {
            let sub = response(&body, &i.to_string());
            match sub["status"].as_u64() {
                Some(200) => extra += 1,
                Some(429) => {
                    throttled = Some(sub.clone());
                    break 'outer;
                }
                other => panic!("unexpected status {other:?}: {sub}"),
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let sub = throttled.expect("the bucket never ran dry");
    let allowance = (elapsed * 50.0).ceil() as usize + 1;
    assert!(
        extra <= allowance,
        "{extra} reads beyond 1000 passed in {elapsed:.2} s (refill allows {allowance})"
    );
    assert_eq!(retry_after(&sub), Some("1"), "{sub}");
    assert_eq!(graph_error_code(&sub["body"]), "TooManyRequests");

    // Another app has its own bucket (and the tenant's 2000 are not used up).
    let other = token_for_client(&sim, 0, "9d2b5e3a-7c41-4f7e-8a55-3c1d2e4f6a70").await;
    let (status, body) = sim
        .get_json(&other, &format!("/beta{CONFIGS}?$top=1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The strict reads hold inside `$batch` too: each sub-request is checked on its own, so an
/// `$expand` too deep is a 400 sub-response with Graph's error body beside the reads that work,
/// and a role assignment read by id carries the `members` its list leaves out.
#[tokio::test]
async fn strict_reads_are_per_sub_request_inside_a_batch() {
    let sim = common::start(1, 120).await;
    let token = sim.token(0).await;
    let (configs, _) = sim
        .get_all(&token, "/beta/deviceManagement/groupPolicyConfigurations")
        .await;
    let cid = configs[0]["id"].as_str().unwrap();
    let (roles, _) = sim
        .get_all(&token, "/beta/deviceManagement/roleAssignments")
        .await;
    let rid = roles[0]["id"].as_str().unwrap();
    let values = format!("/deviceManagement/groupPolicyConfigurations/{cid}/definitionValues");
    let body = json!({"requests": [
        get("deep", &format!("{values}?$expand=definition,presentationValues($expand=presentation)")),
        get("flat", &format!("{values}?$expand=definition")),
        get("autopilot", "/deviceManagement/windowsAutopilotDeploymentProfiles?$expand=assignments"),
        get("role", &format!("/deviceManagement/roleAssignments/{rid}")),
    ]});
    let (status, _, answer) = batch(&sim, &token, "beta", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let deep = response(&answer, "deep");
    assert_eq!(deep["status"], 400, "{deep}");
    assert_eq!(graph_error_code(&deep["body"]), "BadRequest");
    assert!(deep["body"]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("MaxExpansionDepth"));
    let flat = response(&answer, "flat");
    assert_eq!(flat["status"], 200, "{flat}");
    assert!(flat["body"]["value"][0]["definition"]["id"].is_string());
    let autopilot = response(&answer, "autopilot");
    assert_eq!(autopilot["status"], 400, "{autopilot}");
    assert_eq!(graph_error_code(&autopilot["body"]), "ExpandNotSupported");
    let role = response(&answer, "role");
    assert_eq!(role["status"], 200, "{role}");
    assert!(role["body"]["members"].is_array(), "{role}");
    assert!(roles.iter().all(|r| r.get("members").is_none()));
}

#[tokio::test]
async fn injected_failures_never_hit_one_request_more_than_three_times_in_a_row() {
    // Every request throttled and faulted by chance, but a client that retries a fourth time
    // gets through: tests that inject failures cannot exhaust a correct client's retries.
    for behaviour in [
        Behaviour {
            auto_approve: true,
            throttle_rate: 1.0,
            ..Default::default()
        },
        Behaviour {
            auto_approve: true,
            fault_rate: 1.0,
            ..Default::default()
        },
    ] {
        let sim = common::start_with(SimConfig {
            tenants: 1,
            objects_per_tenant: 30,
            seed: 42,
            behaviour,
            ..SimConfig::default()
        })
        .await;
        let token = sim.token(0).await;
        let status = |path: String| {
            let request = sim
                .client
                .get(format!("{}{path}", sim.graph()))
                .bearer_auth(&token);
            async move {
                match request.send().await {
                    Ok(response) => response.status().as_u16(),
                    // An injected reset connection.
                    Err(_) => 0,
                }
            }
        };
        let mut statuses = Vec::new();
        for _ in 0..4 {
            statuses.push(status(format!("/beta{CONFIGS}")).await);
        }
        assert!(
            statuses[..3].iter().all(|s| *s != 200),
            "three injected failures first: {statuses:?}"
        );
        assert_eq!(
            statuses[3], 200,
            "the fourth try gets through: {statuses:?}"
        );
        // Another request has its own count.
        assert_ne!(status("/v1.0/groups".to_string()).await, 200);
    }
}
