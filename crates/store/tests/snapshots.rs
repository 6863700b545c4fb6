//! Snapshots: content-addressed versions, deletions, and all-or-nothing commits.

mod common;

use common::*;
use serde_json::json;
use tenantatlas_core::CapturedObject;
use tenantatlas_store::*;

const T1: &str = "aaaaaaaa-0000-0000-0000-000000000001";
const T2: &str = "aaaaaaaa-0000-0000-0000-000000000002";
const DC: &str = "deviceConfigurations";
const CA: &str = "conditionalAccessPolicies";

async fn workspace_with_tenants() -> (tempfile::TempDir, Workspace) {
    let (tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    upsert_tenant(&ws, &tenant(T1, "one.example", "One"))
        .await
        .unwrap();
    upsert_tenant(&ws, &tenant(T2, "two.example", "Two"))
        .await
        .unwrap();
    (tmp, ws)
}

fn capture() -> Vec<CapturedObject> {
    vec![
        object(DC, "dc-1", "Windows baseline", json!({"firewall": true})),
        object(DC, "dc-2", "BitLocker", json!({"encrypt": "xts-aes-256"})),
        object(CA, "ca-1", "Require MFA", json!({"grant": "mfa"})),
    ]
}

async fn commit(
    ws: &Workspace,
    tenant: &str,
    objects: &[CapturedObject],
    kinds: &[&str],
) -> SnapshotSummary {
    let run = start_run(ws, "sync", Some(tenant)).await.unwrap();
    commit_snapshot(ws, tenant, &run, objects, kinds)
        .await
        .unwrap()
}

#[tokio::test]
async fn unchanged_content_adds_no_version_and_one_change_adds_one() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let first = commit(&ws, T1, &capture(), &[DC, CA]).await;
    assert_eq!(
        (first.objects, first.versions_added, first.deleted),
        (3, 3, 0)
    );

    let again = commit(&ws, T1, &capture(), &[DC, CA]).await;
    assert_eq!(
        (again.objects, again.versions_added, again.deleted),
        (3, 0, 0)
    );
    assert!(again.snapshot_id > first.snapshot_id);

    let mut changed = capture();
    changed[1] = object(DC, "dc-2", "BitLocker", json!({"encrypt": "aes-128"}));
    let third = commit(&ws, T1, &changed, &[DC, CA]).await;
    assert_eq!(third.versions_added, 1);

    let history = history(&ws, T1, "dc-2").await.unwrap();
    assert_eq!(
        history.iter().map(|v| v.version_no).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(history[1].snapshot_id, third.snapshot_id);

    let latest = get_object(&ws, T1, "dc-2", None).await.unwrap().unwrap();
    assert_eq!(latest.version_no, 2);
    assert_eq!(latest.content["setting"]["encrypt"], "aes-128");
    assert_eq!(latest.hash, changed[1].hash);
    let old = get_object(&ws, T1, "dc-2", Some(1)).await.unwrap().unwrap();
    assert_eq!(old.content["setting"]["encrypt"], "xts-aes-256");
    assert!(get_object(&ws, T1, "dc-2", Some(3))
        .await
        .unwrap()
        .is_none());
    assert!(get_object(&ws, T1, "nope", None).await.unwrap().is_none());

    let snapshots = list_snapshots(&ws, T1).await.unwrap();
    assert_eq!(snapshots.len(), 3);
    assert_eq!(snapshots[2].kinds, vec![DC, CA]);
    let items = snapshot_items(&ws, third.snapshot_id).await.unwrap();
    assert_eq!(items.len(), 3);
    let tenant = find_tenant(&ws, T1).await.unwrap().unwrap();
    assert!(tenant.last_sync_at.is_some() && tenant.last_sync_run_id.is_some());
}

#[tokio::test]
async fn removed_objects_are_deleted_only_in_complete_kinds_and_come_back() {
    let (_tmp, ws) = workspace_with_tenants().await;
    commit(&ws, T1, &capture(), &[DC, CA]).await;

    // dc-2 is gone; conditional access was skipped (no permission), so ca-1 is not in the
    // capture either — but it must not be called deleted.
    let partial = vec![capture()[0].clone()];
    let summary = commit(&ws, T1, &partial, &[DC]).await;
    assert_eq!((summary.versions_added, summary.deleted), (0, 1));

    let live = list_objects(&ws, T1, &ObjectFilter::default())
        .await
        .unwrap();
    let live_ids: Vec<&str> = live.iter().map(|o| o.object_id.as_str()).collect();
    assert_eq!(live_ids, vec!["ca-1", "dc-1"]);
    let ghosts = list_objects(
        &ws,
        T1,
        &ObjectFilter {
            deleted: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(ghosts.len(), 1);
    assert_eq!(ghosts[0].object_id, "dc-2");
    assert_eq!(ghosts[0].deleted_in_snapshot, Some(summary.snapshot_id));
    let ghost = get_object(&ws, T1, "dc-2", None).await.unwrap().unwrap();
    assert!(ghost.deleted);
    assert_eq!(ghost.display_name, "BitLocker");

    // Deleted once, not again on the next sync.
    let next = commit(&ws, T1, &partial, &[DC, CA]).await;
    assert_eq!(next.deleted, 1, "ca-1 is gone now that its kind was read");

    // dc-2 reappears unchanged: live again, no new version.
    let back = commit(&ws, T1, &capture(), &[DC, CA]).await;
    assert_eq!((back.versions_added, back.deleted), (0, 0));
    let live = list_objects(&ws, T1, &ObjectFilter::default())
        .await
        .unwrap();
    assert_eq!(live.len(), 3);
    assert!(
        !get_object(&ws, T1, "dc-2", None)
            .await
            .unwrap()
            .unwrap()
            .deleted
    );
    assert!(list_objects(
        &ws,
        T1,
        &ObjectFilter {
            deleted: true,
            ..Default::default()
        }
    )
    .await
    .unwrap()
    .is_empty());
}

#[tokio::test]
async fn listings_filter_by_kind_and_by_name_in_any_case() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let mut objects = capture();
    objects.push(object(DC, "dc-3", "Zürich Büro ÄÖÜ", json!({})));
    commit(&ws, T1, &objects, &[DC, CA]).await;
    let by_kind = |kind: &str| ObjectFilter {
        kind: Some(kind.to_string()),
        ..Default::default()
    };
    assert_eq!(
        list_objects(&ws, T1, &by_kind("DEVICECONFIGURATIONS"))
            .await
            .unwrap()
            .len(),
        3
    );
    assert_eq!(list_objects(&ws, T1, &by_kind(CA)).await.unwrap().len(), 1);
    let search = |q: &str| ObjectFilter {
        search: Some(q.to_string()),
        ..Default::default()
    };
    let found = list_objects(&ws, T1, &search("bitLOCK")).await.unwrap();
    assert_eq!(
        found
            .iter()
            .map(|o| o.object_id.as_str())
            .collect::<Vec<_>>(),
        vec!["dc-2"]
    );
    assert_eq!(
        list_objects(&ws, T1, &search("züRICH büro äöü"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(list_objects(&ws, T2, &ObjectFilter::default())
        .await
        .unwrap()
        .is_empty());
    let json = serde_json::to_value(&found[0]).unwrap();
    assert_eq!(json["deleted"], false);
}

#[tokio::test]
async fn identical_content_in_two_tenants_is_stored_once() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let shared = vec![object(DC, "same-id", "Same policy", json!({"x": 1}))];
    commit(&ws, T1, &shared, &[DC]).await;
    commit(&ws, T2, &shared, &[DC]).await;
    assert_eq!(count(&ws, "contents").await, 1);
    assert_eq!(count(&ws, "versions").await, 2);
    let content = get_content(&ws, &shared[0].hash).await.unwrap().unwrap();
    assert_eq!(content, shared[0].content);
}

#[tokio::test]
async fn a_failed_commit_leaves_nothing_behind() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let first = commit(&ws, T1, &capture(), &[DC, CA]).await;
    let tables = [
        "snapshots",
        "snapshot_items",
        "objects",
        "versions",
        "contents",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(&ws, table).await);
    }
    let tenant_before = find_tenant(&ws, T1).await.unwrap().unwrap();

    // New content first (so contents, objects and versions are written), then a duplicate
    // object id halfway through: the manifest's primary key fails the commit.
    let mut broken = vec![
        object(DC, "dc-new", "Brand new", json!({"fresh": true})),
        object(DC, "dc-1", "Windows baseline", json!({"firewall": false})),
    ];
    broken.push(broken[1].clone());
    broken.extend(capture().into_iter().skip(1));
    let run = start_run(&ws, "sync", Some(T1)).await.unwrap();
    let err = commit_snapshot(&ws, T1, &run, &broken, &[DC, CA])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err}");

    for (table, was) in tables.iter().zip(&before) {
        assert_eq!(
            count(&ws, table).await,
            *was,
            "{table} changed by a failed commit"
        );
    }
    assert_eq!(find_tenant(&ws, T1).await.unwrap().unwrap(), tenant_before);
    assert!(get_object(&ws, T1, "dc-new", None).await.unwrap().is_none());
    assert_eq!(
        get_object(&ws, T1, "dc-1", None)
            .await
            .unwrap()
            .unwrap()
            .version_no,
        1
    );

    // And the next sync completes normally.
    let next = commit(&ws, T1, &capture(), &[DC, CA]).await;
    assert_eq!(next.versions_added, 0);
    assert!(next.snapshot_id > first.snapshot_id);
}

#[tokio::test]
async fn a_wrong_hash_or_unknown_tenant_is_refused_before_writing() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let mut bad = capture();
    bad[0].hash = bad[1].hash.clone();
    let err = commit_snapshot(&ws, T1, "run", &bad, &[DC])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::HashMismatch { .. }), "{err}");
    let err = commit_snapshot(&ws, "nobody.example", "run", &capture(), &[DC])
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TenantNotFound(_)), "{err}");
    assert_eq!(count(&ws, "snapshots").await, 0);
}

#[tokio::test]
async fn a_commit_can_join_a_callers_transaction() {
    let (_tmp, ws) = workspace_with_tenants().await;
    let mut tx = ws.begin().await.unwrap();
    let summary = commit_snapshot(&mut *tx, T1, "run-1", &capture(), &[DC])
        .await
        .unwrap();
    append_audit(
        &mut *tx,
        "engine",
        "sync",
        T1,
        &json!({"snapshot": summary.snapshot_id}),
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(count(&ws, "snapshots").await, 0);
    assert_eq!(count(&ws, "audit_log").await, 0);
}
