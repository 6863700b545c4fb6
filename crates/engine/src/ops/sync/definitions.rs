//! The settings catalog definitions a tenant's policies use, read once per workspace for friendly
//! setting names (`core::labels`).
//!
//! Definitions are Microsoft's and the same in every tenant, so the workspace keeps one copy
//! (`store::definitions`) and a sync asks only for ids it has never seen, in `$batch` groups of 20:
//! the first tenant pays for its settings, later tenants only for settings no tenant used before,
//! and a sync of an unchanged tenant asks for nothing. An id the service does not know (404) is
//! remembered and asked again after [`RETRY_UNKNOWN_AFTER`]. Names are a convenience: failing to
//! read them is a warning of the run, never a failure, and they are asked for again next time.

use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;
use tenantatlas_core::kinds::{ApiVersion, ThrottleFamily};
use tenantatlas_core::labels::{definition_ids, parse_definition, SettingDefinition};
use tenantatlas_core::CapturedObject;
use tenantatlas_graph::client::{BatchGet, GraphClient, GraphError};
use tenantatlas_store::Workspace;

/// How long an id the service did not know is left alone before it is asked for again.
pub(super) const RETRY_UNKNOWN_AFTER: Duration = Duration::from_secs(30 * 24 * 3600);

const SETTINGS_CATALOG: &str = "configurationPolicies";

/// Serialises the definition step of the tenants of one sync, so that tenants synced at the same
/// time never ask for the same definitions twice: the second waits, then finds them stored.
pub(crate) type DefinitionsGate = tokio::sync::Mutex<()>;

/// Reads and stores the definitions `captured` settings catalog policies use that the workspace
/// does not have. Returns warnings (empty when all went well); never fails.
pub(super) async fn read_missing_definitions(
    workspace: &Workspace,
    client: &GraphClient,
    captured: &[CapturedObject],
    gate: &DefinitionsGate,
) -> Vec<String> {
    let used: BTreeSet<String> = captured
        .iter()
        .filter(|o| o.kind == SETTINGS_CATALOG)
        .flat_map(|o| definition_ids(&o.content))
        .collect();
    if used.is_empty() {
        return Vec::new();
    }
    let _turn = gate.lock().await;
    let missing = match workspace
        .setting_definitions_to_fetch(&used, RETRY_UNKNOWN_AFTER)
        .await
    {
        Ok(missing) => missing,
        Err(e) => return vec![format!("setting names could not be looked up: {e}")],
    };
    if missing.is_empty() {
        return Vec::new();
    }
    let requests = missing
        .iter()
        .map(|id| BatchGet {
            id: id.clone(),
            url: definition_url(id),
            family: ThrottleFamily::IntuneConfig,
        })
        .collect();
    let answers = client.batch_get(ApiVersion::Beta, requests).await;
    let outcome = sort_answers(answers);
    let mut warnings = Vec::new();
    if let Err(e) = workspace.upsert_setting_definitions(&outcome.found).await {
        warnings.push(format!("setting names could not be saved: {e}"));
    }
    if let Err(e) = workspace
        .mark_setting_definitions_unknown(&outcome.unknown)
        .await
    {
        warnings.push(format!(
            "unknown setting definitions could not be saved: {e}"
        ));
    }
    if let Some(first) = outcome.first_error {
        warnings.push(format!(
            "names of {} setting(s) could not be read ({first}); they are asked for again on the next sync",
            outcome.failed
        ));
    }
    warnings
}

/// What is escaped in an id in a path: all but RFC 3986's unreserved characters (definition ids
/// are `device_vendor_msft_…`, and stay readable in logs).
const PATH_ID: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'-')
    .remove(b'.')
    .remove(b'~');

/// `deviceManagement/configurationSettings/{id}`, the id percent-encoded.
fn definition_url(id: &str) -> String {
    let id = percent_encoding::utf8_percent_encode(id, PATH_ID);
    format!("deviceManagement/configurationSettings/{id}")
}

/// What the answers to the definition requests come to.
#[derive(Debug, Default)]
struct Answers {
    found: Vec<(String, SettingDefinition)>,
    /// Ids the service does not know (404).
    unknown: Vec<String>,
    /// Requests that failed otherwise, and the first error.
    failed: usize,
    first_error: Option<String>,
}

