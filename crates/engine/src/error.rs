//! The engine's error: a closed code a UI can branch on, and a message for people.

use serde::Serialize;

/// What kind of failure, for front doors to branch on (never on message text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A tenant, object, version or run that does not exist.
    NotFound,
    /// Bad input from the user (an argument, a file).
    InvalidInput,
    /// Sign-in failed, was declined, revoked or expired.
    Auth,
    /// Microsoft Graph refused or failed.
    Graph,
    /// The workspace could not be opened or written (key, corruption, disk).
    Workspace,
    /// The user cancelled.
    Cancelled,
}

/// An error with a one-line message that says what to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct EngineError {
    pub code: ErrorCode,
    pub message: String,
}

impl EngineError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        EngineError {
            code,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        EngineError::new(ErrorCode::NotFound, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        EngineError::new(ErrorCode::InvalidInput, message)
    }

    /// Content a snapshot or baseline points at is not in the workspace: it was damaged.
    pub fn missing_content(hash: &str) -> Self {
        EngineError::new(
            ErrorCode::Workspace,
            format!(
                "content {hash} is missing from the workspace; it is damaged — restore it from a backup"
            ),
        )
    }
}

impl From<tenantatlas_store::StoreError> for EngineError {
    fn from(e: tenantatlas_store::StoreError) -> Self {
        use tenantatlas_store::StoreError;
        let code = match e {
            // What the user typed, not the workspace, is what to change.
            StoreError::WeakPassphrase => ErrorCode::InvalidInput,
            StoreError::TenantNotFound(_) | StoreError::RunNotFound(_) => ErrorCode::NotFound,
            _ => ErrorCode::Workspace,
        };
        EngineError::new(code, e.to_string())
    }
}

impl From<tenantatlas_graph::auth::AuthError> for EngineError {
    fn from(e: tenantatlas_graph::auth::AuthError) -> Self {
        EngineError::new(ErrorCode::Auth, e.to_string())
    }
}

impl From<tenantatlas_graph::client::GraphError> for EngineError {
    fn from(e: tenantatlas_graph::client::GraphError) -> Self {
        let code = if matches!(e, tenantatlas_graph::client::GraphError::Cancelled) {
            ErrorCode::Cancelled
        } else {
            ErrorCode::Graph
        };
        EngineError::new(code, e.to_string())
    }
}
