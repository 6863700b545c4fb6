//! The Microsoft Graph client of one tenant: reads with paging, `$batch`, pacing, retries,
//! timeouts and cancellation. One [`GraphClient`] per tenant; it is cheap to clone (the clones
//! share pacing, counters and the concurrency limit).
//!
//! # Pacing: before sending
//!
//! Graph throttles per app and tenant, per service family, and counts every `$batch` sub-request
//! as one call. The client keeps one token bucket per [`ThrottleFamily`] ([`Pacing`]), tuned about
//! 10 % below Microsoft's documented limits, and a request waits until its bucket can pay *before*
//! it is sent; a `$batch` pays one token per sub-request in each sub-request's family. Tokens are
//! taken at the moment of sending, after a concurrency permit (`max_concurrency` HTTP requests in
//! flight per tenant) was obtained, so requests that queued behind the permits cannot bunch up and
//! overrun the service's bucket. Conditional access (1 request / s per tenant, for all apps) is
//! paced one at a time every 1.1 s, and a `$batch` never carries more sub-requests of a family
//! than its burst allows — so at most one conditional access sub-request per envelope.
//!
//! # Retries: only what is safe, bounded, and counted
//!
//! Only reads are retried: GETs, `$batch` envelopes of GETs and idempotent read POSTs
//! (`directoryObjects/getByIds`) — this client offers no writes. What is retried:
//! - 429: the family is held for `Retry-After` seconds (every request of the family waits, since the
//!   service's bucket is shared); without the header (conditional access sends none) exponential
//!   backoff from 1 s, jittered, capped at 60 s. Up to [`RetryPolicy::max_throttled`] times.
//! - 5xx (not 501/505), reset connections and timeouts: `Retry-After` when the service sends one,
//!   otherwise exponential backoff with full jitter (uniform in 0..min(60 s, 1 s·2ⁿ⁻¹)), up to
//!   [`RetryPolicy::max_attempts`] attempts.
//! - 401: once, with a token the [`TokenSource`] refreshed after being told which token was refused.
//! - Inside a `$batch`: sub-requests answered 429 (their own `Retry-After`), 5xx or 424 go again in a
//!   following envelope under the same bounds; the others keep their answer. A sub-response with an
//!   `@odata.nextLink` is followed to the end, so callers always get whole collections.
//!
//! Other 4xx are final. Failures end in a typed [`GraphError`] that keeps the service's
//! `request-id`; every request carries a fresh `client-request-id`. Every wait and every request in
//! flight gives way to the [`CancellationToken`] at once.
//!
//! # Logs: what support needs, nothing a customer would mind
//!
//! Each round-trip is one `debug` line (method, host, path, the *names* of the query's parameters,
//! status, milliseconds, `request-id`, `client-request-id`); retries and give-ups are `info`,
//! `$batch` sub-requests `trace` (`debug` when not 2xx). Never a query value, a header other than the
//! two ids, a body or an error text from Graph: those can name a customer's objects.

mod batch;
mod error;
mod http;
mod pacing;
mod retry;

pub use batch::BatchGet;
pub use error::GraphError;
pub use http::{http_client, CONNECT_TIMEOUT, REQUEST_TIMEOUT};
pub use pacing::{Pacing, Rate};
pub use retry::RetryPolicy;

use crate::TokenSource;
use pacing::{Cost, Pacer};
use reqwest::header::{HeaderMap, ACCEPT};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tenantatlas_core::kinds::{ApiVersion, ThrottleFamily};
use tokio::sync::{Semaphore, SemaphorePermit};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use url::Url;

pub type Result<T, E = GraphError> = std::result::Result<T, E>;

