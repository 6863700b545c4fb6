//! The Graph client and sign-in against a service that answers anything: arbitrary bytes and
//! arbitrary JSON as a GET's body, as collection pages (with next links), as a `$batch` envelope
//! and its sub-responses, and as the token endpoint's answer to a refresh; nesting far beyond
//! serde_json's recursion limit; and next links that never end. No panic, no hang: every call
//! returns a value or an error.
//!
//! The service is a few lines of HTTP/1.1 on loopback that answer what each case scripts, so the
//! real client (reqwest, the retry loop, the `$batch` runner, `oauth2`) parses every byte.
//!
//! Case counts: `TENANTATLAS_FUZZ_CASES` (default 64); a long run on demand:
//! `TENANTATLAS_FUZZ_CASES=100000 cargo nextest run -p tenantatlas-graph --test fuzz_graph`.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tenantatlas_core::kinds::{ApiVersion, ThrottleFamily};
use tenantatlas_graph::auth::{refresh, AuthConfig, AuthError};
use tenantatlas_graph::client::{BatchGet, ClientConfig, GraphClient, Pacing, Rate, RetryPolicy};
use tenantatlas_graph::{BoxFuture, TokenSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;

fn cases() -> u32 {
    std::env::var("TENANTATLAS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(64)
}

/// Only there so that a hang fails the test; each call takes milliseconds.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// What the fake service answers: `(status, body)` for a request's path and query.
type Script = Box<dyn Fn(&str) -> (u16, Vec<u8>) + Send + Sync>;

/// HTTP/1.1 on loopback answering each request as the current script says, then closing.
struct FakeService {
    base: Url,
    script: Arc<Mutex<Script>>,
}

impl FakeService {
    async fn start() -> FakeService {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let script: Arc<Mutex<Script>> = Arc::new(Mutex::new(Box::new(|_| (200, b"{}".to_vec()))));
        let served = script.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let script = served.clone();
                tokio::spawn(async move {
                    let Some(target) = read_request(&mut stream).await else {
                        return;
                    };
                    let (status, body) = (script.lock().unwrap())(&target);
                    let head = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        FakeService { base, script }
    }

    fn answer(&self, script: impl Fn(&str) -> (u16, Vec<u8>) + Send + Sync + 'static) {
        *self.script.lock().unwrap() = Box::new(script);
    }

    /// A Graph client with no retries, waits or pacing to speak of.
    fn client(&self) -> GraphClient {
        let mut config = ClientConfig::new(self.base.clone(), plain_http(), Arc::new(FixedToken));
        config.retry = RetryPolicy {
            max_attempts: 1,
            max_throttled: 0,
            backoff_base: Duration::from_millis(1),
            backoff_cap: Duration::from_millis(1),
            max_retry_after: Duration::from_millis(1),
        };
        let fast = Rate::new(1_000_000, Duration::from_secs(1));
        config.pacing = Pacing {
            intune_config: fast,
            intune_scripts: fast,
            conditional_access: fast,
            directory: fast,
        };
        GraphClient::new(config)
    }
}

/// The request target (path and query) of one request, its head and body read and dropped.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = data.len() - head_end;
    while body < length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body += n;
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

/// The product's client speaks https only; the fake service speaks plain HTTP on loopback, so
/// the client here is reqwest's own. What is parsed, and how, is the same.
fn plain_http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct FixedToken;

impl TokenSource for FixedToken {
    fn access_token<'a>(
        &'a self,
        _rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin(async { Ok("token".to_string()) })
    }
}

/// Runs a future on a fresh runtime, failing the test if it does not end.
fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            tokio::time::timeout(HANG_GUARD, future)
                .await
                .expect("the call ended")
        })
}

