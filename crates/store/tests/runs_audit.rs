//! Runs (with the stale-run sweep) and the hash-chained audit log.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use tenantatlas_store::*;

#[tokio::test]
async fn a_run_records_progress_and_outcome() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let id = start_run(&ws, "sync", Some("AAAA-tenant")).await.unwrap();
    heartbeat(
        &ws,
        &id,
        &json!({"kind": "deviceConfigurations", "done": 3}),
    )
    .await
    .unwrap();
    let mut run = get_run(&ws, &id).await.unwrap().unwrap();
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(run.tenant_id.as_deref(), Some("aaaa-tenant"));
    assert_eq!(run.progress["done"], 3);

    run.status = RunStatus::Partial;
    run.counts.insert("deviceConfigurations".into(), 12);
    run.objects = 12;
    run.versions_added = 4;
    run.requests = 3;
    run.graph_calls = 9;
    run.retries = 1;
    run.throttled = 1;
    run.errors.push(RunError {
        kind: Some("conditionalAccessPolicies".into()),
        message: "forbidden".into(),
        request_id: Some("req-1".into()),
        status: Some(403),
    });
    finish_run(&ws, &run).await.unwrap();

    let stored = get_run(&ws, &id).await.unwrap().unwrap();
    assert_eq!(stored.status, RunStatus::Partial);
    assert!(stored.finished_at.is_some());
    assert!(stored.duration_ms.is_some());
    assert_eq!(stored.counts["deviceConfigurations"], 12);
    assert_eq!(stored.errors[0].request_id.as_deref(), Some("req-1"));
    let json = serde_json::to_value(&stored).unwrap();
    assert_eq!(json["status"], "partial");
    assert_eq!(json["errors"][0]["status"], 403);

    let second = start_run(&ws, "drift", None).await.unwrap();
    let all = list_runs(&ws).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|r| r.id == second));
    assert!(get_run(&ws, "no-such-run").await.unwrap().is_none());
    let missing = RunRecord {
        id: "no-such-run".into(),
        ..stored
    };
    assert!(matches!(
        finish_run(&ws, &missing).await,
        Err(StoreError::RunNotFound(_))
    ));
}

