//! Every failure a user can run into ends the same way: exit code 1 and exactly one stderr line
//! starting `error: ` that says what happened (and what to do), never a panic or a backtrace.
//! Sign-in failures (expired code, declined, revoked, wrong tenant), workspace failures (corrupt,
//! no keychain and no passphrase, wrong passphrase), unknown tenants and bad arguments.

mod common;

use common::{CliEnv, TestSim};
use serde_json::json;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

/// A small simulator whose sign-ins wait for the "user" (no auto-approval).
async fn interactive_sim() -> TestSim {
    common::start(SimConfig {
        behaviour: Behaviour {
            auto_approve: false,
            device_code_interval: 1,
            ..Behaviour::default()
        },
        ..common::config(1, 30)
    })
    .await
}

/// The user code in Entra's device-code message ("… enter the code ABCD2EFGH to authenticate.").
fn user_code(message: &str) -> String {
    let after = message
        .split("enter the code ")
        .nth(1)
        .unwrap_or_else(|| panic!("no user code in the prompt: {message}"));
    after.split_whitespace().next().expect("a code").to_string()
}

fn assert_mentions(line: &str, words: &[&str]) {
    for word in words {
        assert!(
            line.to_lowercase().contains(&word.to_lowercase()),
            "the error line should mention `{word}`: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_sign_in_ends_in_one_line() {
    let sim = interactive_sim().await;
    let cli = CliEnv::new();
    let mut running = cli.add_tenant_command(&sim, &sim.domain(0), false).spawn();
    let prompt = running.stderr_line_containing("enter the code").await;
    let code = user_code(&prompt);
    let admin = sim.handle.sim.world().tenants[0]
        .admin()
        .user_principal_name
        .clone();
    let page = sim
        .client
        .post(format!("{}/devicelogin", sim.authority()))
        .form(&[
            ("user_code", code.as_str()),
            ("account", admin.as_str()),
            ("decision", "decline"),
        ])
        .send()
        .await
        .expect("device login page");
    assert!(page.status().is_success(), "{}", page.status());
    let outcome = running.finish().await;
    let line = outcome.error_line();
    assert_mentions(&line, &["declined"]);
    assert!(outcome.stdout.is_empty(), "{outcome:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_sign_in_code_ends_in_one_line() {
    let sim = interactive_sim().await;
    let cli = CliEnv::new();
    let mut running = cli.add_tenant_command(&sim, &sim.domain(0), false).spawn();
    running.stderr_line_containing("enter the code").await;
    // Device codes live 900 s; nobody entered this one.
    sim.control("clock", json!({"advance_seconds": 1000})).await;
    let outcome = running.finish().await;
    let line = outcome.error_line();
    assert_mentions(&line, &["expired"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_access_token_is_refreshed_without_an_error() {
    let sim = common::start(common::config(1, 30)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.json();
    // Eighty days later the stored access token is long expired; the refresh token (good for 90
    // days unused) still works. Twice: the simulator rotates refresh tokens strictly, so the
    // second time — 160 days after the sign-in — only works if the rotated one was stored, and
    // its own 90 days started at the first refresh.
    for round in 1..=2 {
        sim.control("clock", json!({"advance_seconds": 80 * 24 * 3600}))
            .await;
        let sync = cli.json(&["sync", "--tenant", &sim.domain(0)]).await;
        assert_eq!(
            sync["runs"][0]["status"], "succeeded",
            "round {round}: {sync}"
        );
        assert!(sync["runs"][0]["objects"].as_u64() > Some(0), "{sync}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_fails_the_run_and_says_to_sign_in_again() {
    let sim = common::start(common::config(1, 30)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.json();
    let domain = sim.domain(0);
    let synced = cli.json(&["sync", "--tenant", &domain]).await;
    let objects = synced["runs"][0]["objects"].as_u64().expect("objects");
    let last_sync = cli.json(&["tenant", "list"]).await[0]["last_sync"].clone();
    assert!(last_sync.is_string());
    sim.control(&format!("tenants/{}/revoke", sim.tenant_id(0)), json!({}))
        .await;

    let outcome = cli.run(&["sync", "--tenant", &domain]).await;
    let line = outcome.only_error_line();
    assert_mentions(&line, &["tenantatlas tenant reconnect"]);

    // The same as JSON: the run is failed, and its error says what to do.
    let outcome = cli.run(&["sync", "--tenant", &domain, "--json"]).await;
    outcome.only_error_line();
    let sync: serde_json::Value =
        serde_json::from_str(&outcome.stdout).expect("sync --json prints its runs even on failure");
    let run = &sync["runs"][0];
    assert_eq!(run["status"], "failed", "{sync}");
    assert_mentions(
        &run["errors"].to_string(),
        &["tenantatlas tenant reconnect"],
    );
    let shown = cli
        .json(&["runs", "show", run["id"].as_str().expect("run id")])
        .await;
    assert_eq!(shown["status"], "failed", "{shown}");

    // Nothing was lost: the last good snapshot is still what the workspace shows.
    let (live, deleted) = tokio::join!(
        cli.json(&["policies", "list", "--tenant", &domain]),
        cli.json(&["policies", "list", "--tenant", &domain, "--deleted"]),
    );
    assert_eq!(live.as_array().unwrap().len() as u64, objects);
    assert_eq!(deleted, json!([]));
    let tenants = cli.json(&["tenant", "list"]).await;
    assert_eq!(
        tenants[0]["last_sync"], last_sync,
        "a sync that captured nothing is not the last sync"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_tenant_ends_in_one_line() {
    let sim = common::start(common::config(1, 30)).await;
    let cli = CliEnv::new();
    let outcome = cli
        .add_tenant_command(&sim, "nosuch.example", false)
        .run()
        .await;
    let line = outcome.only_error_line();
    assert_mentions(&line, &["nosuch.example", "not found"]);
    let tenants = cli.json(&["tenant", "list"]).await;
    assert_eq!(
        tenants,
        json!([]),
        "nothing recorded for a tenant that does not exist"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_workspace_ends_in_one_line() {
    let cli = CliEnv::new();
    assert_eq!(cli.json(&["tenant", "list"]).await, json!([]));
    let db = cli.workspace.join("workspace.db");
    assert!(db.exists(), "the workspace database was created");
    let garbage: Vec<u8> = (0..64 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&db, garbage).unwrap();
    // The write-ahead log may still hold every page (SQLite then legitimately reads them from
    // there); without it the database is garbage through and through.
    for name in ["workspace.db-wal", "workspace.db-shm"] {
        let _ = std::fs::remove_file(cli.workspace.join(name));
    }
    for args in [
        vec!["tenant", "list"],
        vec!["runs", "list", "--json"],
        vec!["sync", "--all"],
    ] {
        let line = cli.run(&args).await.only_error_line();
        assert_mentions(&line, &["workspace"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_keychain_and_no_passphrase_fails_closed() {
    let cli = CliEnv::new();
    // DBUS_SESSION_BUS_ADDRESS and DISPLAY are already removed: no Secret Service to reach.
    let outcome = cli
        .command(&["tenant", "list"])
        .env_remove("TENANTATLAS_PASSPHRASE")
        .run()
        .await;
    let line = outcome.only_error_line();
    assert_mentions(&line, &["TENANTATLAS_PASSPHRASE"]);
    assert!(
        !cli.workspace.join("workspace.db").exists(),
        "failing closed creates no database"
    );

    // A passphrase workspace opened without the passphrase says which variable to set.
    cli.json(&["tenant", "list"]).await;
    let outcome = cli
        .command(&["tenant", "list"])
        .env_remove("TENANTATLAS_PASSPHRASE")
        .run()
        .await;
    assert_mentions(&outcome.only_error_line(), &["TENANTATLAS_PASSPHRASE"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_passphrase_ends_in_one_line() {
    let cli = CliEnv::new();
    cli.json(&["tenant", "list"]).await;
    let outcome = cli
        .command(&["tenant", "list"])
        .env("TENANTATLAS_PASSPHRASE", "not the passphrase")
        .run()
        .await;
    let line = outcome.only_error_line();
    assert_mentions(&line, &["passphrase"]);
    assert!(
        !line.contains("not the passphrase"),
        "the passphrase is not echoed: {line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_tenants_and_bad_arguments_end_in_one_line() {
    let sim = common::start(common::config(1, 30)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.json();
    let domain = sim.domain(0);

    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (
            vec!["sync", "--tenant", "x"],
            vec!["'x'", "tenantatlas tenant list"],
        ),
        (vec!["sync", "--tenant", "x", "--json"], vec!["'x'"]),
        (
            vec!["policies", "list", "--tenant", "x"],
            vec!["'x'", "tenantatlas tenant list"],
        ),
        (
            vec!["policies", "show", "--tenant", "x", "--object", "y"],
            vec!["'x'"],
        ),
        (
            vec!["history", "--tenant", "x", "--object", "y"],
            vec!["'x'"],
        ),
        (vec!["runs", "show", "nosuchrun"], vec!["nosuchrun"]),
        (vec!["sync", "--tenant", &domain, "--all"], vec!["--all"]),
        (
            vec!["policies", "list", "--tenant", &domain, "--kind", "bogus"],
            vec!["bogus", "configurationPolicies"],
        ),
        (vec!["frobnicate"], vec!["frobnicate"]),
    ];
    let invocations = cases.iter().map(|(args, _)| cli.command(args)).collect();
    let outcomes = common::run_all(invocations, 4).await;
    for ((_, words), outcome) in cases.iter().zip(outcomes) {
        let line = outcome.only_error_line();
        assert_mentions(&line, words);
        assert!(outcome.stdout.is_empty(), "nothing on stdout: {outcome:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_without_tenant_or_all_names_what_is_missing() {
    let cli = CliEnv::new();
    let outcome = cli.run(&["sync"]).await;
    let line = outcome.only_error_line();
    assert_mentions(&line, &["--tenant", "--all"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_started_together_on_a_new_workspace_all_work() {
    // A scheduled sync and an engineer's command, or a script connecting tenants in parallel, may
    // be the first to touch a workspace at the same moment; neither may call it damaged.
    for round in 1..=3 {
        let cli = CliEnv::new();
        let invocations = (0..2)
            .map(|_| cli.command(&["tenant", "list", "--json"]))
            .collect();
        for outcome in common::run_all(invocations, 2).await {
            assert_eq!(
                outcome.code,
                Some(0),
                "round {round}: a command on a new workspace failed: {}",
                outcome.stderr
            );
        }
        assert_eq!(cli.json(&["tenant", "list"]).await, json!([]));
    }
}
