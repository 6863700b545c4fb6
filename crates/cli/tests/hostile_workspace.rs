//! Issue 10, reproductions 1, 5 and 7 on the real binary: an emptied or truncated `workspace.db`
//! is an error that says how to restore (never a new, empty workspace), `backup` and
//! `restore-backup` follow that advice, workspace files are private, a weak passphrase makes no
//! workspace, and absurd key-derivation settings are refused instead of aborting or hanging.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;

fn assert_mentions(line: &str, words: &[&str]) {
    for word in words {
        assert!(line.contains(word), "{line:?} does not mention {word:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_emptied_workspace_is_an_error_and_a_backup_brings_it_back() {
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    // The backup's own audit entry gives the log something to lose.
    let backup = cli.root.path().join("before.tabackup");
    let made = cli
        .json(&["backup", "--out", backup.to_str().unwrap()])
        .await;
    assert_eq!(made["counts"]["audit_entries"], 0);
    cli.json(&["audit", "verify"]).await;
    let db = cli.workspace.join("workspace.db");

    // `: > workspace.db`
    std::fs::write(&db, b"").unwrap();
    for args in [vec!["audit", "verify"], vec!["tenant", "list"]] {
        let line = cli.run(&args).await.only_error_line();
        assert_mentions(
            &line,
            &[
                &db.display().to_string(),
                "empty",
                "tenantatlas restore-backup FILE",
            ],
        );
        assert_eq!(
            std::fs::metadata(&db).unwrap().len(),
            0,
            "nothing was made in its place"
        );
    }

    // The advice works, without --force, since the workspace is damaged.
    let restored = cli
        .json(&["restore-backup", backup.to_str().unwrap()])
        .await;
    assert_eq!(restored["workspace_id"], made["workspace_id"]);
    let kept: Vec<String> = restored["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(
        kept.iter()
            .any(|p| p.contains("workspace.db.before-restore-")),
        "{kept:?}"
    );
    assert!(kept.iter().all(|p| Path::new(p).exists()), "{kept:?}");
    cli.json(&["audit", "verify"]).await;
    let log = cli.json(&["audit", "list"]).await;
    assert!(
        log.to_string().contains("workspace.restore"),
        "the restore is in the audit log: {log}"
    );

    // A healthy workspace is not replaced without --force.
    let line = cli
        .run(&["restore-backup", backup.to_str().unwrap()])
        .await
        .only_error_line();
    assert_mentions(&line, &["--force"]);
    cli.json(&["restore-backup", backup.to_str().unwrap(), "--force"])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_workspace_is_an_error() {
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    let db = cli.workspace.join("workspace.db");
    let whole = std::fs::read(&db).unwrap();
    std::fs::write(&db, &whole[..whole.len() - 1000]).unwrap();
    let line = cli.run(&["tenant", "list"]).await.only_error_line();
    assert_mentions(&line, &["truncated", "restore-backup"]);
    std::fs::remove_file(&db).unwrap();
    let line = cli.run(&["tenant", "list"]).await.only_error_line();
    assert_mentions(&line, &["missing", "restore-backup"]);
    assert!(!db.exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_backup_is_refused_and_the_workspace_left_alone() {
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    let backup = cli.root.path().join("b.tabackup");
    cli.json(&["backup", "--out", backup.to_str().unwrap()])
        .await;
    let mut bytes = std::fs::read(&backup).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 0x40;
    let damaged = cli.root.path().join("damaged.tabackup");
    std::fs::write(&damaged, &bytes).unwrap();
    std::fs::write(cli.workspace.join("workspace.db"), b"").unwrap();
    let line = cli
        .run(&["restore-backup", damaged.to_str().unwrap()])
        .await
        .only_error_line();
    assert_mentions(&line, &["checksum", "another backup"]);
    assert_eq!(
        std::fs::metadata(cli.workspace.join("workspace.db"))
            .unwrap()
            .len(),
        0
    );

    // The right file with another passphrase.
    let outcome = cli
        .command(&["restore-backup", backup.to_str().unwrap()])
        .env("TENANTATLAS_PASSPHRASE", "a different passphrase")
        .run()
        .await;
    assert_mentions(&outcome.only_error_line(), &["does not open this backup"]);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    let json = cli.workspace.join("workspace.json");
    let db = cli.workspace.join("workspace.db");
    assert_eq!(mode(&cli.workspace), 0o700, "the workspace folder");
    assert_eq!(mode(&json), 0o600, "workspace.json");
    assert_eq!(mode(&db), 0o600, "workspace.db");

    // Loosened (an older version, a copy with `cp -r` under a loose umask): tightened on open.
    std::fs::set_permissions(&cli.workspace, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&json, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let outcome = cli.run(&["tenant", "list", "--json"]).await;
    outcome.json();
    assert_eq!(outcome.stderr.trim(), "", "tightening is quiet");
    assert_eq!(mode(&cli.workspace), 0o700);
    assert_eq!(mode(&json), 0o600);
    assert_eq!(mode(&db), 0o600);

    let backup = cli.root.path().join("b.tabackup");
    cli.json(&["backup", "--out", backup.to_str().unwrap()])
        .await;
    assert_eq!(mode(&backup), 0o600, "the backup file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_passphrase_makes_no_workspace() {
    let cli = CliEnv::new();
    for weak in ["x", "hunter2", "aaaaaaaaaaaaaaaaaaaa"] {
        let outcome = cli
            .command(&["tenant", "list"])
            .env("TENANTATLAS_PASSPHRASE", weak)
            .run()
            .await;
        let line = outcome.only_error_line();
        assert_mentions(&line, &["TENANTATLAS_PASSPHRASE", "at least 12 characters"]);
        assert!(!line.contains(&format!("\"{weak}\"")), "not echoed: {line}");
        assert!(!cli.workspace.exists(), "no workspace was made");
    }
    // The rule is for new workspaces: an existing one opens with its passphrase as before.
    cli.json(&["tenant", "list"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_key_derivation_settings_are_refused_not_run() {
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    let path = cli.workspace.join("workspace.json");
    let original: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // memory_kib aborted the process (exit 134); iterations made it run for ever.
    for (field, value) in [
        ("memory_kib", 4_294_967_295u64),
        ("iterations", 4_294_967_295),
        ("parallelism", 16_777_215),
    ] {
        let mut meta = original.clone();
        meta["kdf"][field] = value.into();
        std::fs::write(&path, serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
        let line = cli.run(&["tenant", "list"]).await.only_error_line();
        assert_mentions(&line, &["workspace.json", "out of bounds", field]);
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&original).unwrap()).unwrap();
    cli.json(&["tenant", "list"]).await;
}
