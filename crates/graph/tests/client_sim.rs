//! The Graph client against the simulator: paging, `$batch`, pacing, throttling, faults, token
//! refresh, cancellation, untrusted certificates and hosts that are not Graph.
//!
//! Tokens come from the simulator's real device-code endpoints (it auto-approves) through a small
//! [`TokenSource`] that counts refreshes; the `auth` module is not involved.

use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tenantatlas_core::kinds::{ApiVersion, ThrottleFamily};
use tenantatlas_graph::auth::AuthError;
use tenantatlas_graph::client::{
    http_client, BatchGet, ClientConfig, GraphClient, GraphError, RetryPolicy,
};
use tenantatlas_graph::{BoxFuture, TokenSource};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};
use url::Url;

const CLIENT_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";
const POLICIES: &str = "deviceManagement/configurationPolicies";
const CONFIGS: &str = "deviceManagement/deviceConfigurations";
const CA_POLICIES: &str = "identity/conditionalAccess/policies";
const IC: ThrottleFamily = ThrottleFamily::IntuneConfig;

struct Sim {
    handle: SimHandle,
    http: reqwest::Client,
}

async fn sim(objects: usize, behaviour: Behaviour) -> Sim {
    let handle = Simulator::start(SimConfig {
        tenants: 1,
        objects_per_tenant: objects,
        seed: 7,
        behaviour: Behaviour {
            auto_approve: true,
            ..behaviour
        },
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts");
    let pem = std::fs::read_to_string(handle.ca_cert()).expect("CA certificate file");
    let http = http_client(Some(&pem)).expect("client trusts the simulator's CA");
    Sim { handle, http }
}

impl Sim {
    fn graph(&self) -> Url {
        Url::parse(self.handle.graph()).unwrap()
    }

    async fn tokens(&self) -> Arc<SimTokens> {
        let tokens = SimTokens {
            sim: self.handle.sim.clone(),
            tenant: self.handle.tenants()[0].id.clone(),
            current: Mutex::new(String::new()),
            refreshes: AtomicUsize::new(0),
        };
        let first = tokens.sign_in();
        *tokens.current.lock().unwrap() = first;
        Arc::new(tokens)
    }

    async fn client(&self) -> (GraphClient, Arc<SimTokens>) {
        let tokens = self.tokens().await;
        let client = GraphClient::new(ClientConfig::new(
            self.graph(),
            self.http.clone(),
            tokens.clone(),
        ));
        (client, tokens)
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}/_sim/{path}", self.handle.graph()));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    async fn stats(&self) -> Value {
        self.control(reqwest::Method::GET, "stats", None).await
    }

    /// The simulator's own count of a collection (named by its last segment) in the first tenant.
    async fn count(&self, collection: &str) -> usize {
        let tenants = self.control(reqwest::Method::GET, "tenants", None).await;
        let counts = &tenants[0]["counts"];
        counts
            .as_object()
            .and_then(|c| {
                c.iter()
                    .find(|(k, _)| *k == collection)
                    .and_then(|(_, v)| v.as_u64())
            })
            .unwrap_or_else(|| panic!("no count for {collection}: {counts}")) as usize
    }
}

/// Tokens minted by the simulator for the tenant's admin; a refresh is a new sign-in.
struct SimTokens {
    sim: Arc<tenantatlas_sim::Sim>,
    tenant: String,
    current: Mutex<String>,
    refreshes: AtomicUsize,
}

impl SimTokens {
    fn sign_in(&self) -> String {
        self.sim
            .access_token(&self.tenant, CLIENT_ID)
            .expect("the tenant exists")
    }
}

impl TokenSource for SimTokens {
    fn access_token<'a>(
        &'a self,
        rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin(async move {
            let current = self.current.lock().unwrap().clone();
            if rejected == Some(current.as_str()) {
                self.refreshes.fetch_add(1, Ordering::SeqCst);
                let fresh = self.sign_in();
                *self.current.lock().unwrap() = fresh.clone();
                return Ok(fresh);
            }
            Ok(current)
        })
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

fn delta(after: &Value, before: &Value, key: &str) -> u64 {
    after[key].as_u64().unwrap() - before[key].as_u64().unwrap()
}

#[tokio::test]
async fn paging_reaches_the_last_settings_catalog_page() {
    // 150 objects hold about 30 settings catalog policies: two pages of the real 25.
    let sim = sim(150, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let expected = sim.count("configurationPolicies").await;
    assert!(
        expected > 25,
        "the test needs more than one page, got {expected}"
    );

    let items = client
        .get_all(
            ApiVersion::Beta,
            &format!("{POLICIES}?$expand=assignments"),
            IC,
        )
        .await
        .unwrap();
    assert_eq!(items.len(), expected);
    let mut unique = ids(&items);
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), expected, "a page was read twice");
    assert!(items.iter().all(|i| i["assignments"].is_array()));
    let counters = client.counters();
    assert_eq!(counters.requests as usize, expected.div_ceil(25));
    assert_eq!(counters.retries, 0);
}

#[tokio::test]
async fn batch_of_45_comes_back_in_order_in_three_round_trips() {
    let sim = sim(60, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let missing = "00000000-0000-0000-0000-0000000000aa";
    // Device configurations and settings catalog policies live in different collections.
    let configs = ids(&client.get_all(ApiVersion::Beta, CONFIGS, IC).await.unwrap());
    let policies = ids(&client
        .get_all(ApiVersion::Beta, POLICIES, IC)
        .await
        .unwrap());
    let mut urls: Vec<String> = configs.iter().map(|id| format!("{CONFIGS}/{id}")).collect();
    urls.extend(
        policies
            .iter()
            .map(|id| format!("/{POLICIES}/{id}?$expand=assignments")),
    );
    let requests: Vec<BatchGet> = (0..45)
        .map(|n| BatchGet {
            id: format!("request-{n}"),
            url: if n == 30 {
                format!("{CONFIGS}/{missing}")
            } else {
                urls[n % urls.len()].clone()
            },
            family: IC,
        })
        .collect();

    let stats_before = sim.stats().await;
    let counters_before = client.counters();
    let results = client.batch_get(ApiVersion::Beta, requests.clone()).await;
    let stats_after = sim.stats().await;
    let counters = client.counters();

    assert_eq!(results.len(), 45);
    for (n, ((id, result), request)) in results.iter().zip(&requests).enumerate() {
        assert_eq!(id, &request.id);
        if n == 30 {
            let e = result.as_ref().unwrap_err();
            assert_eq!(e.status(), Some(404), "{e}");
            assert!(e.request_id().is_some(), "{e:?}");
        } else {
            let body = result.as_ref().unwrap_or_else(|e| panic!("{id}: {e}"));
            let expected = request
                .url
                .trim_start_matches('/')
                .split(['/', '?'])
                .nth(2)
                .unwrap();
            assert_eq!(body["id"], json!(expected), "{id}");
        }
    }
    assert_eq!(delta(&stats_after, &stats_before, "requests"), 3);
    assert_eq!(delta(&stats_after, &stats_before, "batches"), 3);
    assert_eq!(delta(&stats_after, &stats_before, "graph_calls"), 45);
    assert_eq!(counters.requests - counters_before.requests, 3);
    assert_eq!(counters.graph_calls - counters_before.graph_calls, 45);
    assert_eq!(counters.retries, 0);
}

#[tokio::test]
async fn batch_follows_sub_response_pages_to_the_end() {
    let sim = sim(
        40,
        Behaviour {
            page_size: Some(2),
            ..Behaviour::default()
        },
    )
    .await;
    let (client, _) = sim.client().await;
    let policies = ids(&client
        .get_all(ApiVersion::Beta, POLICIES, IC)
        .await
        .unwrap());
    let requests: Vec<BatchGet> = policies
        .iter()
        .map(|id| BatchGet {
            id: id.clone(),
            url: format!("{POLICIES}/{id}/settings"),
            family: IC,
        })
        .collect();
    let results = client.batch_get(ApiVersion::Beta, requests).await;
    let mut paged = false;
    for (id, result) in results {
        let body = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(body.get("@odata.nextLink").is_none(), "{body}");
        let single = client
            .get_all(ApiVersion::Beta, &format!("{POLICIES}/{id}/settings"), IC)
            .await
            .unwrap();
        assert_eq!(body["value"].as_array().unwrap(), &single, "{id}");
        paged |= single.len() > 2;
    }
    assert!(paged, "no policy had more than one page of settings");
}

#[tokio::test]
async fn throttled_reads_all_succeed_in_the_end() {
    let sim = sim(
        40,
        Behaviour {
            throttle_rate: 0.3,
            page_size: Some(5),
            ..Behaviour::default()
        },
    )
    .await;
    let (client, _) = sim.client().await;
    let policies = client
        .get_all(ApiVersion::Beta, POLICIES, IC)
        .await
        .unwrap();
    assert_eq!(policies.len(), sim.count("configurationPolicies").await);
    let configs = client.get_all(ApiVersion::Beta, CONFIGS, IC).await.unwrap();
    assert_eq!(configs.len(), sim.count("deviceConfigurations").await);
    let requests: Vec<BatchGet> = ids(&configs)
        .iter()
        .chain(ids(&policies).iter())
        .map(|id| BatchGet {
            id: id.clone(),
            url: if configs.iter().any(|c| c["id"] == json!(id)) {
                format!("{CONFIGS}/{id}")
            } else {
                format!("{POLICIES}/{id}")
            },
            family: IC,
        })
        .collect();
    for (id, result) in client.batch_get(ApiVersion::Beta, requests).await {
        let body = result.unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(body["id"], json!(id));
    }
    let counters = client.counters();
    let stats = sim.stats().await;
    assert!(counters.throttled > 0, "{counters:?}");
    assert!(counters.retries >= counters.throttled, "{counters:?}");
    assert_eq!(counters.throttled, stats["throttled"].as_u64().unwrap());
}

#[tokio::test]
async fn reads_complete_through_resets_and_gateway_errors() {
    let sim = sim(
        60,
        Behaviour {
            fault_rate: 0.2,
            page_size: Some(2),
            ..Behaviour::default()
        },
    )
    .await;
    // Shorter backoff keeps the test fast; the 503s still carry `Retry-After: 1`.
    let tokens = sim.tokens().await;
    let client = GraphClient::new(ClientConfig {
        retry: RetryPolicy {
            backoff_base: Duration::from_millis(100),
            ..RetryPolicy::default()
        },
        ..ClientConfig::new(sim.graph(), sim.http.clone(), tokens)
    });
    let policies = client
        .get_all(ApiVersion::Beta, POLICIES, IC)
        .await
        .unwrap();
    assert_eq!(policies.len(), sim.count("configurationPolicies").await);
    let configs = client.get_all(ApiVersion::V1, CONFIGS, IC).await.unwrap();
    assert_eq!(configs.len(), sim.count("deviceConfigurations").await);
    let requests: Vec<BatchGet> = ids(&policies)
        .iter()
        .map(|id| BatchGet {
            id: id.clone(),
            url: format!("{POLICIES}/{id}/settings"),
            family: IC,
        })
        .collect();
    for (id, result) in client.batch_get(ApiVersion::Beta, requests).await {
        result.unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let stats = sim.stats().await;
    assert!(stats["faults"].as_u64().unwrap() > 0, "{stats}");
    assert!(client.counters().retries > 0);
}

#[tokio::test]
async fn conditional_access_listed_twice_is_paced_not_throttled() {
    let sim = sim(40, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let ca = ThrottleFamily::ConditionalAccess;
    let expected = sim.count("policies").await;
    let (first, second) = tokio::join!(
        client.get_all(ApiVersion::V1, CA_POLICIES, ca),
        client.get_all(ApiVersion::V1, CA_POLICIES, ca)
    );
    assert_eq!(first.unwrap().len(), expected);
    assert_eq!(second.unwrap().len(), expected);
    // Two requests inside one second would have met the service's 1 request/s limit: none did.
    let counters = client.counters();
    assert_eq!(counters.throttled, 0, "{counters:?}");
    assert_eq!(counters.requests, 2);
    assert_eq!(sim.stats().await["throttled"], json!(0));
}

#[tokio::test]
async fn not_found_is_a_typed_error_with_the_request_id() {
    let sim = sim(20, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let e = client
        .get(
            ApiVersion::Beta,
            &format!("{CONFIGS}/00000000-0000-0000-0000-000000000001"),
            IC,
        )
        .await
        .unwrap_err();
    let GraphError::Http {
        status,
        code,
        request_id,
        client_request_id,
        ..
    } = &e
    else {
        panic!("not an HTTP error: {e:?}");
    };
    assert_eq!(*status, 404);
    assert!(code.is_some());
    let request_id = request_id.as_deref().expect("request-id kept");
    assert!(!client_request_id.is_empty());
    let line = e.to_string();
    assert!(line.contains(request_id) && !line.contains('\n'), "{line}");
    assert!(
        !line.contains("_version"),
        "the Intune message was not unwrapped: {line}"
    );
    let counters = client.counters();
    assert_eq!(
        (counters.requests, counters.retries),
        (1, 0),
        "a 404 is not retried"
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once() {
    let sim = sim(20, Behaviour::default()).await;
    let (client, tokens) = sim.client().await;
    client.get(ApiVersion::Beta, CONFIGS, IC).await.unwrap();
    sim.control(
        reqwest::Method::POST,
        "clock",
        Some(json!({"advance_seconds": 4000})),
    )
    .await;
    let configs = client.get_all(ApiVersion::Beta, CONFIGS, IC).await.unwrap();
    assert_eq!(configs.len(), sim.count("deviceConfigurations").await);
    client.get(ApiVersion::Beta, POLICIES, IC).await.unwrap();
    assert_eq!(tokens.refreshes.load(Ordering::SeqCst), 1);
    let counters = client.counters();
    assert_eq!(counters.requests, 4, "{counters:?}");
    assert_eq!(counters.retries, 1, "{counters:?}");
}

#[tokio::test]
async fn cancellation_ends_a_retry_after_wait_at_once() {
    // Every request throttled with `Retry-After: 3600`: only cancellation ends the wait before
    // the hang guard does.
    let sim = sim(
        20,
        Behaviour {
            throttle_rate: 1.0,
            max_injected_in_a_row: u32::MAX,
            injected_retry_after: 3600,
            ..Behaviour::default()
        },
    )
    .await;
    let (client, _) = sim.client().await;
    let task = {
        let client = client.clone();
        tokio::spawn(async move { client.get_all(ApiVersion::Beta, CONFIGS, IC).await })
    };
    // Wait for the first 429: from then on the client waits out its Retry-After.
    let hang = Duration::from_secs(120);
    tokio::time::timeout(hang, async {
        while client.counters().throttled == 0 {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("a 429 arrived");
    client.cancel_token().cancel();
    let result = tokio::time::timeout(hang, task)
        .await
        .expect("cancellation ended the hour-long Retry-After wait")
        .unwrap();
    assert!(matches!(result, Err(GraphError::Cancelled)), "{result:?}");
    assert_eq!(client.counters().requests, 1, "no request after the 429");
}

#[tokio::test]
async fn an_untrusted_certificate_says_to_pass_the_ca() {
    let sim = sim(20, Behaviour::default()).await;
    let tokens = sim.tokens().await;
    let untrusting = http_client(None).unwrap();
    let client = GraphClient::new(ClientConfig::new(sim.graph(), untrusting, tokens));
    let e = client.get(ApiVersion::Beta, CONFIGS, IC).await.unwrap_err();
    assert!(
        matches!(e, GraphError::UntrustedCertificate { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("--ca-cert"), "{e}");
    assert_eq!(client.counters().retries, 0);
    // A file that is not a certificate is refused up front.
    assert!(matches!(
        http_client(Some("not a certificate")),
        Err(GraphError::InvalidCaCert(_))
    ));
}

#[tokio::test]
async fn a_host_that_is_not_graph_gives_a_typed_error() {
    let sim = sim(20, Behaviour::default()).await;
    let tokens = sim.tokens().await;
    // The sign-in host answers Entra's JSON errors to Graph paths …
    let sign_in = Url::parse(sim.handle.authority()).unwrap();
    let client = GraphClient::new(ClientConfig::new(sign_in, sim.http.clone(), tokens.clone()));
    let e = client.get(ApiVersion::Beta, CONFIGS, IC).await.unwrap_err();
    assert!(
        matches!(e, GraphError::NotGraph { status: 404, .. }),
        "{e:?}"
    );
    let e = client
        .get_all(
            ApiVersion::V1,
            CA_POLICIES,
            ThrottleFamily::ConditionalAccess,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, GraphError::NotGraph { .. }), "{e:?}");
    let results = client
        .batch_get(
            ApiVersion::Beta,
            vec![BatchGet {
                id: "a".into(),
                url: CONFIGS.into(),
                family: IC,
            }],
        )
        .await;
    assert!(
        matches!(results[0].1, Err(GraphError::NotGraph { .. })),
        "{results:?}"
    );
    assert_eq!(client.counters().retries, 0);

    // … and an HTML page where a misconfigured URL lands on its device-login page.
    let page = Url::parse(&format!("{}/devicelogin?otc=", sim.handle.authority())).unwrap();
    let client = GraphClient::new(ClientConfig::new(page, sim.http.clone(), tokens));
    let e = client.get(ApiVersion::Beta, CONFIGS, IC).await.unwrap_err();
    assert!(
        matches!(e, GraphError::NotJson { status: 200, .. }),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .starts_with("the server sent a response that is not JSON (http 200, text/html"),
        "{e}"
    );
}

#[tokio::test]
async fn a_batch_sends_one_conditional_access_request_per_envelope() {
    let sim = sim(40, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let ca = ThrottleFamily::ConditionalAccess;
    let policies = ids(&client
        .get_all(ApiVersion::Beta, CA_POLICIES, ca)
        .await
        .unwrap());
    let configs = ids(&client.get_all(ApiVersion::Beta, CONFIGS, IC).await.unwrap());
    let mut requests: Vec<BatchGet> = policies
        .iter()
        .take(2)
        .map(|id| BatchGet {
            id: id.clone(),
            url: format!("{CA_POLICIES}/{id}"),
            family: ca,
        })
        .collect();
    requests.extend(configs.iter().map(|id| BatchGet {
        id: id.clone(),
        url: format!("{CONFIGS}/{id}"),
        family: IC,
    }));
    let before = client.counters();
    let results = client.batch_get(ApiVersion::Beta, requests.clone()).await;
    for ((id, result), request) in results.iter().zip(&requests) {
        assert_eq!(id, &request.id);
        assert_eq!(result.as_ref().unwrap()["id"], json!(id));
    }
    let counters = client.counters();
    // The list and the two policies are three conditional access calls, paced 1.1 s apart.
    assert_eq!(counters.requests - before.requests, 2, "{counters:?}");
    assert_eq!(counters.throttled, 0, "{counters:?}");
}

#[tokio::test]
async fn group_names_resolve_with_a_read_post() {
    let sim = sim(40, Behaviour::default()).await;
    let (client, _) = sim.client().await;
    let dir = ThrottleFamily::Directory;
    let groups = client
        .get_all(ApiVersion::V1, "groups?$select=id,displayName", dir)
        .await
        .unwrap();
    assert!(groups.len() >= 15, "{}", groups.len());
    let wanted: Vec<Value> = groups.iter().take(5).map(|g| g["id"].clone()).collect();
    let found = client
        .post_json(
            ApiVersion::V1,
            "directoryObjects/getByIds",
            &json!({"ids": wanted, "types": ["group"]}),
            dir,
        )
        .await
        .unwrap();
    let found = found["value"].as_array().unwrap();
    assert_eq!(found.len(), 5);
    for group in found {
        let listed = groups.iter().find(|g| g["id"] == group["id"]).unwrap();
        assert_eq!(listed["displayName"], group["displayName"]);
    }
}

#[tokio::test]
async fn a_server_that_stays_silent_times_out_with_a_typed_error() {
    let sim = sim(
        20,
        Behaviour {
            latency: Duration::from_millis(400),
            ..Behaviour::default()
        },
    )
    .await;
    let tokens = sim.tokens().await;
    let pem = std::fs::read(sim.handle.ca_cert()).unwrap();
    let impatient = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let client = GraphClient::new(ClientConfig {
        retry: RetryPolicy {
            max_attempts: 3,
            backoff_base: Duration::from_millis(10),
            ..RetryPolicy::default()
        },
        ..ClientConfig::new(sim.graph(), impatient, tokens)
    });
    let e = client.get(ApiVersion::Beta, CONFIGS, IC).await.unwrap_err();
    assert!(matches!(e, GraphError::Timeout { .. }), "{e:?}");
    assert!(e.client_request_id().is_some());
    let counters = client.counters();
    assert_eq!(
        (counters.requests, counters.retries),
        (3, 2),
        "{counters:?}"
    );
}
