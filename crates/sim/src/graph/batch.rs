//! JSON `$batch`: up to 20 requests with `id`, `method`, relative `url`, optional `headers`, `body`
//! and `dependsOn`. Each sub-request goes through the same [`dispatch`](super::dispatch) as a single
//! request — so each is throttled and counted on its own and may come back 429 inside a 200 batch.
//! A sub-request whose dependency failed gets 424.

use super::error::{GraphError, Reply};
use super::{dispatch, Call};
use crate::state::World;
use axum::http::{HeaderMap, Method};
use serde_json::{json, Map, Value};

const MAX_REQUESTS: usize = 20;

pub fn handle(
    world: &mut World,
    call: &Call,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let date = super::error_date(world.now_time());
    let url = format!("{}/{}/$batch", call.base, call.version.as_str());
    let fail = |e: GraphError| {
        e.to_reply(
            &call.request_id,
            call.client_request_id.as_deref(),
            &date,
            &url,
        )
    };
    *world
        .stats
        .by_route
        .entry(format!("POST /{}/$batch", call.version.as_str()))
        .or_insert(0) += 1;
    if *method != Method::POST {
        return fail(GraphError::method_not_allowed(method.as_str()));
    }
    let parsed = match super::parse_body(method, headers, body) {
        Ok(Some(value)) => value,
        Ok(None) => {
            return fail(GraphError::bad_request(
                "Empty Payload. JSON content expected.",
            ))
        }
        Err(e) => return fail(e),
    };
    let Some(requests) = parsed.get("requests").and_then(Value::as_array) else {
        return fail(GraphError::bad_request(
            "Invalid batch payload format: the body must have a 'requests' array.",
        ));
    };
    if requests.is_empty() {
        return fail(GraphError::bad_request(
            "Invalid batch payload format: the 'requests' array is empty.",
        ));
    }
    if requests.len() > MAX_REQUESTS {
        return fail(GraphError::bad_request(format!(
            "Number of requests in the batch cannot exceed {MAX_REQUESTS}. Received {}.",
            requests.len()
        )));
    }
    // Validate the whole batch before running any of it.
    let mut parsed_requests = Vec::new();
    for request in requests {
        let id = match request.get("id") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => {
                return fail(GraphError::bad_request(
                    "Invalid batch payload format: every request needs an 'id'.",
                ))
            }
        };
        // Ids are case-insensitive: `a` and `A` are the same request id.
        if parsed_requests
            .iter()
            .any(|(existing, _): &(String, &Value)| existing.eq_ignore_ascii_case(&id))
        {
            return fail(GraphError::bad_request(format!(
                "Batch request ids must be unique; '{id}' appears more than once."
            )));
        }
        parsed_requests.push((id, request));
    }
    for (id, request) in &parsed_requests {
        for dep in depends_on(request) {
            if !parsed_requests.iter().any(|(other, _)| *other == dep) || dep == *id {
                return fail(GraphError::bad_request(format!("Request '{id}' depends on '{dep}', which is not an earlier request in this batch.")));
            }
        }
    }

    let mut statuses: Vec<(String, u16)> = Vec::new();
    let mut responses = Vec::new();
    for (id, request) in parsed_requests {
        let failed_dependency = depends_on(request).iter().any(|dep| {
            statuses
                .iter()
                .any(|(d, s)| d == dep && !(200..300).contains(s))
                || !statuses.iter().any(|(d, _)| d == dep)
        });
        let reply = if failed_dependency {
            world.stats.graph_calls += 1;
            GraphError::new(
                424,
                "FailedDependency",
                "Failed dependency: a request this one depends on did not succeed.",
            )
            .to_reply(
                &call.request_id,
                call.client_request_id.as_deref(),
                &date,
                &url,
            )
        } else {
            run_one(world, call, request).unwrap_or_else(|e| {
                world.stats.graph_calls += 1;
                e.to_reply(
                    &call.request_id,
                    call.client_request_id.as_deref(),
                    &date,
                    &url,
                )
            })
        };
        statuses.push((id.clone(), reply.status));
        let mut headers = Map::new();
        for (name, value) in &reply.headers {
            headers.insert(name.clone(), json!(value));
        }
        let mut entry = Map::new();
        entry.insert("id".into(), json!(id));
        entry.insert("status".into(), json!(reply.status));
        entry.insert("headers".into(), Value::Object(headers));
        if let Some(body) = reply.body {
            entry.insert("body".into(), body);
        }
        responses.push(Value::Object(entry));
    }
    Reply::json(200, json!({"responses": responses}))
}

fn depends_on(request: &Value) -> Vec<String> {
    match request.get("dependsOn") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn run_one(world: &mut World, call: &Call, request: &Value) -> Result<Reply, GraphError> {
    let method_text = request.get("method").and_then(Value::as_str).unwrap_or("");
    let method = Method::from_bytes(method_text.to_ascii_uppercase().as_bytes())
        .ok()
        .filter(|m| {
            matches!(
                *m,
                Method::GET | Method::POST | Method::PATCH | Method::PUT | Method::DELETE
            )
        })
        .ok_or_else(|| {
            GraphError::bad_request(format!("Invalid method '{method_text}' in batch request."))
        })?;
    let url = request.get("url").and_then(Value::as_str).ok_or_else(|| {
        GraphError::bad_request("Invalid batch payload format: every request needs a 'url'.")
    })?;
    if url.starts_with("http://") || url.starts_with("https://") {
        return Err(GraphError::bad_request("Batch request URLs must be relative to the version root (e.g. '/deviceManagement/deviceConfigurations')."));
    }
    let url = url.trim_start_matches('/');
    // Some clients repeat the version in the relative URL; the service accepts it.
    let url = url
        .strip_prefix(&format!("{}/", call.version.as_str()))
        .unwrap_or(url);
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let headers: Map<String, Value> = request
        .get("headers")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let body = match request.get("body") {
        None | Some(Value::Null) => None,
        Some(body) => {
            let has_content_type = headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case("content-type"));
            if !has_content_type {
                return Err(GraphError::bad_request(
                    "Content-Type header must be specified for a request with a body.",
                ));
            }
            Some(body.clone())
        }
    };
    let path = path.trim_end_matches('/').to_string();
    Ok(dispatch(world, call, &method, &path, query, body))
}