#[tokio::test]
async fn runs_whose_heartbeat_stopped_are_marked_interrupted() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let dead = start_run(&ws, "sync", None).await.unwrap();
    let alive = start_run(&ws, "sync", None).await.unwrap();
    // The dead run's process last spoke ten minutes after it started, an hour ago.
    sqlx::query(
        "UPDATE runs SET started_at = '2020-01-01T10:00:00.000Z', heartbeat_at = '2020-01-01T10:10:00.000Z' WHERE id = ?1",
    )
    .bind(&dead)
    .execute(ws.pool())
    .await
    .unwrap();

    assert_eq!(
        mark_stale_runs_interrupted(&ws, Duration::from_secs(300))
            .await
            .unwrap(),
        1
    );
    let run = get_run(&ws, &dead).await.unwrap().unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert_eq!(run.finished_at.as_deref(), Some("2020-01-01T10:10:00.000Z"));
    assert_eq!(run.duration_ms, Some(600_000));
    assert_eq!(
        run.errors.last().unwrap().message,
        "interrupted: the process stopped before the run finished"
    );
    assert_eq!(
        get_run(&ws, &alive).await.unwrap().unwrap().status,
        RunStatus::Running
    );
    // Already failed runs are not touched twice.
    assert_eq!(
        mark_stale_runs_interrupted(&ws, Duration::from_secs(300))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn the_audit_chain_verifies_and_shows_tampering() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    assert_eq!(verify_audit(&ws).await.unwrap(), 0);
    let first = append_audit(
        &ws,
        "alice",
        "tenant.add",
        "contoso.com",
        &json!({"b": 1, "a": [1.5, "x"]}),
    )
    .await
    .unwrap();
    assert_eq!(first.seq, 1);
    assert_eq!(first.prev_hash, audit::GENESIS);
    let second = append_audit(
        &ws,
        "alice",
        "finding.accept_risk",
        "F-1",
        &json!({"justification": "vendor fix due"}),
    )
    .await
    .unwrap();
    assert_eq!(second.prev_hash, first.hash);
    append_audit(&ws, "bob", "finding.resolve", "F-1", &json!({}))
        .await
        .unwrap();
    assert_eq!(verify_audit(&ws).await.unwrap(), 3);
    assert_eq!(
        list_audit(&ws).await.unwrap()[0].details,
        json!({"a": [1.5, "x"], "b": 1})
    );

    // The log refuses ordinary edits…
    let refused = sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        .execute(ws.pool())
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    // …and someone who removes the guard is caught by the chain.
    sqlx::query("DROP TRIGGER audit_log_no_update")
        .execute(ws.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET details = '{\"justification\":\"none\"}' WHERE seq = 2")
        .execute(ws.pool())
        .await
        .unwrap();
    let err = verify_audit(&ws).await.unwrap_err();
    assert!(matches!(err, StoreError::AuditBreak { seq: 2 }), "{err}");
    assert_eq!(err.to_string(), "the audit log was altered at entry 2");
}

#[tokio::test]
async fn a_removed_audit_entry_breaks_the_chain_where_it_was() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    for i in 0..4 {
        append_audit(&ws, "alice", "note", &format!("s{i}"), &json!({}))
            .await
            .unwrap();
    }
    sqlx::query("DROP TRIGGER audit_log_no_delete")
        .execute(ws.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_log WHERE seq = 3")
        .execute(ws.pool())
        .await
        .unwrap();
    assert!(matches!(
        verify_audit(&ws).await,
        Err(StoreError::AuditBreak { seq: 3 })
    ));
}

#[tokio::test]
async fn run_health_says_since_when_a_tenant_fails() {
    use tenantatlas_store::runs::{run_health, RunHealth};
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    // Per tenant, its sync runs oldest first: (status, started at).
    let history: [(&str, &[(RunStatus, &str)]); 3] = [
        (
            "failing",
            &[
                (RunStatus::Succeeded, "2026-01-01T00:00:00.000Z"),
                (RunStatus::Partial, "2026-01-02T00:00:00.000Z"),
                (RunStatus::Failed, "2026-01-03T00:00:00.000Z"),
                (RunStatus::Failed, "2026-01-04T00:00:00.000Z"),
            ],
        ),
        (
            "recovered",
            &[
                (RunStatus::Failed, "2026-01-01T00:00:00.000Z"),
                (RunStatus::Succeeded, "2026-01-02T00:00:00.000Z"),
            ],
        ),
        (
            "never-good",
            &[(RunStatus::Failed, "2026-01-05T00:00:00.000Z")],
        ),
    ];
    for (tenant, runs) in history {
        for (status, at) in runs {
            let id = start_run(&ws, "sync", Some(tenant)).await.unwrap();
            let mut run = get_run(&ws, &id).await.unwrap().unwrap();
            run.status = *status;
            finish_run(&ws, &run).await.unwrap();
            sqlx::query("UPDATE runs SET started_at = ?1 WHERE id = ?2")
                .bind(at)
                .bind(&id)
                .execute(ws.pool())
                .await
                .unwrap();
        }
    }
    // Other kinds of run and runs still going say nothing about syncs.
    let drift = start_run(&ws, "drift", Some("recovered")).await.unwrap();
    let mut run = get_run(&ws, &drift).await.unwrap().unwrap();
    run.status = RunStatus::Failed;
    finish_run(&ws, &run).await.unwrap();
    start_run(&ws, "sync", Some("recovered")).await.unwrap();

    let health = run_health(&ws, "sync").await.unwrap();
    let by: std::collections::HashMap<&str, &RunHealth> =
        health.iter().map(|h| (h.tenant_id.as_str(), h)).collect();
    assert_eq!(health.len(), 3);
    let failing = by["failing"];
    assert_eq!(failing.last_status, RunStatus::Failed);
    assert_eq!(failing.last_run_at, "2026-01-04T00:00:00.000Z");
    assert_eq!(
        failing.failing_since.as_deref(),
        Some("2026-01-03T00:00:00.000Z")
    );
    assert_eq!(by["recovered"].last_status, RunStatus::Succeeded);
    assert_eq!(by["recovered"].failing_since, None);
    assert_eq!(
        by["never-good"].failing_since.as_deref(),
        Some("2026-01-05T00:00:00.000Z")
    );
}
