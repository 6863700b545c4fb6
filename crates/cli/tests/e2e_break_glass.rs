//! `tenantatlas tenant break-glass`: naming a tenant's emergency access accounts, listing them,
//! one `error:` line for a name that is no account, and a sync that then captures them.

mod common;

use common::CliEnv;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn break_glass_accounts_are_named_listed_refused_and_synced() {
    let sim = common::start(common::config(1, 20)).await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.assert_success();
    let domain = sim.domain(0);

    let none = cli.run(&["tenant", "break-glass", &domain]).await;
    none.assert_success();
    assert!(
        none.stdout.contains("no break-glass accounts named"),
        "{}",
        none.stdout
    );

    let bg = format!("BreakGlass@{domain}");
    let admin = format!("admin@{domain}");
    let set = cli
        .json(&["tenant", "break-glass", &domain, "--set", &bg, &admin])
        .await;
    assert_eq!(
        set["break_glass_accounts"],
        json!([bg.to_lowercase(), admin.clone()])
    );
    let listed = cli.run(&["tenant", "break-glass", &domain]).await;
    listed.assert_success();
    assert!(
        listed
            .stdout
            .contains(&format!("  1. {}", bg.to_lowercase())),
        "{}",
        listed.stdout
    );
    assert!(
        listed.stdout.contains(&format!("  2. {admin}")),
        "{}",
        listed.stdout
    );

    let refused = cli
        .run(&["tenant", "break-glass", &domain, "--set", "\u{1b}[2Jnobody"])
        .await;
    let line = refused.only_error_line();
    assert!(line.contains("is not a user principal name"), "{line}");
    assert!(!line.contains('\u{1b}'), "{line}");

    let synced = cli.json(&["sync", "--tenant", &domain]).await;
    let run = &synced["runs"][0];
    assert_eq!(run["status"], "succeeded", "{synced}");
    assert_eq!(run["counts"]["breakGlassAccounts"], 2, "{synced}");
    let objects = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &domain,
            "--kind",
            "breakGlassAccounts",
        ])
        .await;
    let names: Vec<&str> = objects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Break-glass account 1", "Break-glass account 2"],
        "{objects}"
    );

    let cleared = cli
        .json(&["tenant", "break-glass", &domain, "--clear"])
        .await;
    assert_eq!(cleared["break_glass_accounts"], json!([]));
}
