//! Workspace settings on a real workspace: defaults, what a value may be, persistence across a
//! reopen, the audit entry of each change, and the defaults new tenants connect with.

use serde_json::json;
use tenantatlas_engine::ops::settings::{
    self as settings, WorkspaceSettings, KEYS, NOTIFY_HIGH, SLA_OVERDUE, SLA_WARN, SYNC_INTERVAL,
    TENANT_AUTHORITY, TENANT_CLIENT_ID, TENANT_GRAPH,
};
use tenantatlas_engine::ops::tenant_add::{
    AddTenantFlags, DEFAULT_AUTHORITY, DEFAULT_CLIENT_ID, DEFAULT_GRAPH,
};
use tenantatlas_engine::{Engine, ErrorCode};

const PASSPHRASE: &str = "settings test passphrase";
const CLIENT: &str = "0e1b2c3d-1111-2222-3333-444455556666";

async fn open(dir: &std::path::Path) -> Engine {
    Engine::open(&dir.join("ws"), Some(PASSPHRASE.into()))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_have_defaults_until_set() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    let s = engine.settings().await.unwrap();
    assert_eq!(s, WorkspaceSettings::default());
    assert_eq!(s.sync_interval_minutes, 60);
    assert_eq!((s.sla_warn_hours, s.sla_overdue_hours), (24, 72));
    assert!(s.notify_high_findings);
    assert_eq!(s.client_id(), DEFAULT_CLIENT_ID);
    assert_eq!(s.authority(), DEFAULT_AUTHORITY);
    assert_eq!(s.graph(), DEFAULT_GRAPH);
    let entries = s.entries();
    assert_eq!(entries.len(), KEYS.len());
    assert!(entries.iter().all(|e| e.default && !e.allowed.is_empty()));
    engine.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_refuse_a_bad_value_in_one_line_saying_what_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    for (key, value, says) in [
        (SYNC_INTERVAL, "10", "0 (no schedule) or 15 to 1440 minutes"),
        (SYNC_INTERVAL, "2000", "15 to 1440"),
        (SYNC_INTERVAL, "-1", "not a whole number"),
        (SLA_WARN, "100", "fewer than sla.overdue_hours (72)"),
        (SLA_WARN, "0", "1 to 71 hours"),
        (SLA_OVERDUE, "12", "more than sla.warn_hours (24)"),
        (TENANT_CLIENT_ID, "not-a-guid", "not a GUID"),
        (TENANT_AUTHORITY, "http://login.example.com", "https URL"),
        (TENANT_GRAPH, "graph.microsoft.com", "https URL"),
        (NOTIFY_HIGH, "maybe", "true or false"),
        (
            "sync.cron",
            "1",
            "unknown setting 'sync.cron'; the settings are sync.interval_minutes",
        ),
    ] {
        let e = engine.set_setting(key, value).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{key}={value}: {e}");
        let message = e.to_string();
        assert!(message.contains(says), "{key}={value}: {message}");
        assert!(!message.contains('\n'), "{message}");
    }
    // Nothing was stored, nothing audited.
    assert_eq!(
        engine.settings().await.unwrap(),
        WorkspaceSettings::default()
    );
    assert!(engine.workspace().list_audit().await.unwrap().is_empty());
    engine.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_persist_across_a_reopen_and_each_change_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    engine.set_setting(SYNC_INTERVAL, "240").await.unwrap();
    // The overdue bound moves first, so the warning may follow past the old one.
    engine.set_setting(SLA_OVERDUE, "120").await.unwrap();
    let s = engine.set_setting(SLA_WARN, "96").await.unwrap();
    assert_eq!((s.sla_warn_hours, s.sla_overdue_hours), (96, 120));
    engine.set_setting(NOTIFY_HIGH, "false").await.unwrap();
    engine.set_setting(TENANT_CLIENT_ID, CLIENT).await.unwrap();
    engine
        .set_setting(TENANT_AUTHORITY, "https://login.microsoftonline.us/")
        .await
        .unwrap();
    engine.close().await.unwrap();

    let engine = open(dir.path()).await;
    let s = engine.settings().await.unwrap();
    assert_eq!(s.sync_interval_minutes, 240);
    assert_eq!((s.sla_warn_hours, s.sla_overdue_hours), (96, 120));
    assert!(!s.notify_high_findings);
    assert_eq!(s.client_id(), CLIENT);
    assert_eq!(s.authority(), "https://login.microsoftonline.us");
    assert_eq!(s.graph(), DEFAULT_GRAPH);
    let defaults: Vec<&str> = s
        .entries()
        .iter()
        .filter(|e| e.default)
        .map(|e| e.key)
        .collect();
    // Only what was set is not a default: the Graph root and review-pack branding were not.
    assert_eq!(
        defaults,
        [
            TENANT_GRAPH,
            settings::REPORT_MSP_NAME,
            settings::REPORT_LOGO,
            settings::REPORT_ACCENT,
            settings::REPORT_FOOTER,
            settings::REPORT_AUTHOR,
            settings::REPORT_REVIEWER,
            settings::REPORT_DISTRIBUTION,
        ]
    );

    // Empty clears a tenant default back to Microsoft's.
    let s = engine.set_setting(TENANT_CLIENT_ID, "").await.unwrap();
    assert_eq!(s.client_id(), DEFAULT_CLIENT_ID);
    assert_eq!(s.tenant_client_id, None);

    let audit = engine.workspace().list_audit().await.unwrap();
    let changes: Vec<(String, serde_json::Value)> = audit
        .iter()
        .filter(|e| e.action == "settings.set")
        .map(|e| (e.subject.clone(), e.details.clone()))
        .collect();
    assert_eq!(changes.len(), 7);
    assert_eq!(
        changes[0],
        (
            SYNC_INTERVAL.to_string(),
            json!({"key": SYNC_INTERVAL, "value": 240})
        )
    );
    assert_eq!(
        changes[6].1,
        json!({"key": TENANT_CLIENT_ID, "value": null})
    );
    assert_eq!(engine.workspace().verify_audit().await.unwrap(), 7);
    engine.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_give_a_new_tenant_its_defaults_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    let flags = || AddTenantFlags {
        tenant: "contoso.onmicrosoft.com".into(),
        ..AddTenantFlags::default()
    };
    let built_in = engine.add_tenant_request(flags()).await.unwrap();
    assert_eq!(built_in.client_id, DEFAULT_CLIENT_ID);
    assert_eq!(built_in.authority, DEFAULT_AUTHORITY);
    assert_eq!(built_in.graph, DEFAULT_GRAPH);

    engine.set_setting(TENANT_CLIENT_ID, CLIENT).await.unwrap();
    engine
        .set_setting(TENANT_GRAPH, "https://graph.microsoft.us")
        .await
        .unwrap();
    let defaulted = engine.add_tenant_request(flags()).await.unwrap();
    assert_eq!(defaulted.client_id, CLIENT);
    assert_eq!(defaulted.graph, "https://graph.microsoft.us");
    assert_eq!(defaulted.authority, DEFAULT_AUTHORITY);

    // A flag given wins over the workspace's default.
    let other = "99999999-8888-7777-6666-555555555555";
    let given = engine
        .add_tenant_request(AddTenantFlags {
            client_id: Some(other.into()),
            ..flags()
        })
        .await
        .unwrap();
    assert_eq!(given.client_id, other);
    assert_eq!(given.graph, "https://graph.microsoft.us");
    engine.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_turn_the_sync_schedule_on_and_off() {
    let dir = tempfile::tempdir().unwrap();
    let engine = open(dir.path()).await;
    // Never synced: due at once, hourly by default.
    let schedule = engine.sync_schedule().await.unwrap();
    assert_eq!(schedule.interval_minutes, 60);
    assert_eq!(schedule.last_started_at, None);
    assert!(schedule.due && schedule.next_at.is_some());
    engine.set_setting(SYNC_INTERVAL, "0").await.unwrap();
    let off = engine.sync_schedule().await.unwrap();
    assert_eq!(
        (off.interval_minutes, off.next_at, off.due),
        (0, None, false)
    );
    engine.close().await.unwrap();
}