fn sort_answers(answers: Vec<(String, Result<Value, GraphError>)>) -> Answers {
    let mut out = Answers::default();
    for (id, result) in answers {
        match result {
            // Stored under the id asked for, which is the one the policies use.
            Ok(value) => match parse_definition(&value) {
                Some((_, definition)) => out.found.push((id, definition)),
                None => out.unknown.push(id),
            },
            Err(e) if e.status() == Some(404) => out.unknown.push(id),
            Err(e) => {
                out.failed += 1;
                out.first_error.get_or_insert_with(|| e.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;
    use tenantatlas_core::kinds::by_key;
    use tenantatlas_graph::auth::AuthError;
    use tenantatlas_graph::client::{http_client, ClientConfig, RetryPolicy};
    use tenantatlas_graph::{BoxFuture, TokenSource};
    use tenantatlas_sim::{SimConfig, Simulator};
    use tenantatlas_store::KeyOptions;

    struct FixedToken(String);

    impl TokenSource for FixedToken {
        fn access_token<'a>(
            &'a self,
            _rejected: Option<&'a str>,
        ) -> BoxFuture<'a, Result<String, AuthError>> {
            Box::pin(async move { Ok(self.0.clone()) })
        }
    }

    /// A settings catalog policy using these definition ids.
    fn policy(ids: &[String]) -> CapturedObject {
        let settings: Vec<Value> = ids
            .iter()
            .map(|id| json!({"settingInstance": {"settingDefinitionId": id}}))
            .collect();
        CapturedObject::new(
            by_key(SETTINGS_CATALOG).unwrap(),
            &json!({"id": "p", "name": "P", "settings": settings}),
        )
    }

    /// Against the simulator: known definitions are read in `$batch` once, an unknown one is
    /// remembered, and an unreachable service costs a warning, not the sync.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn names_are_read_once_and_failing_to_read_them_is_a_warning() {
        let sim = Simulator::start(SimConfig {
            tenants: 1,
            objects_per_tenant: 10,
            ..SimConfig::default()
        })
        .await
        .unwrap();
        let pem = std::fs::read_to_string(sim.ca_cert()).unwrap();
        let token = sim
            .access_token(&sim.tenants()[0].id, "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10")
            .unwrap();
        let mut config = ClientConfig::new(
            url::Url::parse(sim.graph()).unwrap(),
            http_client(Some(&pem)).unwrap(),
            Arc::new(FixedToken(token)),
        );
        config.retry = RetryPolicy {
            max_attempts: 1,
            backoff_base: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let client = GraphClient::new(config);
        let dir = std::env::temp_dir().join(format!(
            "tenantatlas-definitions-{}-{}",
            std::process::id(),
            time::OffsetDateTime::now_utc().unix_timestamp_nanos()
        ));
        let workspace = Workspace::open(
            &dir,
            &KeyOptions {
                passphrase: Some("definitions test".into()),
            },
        )
        .await
        .unwrap();
        let gate = DefinitionsGate::default();

        // 25 definitions the service knows and one it does not: two `$batch` envelopes.
        let mut ids: Vec<String> = sim.sim.world().setting_definitions[..25]
            .iter()
            .map(|d| d["id"].as_str().unwrap().to_string())
            .collect();
        ids.push("device_vendor_msft_retired".into());
        let used = [policy(&ids)];
        let warnings = read_missing_definitions(&workspace, &client, &used, &gate).await;
        assert!(warnings.is_empty(), "{warnings:?}");
        let first = client.counters();
        assert_eq!((first.requests, first.graph_calls), (2, 26));
        let catalog = workspace.setting_catalog().await.unwrap();
        assert_eq!(catalog.len(), 25);
        assert!(!catalog.get(&ids[0]).unwrap().display_name.is_empty());

        // Again: nothing to ask, the unknown one included.
        let warnings = read_missing_definitions(&workspace, &client, &used, &gate).await;
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(client.counters(), first);

        // A new id while the service cannot be reached: a warning, and it is asked again later.
        drop(sim);
        let new = [policy(&["device_vendor_msft_new".to_string()])];
        let warnings = read_missing_definitions(&workspace, &client, &new, &gate).await;
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("asked for again"), "{warnings:?}");
        let wanted = definition_ids(&new[0].content);
        assert_eq!(
            workspace
                .setting_definitions_to_fetch(&wanted, RETRY_UNKNOWN_AFTER)
                .await
                .unwrap(),
            vec!["device_vendor_msft_new".to_string()]
        );
        workspace.close().await.unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn http(status: u16) -> GraphError {
        GraphError::Http {
            status,
            code: None,
            message: "m".into(),
            path: "/beta/deviceManagement/configurationSettings/x".into(),
            request_id: None,
            client_request_id: "c".into(),
        }
    }

    #[test]
    fn answers_sort_into_found_unknown_and_failed() {
        let out = sort_answers(vec![
            (
                "a".into(),
                Ok(json!({"id": "a", "displayName": "Require Device Encryption"})),
            ),
            ("b".into(), Err(http(404))),
            ("c".into(), Err(http(503))),
            ("d".into(), Err(http(429))),
        ]);
        assert_eq!(out.found.len(), 1);
        assert_eq!(out.found[0].0, "a");
        assert_eq!(out.found[0].1.display_name, "Require Device Encryption");
        assert_eq!(out.unknown, vec!["b".to_string()]);
        assert_eq!(out.failed, 2);
        assert!(out.first_error.is_some());
    }

    #[test]
    fn definition_urls_encode_the_id() {
        assert_eq!(
            definition_url("device_vendor_msft_bitlocker_requiredeviceencryption"),
            "deviceManagement/configurationSettings/device_vendor_msft_bitlocker_requiredeviceencryption"
        );
        assert_eq!(
            definition_url("a b/c?d"),
            "deviceManagement/configurationSettings/a%20b%2Fc%3Fd"
        );
    }
}
