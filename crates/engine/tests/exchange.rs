//! Snapshots for offline review between workspaces: workspace A syncs a simulated tenant and
//! exports it to B's key; B (and a fresh D, with the history) import it and review it offline —
//! the same objects and hashes, the same diffs, drift against a baseline — while a third
//! workspace's key, a changed or cut file, a file that is no bundle and a huge file are refused.

mod common;

use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenantatlas_engine::ops::diff::DiffReport;
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::exchange::{ExportOptions, MAX_FILE_BYTES};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::queries::SignInStatus;
use tenantatlas_engine::Engine;

async fn open(dir: &Path, name: &str) -> Engine {
    Engine::open(&dir.join(name), Some("exchange test passphrase".into()))
        .await
        .expect("the workspace opens")
}

async fn sync_all(engine: &Engine) {
    let runs = engine
        .sync(&[], Default::default(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(runs.iter().all(|r| r.status != "failed"), "{runs:?}");
}

async fn export(engine: &Engine, tenant: &str, to: &str, out: &Path, history: bool) {
    engine
        .export_snapshot(&ExportOptions {
            tenant: tenant.to_string(),
            to: to.to_string(),
            out: out.to_path_buf(),
            history,
        })
        .await
        .expect("export");
}

/// The latest snapshot's manifest with every content: (kind, id, hash, content).
async fn latest(engine: &Engine, tenant: &str) -> Vec<(String, String, String, serde_json::Value)> {
    let record = engine.tenant(tenant).await.unwrap();
    let snapshot = engine
        .workspace()
        .latest_snapshot(&record.id)
        .await
        .unwrap()
        .expect("a snapshot");
    engine
        .workspace()
        .snapshot_objects(snapshot.id)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.kind, o.object_id, o.hash, o.content))
        .collect()
}

/// A diff without what names the workspace (snapshot ids differ between workspaces).
fn comparable(report: &DiffReport) -> serde_json::Value {
    json!({
        "from": report.from.created_at,
        "to": report.to.created_at,
        "objects": report.objects,
        "summary": report.summary,
        "not_compared": report.not_compared,
    })
}

/// Changes one compliance policy's description in the simulated cloud; returns its id.
fn change_a_policy(sim: &tenantatlas_sim::SimHandle, text: &str) -> String {
    let mut world = sim.sim.world();
    let policies = world.tenants[0]
        .collections
        .iter_mut()
        .find(|(path, objects)| path.ends_with("deviceCompliancePolicies") && !objects.is_empty())
        .map(|(_, objects)| objects)
        .expect("the simulated tenant has compliance policies");
    policies[0].body.insert("description".into(), json!(text));
    policies[0].body["id"].as_str().unwrap().to_string()
}