/// Everything a [`GraphClient`] needs.
pub struct ClientConfig {
    /// The Graph root, e.g. `https://graph.microsoft.com` (no version).
    pub graph_base: Url,
    /// From [`http_client`].
    pub http: reqwest::Client,
    pub tokens: Arc<dyn TokenSource>,
    /// Cancels every wait and request of this client.
    pub cancel: CancellationToken,
    pub pacing: Pacing,
    /// HTTP requests in flight at once for this tenant (4).
    pub max_concurrency: usize,
    pub retry: RetryPolicy,
}

impl ClientConfig {
    /// A configuration with the default pacing, retries, a concurrency of 4 and a fresh
    /// cancellation token.
    pub fn new(graph_base: Url, http: reqwest::Client, tokens: Arc<dyn TokenSource>) -> Self {
        ClientConfig {
            graph_base,
            http,
            tokens,
            cancel: CancellationToken::new(),
            pacing: Pacing::default(),
            max_concurrency: 4,
            retry: RetryPolicy::default(),
        }
    }
}

/// What a client has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// HTTP round-trips (a `$batch` envelope is one).
    pub requests: u64,
    /// Graph calls as throttling counts them: every request and every `$batch` sub-request sent;
    /// the envelope itself is not one.
    pub graph_calls: u64,
    /// Requests and sub-requests sent again.
    pub retries: u64,
    /// 429 answers received, `$batch` sub-responses included.
    pub throttled: u64,
}

#[derive(Default)]
struct AtomicCounters {
    requests: AtomicU64,
    graph_calls: AtomicU64,
    retries: AtomicU64,
    throttled: AtomicU64,
}

impl AtomicCounters {
    fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// A Graph client for one tenant.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    base: Url,
    http: reqwest::Client,
    tokens: Arc<dyn TokenSource>,
    cancel: CancellationToken,
    pacer: Pacer,
    permits: Semaphore,
    retry: RetryPolicy,
    counters: AtomicCounters,
}

/// One HTTP request as the retry loop sees it.
struct Request<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Value>,
    cost: &'a Cost,
    /// Graph calls the request counts as (a `$batch` envelope: its sub-requests).
    graph_calls: u64,
    /// For errors: the path without the query.
    path: String,
}

type Body = Vec<u8>;

/// A 2xx answer.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    client_request_id: String,
}

impl GraphClient {
    pub fn new(config: ClientConfig) -> Self {
        GraphClient {
            inner: Arc::new(Inner {
                base: config.graph_base,
                http: config.http,
                tokens: config.tokens,
                cancel: config.cancel,
                pacer: Pacer::new(config.pacing),
                permits: Semaphore::new(config.max_concurrency.max(1)),
                retry: config.retry,
                counters: AtomicCounters::default(),
            }),
        }
    }

    pub fn counters(&self) -> Counters {
        let c = &self.inner.counters;
        Counters {
            requests: c.requests.load(Ordering::Relaxed),
            graph_calls: c.graph_calls.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
        }
    }

    /// The token that cancels this client.
    pub fn cancel_token(&self) -> &CancellationToken {
        &self.inner.cancel
    }

    /// `GET {graph}/{version}/{path_and_query}`: the JSON body (`null` for an empty answer).
    pub async fn get(
        &self,
        version: ApiVersion,
        path_and_query: &str,
        family: ThrottleFamily,
    ) -> Result<Value> {
        let url = self.url(version, path_and_query)?;
        self.get_url(url, family).await
    }

    /// A collection, following `@odata.nextLink` to the last page: every item of every `value`.
    pub async fn get_all(
        &self,
        version: ApiVersion,
        path_and_query: &str,
        family: ThrottleFamily,
    ) -> Result<Vec<Value>> {
        let url = self.url(version, path_and_query)?;
        self.get_all_from(url, family, Vec::new()).await
    }

