//! Signed checkpoints of the audit chain on real workspaces, and the replay of the log against
//! the finding state it must explain.

mod common;

use common::*;
use serde_json::json;
use tenantatlas_store::audit_state::unexplained_state;
use tenantatlas_store::checkpoints::{
    chain_heads, create_checkpoint, public_key, stored_checkpoints, Checkpoint,
};
use tenantatlas_store::findings::commit_findings;
use tenantatlas_store::*;

async fn note(ws: &Workspace, n: usize) {
    for i in 0..n {
        append_audit(ws, "alice", "note", &format!("s{i}"), &json!({"i": i}))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_checkpoint_is_signed_with_the_workspace_key_and_survives_reopening() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let empty = create_checkpoint(&ws).await.unwrap();
    assert_eq!(empty.seq, 0);
    note(&ws, 3).await;
    let checkpoint = create_checkpoint(&ws).await.unwrap();
    assert_eq!(checkpoint.seq, 3);
    let key = public_key(&ws);
    assert_eq!(checkpoint.public_key, key);
    let heads = chain_heads(&ws).await.unwrap();
    assert_eq!(checkpoint.hash, heads[&3]);
    checkpoint.check("cp", ws.id(), &key, &heads).unwrap();
    empty.check("cp0", ws.id(), &key, &heads).unwrap();
    let stored: Vec<Checkpoint> = stored_checkpoints(&ws)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    assert_eq!(stored, vec![empty, checkpoint.clone()]);
    // Stored checkpoints are append-only, like the log.
    let refused = sqlx::query("DELETE FROM audit_checkpoints")
        .execute(ws.pool())
        .await;
    assert!(refused.unwrap_err().to_string().contains("append-only"));
    let id = ws.id().to_string();
    ws.close().await.unwrap();

    // The key is derived from the workspace key: the same after reopening, never stored.
    let ws = open(&dir).await;
    assert_eq!(public_key(&ws), key);
    let text = serde_json::to_string(&checkpoint).unwrap();
    let read = Checkpoint::parse(&text, "cp").unwrap();
    read.check(
        "cp",
        &id,
        &public_key(&ws),
        &chain_heads(&ws).await.unwrap(),
    )
    .unwrap();
}

#[tokio::test]
async fn another_workspaces_key_does_not_vouch_for_this_log() {
    let (_tmp, dir) = fresh_dir();
    let (_tmp2, dir2) = fresh_dir();
    let ours = open(&dir).await;
    let theirs = Workspace::open(&dir2, &passphrase("another passphrase entirely"))
        .await
        .unwrap();
    assert_ne!(public_key(&ours), public_key(&theirs));
    note(&ours, 2).await;
    note(&theirs, 2).await;
    let heads = chain_heads(&ours).await.unwrap();
    let foreign = create_checkpoint(&theirs).await.unwrap();
    let err = foreign
        .check("theirs", ours.id(), &public_key(&ours), &heads)
        .unwrap_err();
    assert_eq!(err.code(), "other_workspace");
    let mut claimed = foreign.clone();
    claimed.workspace_id = ours.id().to_string();
    let err = claimed
        .check("theirs", ours.id(), &public_key(&ours), &heads)
        .unwrap_err();
    assert_eq!(err.code(), "wrong_key");
}

#[tokio::test]
async fn the_log_explains_every_finding_until_one_is_edited_behind_its_back() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    ws.upsert_tenant(&tenant("t1", "contoso.com", "Contoso"))
        .await
        .unwrap();
    let mut record = FindingRecord {
        id: "f1".into(),
        tenant_id: "t1".into(),
        baseline: "Golden".into(),
        kind: "deviceConfigurations".into(),
        object_name: "Win - Baseline".into(),
        object_id: Some("o1".into()),
        drift: "modified".into(),
        severity: "medium".into(),
        state: "open".into(),
        changes: json!([]),
        changes_hash: "h".into(),
        justification: None,
        approver: None,
        expires_on: None,
        accepted_changes_hash: None,
        first_seen_at: "2026-12-01T00:00:00.000Z".into(),
        last_seen_at: "2026-12-01T00:00:00.000Z".into(),
        updated_at: "2026-12-01T00:00:00.000Z".into(),
        last_run_id: None,
    };
    let entry = |record: &FindingRecord, why: &str| AuditInput {
        actor: "alice".into(),
        action: format!("finding.{}", record.state),
        subject: record.id.clone(),
        details: json!({
            "to": record.state, "why": why,
            "approver": record.approver, "expires": record.expires_on,
        }),
    };
    let save = |record: FindingRecord, audit: Vec<AuditInput>| {
        let ws = ws.clone();
        async move {
            let mut tx = ws.begin().await.unwrap();
            commit_findings(
                &mut *tx,
                &[record],
                &SeenAgain::default(),
                &EqualPairs::default(),
                &audit,
                None,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
    };
    save(record.clone(), vec![entry(&record, "drift detected")]).await;
    record.state = "risk_accepted".into();
    record.approver = Some("Dana".into());
    record.expires_on = Some("2999-12-31".into());
    record.justification = Some("signed off".into());
    save(record.clone(), vec![entry(&record, "signed off")]).await;
    assert_eq!(unexplained_state(&ws).await.unwrap(), vec![]);

    // A finding saved without its entry, and the approver edited in place.
    let mut silent = record.clone();
    silent.id = "f2".into();
    save(silent, vec![]).await;
    sqlx::query("UPDATE findings SET approver = 'mallory' WHERE id = 'f1'")
        .execute(ws.pool())
        .await
        .unwrap();
    let problems: Vec<String> = unexplained_state(&ws)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.problem)
        .collect();
    assert_eq!(
        problems,
        vec![
            "finding f1 (Win - Baseline) has the approver 'mallory' but the audit log (entry 2) recorded 'Dana'".to_string(),
            "finding f2 (Win - Baseline) is risk_accepted but the audit log has no entry for it".to_string(),
        ]
    );
}
