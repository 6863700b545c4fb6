//! Shared helpers for the store's crate tests: real workspaces in temporary folders, passphrase
//! mode (no keychain needed, and Argon2id is the only slow step).

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tenantatlas_core::{kinds::by_key, CapturedObject};
use tenantatlas_store::{KeyOptions, TenantRecord, TenantState, Workspace};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn passphrase(p: &str) -> KeyOptions {
    KeyOptions {
        passphrase: Some(p.to_string()),
    }
}

/// A fresh folder path (not yet created) inside a temporary directory.
pub fn fresh_dir() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("workspace");
    (tmp, dir)
}

pub async fn open(dir: &Path) -> Workspace {
    Workspace::open(dir, &passphrase(PASSPHRASE)).await.unwrap()
}

pub fn tenant(id: &str, domain: &str, name: &str) -> TenantRecord {
    TenantRecord {
        id: id.to_string(),
        domain: domain.to_string(),
        name: name.to_string(),
        state: TenantState::Active,
        authority: "https://login.microsoftonline.com".to_string(),
        graph_url: "https://graph.microsoft.com".to_string(),
        client_id: "00000000-0000-0000-0000-00000000c11e".to_string(),
        ca_cert_pem: None,
        granted_scopes: vec!["DeviceManagementConfiguration.Read.All".to_string()],
        sign_in: Default::default(),
        created_at: String::new(),
        updated_at: String::new(),
        last_sync_at: None,
        last_sync_run_id: None,
    }
}

/// A captured object, built the way a sync builds it (normalised and hashed by tenantatlas-core).
pub fn object(kind: &str, id: &str, name: &str, setting: Value) -> CapturedObject {
    let kind = by_key(kind).expect("a registered kind");
    let mut raw = json!({
        "id": id,
        "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
        "lastModifiedDateTime": "2026-01-01T00:00:00Z",
        "setting": setting,
    });
    raw[kind.name_field] = json!(name);
    CapturedObject::new(kind, &raw)
}

/// How many rows a table has, through raw SQL.
pub async fn count(ws: &Workspace, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(ws.pool())
        .await
        .unwrap()
}
