//! Creating, opening and protecting a workspace folder.

mod common;

use common::*;
use serde_json::json;
use std::path::Path;
use tenantatlas_store::*;

#[tokio::test]
async fn a_new_workspace_is_created_and_reopens_with_its_data() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    assert_eq!(ws.dir(), dir.as_path());
    let id = ws.id().to_string();
    upsert_tenant(
        &ws,
        &tenant(
            "11111111-aaaa-bbbb-cccc-000000000001",
            "contoso.onmicrosoft.com",
            "Contoso",
        ),
    )
    .await
    .unwrap();
    ws.close().await.unwrap();

    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("workspace.json")).unwrap()).unwrap();
    assert_eq!(meta["format"], 1);
    assert_eq!(meta["key_source"], "passphrase");
    assert_eq!(meta["kdf"]["algorithm"], "argon2id");
    assert_eq!(meta["kdf"]["salt"].as_str().unwrap().len(), 32);
    assert_eq!(meta["workspace_id"], id.as_str());

    let ws = open(&dir).await;
    assert_eq!(ws.id(), id);
    let found = find_tenant(&ws, "CONTOSO.onmicrosoft.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.name, "Contoso");
    assert_eq!(found.state, TenantState::Active);
    assert!(!found.created_at.is_empty());
    let by_id = find_tenant(&ws, "11111111-AAAA-bbbb-cccc-000000000001")
        .await
        .unwrap();
    assert_eq!(by_id.unwrap().domain, "contoso.onmicrosoft.com");
    assert!(find_tenant(&ws, "fabrikam.com").await.unwrap().is_none());
}

#[tokio::test]
async fn a_wrong_passphrase_is_wrong_key() {
    let (_tmp, dir) = fresh_dir();
    open(&dir).await.close().await.unwrap();
    let err = Workspace::open(&dir, &passphrase("not the passphrase"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::WrongKey), "{err}");
    assert_eq!(
        err.to_string(),
        "the passphrase (or keychain key) does not open this workspace"
    );
}

#[tokio::test]
async fn a_passphrase_workspace_without_a_passphrase_says_what_to_set() {
    let (_tmp, dir) = fresh_dir();
    open(&dir).await.close().await.unwrap();
    let err = Workspace::open(&dir, &KeyOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::PassphraseRequired));
    assert_eq!(
        err.to_string(),
        "this workspace is protected by a passphrase; set TENANTATLAS_PASSPHRASE"
    );
}

#[tokio::test]
async fn a_folder_with_a_garbage_database_is_corrupt() {
    // workspace.db without workspace.json: not a workspace we can open.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("workspace.db"), vec![0x5a; 8192]).unwrap();
    let err = Workspace::open(tmp.path(), &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt(&err, tmp.path());
    assert!(err.to_string().contains("workspace.json"), "{err}");

    // A real workspace whose database was overwritten: the right key, a damaged file.
    let (_tmp, dir) = fresh_dir();
    open(&dir).await.close().await.unwrap();
    std::fs::write(
        dir.join("workspace.db"),
        b"this is not a database at all, just some text".repeat(200),
    )
    .unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt(&err, &dir.join("workspace.db"));
    assert!(err.to_string().contains("backup"), "{err}");
    // …while the wrong passphrase on that folder is still told apart as a wrong key.
    let err = Workspace::open(&dir, &passphrase("nope"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::WrongKey));

    // A damaged workspace.json.
    std::fs::write(dir.join("workspace.json"), b"{ not json").unwrap();
    let err = Workspace::open(&dir, &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt(&err, &dir.join("workspace.json"));
}

#[tokio::test]
async fn a_folder_of_other_files_is_not_taken_over() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), b"my notes").unwrap();
    let err = Workspace::open(tmp.path(), &passphrase(PASSPHRASE))
        .await
        .unwrap_err();
    assert_corrupt(&err, tmp.path());
    assert!(!tmp.path().join("workspace.json").exists());
    // An existing empty folder is fine.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    Workspace::open(&empty, &passphrase(PASSPHRASE))
        .await
        .unwrap();
}

