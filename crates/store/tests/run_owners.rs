//! Runs belong to the process that started them: a run whose process is gone is marked
//! interrupted by whoever opens the workspace next, and a run of a live process never is.

mod common;

use common::*;
use std::time::Duration;
use tenantatlas_store::lock::{acquire, LOCKS_DIR};
use tenantatlas_store::*;

#[tokio::test]
async fn a_run_whose_owner_is_gone_is_interrupted_and_a_live_one_is_not() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    // Another process's runs: one whose process still holds its owner lock, one whose process
    // died (its lock file is left behind, unheld), one from a build before owners.
    let live_owner = uuid::Uuid::new_v4().to_string();
    let dead_owner = uuid::Uuid::new_v4().to_string();
    let live_lock = acquire(
        &dir.join(LOCKS_DIR).join(format!("owner-{live_owner}.lock")),
        "running",
        "busy",
        Duration::ZERO,
    )
    .unwrap();
    std::fs::write(
        dir.join(LOCKS_DIR).join(format!("owner-{dead_owner}.lock")),
        "{}",
    )
    .unwrap();
    let live = start_owned_run(&ws, "drift", None, Some(&live_owner))
        .await
        .unwrap();
    let dead = start_owned_run(&ws, "drift", None, Some(&dead_owner))
        .await
        .unwrap();
    let legacy = start_run(&ws, "sync", None).await.unwrap();
    // And one of this process, through the workspace: alive.
    let mine = ws.start_run("drift", None).await.unwrap();

    assert_eq!(ws.mark_abandoned_runs_interrupted().await.unwrap(), 2);

    let status = |id: String| {
        let ws = ws.clone();
        async move { get_run(&ws, &id).await.unwrap().unwrap() }
    };
    for id in [live.clone(), mine.clone()] {
        assert_eq!(status(id).await.status, RunStatus::Running);
    }
    for id in [dead, legacy] {
        let run = status(id).await;
        assert_eq!(run.status, RunStatus::Failed);
        assert_eq!(run.errors.last().unwrap().message, runs::INTERRUPTED);
        assert_eq!(run.finished_at.as_deref(), Some(run.heartbeat_at.as_str()));
    }
    assert!(
        !dir.join(LOCKS_DIR)
            .join(format!("owner-{dead_owner}.lock"))
            .exists(),
        "the dead owner's lock file is cleaned up"
    );

    // The live process ends without finishing its run: the next open settles it.
    drop(live_lock);
    assert_eq!(ws.mark_abandoned_runs_interrupted().await.unwrap(), 1);
    assert_eq!(status(live).await.status, RunStatus::Failed);
    assert_eq!(status(mine).await.status, RunStatus::Running);
}

#[tokio::test]
async fn an_owner_that_is_not_a_token_names_no_file() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let outside = dir.parent().unwrap().join("outside.lock");
    std::fs::write(&outside, "keep me").unwrap();
    start_owned_run(&ws, "sync", None, Some("../../outside"))
        .await
        .unwrap();
    assert_eq!(ws.mark_abandoned_runs_interrupted().await.unwrap(), 1);
    assert!(
        outside.exists(),
        "a path in the owner column touched a file"
    );
}