    /// An idempotent read POST (`directoryObjects/getByIds`): retried like a GET. Not for writes.
    pub async fn post_json(
        &self,
        version: ApiVersion,
        path: &str,
        body: &Value,
        family: ThrottleFamily,
    ) -> Result<Value> {
        let url = self.url(version, path)?;
        let cost = [(family, 1)];
        let request = Request {
            method: Method::POST,
            path: url.path().to_string(),
            url,
            body: Some(body),
            cost: &cost,
            graph_calls: 1,
        };
        let answer = self.execute(&request).await?;
        parse_json(&answer)
    }

    /// Many GETs in `$batch` envelopes of up to 20; see [`BatchGet`]. Results come back in the
    /// order of `requests`, each with its caller's id.
    pub async fn batch_get(
        &self,
        version: ApiVersion,
        requests: Vec<BatchGet>,
    ) -> Vec<(String, Result<Value>)> {
        batch::run(self, version, requests).await
    }

    fn url(&self, version: ApiVersion, path_and_query: &str) -> Result<Url> {
        let text = format!(
            "{}/{}/{}",
            self.inner.base.as_str().trim_end_matches('/'),
            version.as_str(),
            path_and_query.trim_start_matches('/')
        );
        Url::parse(&text).map_err(|e| GraphError::InvalidUrl {
            url: self.inner.base.to_string(),
            detail: e.to_string(),
        })
    }

    async fn get_url(&self, url: Url, family: ThrottleFamily) -> Result<Value> {
        let cost = [(family, 1)];
        let request = Request {
            method: Method::GET,
            path: url.path().to_string(),
            url,
            body: None,
            cost: &cost,
            graph_calls: 1,
        };
        let answer = self.execute(&request).await?;
        parse_json(&answer)
    }

    /// Follows a collection from `url` to its last page, appending to `items`.
    async fn get_all_from(
        &self,
        url: Url,
        family: ThrottleFamily,
        mut items: Vec<Value>,
    ) -> Result<Vec<Value>> {
        // A service that links a page to an earlier one, or never stops linking, would keep us
        // reading (and holding) pages forever: each link is followed once, up to MAX_PAGES.
        let mut seen = std::collections::HashSet::new();
        let mut next = Some(url);
        while let Some(url) = next.take() {
            let path = url.path().to_string();
            if !seen.insert(url.to_string()) || seen.len() > MAX_PAGES {
                return Err(GraphError::NotGraph {
                    status: 200,
                    detail: format!(
                        "{path}: the paging links repeat a page or go past {MAX_PAGES} pages"
                    ),
                    request_id: None,
                });
            }
            let page = self.get_url(url, family).await?;
            let (values, link) = split_page(page, &path)?;
            items.extend(values);
            next = link.map(|l| self.next_link(&l)).transpose()?;
        }
        Ok(items)
    }

    /// A `@odata.nextLink` is absolute; it must point at the Graph host we were given, or the
    /// bearer token would go wherever a response says.
    fn next_link(&self, link: &str) -> Result<Url> {
        let url = Url::parse(link).map_err(|e| GraphError::NotGraph {
            status: 200,
            detail: format!("the next link {link:?} is not a url: {e}"),
            request_id: None,
        })?;
        let base = &self.inner.base;
        if url.scheme() != base.scheme()
            || url.host_str() != base.host_str()
            || url.port_or_known_default() != base.port_or_known_default()
        {
            return Err(GraphError::ForeignLink {
                host: url.host_str().unwrap_or("").to_string(),
            });
        }
        Ok(url)
    }