fn assert_corrupt(err: &StoreError, path: &Path) {
    match err {
        StoreError::Corrupt { path: p, .. } => assert_eq!(p, path, "{err}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with(&path.display().to_string()),
        "{err}"
    );
    assert!(!err.to_string().contains('\n'));
}

/// Every file under the folder, as bytes.
fn read_all_files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(read_all_files(&path));
        } else {
            match std::fs::read(&path) {
                Ok(bytes) => out.push((path.clone(), bytes)),
                // SQLite removes `-shm` and `-wal` as its last connection closes, which may end on
                // its own thread just after `close` returns: a file gone holds nothing.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
    out
}

fn assert_no_plaintext(dir: &Path, secrets: &[&str], when: &str) {
    let files = read_all_files(dir);
    assert!(files.iter().any(|(p, _)| p.ends_with("workspace.db")));
    for (path, bytes) in &files {
        for secret in secrets {
            let found = bytes.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(
                !found,
                "{when}: {secret:?} found in plain text in {}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn nothing_sensitive_is_readable_in_any_file() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let tenant_name = "Zylophant Pharma Holdings";
    let policy_name = "ZYLO-Baseline-BitLocker-Quokka";
    let content = "quokka-setting-value-8f2e1c";
    let refresh = "0.ARoAv4j5cvGGr0GRqy180BHbR-refresh-token-qx91";
    let mut t = tenant(
        "22222222-aaaa-bbbb-cccc-000000000002",
        "zylophant.onmicrosoft.com",
        tenant_name,
    );
    t.ca_cert_pem = None;
    upsert_tenant(&ws, &t).await.unwrap();
    save_tokens(
        &ws,
        &t.id,
        &StoredTokens {
            refresh_token: refresh.to_string(),
            access_token: Some("eyJ0eXAiOiJKV1Qi.access-token-qx92".to_string()),
            access_expires_at: Some(1_900_000_000),
        },
    )
    .await
    .unwrap();
    // Enough objects that the write-ahead log holds real pages before the checkpoint.
    let mut objects = vec![object(
        "deviceConfigurations",
        "p-1",
        policy_name,
        json!({"value": content}),
    )];
    for i in 0..200 {
        objects.push(object(
            "deviceConfigurations",
            &format!("filler-{i}"),
            &format!("Filler {i}"),
            json!({"n": i}),
        ));
    }
    let run = start_run(&ws, "sync", Some(&t.id)).await.unwrap();
    commit_snapshot(&ws, &t.id, &run, &objects, &["deviceConfigurations"])
        .await
        .unwrap();
    append_audit(
        &ws,
        "engineer",
        "tenant.add",
        &t.id,
        &json!({"name": tenant_name}),
    )
    .await
    .unwrap();
    assert!(load_tokens(&ws, &t.id).await.unwrap().is_some());

    let secrets = [
        tenant_name,
        policy_name,
        content,
        refresh,
        "access-token-qx92",
        PASSPHRASE,
    ];
    assert!(dir.join("workspace.db-wal").exists());
    assert_no_plaintext(&dir, &secrets, "while open, before a checkpoint");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(ws.pool())
        .await
        .unwrap();
    assert_no_plaintext(&dir, &secrets, "after a checkpoint");
    ws.close().await.unwrap();
    assert_no_plaintext(&dir, &secrets, "after closing");

    // And the data is really there, behind the key.
    let ws = open(&dir).await;
    let tokens = load_tokens(&ws, "22222222-AAAA-bbbb-cccc-000000000002")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tokens.refresh_token, refresh);
    assert_eq!(tokens.access_expires_at, Some(1_900_000_000));
    // The same functions as methods.
    assert_eq!(ws.list_tenants().await.unwrap()[0].name, tenant_name);
    assert_eq!(ws.verify_audit().await.unwrap(), 1);
    assert!(!format!("{tokens:?}").contains(refresh));
    let found = list_objects(
        &ws,
        &t.id,
        &ObjectFilter {
            search: Some("quokka".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].display_name, policy_name);
}

#[tokio::test]
async fn tenants_keep_one_domain_each_and_move_through_their_lifecycle() {
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let mut t = tenant(
        "33333333-aaaa-bbbb-cccc-000000000003",
        "fabrikam.com",
        "Fabrikam",
    );
    t.state = TenantState::Onboarding;
    upsert_tenant(&ws, &t).await.unwrap();
    t.name = "Fabrikam Ltd".to_string();
    upsert_tenant(&ws, &t).await.unwrap();
    let other = tenant(
        "44444444-aaaa-bbbb-cccc-000000000004",
        "FABRIKAM.com",
        "Impostor",
    );
    let err = upsert_tenant(&ws, &other).await.unwrap_err();
    assert!(matches!(err, StoreError::DomainTaken(_)), "{err}");

    set_tenant_state(&ws, &t.id, TenantState::Active)
        .await
        .unwrap();
    set_granted_scopes(&ws, &t.id, &["Policy.Read.All".to_string()])
        .await
        .unwrap();
    let all = list_tenants(&ws).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Fabrikam Ltd");
    assert_eq!(all[0].state, TenantState::Active);
    assert_eq!(all[0].granted_scopes, vec!["Policy.Read.All"]);
    let json = serde_json::to_value(&all[0]).unwrap();
    assert_eq!(json["state"], "active");

    let err = set_tenant_state(&ws, "nope.example", TenantState::Archived)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no tenant matches \"nope.example\"; run `tenantatlas tenant add` first"
    );
    assert_eq!(err.code(), "tenant_not_found");
    let tokens = StoredTokens {
        refresh_token: "r".to_string(),
        access_token: None,
        access_expires_at: None,
    };
    let err = save_tokens(&ws, "nope.example", &tokens).await.unwrap_err();
    assert!(matches!(err, StoreError::TenantNotFound(_)), "{err}");
}

#[tokio::test]
async fn a_tenant_keeps_how_it_signs_in() {
    use tenantatlas_store::tenants::{set_sign_in, SignInMethod};
    let (_tmp, dir) = fresh_dir();
    let ws = open(&dir).await;
    let mut t = tenant(
        "55555555-aaaa-bbbb-cccc-000000000005",
        "muellersoehne.example",
        "Müller & Söhne",
    );
    upsert_tenant(&ws, &t).await.unwrap();
    assert_eq!(
        list_tenants(&ws).await.unwrap()[0].sign_in,
        SignInMethod::DeviceCode,
        "device code unless said otherwise"
    );
    t.sign_in = SignInMethod::Browser;
    upsert_tenant(&ws, &t).await.unwrap();
    let stored = find_tenant(&ws, &t.domain).await.unwrap().unwrap();
    assert_eq!(stored.sign_in, SignInMethod::Browser);
    assert_eq!(serde_json::to_value(&stored).unwrap()["sign_in"], "browser");

    // A new sign-in changes the scopes and the method, nothing else.
    set_sign_in(
        &ws,
        &t.id,
        &["Policy.Read.All".to_string()],
        SignInMethod::DeviceCode,
    )
    .await
    .unwrap();
    let again = find_tenant(&ws, &t.id).await.unwrap().unwrap();
    assert_eq!(again.sign_in, SignInMethod::DeviceCode);
    assert_eq!(again.granted_scopes, vec!["Policy.Read.All"]);
    assert_eq!(
        (&again.name, &again.authority, again.state),
        (&stored.name, &stored.authority, stored.state)
    );
    let err = set_sign_in(&ws, "nope.example", &[], SignInMethod::Browser)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::TenantNotFound(_)), "{err}");
}
