//! `$batch` of GETs: envelopes of up to 20 sub-requests, each sub-request paced and retried on its
//! own, collections followed to their last page, results in the caller's order.

use super::error::{self, GraphError};
use super::{AtomicCounters, GraphClient, Request, Result};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::Duration;
use tenantatlas_core::kinds::{ApiVersion, ThrottleFamily};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tracing::Instrument;

/// Graph's limit of sub-requests per `$batch`.
pub const MAX_BATCH: usize = 20;

/// One GET to send inside a `$batch`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchGet {
    /// The caller's name for the request, handed back with its result. Graph sees its own ids
    /// (the position), so these need not be unique nor follow Graph's case-insensitive id rules.
    pub id: String,
    /// Relative to the version root, with or without a leading slash:
    /// `deviceManagement/deviceManagementScripts/{id}`.
    pub url: String,
    pub family: ThrottleFamily,
}

/// What became of one sub-request in one envelope.
enum Outcome {
    Done(Result<Value>),
    /// 429: again after `Retry-After` (or backoff when absent).
    Throttled(Option<Duration>, GraphError),
    /// 5xx or 424, or missing from the answer: again after backoff, a bounded number of times.
    Failed(Option<Duration>, GraphError),
}

struct Slot {
    request: BatchGet,
    result: Option<Result<Value>>,
    failures: u32,
    throttles: u32,
    not_before: Instant,
}

pub(super) async fn run(
    client: &GraphClient,
    version: ApiVersion,
    requests: Vec<BatchGet>,
) -> Vec<(String, Result<Value>)> {
    let start = Instant::now();
    let mut slots: Vec<Slot> = requests
        .into_iter()
        .map(|request| Slot {
            request,
            result: None,
            failures: 0,
            throttles: 0,
            not_before: start,
        })
        .collect();
    let policy = client.inner.retry;
    let counters = &client.inner.counters;
    loop {
        let pending: Vec<usize> = (0..slots.len())
            .filter(|&i| slots[i].result.is_none())
            .collect();
        if pending.is_empty() {
            break;
        }
        let now = Instant::now();
        let ready: Vec<usize> = pending
            .iter()
            .copied()
            .filter(|&i| slots[i].not_before <= now)
            .collect();
        if ready.is_empty() {
            let next = pending
                .iter()
                .map(|&i| slots[i].not_before)
                .min()
                .unwrap_or(now);
            if client.sleep(next - now).await.is_err() {
                break;
            }
            continue;
        }

        let mut tasks = JoinSet::new();
        let mut chunk_of_task = HashMap::new();
        for chunk in chunks(&ready, &slots, client) {
            let items: Vec<(usize, BatchGet)> = chunk
                .iter()
                .map(|&i| (i, slots[i].request.clone()))
                .collect();
            let task_client = client.clone();
            // The envelope's log lines keep the caller's span (the run and tenant of a sync).
            let handle = tasks.spawn(
                async move { envelope(&task_client, version, items).await }.in_current_span(),
            );
            chunk_of_task.insert(handle.id(), chunk);
        }
        while let Some(joined) = tasks.join_next_with_id().await {
            let outcomes = match joined {
                Ok((_, outcomes)) => outcomes,
                Err(join_error) => {
                    // A panicking envelope task must not lose its sub-requests' results.
                    let chunk = chunk_of_task.remove(&join_error.id()).unwrap_or_default();
                    let error = GraphError::Setup(format!("a $batch task failed: {join_error}"));
                    chunk
                        .into_iter()
                        .map(|i| (i, Outcome::Done(Err(error.clone()))))
                        .collect()
                }
            };
            let now = Instant::now();
            for (i, outcome) in outcomes {
                let slot = &mut slots[i];
                match outcome {
                    Outcome::Done(result) => slot.result = Some(result),
                    Outcome::Throttled(retry_after, error) => {
                        AtomicCounters::add(&counters.throttled, 1);
                        slot.throttles += 1;
                        if slot.throttles > policy.max_throttled {
                            slot.result = Some(Err(error));
                            continue;
                        }
                        let delay =
                            retry_after.unwrap_or_else(|| policy.throttle_delay(slot.throttles));
                        log_sub_retry(&slot.request, 429, slot.throttles, delay, retry_after);
                        slot.not_before = now + delay;
                        client.inner.pacer.hold(slot.request.family, now + delay);
                        AtomicCounters::add(&counters.retries, 1);
                    }
                    Outcome::Failed(retry_after, error) => {
                        slot.failures += 1;
                        if slot.failures >= policy.max_attempts {
                            slot.result = Some(Err(error));
                            continue;
                        }
                        let delay =
                            retry_after.unwrap_or_else(|| policy.failure_delay(slot.failures));
                        log_sub_retry(
                            &slot.request,
                            error.status().unwrap_or(0),
                            slot.failures,
                            delay,
                            retry_after,
                        );
                        slot.not_before = now + delay;
                        AtomicCounters::add(&counters.retries, 1);
                    }
                }
            }
        }
        if client.inner.cancel.is_cancelled() {
            break;
        }
    }
    slots
        .into_iter()
        .map(|slot| {
            (
                slot.request.id,
                slot.result.unwrap_or(Err(GraphError::Cancelled)),
            )
        })
        .collect()
}

