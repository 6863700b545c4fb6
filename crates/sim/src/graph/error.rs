//! Graph's error bodies: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
//! Intune wraps its own message in a JSON-encoded string (`{"_version":3,"Message":…}`); Entra's
//! directory uses its own codes (`Request_ResourceNotFound`, `Authorization_RequestDenied`).

use serde_json::{json, Value};

/// A Graph response before it is written to HTTP (or into a `$batch` response).
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8".into(),
            )],
            body: Some(body),
        }
    }

    pub fn no_content() -> Self {
        Reply {
            status: 204,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_string(), value.into()));
        self
    }
}

/// Where an error comes from decides how its body looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Graph's own front end (bad URLs, bad query options, authentication).
    Graph,
    /// Intune's services (`deviceManagement`, `deviceAppManagement`).
    Intune,
    /// Entra ID's directory (`groups`, `directoryObjects`, `organization`, conditional access).
    Directory,
}

/// An error reply. `request_id` goes into `innerError` and the `request-id` header, as the service does.
#[derive(Clone, Debug)]
pub struct GraphError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub source: Source,
    pub retry_after: Option<u64>,
}

impl GraphError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        GraphError {
            status,
            code: code.to_string(),
            message: message.into(),
            source: Source::Graph,
            retry_after: None,
        }
    }

    pub fn from(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    pub fn with_code(mut self, code: &str) -> Self {
        self.code = code.to_string();
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        GraphError::new(400, "BadRequest", message)
    }

    pub fn segment_not_found(segment: &str) -> Self {
        GraphError::new(
            400,
            "BadRequest",
            format!("Resource not found for the segment '{segment}'."),
        )
    }

    pub fn not_found(source: Source, id: &str) -> Self {
        match source {
            Source::Directory => GraphError::new(
                404,
                "Request_ResourceNotFound",
                format!("Resource '{id}' does not exist or one of its queried reference-property objects are not present."),
            )
            .from(Source::Directory),
            _ => GraphError::new(404, "ResourceNotFound", "An error has occurred").from(source),
        }
    }

    pub fn method_not_allowed(method: &str) -> Self {
        GraphError::new(
            405,
            "Request_BadRequest",
            format!("The HTTP method '{method}' is not allowed for the requested resource."),
        )
    }

    /// The body as the service writes it.
    pub fn to_reply(
        &self,
        request_id: &str,
        client_request_id: Option<&str>,
        date: &str,
        url: &str,
    ) -> Reply {
        let message = match self.source {
            // Intune puts a JSON document into the message string.
            Source::Intune => {
                let text = &self.message;
                json!({
                    "_version": 3,
                    "Message": format!("{text} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: {request_id} - Url: {url}"),
                    "CustomApiErrorPhrase": "",
                    "RetryAfter": self.retry_after,
                    "ErrorSourceService": "",
                    "HttpHeaders": "{}",
                })
                .to_string()
            }
            _ => self.message.clone(),
        };
        let mut reply = Reply::json(
            self.status,
            json!({
                "error": {
                    "code": self.code,
                    "message": message,
                    "innerError": {
                        "date": date,
                        "request-id": request_id,
                        "client-request-id": client_request_id.unwrap_or(request_id),
                    }
                }
            }),
        );
        if let Some(seconds) = self.retry_after {
            reply = reply.with_header("Retry-After", seconds.to_string());
        }
        reply
    }
}

/// Shorthand for handlers.
pub type GraphResult<T> = Result<T, GraphError>;