    /// Sends `request` until it succeeds or a retry is not allowed; returns a 2xx answer.
    async fn execute(&self, request: &Request<'_>) -> Result<Answer> {
        let inner = &self.inner;
        let policy = inner.retry;
        let mut token = self.token(None).await?;
        let mut refreshed = false;
        let mut failures = 0u32;
        let mut throttles = 0u32;
        loop {
            let client_request_id = uuid::Uuid::new_v4().to_string();
            let outcome = self.round_trip(request, &token, &client_request_id).await;
            let delay = match outcome {
                Ok((status, headers, body)) if status.is_success() => {
                    return Ok(Answer {
                        status,
                        headers,
                        body,
                        client_request_id,
                    })
                }
                Ok((status, headers, body)) => {
                    let error = error::from_response(
                        status.as_u16(),
                        Some(&headers),
                        &body,
                        &request.path,
                        &client_request_id,
                    );
                    let graph_answered = matches!(error, GraphError::Http { .. });
                    match status.as_u16() {
                        401 if graph_answered && !refreshed => {
                            tracing::info!(
                                path = request.url.path(),
                                "graph refused the access token (401); refreshing it once"
                            );
                            refreshed = true;
                            token = self.token(Some(&token)).await?;
                            AtomicCounters::add(&inner.counters.retries, 1);
                            continue;
                        }
                        429 => {
                            AtomicCounters::add(&inner.counters.throttled, 1);
                            throttles += 1;
                            if throttles > policy.max_throttled {
                                log_gave_up(request, &error, throttles);
                                return Err(error);
                            }
                            let retry_after = policy.retry_after_header(&headers);
                            let delay =
                                retry_after.unwrap_or_else(|| policy.throttle_delay(throttles));
                            log_retry(request, status.as_u16(), throttles, delay, retry_after);
                            // The service's bucket is shared by the whole family: hold it.
                            let until = Instant::now() + delay;
                            for (family, _) in request.cost {
                                inner.pacer.hold(*family, until);
                            }
                            Duration::ZERO
                        }
                        s if retry::transient_status(s) => {
                            failures += 1;
                            if failures >= policy.max_attempts {
                                log_gave_up(request, &error, failures);
                                return Err(error);
                            }
                            let retry_after = policy.retry_after_header(&headers);
                            let delay =
                                retry_after.unwrap_or_else(|| policy.failure_delay(failures));
                            log_retry(request, status.as_u16(), failures, delay, retry_after);
                            delay
                        }
                        _ => return Err(error),
                    }
                }
                Err(error) if error.is_transient_transport() => {
                    failures += 1;
                    if failures >= policy.max_attempts {
                        log_gave_up(request, &error, failures);
                        return Err(error);
                    }
                    let delay = policy.failure_delay(failures);
                    log_retry(request, 0, failures, delay, None);
                    delay
                }
                Err(error) => return Err(error),
            };
            AtomicCounters::add(&inner.counters.retries, 1);
            self.sleep(delay).await?;
        }
    }

    /// One HTTP round-trip, paced, within the concurrency limit, cancellable.
    async fn round_trip(
        &self,
        request: &Request<'_>,
        token: &str,
        client_request_id: &str,
    ) -> Result<(StatusCode, HeaderMap, Body)> {
        let inner = &self.inner;
        let _permit = self.admit(request.cost).await?;
        let sent = Instant::now();
        AtomicCounters::add(&inner.counters.requests, 1);
        AtomicCounters::add(&inner.counters.graph_calls, request.graph_calls);
        let mut builder = inner
            .http
            .request(request.method.clone(), request.url.clone())
            .bearer_auth(token)
            .header("client-request-id", client_request_id)
            .header(ACCEPT, "application/json");
        if let Some(body) = request.body {
            builder = builder.json(body);
        }
        let exchange = async {
            let response = builder.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = bounded_body(response).await?;
            Ok::<_, reqwest::Error>((status, headers, body))
        };
        let result = tokio::select! {
            biased;
            _ = inner.cancel.cancelled() => Err(GraphError::Cancelled),
            result = exchange => match result {
                Ok((status, _, None)) => Err(GraphError::NotGraph {
                    status: status.as_u16(),
                    detail: format!("the answer is larger than {} MiB", MAX_BODY >> 20),
                    request_id: None,
                }),
                Ok((status, headers, Some(body))) => Ok((status, headers, body)),
                Err(e) => Err(transport_error(&e, &request.url, client_request_id)),
            },
        };
        log_round_trip(request, client_request_id, sent.elapsed(), &result);
        result
    }