/// Groups ready sub-requests into envelopes of at most [`MAX_BATCH`], with no more sub-requests of
/// a family than its burst (one for conditional access): sub-requests of one envelope reach the
/// service at the same instant.
fn chunks(ready: &[usize], slots: &[Slot], client: &GraphClient) -> Vec<Vec<usize>> {
    let pacing = client.inner.pacer.pacing();
    let mut chunks: Vec<(Vec<usize>, HashMap<ThrottleFamily, usize>)> = Vec::new();
    for &i in ready {
        let family = slots[i].request.family;
        let burst = pacing.burst(family);
        let fits = chunks.iter_mut().find(|(members, per_family)| {
            members.len() < MAX_BATCH && per_family.get(&family).copied().unwrap_or(0) < burst
        });
        match fits {
            Some((members, per_family)) => {
                members.push(i);
                *per_family.entry(family).or_insert(0) += 1;
            }
            None => chunks.push((vec![i], HashMap::from([(family, 1)]))),
        }
    }
    chunks.into_iter().map(|(members, _)| members).collect()
}

/// Sends one envelope (the envelope itself retried like any request) and sorts out its answers.
async fn envelope(
    client: &GraphClient,
    version: ApiVersion,
    items: Vec<(usize, BatchGet)>,
) -> Vec<(usize, Outcome)> {
    let requests: Vec<Value> = items
        .iter()
        .map(|(i, get)| {
            json!({
                "id": i.to_string(),
                "method": "GET",
                "url": format!("/{}", get.url.trim_start_matches('/')),
            })
        })
        .collect();
    let body = json!({ "requests": requests });
    let mut cost: Vec<(ThrottleFamily, u32)> = Vec::new();
    for (_, get) in &items {
        match cost.iter_mut().find(|(family, _)| *family == get.family) {
            Some((_, n)) => *n += 1,
            None => cost.push((get.family, 1)),
        }
    }
    let url = match client.url(version, "$batch") {
        Ok(url) => url,
        Err(e) => return fail_all(&items, e),
    };
    let request = Request {
        method: Method::POST,
        path: url.path().to_string(),
        url,
        body: Some(&body),
        cost: &cost,
        graph_calls: items.len() as u64,
    };
    let answer = match client.execute(&request).await {
        Ok(answer) => answer,
        Err(e) => return fail_all(&items, e),
    };
    let parsed = match super::parse_json(&answer) {
        Ok(value) => value,
        Err(e) => return fail_all(&items, e),
    };
    let mut parsed = parsed;
    let Some(responses) = parsed
        .get_mut("responses")
        .and_then(Value::as_array_mut)
        .map(std::mem::take)
    else {
        let e = GraphError::NotGraph {
            status: answer.status.as_u16(),
            detail: format!(
                "a $batch answer without responses: {}",
                error::one_line(&parsed.to_string(), 80)
            ),
            request_id: None,
        };
        return fail_all(&items, e);
    };
    // Each sub-response is moved to its request, never copied: a list's body can be megabytes.
    let mut by_id: HashMap<String, Value> = HashMap::new();
    for response in responses {
        let id = match response.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        by_id.insert(id, response);
    }

    // Sub-responses with more pages are followed side by side: one long collection does not hold
    // up the pages of the others in the same envelope.
    let client_request_id = answer.client_request_id.as_str();
    let jobs: Vec<(usize, BatchGet, Option<Value>)> = items
        .into_iter()
        .map(|(i, get)| {
            let response = by_id.remove(&i.to_string());
            (i, get, response)
        })
        .collect();
    futures_util::future::join_all(jobs.into_iter().map(|(i, get, response)| async move {
        let path = format!("/{}/{}", version.as_str(), get.url.trim_start_matches('/'));
        let path = path.split('?').next().unwrap_or("").to_string();
        let Some(response) = response else {
            let e = GraphError::NotGraph {
                status: 200,
                detail: format!("the $batch answer has no response for {path}"),
                request_id: None,
            };
            return (i, Outcome::Failed(None, e));
        };
        (
            i,
            sub_outcome(client, response, &get, &path, client_request_id).await,
        )
    }))
    .await
}

