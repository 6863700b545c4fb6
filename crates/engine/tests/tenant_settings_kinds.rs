//! The Intune tenant-wide settings kinds, captured end to end: each is synced from the simulator,
//! taken into a baseline assigned to its own tenant, changed in one setting in the cloud (as an admin
//! would in the portal), synced again — and drift finds exactly that change, with a friendly name.
//! Singletons (one object per tenant) match by kind; a tenant without Apple MDM (its push
//! certificate is a 404) syncs fine and is not "not checked".

mod common;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::{today, Finding};
use tenantatlas_engine::Engine;
use tenantatlas_sim::SimHandle;

async fn sync(engine: &Engine, domain: &str) {
    let runs = engine
        .sync(
            &[domain.to_string()],
            Default::default(),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert_eq!(runs[0].status, "succeeded", "{:?}", runs[0]);
}

/// A baseline of one kind taken from a tenant's latest snapshot.
async fn baseline_of(engine: &Engine, name: &str, kind: &str, domain: &str) {
    engine
        .create_baseline(&CreateBaseline {
            name: name.into(),
            source: BaselineSource::Tenant {
                tenant: domain.into(),
                snapshot: None,
            },
            kinds: vec![kind.into()],
            include: Vec::new(),
            exclude: Vec::new(),
            vars: BTreeMap::new(),
            unexpected: false,
        })
        .await
        .unwrap();
}

async fn drift(engine: &Engine, domain: &str) -> (Vec<Finding>, Vec<String>) {
    let report = engine
        .drift(&DriftOptions {
            tenant: Some(domain.into()),
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap();
    let not_checked = report.runs[0]
        .not_checked
        .iter()
        .map(|n| format!("{n:?}"))
        .collect();
    (report.findings, not_checked)
}

/// Where a test changes the cloud.
enum Change {
    /// A property of the first object of a collection (`collection key`, property, new value).
    Object(&'static str, &'static str, Value),
    /// A property of a singleton below `deviceManagement` (path, property, new value).
    Singleton(&'static str, &'static str, Value),
}

fn change_in_cloud(sim: &SimHandle, tenant: usize, change: &Change) {
    let mut world = sim.sim.world();
    let tenant = &mut world.tenants[tenant];
    match change {
        Change::Object(collection, property, value) => {
            let object = tenant
                .collection_mut(collection)
                .first_mut()
                .unwrap_or_else(|| panic!("the tenant has {collection}"));
            object.body.insert(property.to_string(), value.clone());
        }
        Change::Singleton(path, property, value) => {
            let changes = tenant
                .singleton_changes
                .entry(path.to_string())
                .or_insert_with(|| json!({}));
            changes[*property] = value.clone();
        }
    }
}

/// Syncs tenant 0, takes a baseline of `kind` from it and assigns it there (no drift), makes
/// `change` in the cloud, syncs again: drift finds exactly one modified object of `kind` with one
/// change, named `setting`.
async fn one_change_is_one_finding(kind: &str, change: Change, setting: &str) {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine, .. } =
        common::connected(common::sim_config(2, 60, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    sync(&engine, &domain).await;
    let captured = engine
        .policies(&domain, Some(kind), None, false)
        .await
        .unwrap();
    assert!(!captured.is_empty(), "{kind} is captured");

    baseline_of(&engine, kind, kind, &domain).await;
    engine
        .assign_baseline(kind, &domain, &BTreeMap::new())
        .await
        .unwrap();
    let (findings, not_checked) = drift(&engine, &domain).await;
    assert!(findings.is_empty(), "{kind}: {findings:#?}");
    assert!(not_checked.is_empty(), "{not_checked:?}");

    change_in_cloud(&sim, 0, &change);
    sync(&engine, &domain).await;
    let (findings, _) = drift(&engine, &domain).await;
    assert_eq!(findings.len(), 1, "{kind}: {findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding.kind, kind);
    assert_eq!(finding.drift, "modified", "{finding:#?}");
    assert_eq!(finding.changes.len(), 1, "{finding:#?}");
    assert_eq!(
        finding.changes[0].setting.as_deref(),
        Some(setting),
        "{finding:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_wide_compliance_settings() {
    one_change_is_one_finding(
        "deviceManagementSettings",
        Change::Singleton("settings", "deviceComplianceCheckinThresholdDays", json!(3)),
        "Compliance status validity period (days)",
    )
    .await;
}