/// Field names the client and sign-in give meaning to.
const KEYS: &[&str] = &[
    "value",
    "@odata.nextLink",
    "@odata.context",
    "responses",
    "id",
    "status",
    "headers",
    "body",
    "error",
    "code",
    "message",
    "innerError",
    "request-id",
    "Retry-After",
    "access_token",
    "token_type",
    "expires_in",
    "refresh_token",
    "id_token",
    "scope",
    "error_description",
    "error_codes",
    "trace_id",
    "correlation_id",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("Bearer".to_string()),
            Just("0".to_string()),
            Just("a.b.c".to_string()),
            Just("\u{1b}[2J\n".to_string()),
            ".{0,10}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(KEYS).prop_map(str::to_string),
                        ".{0,6}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A body: arbitrary bytes, arbitrary JSON, or JSON nested beyond the recursion limit.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        (1usize..200_000).prop_map(|depth| "[".repeat(depth).into_bytes()),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(204),
        Just(400),
        Just(403),
        Just(404),
        200u16..600
    ]
    // 401 asks for a new token and 3xx for a redirect: other paths than parsing.
    .prop_filter("no 401 or redirects", |s| {
        *s != 401 && !(300..400).contains(s)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn any_answer_to_a_get_is_a_value_or_an_error(status in status(), body in body()) {
        run(async {
            let service = FakeService::start().await;
            service.answer(move |_| (status, body.clone()));
            let _ = service
                .client()
                .get(ApiVersion::Beta, "deviceManagement/x", ThrottleFamily::IntuneConfig)
                .await;
        });
    }

    #[test]
    fn any_pages_end(pages in prop::collection::vec((json_value(), any::<bool>()), 1..6)) {
        run(async {
            let service = FakeService::start().await;
            let base = service.base.clone();
            // Page n links to page n + 1 where the case says so; past the last, an empty page.
            service.answer(move |target| {
                let n: usize = target.rsplit("page=").next().and_then(|n| n.parse().ok()).unwrap_or(0);
                let Some((page, linked)) = pages.get(n) else {
                    return (200, b"{\"value\": []}".to_vec());
                };
                let mut page = page.clone();
                if *linked {
                    if let Value::Object(map) = &mut page {
                        map.insert(
                            "@odata.nextLink".into(),
                            json!(format!("{base}beta/x?page={}", n + 1)),
                        );
                    }
                }
                (200, serde_json::to_vec(&page).unwrap())
            });
            let _ = service
                .client()
                .get_all(ApiVersion::Beta, "x?page=0", ThrottleFamily::IntuneConfig)
                .await;
        });
    }

    #[test]
    fn any_batch_answer_is_a_value_or_an_error_per_request(
        envelope in prop_oneof![
            body(),
            prop::collection::vec((json_value(), status(), json_value(), json_value()), 0..4)
                .prop_map(|subs| serde_json::to_vec(&json!({"responses": subs.into_iter().enumerate().map(|(i, (id, status, headers, body))| {
                    let id = if i % 2 == 0 { json!(i.to_string()) } else { id };
                    json!({"id": id, "status": status, "headers": headers, "body": body})
                }).collect::<Vec<_>>()})).unwrap()),
        ],
        status in status(),
        requests in 1usize..4,
    ) {
        let results = run(async {
            let service = FakeService::start().await;
            service.answer(move |_| (status, envelope.clone()));
            let requests = (0..requests)
                .map(|i| BatchGet {
                    id: format!("r{i}"),
                    url: format!("deviceManagement/x/{i}"),
                    family: ThrottleFamily::IntuneConfig,
                })
                .collect();
            service.client().batch_get(ApiVersion::Beta, requests).await
        });
        prop_assert_eq!(results.len(), requests);
    }

    #[test]
    fn any_token_answer_is_a_sign_in_or_an_error(
        status in prop_oneof![Just(200u16), Just(400), Just(401), 200u16..600],
        answer in prop_oneof![
            body(),
            (json_value(), json_value(), json_value(), json_value()).prop_map(|(access, expires, id_claims, extra)| {
                use base64::Engine as _;
                let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(serde_json::to_vec(&id_claims).unwrap());
                let mut token = json!({
                    "access_token": access,
                    "token_type": "Bearer",
                    "expires_in": expires,
                    "refresh_token": "r",
                    "id_token": format!("x.{claims}.y"),
                });
                if let (Value::Object(token), Value::Object(extra)) = (&mut token, extra) {
                    token.extend(extra);
                }
                serde_json::to_vec(&token).unwrap()
            }),
        ],
    ) {
        run(async {
            let service = FakeService::start().await;
            service.answer(move |_| (status, answer.clone()));
            let config = AuthConfig::new(
                service.base.clone(),
                "contoso.onmicrosoft.com",
                "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10",
                plain_http(),
            );
            let _ = refresh(&config, "refresh token").await;
        });
    }
}

#[test]
fn nesting_beyond_the_limit_is_an_error() {
    run(async {
        let service = FakeService::start().await;
        service.answer(|_| (200, "[".repeat(100_000).into_bytes()));
        let client = service.client();
        assert!(client
            .get(ApiVersion::Beta, "x", ThrottleFamily::IntuneConfig)
            .await
            .is_err());
        let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        service.answer(move |_| (200, nested.clone().into_bytes()));
        assert!(client
            .get(ApiVersion::Beta, "x", ThrottleFamily::IntuneConfig)
            .await
            .is_err());
    });
}

#[test]
fn a_next_link_to_the_same_page_ends() {
    run(async {
        let service = FakeService::start().await;
        let base = service.base.clone();
        service.answer(move |_| {
            let page = json!({"value": [{"id": "1"}], "@odata.nextLink": format!("{base}beta/x")});
            (200, serde_json::to_vec(&page).unwrap())
        });
        let result = service
            .client()
            .get_all(ApiVersion::Beta, "x", ThrottleFamily::IntuneConfig)
            .await;
        let error = result.expect_err("a page linking to itself is an error");
        assert!(error.to_string().contains("repeat a page"), "{error}");
    });
}

/// A server that answers every request with `head` and then `chunks` MiB of spaces (or until the
/// client hangs up).
async fn streaming_service(head: &'static str, chunks: usize) -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_request(&mut stream).await?;
                stream.write_all(head.as_bytes()).await.ok()?;
                let chunk = vec![b' '; 1 << 20];
                for _ in 0..chunks {
                    stream.write_all(&chunk).await.ok()?;
                }
                stream.shutdown().await.ok()
            });
        }
    });
    base
}