async fn sub_outcome(
    client: &GraphClient,
    mut response: Value,
    get: &BatchGet,
    path: &str,
    client_request_id: &str,
) -> Outcome {
    let status = response
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(0);
    let body = response
        .get_mut("body")
        .map(Value::take)
        .unwrap_or(Value::Null);
    let headers = response.get("headers").and_then(Value::as_object);
    let header = |name: &str| -> Option<String> {
        headers?.iter().find_map(|(k, v)| {
            k.eq_ignore_ascii_case(name).then(|| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
    };
    log_sub_response(path, status, header("request-id"), client_request_id);
    let policy = client.inner.retry;
    let retry_after = policy.retry_after(header("retry-after").as_deref());
    match status {
        200..=299 => Outcome::Done(complete(client, body, get, path).await),
        429 => Outcome::Throttled(
            retry_after,
            error::from_json(429, &body, header("request-id"), path, client_request_id),
        ),
        424 => Outcome::Failed(
            retry_after,
            error::from_json(424, &body, header("request-id"), path, client_request_id),
        ),
        s if super::retry::transient_status(s) => Outcome::Failed(
            retry_after,
            error::from_json(s, &body, header("request-id"), path, client_request_id),
        ),
        0 => Outcome::Failed(
            None,
            GraphError::NotGraph {
                status: 200,
                detail: format!("a $batch response without a status for {path}"),
                request_id: None,
            },
        ),
        s => Outcome::Done(Err(error::from_json(
            s,
            &body,
            header("request-id"),
            path,
            client_request_id,
        ))),
    }
}

/// A sub-response that is one page of a collection is followed to its last page; the caller gets
/// the body with every item in `value` and no `@odata.nextLink`.
async fn complete(client: &GraphClient, body: Value, get: &BatchGet, path: &str) -> Result<Value> {
    let Value::Object(mut object) = body else {
        return Ok(body);
    };
    let link = match object.remove("@odata.nextLink") {
        Some(Value::String(link)) => link,
        Some(_) | None => return Ok(Value::Object(object)),
    };
    let first: Vec<Value> = match object.remove("value") {
        Some(Value::Array(items)) => items,
        _ => {
            return Err(GraphError::NotGraph {
                status: 200,
                detail: format!("{path} has a next link but no value"),
                request_id: None,
            })
        }
    };
    let url = client.next_link(&link)?;
    let items = client.get_all_from(url, get.family, first).await?;
    let mut whole = Map::new();
    for (key, value) in object {
        whole.insert(key, value);
    }
    whole.insert("value".into(), Value::Array(items));
    Ok(Value::Object(whole))
}

/// One sub-response's line: its path (no query), status and `request-id`, with the envelope's
/// `client-request-id`. Answers are trace (there are many), anything else debug.
fn log_sub_response(
    path: &str,
    status: u16,
    request_id: Option<String>,
    envelope_client_request_id: &str,
) {
    let request_id = request_id.unwrap_or_else(|| "-".into());
    if (200..300).contains(&status) {
        tracing::trace!(
            path,
            status,
            request_id,
            envelope_client_request_id,
            "$batch sub-request"
        );
    } else {
        tracing::debug!(
            path,
            status,
            request_id,
            envelope_client_request_id,
            "$batch sub-request"
        );
    }
}

/// A sub-request going out again in a later envelope (status 0: no answer for it).
fn log_sub_retry(
    get: &BatchGet,
    status: u16,
    attempt: u32,
    delay: Duration,
    retry_after: Option<Duration>,
) {
    tracing::info!(
        path = super::http::logged_path(&get.url),
        status,
        attempt,
        delay_ms = delay.as_millis() as u64,
        retry_after_honoured = retry_after.is_some(),
        "$batch sub-request will be retried"
    );
}

fn fail_all(items: &[(usize, BatchGet)], error: GraphError) -> Vec<(usize, Outcome)> {
    items
        .iter()
        .map(|(i, _)| (*i, Outcome::Done(Err(error.clone()))))
        .collect()
}
