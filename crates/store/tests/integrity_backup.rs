//! A workspace that holds up: a damaged database is an error and never a new workspace, files
//! are private, key-derivation settings are bounded, and whole-workspace backups round-trip and
//! refuse to restore anything they cannot prove.

mod common;

use common::*;
use serde_json::json;
use std::path::Path;
use tenantatlas_store::*;

/// A workspace with a tenant, a snapshot and an audit entry, closed.
async fn populated(dir: &Path) {
    let ws = open(dir).await;
    let t = tenant(
        "55555555-aaaa-bbbb-cccc-000000000005",
        "northwind.onmicrosoft.com",
        "Northwind Quokka Traders",
    );
    upsert_tenant(&ws, &t).await.unwrap();
    let mut objects = Vec::new();
    for i in 0..150 {
        objects.push(object(
            "deviceConfigurations",
            &format!("p-{i}"),
            &format!("Quokka policy {i}"),
            json!({"n": i, "text": "x".repeat(200)}),
        ));
    }
    let run = start_run(&ws, "sync", Some(&t.id)).await.unwrap();
    commit_snapshot(&ws, &t.id, &run, &objects, &["deviceConfigurations"])
        .await
        .unwrap();
    append_audit(&ws, "engineer", "tenant.add", &t.id, &json!({}))
        .await
        .unwrap();
    ws.close().await.unwrap();
}

fn assert_corrupt_saying(err: &StoreError, path: &Path, words: &[&str]) {
    let text = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    assert!(text.starts_with(&path.display().to_string()), "{text}");
    for word in words {
        assert!(text.contains(word), "{text:?} lacks {word:?}");
    }
}

