//! One module per use case (the verbs of the product).

pub mod backup;
pub mod baseline_file;
pub mod baseline_view;
pub mod baselines;
pub mod break_glass;
pub mod compare;
pub mod diff;
pub mod drift;
pub mod exchange;
pub mod findings;
pub mod import;
pub mod input;
pub mod inventory;
pub mod labels;
pub mod policy_view;
pub mod portfolio;
pub mod queries;
pub mod report;
pub mod search;
pub mod settings;
pub mod severity;
pub mod sync;
pub mod tenant_add;
pub mod workspace_status;

use tenantatlas_graph::auth::TokenSet;
use tenantatlas_store::StoredTokens;

/// Tokens as the workspace keeps them (encrypted with the rest of the database).
pub(crate) fn stored_tokens(tokens: &TokenSet) -> StoredTokens {
    StoredTokens {
        refresh_token: tokens.refresh_token.clone().unwrap_or_default(),
        access_token: Some(tokens.access_token.clone()),
        access_expires_at: Some(tokens.expires_at as i64),
    }
}
