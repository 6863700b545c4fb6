//! What can go wrong talking to Graph, as one typed error whose `Display` is a single lowercase
//! line that says what to do next where we can tell.

use crate::auth::AuthError;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::sync::Arc;

/// An error of the Graph client. `Clone` so one failed `$batch` envelope can fail each of its
/// sub-requests.
#[derive(Clone, Debug, thiserror::Error)]
pub enum GraphError {
    /// Graph answered with an error status (after any retries).
    #[error("{}", http_line(*.status, .code.as_deref(), .message, .path, .request_id.as_deref()))]
    Http {
        status: u16,
        /// Graph's `error.code`; for Intune's doubly wrapped errors the inner `ErrorCode`.
        code: Option<String>,
        /// Graph's `error.message`, with Intune's JSON-in-a-string unwrapped to its `Message`.
        message: String,
        /// The request path (no query: queries may carry names).
        path: String,
        /// The service's `request-id` (header, else `innerError`): what Microsoft support asks for.
        request_id: Option<String>,
        /// The `client-request-id` we sent.
        client_request_id: String,
    },
    #[error("could not reach {host} ({detail}); check the network connection and proxy settings")]
    Network {
        host: String,
        detail: String,
        client_request_id: String,
    },
    #[error("{host} did not answer in time; try again later")]
    Timeout {
        host: String,
        client_request_id: String,
    },
    #[error("the certificate of {host} is not trusted ({detail}); if a proxy inspects tls or the tenant uses a private cloud, pass its ca certificate with --ca-cert")]
    UntrustedCertificate { host: String, detail: String },
    #[error("the server sent a response that is not JSON (http {status}, {content_type}: {snippet:?}); check the tenant's graph url")]
    NotJson {
        status: u16,
        content_type: String,
        snippet: String,
        request_id: Option<String>,
    },
    #[error("the server sent a response that is not a microsoft graph response (http {status}: {detail}); check the tenant's graph url")]
    NotGraph {
        status: u16,
        detail: String,
        request_id: Option<String>,
    },
    #[error("the server sent a paging link to another host ({host}); the token was not sent there, check the tenant's graph url")]
    ForeignLink { host: String },
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Auth(Arc<AuthError>),
    #[error("the ca certificate is not usable ({0}); pass a pem-encoded certificate to --ca-cert")]
    InvalidCaCert(String),
    #[error("the graph url {url} is not usable ({detail}); check the tenant's settings")]
    InvalidUrl { url: String, detail: String },
    #[error("could not set up the https client ({0})")]
    Setup(String),
}

impl From<AuthError> for GraphError {
    fn from(e: AuthError) -> Self {
        GraphError::Auth(Arc::new(e))
    }
}

impl GraphError {
    /// The service's `request-id`, when the service answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Http { request_id, .. }
            | GraphError::NotJson { request_id, .. }
            | GraphError::NotGraph { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `client-request-id` we sent, where one was sent.
    pub fn client_request_id(&self) -> Option<&str> {
        match self {
            GraphError::Http {
                client_request_id, ..
            }
            | GraphError::Network {
                client_request_id, ..
            }
            | GraphError::Timeout {
                client_request_id, ..
            } => Some(client_request_id),
            _ => None,
        }
    }

    /// The HTTP status the service answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Http { status, .. }
            | GraphError::NotJson { status, .. }
            | GraphError::NotGraph { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Graph's error code, if it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Http { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub fn is_cancelled(&self) -> bool {
        matches!(self, GraphError::Cancelled)
    }

    /// Worth another attempt: the connection failed or timed out (TLS trust never changes by itself).
    pub(crate) fn is_transient_transport(&self) -> bool {
        matches!(
            self,
            GraphError::Network { .. } | GraphError::Timeout { .. }
        )
    }
}

fn http_line(
    status: u16,
    code: Option<&str>,
    message: &str,
    path: &str,
    request_id: Option<&str>,
) -> String {
    let mut what = status.to_string();
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        what.push(' ');
        what.push_str(code);
    }
    if !message.is_empty() {
        what.push_str(": ");
        what.push_str(message);
    }
    if let Some(id) = request_id {
        what.push_str(", request-id ");
        what.push_str(id);
    }
    match status {
        401 => format!("graph refused the sign-in for {path} ({what}); sign in to the tenant again"),
        403 => format!("graph denied access to {path} ({what}); the signed-in account lacks a permission or intune role for this"),
        404 => format!("graph found nothing at {path} ({what})"),
        429 => format!("graph kept throttling {path} ({what}); try again in a few minutes"),
        s if s >= 500 => format!("graph failed on {path} ({what}); try again later"),
        _ => format!("graph refused {path} ({what})"),
    }
}