    /// Waits until the buckets can pay `cost` and a concurrency permit is free, then pays.
    async fn admit(&self, cost: &Cost) -> Result<SemaphorePermit<'_>> {
        let inner = &self.inner;
        loop {
            let wait = inner.pacer.wait(cost, Instant::now());
            if !wait.is_zero() {
                tracing::trace!(
                    wait_ms = wait.as_millis() as u64,
                    "paced: waiting for tokens"
                );
                self.sleep(wait).await?;
                continue;
            }
            let permit = tokio::select! {
                biased;
                _ = inner.cancel.cancelled() => return Err(GraphError::Cancelled),
                permit = inner.permits.acquire() => permit.map_err(|_| GraphError::Cancelled)?,
            };
            if inner.pacer.try_take(cost, Instant::now()) {
                return Ok(permit);
            }
            // Another request took the tokens while this one waited for a permit.
        }
    }

    async fn sleep(&self, duration: Duration) -> Result<()> {
        if self.inner.cancel.is_cancelled() {
            return Err(GraphError::Cancelled);
        }
        if duration.is_zero() {
            return Ok(());
        }
        tokio::select! {
            biased;
            _ = self.inner.cancel.cancelled() => Err(GraphError::Cancelled),
            _ = tokio::time::sleep(duration) => Ok(()),
        }
    }

    async fn token(&self, rejected: Option<&str>) -> Result<String> {
        tokio::select! {
            biased;
            _ = self.inner.cancel.cancelled() => Err(GraphError::Cancelled),
            token = self.inner.tokens.access_token(rejected) => Ok(token?),
        }
    }
}

/// The debug line of one HTTP round-trip: what support needs to find it in Graph's own logs
/// (`request-id`, `client-request-id`) and to see where time went. Never the query's values, a
/// header other than the two ids, or anything of the body.
fn log_round_trip(
    request: &Request<'_>,
    client_request_id: &str,
    elapsed: Duration,
    result: &Result<(StatusCode, HeaderMap, Body)>,
) {
    let url = &request.url;
    let ms = elapsed.as_millis() as u64;
    match result {
        Ok((status, headers, _)) => {
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            tracing::debug!(
                method = %request.method,
                host = %http::logged_host(url),
                path = url.path(),
                query = %http::logged_query(url),
                status = status.as_u16(),
                ms,
                request_id = header("request-id").unwrap_or("-"),
                client_request_id = header("client-request-id").unwrap_or(client_request_id),
                "graph request"
            );
        }
        Err(error) => {
            tracing::debug!(
                method = %request.method,
                host = %http::logged_host(url),
                path = url.path(),
                query = %http::logged_query(url),
                failure = failure_kind(error),
                ms,
                client_request_id,
                "graph request without an answer"
            );
        }
    }
}

/// A closed name for a failure below HTTP, for log lines (the error's text can carry the URL
/// with its query).
fn failure_kind(error: &GraphError) -> &'static str {
    match error {
        GraphError::Cancelled => "cancelled",
        GraphError::Timeout { .. } => "timeout",
        GraphError::Network { .. } => "network",
        GraphError::UntrustedCertificate { .. } => "untrusted_certificate",
        _ => "other",
    }
}

/// The info line of a retry: why (`status`; 0 for a failure below HTTP), which attempt, how long
/// we wait and whether that wait is the service's `Retry-After`.
fn log_retry(
    request: &Request<'_>,
    status: u16,
    attempt: u32,
    delay: Duration,
    retry_after: Option<Duration>,
) {
    tracing::info!(
        method = %request.method,
        path = request.url.path(),
        status,
        attempt,
        delay_ms = delay.as_millis() as u64,
        retry_after_honoured = retry_after.is_some(),
        "graph request will be retried"
    );
}