/// The database bytes of a backup file (after the magic line and the header line).
fn database_part(backup: &[u8]) -> &[u8] {
    let first = backup.iter().position(|b| *b == b'\n').unwrap();
    let second = first
        + 1
        + backup[first + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap();
    &backup[second + 1..]
}

#[tokio::test]
async fn an_emptied_database_is_an_error_never_a_new_workspace() {
    let (_tmp, dir) = fresh_dir();
    populated(&dir).await;
    let db = dir.join("workspace.db");
    std::fs::write(&db, b"").unwrap();
    for _ in 0..2 {
        let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
            .await
            .unwrap_err();
        assert_corrupt_saying(&err, &db, &["empty", "restore-backup"]);
        // Nothing was made in its place.
        assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    }
    std::fs::remove_file(&db).unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt_saying(&err, &db, &["missing", "restore-backup"]);
    assert!(!db.exists());
}

#[tokio::test]
async fn a_truncated_database_is_detected_cheaply() {
    let (_tmp, dir) = fresh_dir();
    populated(&dir).await;
    let db = dir.join("workspace.db");
    let whole = std::fs::read(&db).unwrap();
    assert!(
        whole.len() >= 16 * 4096,
        "enough pages to cut: {}",
        whole.len()
    );

    // Not a whole number of pages.
    std::fs::write(&db, &whole[..whole.len() - 100]).unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt_saying(&err, &db, &["truncated", "restore-backup"]);

    // Whole pages, fewer than the header says.
    std::fs::write(&db, &whole[..(whole.len() / 4096 / 2) * 4096]).unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt_saying(&err, &db, &["damaged", "restore-backup"]);

    // And whole again, it opens.
    std::fs::write(&db, &whole).unwrap();
    open(&dir).await.close().await.unwrap();
}

#[tokio::test]
async fn a_database_without_tables_is_not_the_workspace() {
    let (_tmp, dir) = fresh_dir();
    populated(&dir).await;
    let ws = open(&dir).await;
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(ws.pool())
        .await
        .unwrap();
    let mut conn = ws.pool().acquire().await.unwrap();
    sqlx::query("PRAGMA foreign_keys = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("PRAGMA writable_schema = ON")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("DELETE FROM sqlite_master")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("PRAGMA writable_schema = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    ws.close().await.unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt_saying(
        &err,
        &dir.join("workspace.db"),
        &["no tables", "restore-backup"],
    );
}

#[tokio::test]
async fn key_derivation_settings_out_of_bounds_are_refused() {
    let (_tmp, dir) = fresh_dir();
    open(&dir).await.close().await.unwrap();
    let meta_path = dir.join("workspace.json");
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    for (field, value) in [
        ("memory_kib", json!(4_000_000_000u32)),
        ("iterations", json!(4_000_000_000u32)),
        ("parallelism", json!(1000)),
        ("salt", json!("00")),
    ] {
        let mut meta = original.clone();
        meta["kdf"][field] = value;
        std::fs::write(&meta_path, serde_json::to_vec(&meta).unwrap()).unwrap();
        let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
            .await
            .unwrap_err();
        assert_corrupt_saying(&err, &meta_path, &["out of bounds"]);
    }
}

#[tokio::test]
async fn a_weak_passphrase_makes_no_workspace() {
    for weak in ["x", "hunter2", "aaaaaaaaaaaaaaaaaaaa", "            "] {
        let (_tmp, dir) = fresh_dir();
        let err = Workspace::open(&dir, &passphrase(weak)).await.unwrap_err();
        assert!(matches!(err, StoreError::WeakPassphrase), "{err:?}");
        assert!(err.to_string().contains("at least 12 characters"), "{err}");
        assert!(!dir.exists(), "nothing is left behind");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn workspace_files_are_private_and_loose_modes_are_tightened() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // A folder that exists already with the usual loose mode, as a user might make it.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("workspace");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let ws = open(&dir).await;
    upsert_tenant(
        &ws,
        &tenant("66666666-aaaa-bbbb-cccc-000000000006", "a.com", "A"),
    )
    .await
    .unwrap();
    let files: Vec<std::path::PathBuf> = [
        "workspace.json",
        "workspace.db",
        "workspace.db-wal",
        "workspace.db-shm",
    ]
    .iter()
    .map(|n| dir.join(n))
    .collect();
    assert_eq!(mode(&dir), 0o700);
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    ws.close().await.unwrap();

    // Made looser by hand (or by an older version): the next open tightens them.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    for file in &files[..2] {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o666)).unwrap();
    }
    let ws = open(&dir).await;
    assert_eq!(mode(&dir), 0o700);
    for file in &files {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }

    // A backup is private too.
    let out = tmp.path().join("ws.tabackup");
    ws.backup(&out).await.unwrap();
    assert_eq!(mode(&out), 0o600);
    ws.close().await.unwrap();
}

#[tokio::test]
async fn a_backup_is_encrypted_and_restores_whole() {
    let (tmp, dir) = fresh_dir();
    populated(&dir).await;
    let ws = open(&dir).await;
    let out = tmp.path().join("northwind.tabackup");
    let summary = ws.backup(&out).await.unwrap();
    let id = ws.id().to_string();
    ws.close().await.unwrap();
    assert_eq!(
        summary.counts,
        BackupCounts {
            tenants: 1,
            snapshots: 1,
            audit_entries: 1
        }
    );
    assert_eq!(summary.bytes, std::fs::metadata(&out).unwrap().len());

    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"TENANTATLAS-BACKUP\n"));
    let db = database_part(&bytes);
    assert!(
        db.len() >= 4096 && db.len().is_multiple_of(4096),
        "{}",
        db.len()
    );
    // SQLCipher encrypted the copy: no plain SQLite header, no customer's name anywhere.
    assert!(!db.starts_with(b"SQLite format 3\0"));
    for secret in [
        "Northwind Quokka Traders",
        "Quokka policy",
        "northwind.onmicrosoft.com",
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the backup in plain text"
        );
    }
    // Without the key, SQLite cannot read it.
    let plain = tmp.path().join("plain.db");
    std::fs::write(&plain, db).unwrap();
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&plain);
    let read = async {
        let pool = sqlx::SqlitePool::connect_with(opts).await?;
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
            .fetch_one(&pool)
            .await
    };
    assert!(read.await.is_err(), "the copy opened without a key");

    // Restored into a new folder: the same workspace, its audit chain intact.
    let restored_dir = tmp.path().join("restored");
    let restored = restore_backup(
        &restored_dir,
        &out,
        &passphrase(PASSPHRASE),
        RestoreOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(restored.summary.counts, summary.counts);
    assert!(restored.summary.kept.is_empty());
    let ws = restored.workspace;
    assert_eq!(ws.id(), id);
    assert_eq!(
        ws.list_tenants().await.unwrap()[0].name,
        "Northwind Quokka Traders"
    );
    assert_eq!(ws.verify_audit().await.unwrap(), 1);
    assert_eq!(count(&ws, "snapshot_items").await, 150);
    ws.close().await.unwrap();
    let leftovers: Vec<_> = std::fs::read_dir(&restored_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".restore-") || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn restore_replaces_a_damaged_workspace_and_asks_before_a_healthy_one() {
    let (tmp, dir) = fresh_dir();
    populated(&dir).await;
    let out = tmp.path().join("b.tabackup");
    let ws = open(&dir).await;
    ws.backup(&out).await.unwrap();
    // A second backup to the same name is refused: backups never overwrite.
    let err = ws.backup(&out).await.unwrap_err();
    assert!(matches!(err, StoreError::Refused { .. }), "{err:?}");
    ws.close().await.unwrap();

    // Healthy: refused without --force, nothing changed.
    let before = std::fs::read(dir.join("workspace.db")).unwrap();
    let err = restore_backup(
        &dir,
        &out,
        &passphrase(PASSPHRASE),
        RestoreOptions::default(),
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::Refused { .. }), "{err:?}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(std::fs::read(dir.join("workspace.db")).unwrap(), before);

    // Emptied: restored without asking; the empty file is kept, not deleted.
    std::fs::write(dir.join("workspace.db"), b"").unwrap();
    let restored = restore_backup(
        &dir,
        &out,
        &passphrase(PASSPHRASE),
        RestoreOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(restored.workspace.list_tenants().await.unwrap().len(), 1);
    restored.workspace.close().await.unwrap();
    let kept = &restored.summary.kept;
    assert!(kept.iter().any(|p| p
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("workspace.db.before-restore-")));
    assert!(kept.iter().any(|p| p
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("workspace.json.before-restore-")));
    for path in kept {
        assert!(path.exists(), "{}", path.display());
    }

    // Healthy and --force: replaced, the old files kept.
    let forced = restore_backup(
        &dir,
        &out,
        &passphrase(PASSPHRASE),
        RestoreOptions { force: true },
    )
    .await
    .unwrap();
    assert!(!forced.summary.kept.is_empty());
    forced.workspace.close().await.unwrap();
}

#[tokio::test]
async fn a_damaged_or_foreign_backup_is_refused_before_the_workspace_is_touched() {
    let (tmp, dir) = fresh_dir();
    populated(&dir).await;
    let out = tmp.path().join("b.tabackup");
    let ws = open(&dir).await;
    ws.backup(&out).await.unwrap();
    ws.close().await.unwrap();
    let good = std::fs::read(&out).unwrap();
    let header_len = good.len() - database_part(&good).len();
    // The target: an emptied workspace, which a good backup would replace without asking.
    std::fs::write(dir.join("workspace.db"), b"").unwrap();
    let listing = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // SQLite's own -wal/-shm files come and go as the last connection closes.
            .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
            .collect();
        names.sort();
        names
    };
    let before = listing(&dir);

    let mut flipped = good.clone();
    let middle = header_len + (good.len() - header_len) / 2;
    flipped[middle] ^= 0x01;
    let mut wrong_magic = good.clone();
    wrong_magic[0] = b'X';
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("a flipped bit", flipped, "checksum"),
        ("cut short", good[..good.len() - 4096].to_vec(), "checksum"),
        (
            "a byte longer",
            [good.as_slice(), b"!"].concat(),
            "checksum",
        ),
        ("not a backup", wrong_magic, "not a TenantAtlas backup"),
        (
            "only a header",
            good[..header_len - 5].to_vec(),
            "damaged header",
        ),
        ("empty", Vec::new(), "not a TenantAtlas backup"),
    ];
    for (what, bytes, says) in cases {
        let bad = tmp.path().join("bad.tabackup");
        std::fs::write(&bad, &bytes).unwrap();
        let err = restore_backup(
            &dir,
            &bad,
            &passphrase(PASSPHRASE),
            RestoreOptions::default(),
        )
        .await
        .err()
        .unwrap_or_else(|| panic!("{what}: restored"));
        assert_corrupt_saying(&err, &bad, &[says]);
        assert_eq!(
            listing(&dir),
            before,
            "{what}: the workspace folder changed"
        );
    }

    // The right bytes with the wrong passphrase.
    let err = restore_backup(
        &dir,
        &out,
        &passphrase("not the right passphrase"),
        RestoreOptions::default(),
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::BackupWrongKey { .. }), "{err:?}");
    assert_eq!(listing(&dir), before);
    assert_eq!(
        std::fs::metadata(dir.join("workspace.db")).unwrap().len(),
        0
    );
}