fn audit_actions(entries: &[tenantatlas_store::AuditEntry], action: &str) -> usize {
    entries.iter().filter(|e| e.action == action).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_travels_to_a_colleague_and_is_reviewed_offline_there() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine: a, .. } =
        common::connected(common::sim_config(1, 40, 21), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    sync_all(&a).await;
    let b = open(dir.path(), "b").await;

    // B's key, as a file the colleague sends: `age1…\n`, readable by anyone, never replaced.
    let key_file = dir.path().join("b.pub");
    let key = b.write_exchange_key(&key_file).unwrap();
    assert_eq!(key, b.exchange_key());
    assert!(key.starts_with("age1") && key.len() == 62, "{key}");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{key}\n")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
    assert!(b.write_exchange_key(&key_file).is_err(), "create_new");
    // The key is derived from the workspace key: the same after reopening.
    let b = {
        b.close().await.unwrap();
        open(dir.path(), "b").await
    };
    assert_eq!(b.exchange_key(), key);

    let first = dir.path().join("contoso-1.bundle");
    export(&a, &domain, key_file.to_str().unwrap(), &first, false).await;
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(
        !String::from_utf8_lossy(&bytes).contains(&domain),
        "nothing readable inside"
    );

    let imported = b.import_snapshot(&first).await.expect("import");
    assert!(imported.new_tenant);
    assert_eq!(
        (imported.snapshots_in_bundle, imported.snapshots_added),
        (1, 1)
    );
    // The same objects with the same hashes and contents, taken at the same time.
    assert_eq!(latest(&b, &domain).await, latest(&a, &domain).await);
    assert_eq!(
        b.policies(&domain, None, None, false).await.unwrap().len(),
        a.policies(&domain, None, None, false).await.unwrap().len()
    );
    let a_snapshots = a
        .workspace()
        .list_snapshots(&imported.tenant)
        .await
        .unwrap();
    let b_snapshots = b
        .workspace()
        .list_snapshots(&imported.tenant)
        .await
        .unwrap();
    assert_eq!(b_snapshots[0].created_at, a_snapshots[0].created_at);
    assert_eq!(b_snapshots[0].kinds, a_snapshots[0].kinds);

    // Offline in B: "imported", its snapshot's date, no reconnect advice.
    let listed = b.tenants().await.unwrap();
    assert_eq!(listed[0].sign_in_status, SignInStatus::Imported);
    assert_eq!(
        listed[0].last_sync.as_deref(),
        Some(a_snapshots[0].created_at.as_str())
    );
    let portfolio = b.portfolio().await.unwrap();
    assert!(!portfolio[0].needs_reconnect);
    assert_eq!(portfolio[0].sign_in_status, "imported");

    // Sync refuses it by name, and skips it with a note in a sync of all.
    let refused = b
        .sync(
            std::slice::from_ref(&domain),
            Default::default(),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        refused.message,
        format!("{domain} was imported from a snapshot bundle; it cannot sync — ask its owner for a newer bundle")
    );
    let all = b
        .sync(&[], Default::default(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].status, "skipped");
    assert!(all[0].warnings[0].contains("snapshot bundle"));

    // Drift works offline: the imported snapshot approved, nothing has drifted from it.
    b.approve_snapshot(&domain, None).await.unwrap();
    let drift = b
        .drift(&DriftOptions {
            tenant: Some(domain.clone()),
            unexpected: false,
            today: today(),
        })
        .await
        .unwrap();
    assert!(drift.findings.is_empty(), "{:?}", drift.findings);
    assert_eq!(drift.runs[0].score, 100.0);

    // The same bundle again adds nothing.
    let again = b.import_snapshot(&first).await.unwrap();
    assert_eq!((again.snapshots_added, again.already_here), (0, 1));
    assert_eq!(
        b.workspace()
            .list_snapshots(&imported.tenant)
            .await
            .unwrap()
            .len(),
        1
    );

    // A newer bundle after a change in the cloud: a new snapshot and a new version in B, and B's
    // diff of its two snapshots is A's.
    let changed = change_a_policy(&sim, "changed before the second bundle");
    sync_all(&a).await;
    let second = dir.path().join("contoso-2.bundle");
    export(&a, &domain, &key, &second, false).await;
    let newer = b.import_snapshot(&second).await.unwrap();
    assert_eq!((newer.snapshots_added, newer.versions_added), (1, 1));
    assert!(!newer.new_tenant);
    assert_eq!(latest(&b, &domain).await, latest(&a, &domain).await);
    let diff_a = a.diff_snapshots(&domain, None, None).await.unwrap();
    let diff_b = b.diff_snapshots(&domain, None, None).await.unwrap();
    assert_eq!(diff_a.summary.modified, 1, "{:?}", diff_a.summary);
    assert_eq!(comparable(&diff_b), comparable(&diff_a));
    // The older bundle once more: held already, nothing added.
    let old = b.import_snapshot(&first).await.unwrap();
    assert_eq!((old.snapshots_added, old.already_here), (0, 1));

    // A third sync with nothing changed, imported: B's diff of its last two shows no changes.
    sync_all(&a).await;
    let third = dir.path().join("contoso-3.bundle");
    export(&a, &domain, &key, &third, false).await;
    assert_eq!(b.import_snapshot(&third).await.unwrap().snapshots_added, 1);
    let unchanged = b.diff_snapshots(&domain, None, None).await.unwrap();
    assert!(unchanged.objects.is_empty(), "{:?}", unchanged.objects);
    assert_eq!(unchanged.summary.modified + unchanged.summary.added, 0);

    // With --history a fresh workspace gets every snapshot, and the same version diff as A.
    let d = open(dir.path(), "d").await;
    let all_of_it = dir.path().join("contoso-history.bundle");
    export(&a, &domain, &d.exchange_key(), &all_of_it, true).await;
    let history = d.import_snapshot(&all_of_it).await.unwrap();
    assert_eq!(history.snapshots_added, 3);
    // The same versions, with the same hashes, captured at the same times (snapshot ids are each
    // workspace's own).
    let versions = |history: Vec<tenantatlas_store::VersionInfo>| -> Vec<_> {
        history
            .into_iter()
            .map(|v| (v.kind, v.version_no, v.hash, v.captured_at))
            .collect()
    };
    let history_a = versions(a.history(&domain, &changed).await.unwrap());
    assert_eq!(history_a.len(), 2);
    assert_eq!(
        versions(d.history(&domain, &changed).await.unwrap()),
        history_a
    );
    let versions_a = a
        .diff_versions(&domain, &changed, Some(1), Some(2))
        .await
        .unwrap();
    let versions_d = d
        .diff_versions(&domain, &changed, Some(1), Some(2))
        .await
        .unwrap();
    assert_eq!(versions_d, versions_a);
    let a_first = a
        .workspace()
        .list_snapshots(&imported.tenant)
        .await
        .unwrap();
    let d_first = d
        .workspace()
        .list_snapshots(&imported.tenant)
        .await
        .unwrap();
    let diff_a = a
        .diff_snapshots(&domain, Some(a_first[0].id), Some(a_first[1].id))
        .await
        .unwrap();
    let diff_d = d
        .diff_snapshots(&domain, Some(d_first[0].id), Some(d_first[1].id))
        .await
        .unwrap();
    assert_eq!(comparable(&diff_d), comparable(&diff_a));

    // Each export and import is in the audit log.
    let audit_a = a.workspace().list_audit().await.unwrap();
    assert_eq!(audit_actions(&audit_a, "snapshot.export"), 4);
    let audit_b = b.workspace().list_audit().await.unwrap();
    assert_eq!(audit_actions(&audit_b, "snapshot.import"), 5);
    let entry = audit_b
        .iter()
        .find(|e| e.action == "snapshot.import")
        .unwrap();
    assert_eq!(entry.details["snapshots_added"], 1);
    assert_eq!(entry.details["file"], "contoso-1.bundle");
}