/// The info line of a request that ran out of retries.
fn log_gave_up(request: &Request<'_>, error: &GraphError, attempts: u32) {
    tracing::info!(
        method = %request.method,
        path = request.url.path(),
        status = error.status().unwrap_or(0),
        attempts,
        request_id = error.request_id().unwrap_or("-"),
        "graph request failed after its retries"
    );
}

/// The most pages of one collection: far beyond any tenant's (Intune's largest lists are a few
/// thousand objects, 100 to 1000 a page).
const MAX_PAGES: usize = 10_000;

/// The largest answer read: a `$batch` of 20 settings catalog policies with their settings is a
/// few MB. Beyond it the answer is refused while it is read, so memory stays bounded whatever a
/// server (or something posing as one) sends.
const MAX_BODY: usize = 256 << 20;

/// A response's body, or `None` when it is larger than [`MAX_BODY`].
async fn bounded_body(mut response: reqwest::Response) -> reqwest::Result<Option<Body>> {
    if response.content_length().unwrap_or(0) > MAX_BODY as u64 {
        return Ok(None);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_BODY {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Parses a 2xx body; an empty body (204) is `null`.
fn parse_json(answer: &Answer) -> Result<Value> {
    if answer.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&answer.body).map_err(|_| GraphError::NotJson {
        status: answer.status.as_u16(),
        content_type: answer
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_string(),
        snippet: error::one_line(&String::from_utf8_lossy(&answer.body), 80),
        request_id: answer
            .headers
            .get("request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    })
}

/// Splits a collection page into its items and its next link.
fn split_page(page: Value, path: &str) -> Result<(Vec<Value>, Option<String>)> {
    let Value::Object(mut object) = page else {
        return Err(not_a_collection(path, &page));
    };
    let link = match object.remove("@odata.nextLink") {
        Some(Value::String(link)) => Some(link),
        Some(Value::Null) | None => None,
        Some(other) => {
            return Err(GraphError::NotGraph {
                status: 200,
                detail: format!("{path}: @odata.nextLink is {other}"),
                request_id: None,
            })
        }
    };
    match object.remove("value") {
        Some(Value::Array(items)) => Ok((items, link)),
        _ => Err(not_a_collection(path, &Value::Object(object))),
    }
}

fn not_a_collection(path: &str, page: &Value) -> GraphError {
    GraphError::NotGraph {
        status: 200,
        detail: format!(
            "{path} is not a collection: {}",
            error::one_line(&page.to_string(), 80)
        ),
        request_id: None,
    }
}

/// Classifies a failure below HTTP: TLS trust, timeout, or another network failure.
fn transport_error(error: &reqwest::Error, url: &Url, client_request_id: &str) -> GraphError {
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => url.to_string(),
    };
    let detail = http::error_chain(error);
    if error.is_timeout() {
        GraphError::Timeout {
            host,
            client_request_id: client_request_id.to_string(),
        }
    } else if detail.to_ascii_lowercase().contains("certificate") {
        GraphError::UntrustedCertificate { host, detail }
    } else {
        GraphError::Network {
            host,
            detail,
            client_request_id: client_request_id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_page_splits_into_items_and_link() {
        let page = json!({"@odata.context": "x", "value": [1, 2], "@odata.nextLink": "https://g/beta/x?$skiptoken=a"});
        let (items, link) = split_page(page, "/beta/x").unwrap();
        assert_eq!(items, vec![json!(1), json!(2)]);
        assert_eq!(link.as_deref(), Some("https://g/beta/x?$skiptoken=a"));
        let (items, link) = split_page(json!({"value": []}), "/beta/x").unwrap();
        assert!(items.is_empty() && link.is_none());
        assert!(matches!(
            split_page(json!({"id": "1"}), "/beta/x"),
            Err(GraphError::NotGraph { .. })
        ));
        assert!(matches!(
            split_page(json!([1]), "/beta/x"),
            Err(GraphError::NotGraph { .. })
        ));
    }
}
