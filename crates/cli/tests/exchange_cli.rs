//! End to end through the real binary: `exchange-key`, `export-snapshot` and `import-snapshot`
//! between two workspaces, the imported tenant in `tenant list` and `sync`, and the one-line
//! refusals of a third workspace and of a key that is no key.

mod common;

use common::CliEnv;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleague_imports_a_snapshot_and_reviews_it_offline() {
    let sim = common::start(common::config(1, 20)).await;
    let tenant = sim.domain(0);
    let alice = CliEnv::new();
    alice.connect(&sim, 0).await;
    alice.json(&["sync", "--tenant", &tenant]).await;

    // Bob's key, printed alone and written to a file he sends.
    let bob = CliEnv::new();
    let printed = bob.run(&["exchange-key"]).await;
    printed.assert_success();
    let key = printed.stdout.trim().to_string();
    assert!(key.starts_with("age1") && !key.contains('\n'), "{key}");
    let key_file = bob.root.path().join("bob.pub");
    let written = bob
        .json(&["exchange-key", "--out", key_file.to_str().unwrap()])
        .await;
    assert_eq!(written["key"], key.as_str());
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        format!("{key}\n")
    );
    let again = bob
        .run(&["exchange-key", "--out", key_file.to_str().unwrap()])
        .await;
    assert!(again.only_error_line().contains("never replaced"));

    // A key that is no key: one line saying what a key looks like and how to get one.
    let bundle = alice.root.path().join("contoso.bundle");
    let bundle_arg = bundle.to_str().unwrap();
    let wrong = alice
        .run(&[
            "export-snapshot",
            "--tenant",
            &tenant,
            "--to",
            "bob@example.com",
            "--out",
            bundle_arg,
        ])
        .await;
    let line = wrong.only_error_line();
    assert!(
        line.contains("age1") && line.contains("tenantatlas exchange-key"),
        "{line}"
    );
    assert!(!bundle.exists());

    let exported = alice
        .json(&[
            "export-snapshot",
            "--tenant",
            &tenant,
            "--to",
            key_file.to_str().unwrap(),
            "--out",
            bundle_arg,
        ])
        .await;
    assert_eq!(exported["snapshots"], 1);
    assert_eq!(exported["recipient"], key.as_str());

    let imported = bob.json(&["import-snapshot", bundle_arg]).await;
    assert_eq!(imported["snapshots_added"], 1);
    assert_eq!(imported["new_tenant"], true);
    assert_eq!(
        bob.json(&["policies", "list", "--tenant", &tenant]).await,
        alice.json(&["policies", "list", "--tenant", &tenant]).await
    );

    // Offline in Bob's workspace: imported, dated by its snapshot, no reconnect advice.
    let listed = bob.json(&["tenant", "list"]).await;
    assert_eq!(listed[0]["sign_in_status"], "imported");
    let text = bob.run(&["tenant", "list"]).await;
    text.assert_success();
    assert!(
        text.stdout.contains("(snapshot imported)"),
        "{}",
        text.stdout
    );
    assert!(!text.stdout.contains("reconnect"), "{}", text.stdout);

    // Sync refuses it by name in one line, and skips it in a sync of all.
    let refused = bob.run(&["sync", "--tenant", &tenant]).await;
    assert_eq!(
        refused.only_error_line(),
        format!("error: {tenant} was imported from a snapshot bundle; it cannot sync — ask its owner for a newer bundle")
    );
    let all = bob.json(&["sync", "--all"]).await;
    assert_eq!(all["runs"][0]["status"], "skipped");

    // Importing it again adds nothing.
    let same = bob.run(&["import-snapshot", bundle_arg]).await;
    same.assert_success();
    assert!(same.stdout.starts_with("Nothing new"), "{}", same.stdout);

    // A third workspace's key does not open it.
    let carol = CliEnv::new();
    let carol_key = carol.run(&["exchange-key"]).await.stdout.trim().to_string();
    let line = carol
        .run(&["import-snapshot", bundle_arg])
        .await
        .only_error_line();
    assert!(
        line.contains(&format!(
            "not encrypted to this workspace's key ({carol_key})"
        )),
        "{line}"
    );
}