/// Every file that must not import, and what B says about it: one line naming the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_opens_only_with_its_key_and_only_whole() {
    let dir = tempfile::tempdir().unwrap();
    let common::Connected { sim, engine: a, .. } =
        common::connected(common::sim_config(1, 10, 5), dir.path()).await;
    let domain = sim.tenants()[0].domain.clone();
    sync_all(&a).await;
    let b = open(dir.path(), "b").await;
    let c = open(dir.path(), "c").await;
    let bundle = dir.path().join("for-b.bundle");
    export(&a, &domain, &b.exchange_key(), &bundle, false).await;
    let good = std::fs::read(&bundle).unwrap();

    let refused = |path: PathBuf, e: tenantatlas_engine::EngineError| {
        assert!(!e.message.contains('\n'), "{}", e.message);
        assert!(
            e.message.contains(&path.display().to_string()),
            "{}",
            e.message
        );
        e.message
    };

    // A third workspace's key does not open it, and says which key it has.
    let e = c.import_snapshot(&bundle).await.unwrap_err();
    let message = refused(bundle.clone(), e);
    assert!(
        message.contains(&format!(
            "was not encrypted to this workspace's key ({})",
            c.exchange_key()
        )) && message.contains("tenantatlas exchange-key"),
        "{message}"
    );

    // A byte changed anywhere: the version line, the recipient stanza, the header's MAC, the
    // body, the last byte.
    let header_end = good.windows(4).position(|w| w == b"\n---").unwrap();
    for (what, at) in [
        ("version line", 20),
        ("recipient stanza", 40),
        ("header MAC", header_end + 6),
        ("body", good.len() / 2),
        ("last byte", good.len() - 1),
    ] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x01;
        let path = dir
            .path()
            .join(format!("flipped-{}.bundle", what.replace(' ', "-")));
        std::fs::write(&path, &bytes).unwrap();
        let e = b.import_snapshot(&path).await.expect_err(what);
        let message = refused(path, e);
        assert!(
            message.contains("damaged or was changed")
                || message.contains("not encrypted to this workspace's key"),
            "{what}: {message}"
        );
    }

    // Cut short, at the end or in the middle.
    for keep in [good.len() - 1, good.len() - 17, good.len() / 2, 30] {
        let path = dir.path().join(format!("cut-{keep}.bundle"));
        std::fs::write(&path, &good[..keep]).unwrap();
        let e = b.import_snapshot(&path).await.expect_err("truncated");
        let message = refused(path, e);
        assert!(message.contains("damaged or was changed"), "{message}");
    }

    // Not an age file at all.
    let plain = dir.path().join("plain.json");
    std::fs::write(&plain, br#"{"format":"tenantatlas-snapshot-bundle/1"}"#).unwrap();
    let message = refused(plain.clone(), b.import_snapshot(&plain).await.unwrap_err());
    assert!(message.contains("not a snapshot bundle"), "{message}");
    let empty = dir.path().join("empty.bundle");
    std::fs::write(&empty, b"").unwrap();
    refused(empty.clone(), b.import_snapshot(&empty).await.unwrap_err());

    // Larger than any bundle may be: refused from its size, without reading it (sparse file).
    let huge = dir.path().join("huge.bundle");
    let file = std::fs::File::create(&huge).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    drop(file);
    let started = std::time::Instant::now();
    let message = refused(huge.clone(), b.import_snapshot(&huge).await.unwrap_err());
    assert!(message.contains("larger than 1 GiB"), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    // A folder is not a bundle.
    let message = refused(
        dir.path().to_path_buf(),
        b.import_snapshot(dir.path()).await.unwrap_err(),
    );
    assert!(message.contains("not a regular file") || message.contains("a folder"));

    // Nothing of any of it reached B.
    assert!(b.tenants().await.unwrap().is_empty());
    assert!(b
        .workspace()
        .list_audit()
        .await
        .unwrap()
        .iter()
        .all(|e| e.action != "snapshot.import"));

    // And the good file still imports.
    assert_eq!(b.import_snapshot(&bundle).await.unwrap().snapshots_added, 1);

    // Keys that are not keys: one line saying what a key looks like and how to get one.
    let garbage = dir.path().join("garbage.pub");
    std::fs::write(&garbage, "ssh-ed25519 AAAAC3Nza… alice@laptop\n").unwrap();
    for to in [
        "age1notakey".to_string(),
        "hello".to_string(),
        garbage.display().to_string(),
    ] {
        let e = a
            .export_snapshot(&ExportOptions {
                tenant: domain.clone(),
                to,
                out: dir.path().join("never.bundle"),
                history: false,
            })
            .await
            .unwrap_err();
        assert!(
            e.message.contains("age1") && e.message.contains("tenantatlas exchange-key"),
            "{}",
            e.message
        );
        assert!(!e.message.contains('\n'));
    }
    assert!(!dir.path().join("never.bundle").exists());

    // An existing file is never replaced.
    let e = a
        .export_snapshot(&ExportOptions {
            tenant: domain.clone(),
            to: b.exchange_key(),
            out: bundle.clone(),
            history: false,
        })
        .await
        .unwrap_err();
    assert!(e.message.contains("never replaced"), "{}", e.message);
    assert_eq!(std::fs::read(&bundle).unwrap(), good);

    // A connected tenant is never overwritten by a bundle of itself.
    let to_a = dir.path().join("for-a.bundle");
    export(&b, &domain, &a.exchange_key(), &to_a, false).await;
    let e = a.import_snapshot(&to_a).await.unwrap_err();
    assert!(
        e.message.contains("is connected in this workspace"),
        "{}",
        e.message
    );
}
