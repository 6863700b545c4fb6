//! Locks and leftovers, tried as an unlucky user or another account on the machine would: a lock
//! held by someone else, a symbolic link planted where a lock used to be, a process killed in the
//! middle of a run, and a child process looking for the passphrase in its environment.

mod common;

use common::{CliEnv, Running, TestSim};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

/// A temporary folder of the binary's own (`TMPDIR`), to see what it leaves there.
fn private_tmp(cli: &CliEnv) -> PathBuf {
    let tmp = cli.root.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    tmp
}

/// Where builds before the fix put the creation lock: the shared temporary folder, named after
/// the workspace's absolute path — predictable by anyone on the machine.
fn old_creation_lock(tmp: &Path, workspace: &Path) -> PathBuf {
    let absolute = std::path::absolute(workspace).unwrap();
    let digest = Sha256::digest(absolute.to_string_lossy().as_bytes());
    tmp.join(format!(
        "tenantatlas-create-{}.lock",
        hex::encode(&digest[..8])
    ))
}

/// Holds an OS lock on `path` as another process would, saying who it is.
fn hold_lock(path: &Path, purpose: &str) -> std::fs::File {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .read(true)
        .open(path)
        .unwrap();
    file.try_lock().expect("the test takes the lock first");
    write!(
        file,
        r#"{{"pid":4242,"user":"mallory","host":"build-07","purpose":"{purpose}","since":"2026-12-05T08:00:00.000Z"}}"#
    )
    .unwrap();
    file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_planted_in_the_temporary_folder_is_never_followed_and_no_lock_files_pile_up() {
    let cli = CliEnv::new();
    let tmp = private_tmp(&cli);
    let victim = cli.root.path().join("victim");
    std::os::unix::fs::symlink(&victim, old_creation_lock(&tmp, &cli.workspace)).unwrap();

    for _ in 0..3 {
        cli.command(&["tenant", "list"])
            .env("TMPDIR", &tmp)
            .run()
            .await
            .assert_success();
    }

    assert!(
        !victim.exists(),
        "creating the workspace created a file where a planted link pointed"
    );
    let left_in_tmp: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| {
            !n.to_string_lossy().starts_with("tenantatlas-create-") || {
                // The planted link itself is the test's, not the product's.
                std::fs::symlink_metadata(tmp.join(n)).is_ok_and(|m| !m.file_type().is_symlink())
            }
        })
        .collect();
    assert!(
        left_in_tmp.is_empty(),
        "the shared temporary folder holds files of ours: {left_in_tmp:?}"
    );
    let locks: Vec<_> = common::files_below(&cli.workspace)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
        .collect();
    assert!(locks.is_empty(), "lock files were left behind: {locks:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_creation_lock_held_by_someone_else_says_who_instead_of_hanging() {
    let cli = CliEnv::new();
    let tmp = private_tmp(&cli);
    // Held both where builds before the fix looked (they hung here) and where the lock lives now.
    let _old = hold_lock(
        &old_creation_lock(&tmp, &cli.workspace),
        "creating the workspace",
    );
    let _new = hold_lock(
        &cli.workspace.join(".creating.lock"),
        "creating the workspace",
    );

    let outcome = cli
        .command(&["tenant", "list"])
        .env("TMPDIR", &tmp)
        .run()
        .await;
    let line = outcome.only_error_line();
    assert!(
        line.contains("is being created by another process"),
        "{line}"
    );
    assert!(
        line.contains("held by mallory@build-07 (process 4242, creating the workspace) since 2026-12-05 08:00 UTC"),
        "{line}"
    );
    assert!(
        !cli.workspace.join("workspace.json").exists(),
        "nothing was created beside a held lock"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_lock_held_by_someone_else_says_who_and_since_when() {
    let sim = common::start(common::config(1, 10)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    let _held = hold_lock(&cli.workspace.join("sync.lock"), "sync");

    let line = cli.run(&["sync", "--all"]).await.only_error_line();
    assert!(
        line.contains("another sync is running in this workspace"),
        "{line}"
    );
    assert!(
        line.contains("held by mallory@build-07 (process 4242, sync) since 2026-12-05 08:00 UTC"),
        "{line}"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_link_as_the_sync_lock_is_refused_and_not_followed() {
    let sim = common::start(common::config(1, 10)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    let victim = cli.root.path().join("victim");
    std::os::unix::fs::symlink(&victim, cli.workspace.join("sync.lock")).unwrap();

    let line = cli.run(&["sync", "--all"]).await.only_error_line();
    assert!(
        line.contains("sync.lock") && line.contains("symbolic link"),
        "{line}"
    );
    assert!(!victim.exists(), "a file was created where the link points");
}

/// A tenant slow enough to sync that a kill lands in the middle (see `e2e_kill.rs`).
async fn slow_sim() -> TestSim {
    common::start(SimConfig {
        behaviour: Behaviour {
            auto_approve: true,
            device_code_interval: 1,
            latency: Duration::from_millis(20),
            page_size: Some(10),
            ..Behaviour::default()
        },
        ..common::config(1, 300)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_a_killed_process_is_interrupted_by_the_next_command_whatever_it_is() {
    let sim = slow_sim().await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    sim.control("stats/reset", serde_json::json!({})).await;
    let running: Running = cli.command(&["sync", "--all", "--json"]).spawn();
    sim.wait_for_stats(Duration::from_secs(60), |s| {
        s["requests"].as_u64().unwrap_or(0) >= 3
    })
    .await;
    // While it runs, another command leaves its run alone: its process is alive.
    let during = cli.json(&["runs", "list"]).await;
    let mut running = running;
    assert!(
        running.child.try_wait().unwrap().is_none(),
        "the sync finished before it could be killed; the simulator must be slower"
    );
    let live = during
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["run_kind"] == "sync");
    assert_eq!(
        live.map(|r| r["status"].clone()),
        Some("running".into()),
        "a live run is not interrupted: {during}"
    );
    running.kill().await;

    // Not a sync: any command that opens the workspace settles the dead process's run.
    let runs = cli.json(&["runs", "list"]).await;
    let run = runs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["run_kind"] == "sync")
        .expect("the killed sync is listed")
        .clone();
    assert_eq!(run["status"], "failed", "{run}");
    assert!(run["errors"].to_string().contains("interrupted"), "{run}");
    let locks: Vec<_> = common::files_below(&cli.workspace)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "lock"))
        .collect();
    assert!(
        locks.is_empty(),
        "the dead process's lock files are cleaned up: {locks:?}"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_passphrase_never_reaches_the_browser_launcher() {
    use std::os::unix::fs::PermissionsExt;
    let sim = common::start(common::config(1, 5)).await;
    let cli = CliEnv::new();
    // A browser launcher that writes down the environment it was given.
    let bin = cli.root.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let seen = cli.root.path().join("launcher-env");
    for name in ["xdg-open", "gio", "gnome-open", "kde-open", "wslview"] {
        let script = bin.join(name);
        std::fs::write(&script, format!("#!/bin/sh\nenv > '{}'\n", seen.display())).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let running = cli
        .add_tenant_command(&sim, &sim.domain(0), true)
        .env_remove("TENANTATLAS_NO_BROWSER")
        .env("PATH", path)
        .spawn();
    let deadline = std::time::Instant::now() + common::COMMAND_TIMEOUT;
    while !seen.exists()
        || std::fs::read_to_string(&seen)
            .unwrap_or_default()
            .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the browser launcher was never started"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    running.kill().await;
    let env = std::fs::read_to_string(&seen).unwrap();
    assert!(
        env.contains("XDG_DATA_HOME="),
        "the launcher's environment was recorded: {env}"
    );
    assert!(
        !env.contains("TENANTATLAS_PASSPHRASE") && !env.contains(common::PASSPHRASE),
        "the browser launcher was given the passphrase:\n{env}"
    );
}

/// Reproduction 8 as reported: a `drift` killed while its run is open. The test holds the
/// database's write lock (as a long commit of another process would) once a drift run is open, so
/// the drift blocks inside its run, and kills it there; the next command, whatever it is, settles
/// the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drift_killed_inside_its_run_is_interrupted_by_the_next_command() {
    let cli = CliEnv::new();
    let out = cli.root.path().join("demo");
    cli.run(&["demo", "--out", &out.display().to_string()])
        .await
        .assert_success();
    let workspace = out.join("workspace");
    let ws = workspace.display().to_string();
    let store = tenantatlas_store::Workspace::open(
        &workspace,
        &tenantatlas_store::KeyOptions {
            passphrase: Some(common::PASSPHRASE.to_string()),
        },
    )
    .await
    .expect("the demo workspace opens with the test passphrase");
    let running_drift = || async {
        let runs = tenantatlas_store::list_runs(&store).await.unwrap();
        runs.into_iter()
            .find(|r| r.run_kind == "drift" && r.status == tenantatlas_store::RunStatus::Running)
    };

    let mut killed = None;
    for _attempt in 0..20 {
        let mut drift: Running = cli.command(&["--workspace", &ws, "drift", "--all"]).spawn();
        let mut held = None;
        while drift.child.try_wait().unwrap().is_none() {
            if running_drift().await.is_some() {
                let mut tx = store.begin().await.unwrap();
                // Holding the write lock now: was the run still open when we took it?
                if let Some(run) = tenantatlas_store::list_runs(&mut *tx)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|r| {
                        r.run_kind == "drift" && r.status == tenantatlas_store::RunStatus::Running
                    })
                {
                    held = Some((tx, run.id));
                }
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        if let Some((tx, id)) = held {
            // The drift now waits for the write lock inside its run: kill it there.
            tokio::time::sleep(Duration::from_millis(300)).await;
            drift.kill().await;
            tx.rollback().await.unwrap();
            killed = Some(id);
            break;
        }
        drift.finish().await.assert_success();
    }
    let killed = killed.expect("a drift run was caught open in twenty tries");
    store.close().await.unwrap();

    // Not a sync, not even a write: listing findings settles the dead process's run.
    cli.json(&["--workspace", &ws, "findings", "list"]).await;
    let runs = cli.json(&["--workspace", &ws, "runs", "list"]).await;
    let run = runs
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == killed.as_str())
        .expect("the killed drift run is listed")
        .clone();
    assert_eq!(run["status"], "failed", "{run}");
    assert!(run["errors"].to_string().contains("interrupted"), "{run}");
}