/// `workspace.json` replaced by a FIFO (a read would block forever) or a link to an endless
/// device (a read would never end): an error at once, never a hang or memory running out.
#[cfg(unix)]
#[tokio::test]
async fn a_workspace_json_that_is_no_file_is_refused_unread() {
    for make in ["fifo", "device", "huge"] {
        let (_tmp, dir) = fresh_dir();
        open(&dir).await.close().await.unwrap();
        let meta = dir.join(tenantatlas_store::workspace::META_FILE);
        std::fs::remove_file(&meta).unwrap();
        match make {
            "fifo" => {
                let status = std::process::Command::new("mkfifo")
                    .arg(&meta)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            "device" => std::os::unix::fs::symlink("/dev/zero", &meta).unwrap(),
            _ => std::fs::write(&meta, vec![b' '; 1 << 20]).unwrap(),
        }
        let opened = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            Workspace::open(&dir, &passphrase(PASSPHRASE)),
        )
        .await
        .unwrap_or_else(|_| panic!("opening with a {make} as workspace.json hung"));
        let err = opened.unwrap_err().to_string();
        assert!(err.contains("workspace.json"), "{make}: {err}");
        assert!(
            err.contains("not a regular file") || err.contains("far too large"),
            "{make}: {err}"
        );
    }
}