#[test]
fn huge_answers_are_refused_while_read() {
    run(async {
        for (head, chunks) in [
            // Says it is huge: refused before reading.
            (
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4294967296\r\nconnection: close\r\n\r\n",
                1,
            ),
            // Says nothing and never stops: refused once past the limit.
            (
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
                300,
            ),
        ] {
            let base = streaming_service(head, chunks).await;
            let service = FakeService {
                base,
                script: Arc::new(Mutex::new(Box::new(|_| (200, Vec::new())))),
            };
            let error = service
                .client()
                .get(ApiVersion::Beta, "x", ThrottleFamily::IntuneConfig)
                .await
                .expect_err("a huge answer is refused");
            assert!(error.to_string().contains("larger than 256 MiB"), "{error}");
        }
    });
}

/// The harness itself: well-formed answers come back as values, so the cases above reach the
/// parsers rather than failing before them.
#[test]
fn well_formed_answers_are_read() {
    run(async {
        let service = FakeService::start().await;
        let base = service.base.clone();
        service.answer(move |target| {
            let body = if target.contains("$batch") {
                json!({"responses": [
                    {"id": "0", "status": 200, "body": {"id": "a"}},
                    {"id": "1", "status": 404, "body": {"error": {"code": "NotFound", "message": "gone"}}},
                ]})
            } else if target.contains("page=1") {
                json!({"value": [{"id": "2"}]})
            } else {
                json!({"value": [{"id": "1"}], "@odata.nextLink": format!("{base}beta/x?page=1")})
            };
            (200, serde_json::to_vec(&body).unwrap())
        });
        let client = service.client();
        let all = client
            .get_all(ApiVersion::Beta, "x", ThrottleFamily::IntuneConfig)
            .await
            .expect("two pages");
        assert_eq!(all, vec![json!({"id": "1"}), json!({"id": "2"})]);
        let requests = (0..2)
            .map(|i| BatchGet {
                id: format!("r{i}"),
                url: format!("x/{i}"),
                family: ThrottleFamily::IntuneConfig,
            })
            .collect();
        let results = client.batch_get(ApiVersion::Beta, requests).await;
        assert_eq!(results[0].1.as_ref().unwrap(), &json!({"id": "a"}));
        assert!(results[1].1.is_err());
    });
}