/// Collapses whitespace to single spaces and shortens to `max` characters, so any server text
/// fits the one-line error.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > max {
        let mut cut: String = out.chars().take(max).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

/// Intune puts a JSON document in a string into `error.message`
/// (`{"_version":3,"Message":"An error has occurred - …"}`), sometimes twice over with an
/// `ErrorCode` (`{"ErrorCode":"Forbidden","Message":"{…}"}`). Returns the innermost message and
/// the innermost `ErrorCode`, if any.
pub(crate) fn unwrap_message(message: &str) -> (String, Option<String>) {
    let mut current = message.to_string();
    let mut code = None;
    for _ in 0..4 {
        let Ok(Value::Object(inner)) = serde_json::from_str::<Value>(current.trim()) else {
            break;
        };
        if let Some(c) = inner.get("ErrorCode").and_then(Value::as_str) {
            code = Some(c.to_string());
        }
        match inner.get("Message").and_then(Value::as_str) {
            Some(m) => current = m.to_string(),
            None => break,
        }
    }
    (current, code)
}

/// Turns an error response into a [`GraphError`]: a Graph error body gives `Http`; anything else
/// is `NotJson` / `NotGraph`, except for statuses that mean a gateway failed or throttled (5xx,
/// 429), which stay `Http` without a code so the retry logic treats them as such.
pub(crate) fn from_response(
    status: u16,
    headers: Option<&HeaderMap>,
    body: &[u8],
    path: &str,
    client_request_id: &str,
) -> GraphError {
    let header_request_id = headers
        .and_then(|h| h.get("request-id"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let content_type = headers
        .and_then(|h| h.get(reqwest::header::CONTENT_TYPE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no content type")
        .to_string();
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => from_json(status, &value, header_request_id, path, client_request_id),
        Err(_) if status == 429 || status >= 500 => GraphError::Http {
            status,
            code: None,
            message: one_line(&String::from_utf8_lossy(body), 120),
            path: path.to_string(),
            request_id: header_request_id,
            client_request_id: client_request_id.to_string(),
        },
        Err(_) => GraphError::NotJson {
            status,
            content_type,
            snippet: one_line(&String::from_utf8_lossy(body), 80),
            request_id: header_request_id,
        },
    }
}

/// As [`from_response`], for a body already parsed (a `$batch` sub-response).
pub(crate) fn from_json(
    status: u16,
    value: &Value,
    request_id: Option<String>,
    path: &str,
    client_request_id: &str,
) -> GraphError {
    let error = &value["error"];
    let body_request_id = error["innerError"]["request-id"]
        .as_str()
        .or_else(|| error["innererror"]["request-id"].as_str())
        .map(str::to_string);
    let request_id = request_id.or(body_request_id);
    match error["code"].as_str() {
        Some(code) => {
            let (message, inner_code) = unwrap_message(error["message"].as_str().unwrap_or(""));
            let code = match inner_code {
                Some(inner) if code.is_empty() || code == "UnknownError" => inner,
                _ => code.to_string(),
            };
            GraphError::Http {
                status,
                code: Some(code).filter(|c| !c.is_empty()),
                message: one_line(&message, 300),
                path: path.to_string(),
                request_id,
                client_request_id: client_request_id.to_string(),
            }
        }
        None if status == 429 || status >= 500 || status == 424 => GraphError::Http {
            status,
            code: None,
            message: one_line(&value.to_string(), 120),
            path: path.to_string(),
            request_id,
            client_request_id: client_request_id.to_string(),
        },
        None => GraphError::NotGraph {
            status,
            detail: one_line(&value.to_string(), 120),
            request_id,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intune_json_in_a_string_is_unwrapped() {
        let body = json!({"error": {"code": "ResourceNotFound",
            "message": "{\r\n  \"_version\": 3,\r\n  \"Message\": \"An error has occurred - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: d4f4\",\r\n  \"CustomApiErrorPhrase\": \"\",\r\n  \"RetryAfter\": null\r\n}",
            "innerError": {"date": "2020-09-25T09:58:18", "request-id": "d4f4", "client-request-id": "c1"}}});
        let e = from_json(404, &body, None, "/beta/deviceManagement/x", "c1");
        assert_eq!(e.code(), Some("ResourceNotFound"));
        assert_eq!(e.request_id(), Some("d4f4"));
        let line = e.to_string();
        assert!(line.starts_with("graph found nothing at /beta/deviceManagement/x (404 ResourceNotFound: An error has occurred - Operation ID"), "{line}");
        assert!(!line.contains('\n') && !line.contains("_version"), "{line}");
    }

    #[test]
    fn doubly_wrapped_forbidden_reports_the_inner_code() {
        let inner =
            json!({"_version": 3, "Message": "No permission", "HttpHeaders": "{}"}).to_string();
        let middle = json!({"ErrorCode": "Forbidden", "Message": inner}).to_string();
        let body = json!({"error": {"code": "UnknownError", "message": middle}});
        let e = from_json(403, &body, Some("rid".into()), "/beta/x", "c");
        assert_eq!(e.code(), Some("Forbidden"));
        assert!(
            e.to_string().contains(
                "(403 Forbidden: No permission, request-id rid); the signed-in account lacks"
            ),
            "{e}"
        );
    }

    #[test]
    fn plain_messages_stay_as_they_are() {
        let (m, c) = unwrap_message("Resource not found for the segment 'x'.");
        assert_eq!(m, "Resource not found for the segment 'x'.");
        assert_eq!(c, None);
        let (m, _) = unwrap_message("{not json");
        assert_eq!(m, "{not json");
    }

    #[test]
    fn html_is_not_json_unless_a_gateway_failed() {
        let html = b"<html><body><h1>Sign in</h1></body></html>";
        let e = from_response(200, None, html, "/beta/x", "c");
        assert!(matches!(e, GraphError::NotJson { status: 200, .. }));
        assert!(
            e.to_string()
                .starts_with("the server sent a response that is not JSON (http 200"),
            "{e}"
        );
        let e = from_response(502, None, b"<html>502 Bad Gateway</html>", "/beta/x", "c");
        assert!(matches!(
            e,
            GraphError::Http {
                status: 502,
                code: None,
                ..
            }
        ));
    }

    #[test]
    fn json_that_is_not_a_graph_error_is_not_graph() {
        let body = json!({"error": "invalid_request", "error_description": "AADSTS900144: …"});
        let e = from_json(404, &body, None, "/beta/x", "c");
        assert!(
            matches!(e, GraphError::NotGraph { status: 404, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn every_message_is_one_lowercase_line() {
        let errors = [
            GraphError::Network { host: "graph.microsoft.com".into(), detail: "connection reset".into(), client_request_id: "c".into() },
            GraphError::Timeout { host: "graph.microsoft.com".into(), client_request_id: "c".into() },
            GraphError::UntrustedCertificate { host: "h".into(), detail: "invalid peer certificate: UnknownIssuer".into() },
            GraphError::ForeignLink { host: "evil.example".into() },
            GraphError::Cancelled,
            GraphError::InvalidCaCert("no certificate found".into()),
            from_response(500, None, b"{\"error\":{\"code\":\"InternalServerError\",\"message\":\"An\\r\\ninternal error.\"}}", "/v1.0/x", "c"),
        ];
        for e in errors {
            let line = e.to_string();
            assert!(!line.contains('\n') && !line.ends_with('.'), "{line}");
            assert!(line.chars().next().unwrap().is_lowercase(), "{line}");
        }
    }
}
