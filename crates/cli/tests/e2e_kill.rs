//! Killing the CLI (SIGKILL, no chance to clean up) in the middle of a sync: the workspace still
//! opens, nothing already committed is lost, no snapshot is half-written, the killed run is
//! recorded as failed ("interrupted") by the next sync, and that next sync completes normally.

mod common;

use common::{description_patch, CliEnv, Running, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

/// A tenant slow enough to sync that a kill lands in the middle: 20 ms per response and pages of
/// ten, so one sync takes well over a second (about 1.8 s on a 2-core machine).
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

/// Starts `sync --all`, waits until the simulator has served some of its Graph requests, and
/// kills it with SIGKILL while it is still running.
async fn start_and_kill_sync(cli: &CliEnv, sim: &TestSim) {
    sim.control("stats/reset", serde_json::json!({})).await;
    let mut running: Running = cli.command(&["sync", "--all", "--json"]).spawn();
    sim.wait_for_stats(Duration::from_secs(60), |s| {
        s["requests"].as_u64().unwrap_or(0) >= 3
    })
    .await;
    // A second sync meanwhile is refused: one sync at a time per workspace.
    let second = cli.run(&["sync", "--all"]).await;
    assert!(
        running.child.try_wait().expect("process state").is_none(),
        "the sync finished before it could be killed; the simulator must be slower"
    );
    let line = second.only_error_line();
    assert!(line.contains("another sync"), "{line}");
    let killed = running.kill().await;
    assert_eq!(killed.code, None, "killed by a signal: {killed:?}");
    assert!(
        killed.stdout.is_empty(),
        "a killed sync printed no result: {killed:?}"
    );
}

fn total(counts: &std::collections::BTreeMap<String, u64>) -> u64 {
    counts.values().sum()
}

/// The run ids of `runs list --json` other than `known`, with their records.
fn other_runs(list: &Value, known: &[&str]) -> Vec<Value> {
    list.as_array()
        .expect("runs list is an array")
        .iter()
        .filter(|r| !known.contains(&r["id"].as_str().unwrap_or("")))
        .cloned()
        .collect()
}

fn assert_interrupted(run: &Value) {
    assert_eq!(run["status"], "failed", "the killed run is failed: {run}");
    let errors = run["errors"].to_string();
    assert!(
        errors.contains("interrupted"),
        "the killed run carries an `interrupted` error: {run}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_a_later_sync_loses_nothing_and_the_next_sync_completes() {
    let sim = slow_sim().await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.json();
    let domain = sim.domain(0);
    let expected = sim.expected_counts().await.remove(0);

    let first = cli.json(&["sync", "--all"]).await;
    let first_run = &first["runs"][0];
    assert_eq!(first_run["status"], "succeeded", "{first}");
    assert_eq!(first_run["objects"].as_u64(), Some(total(&expected)));
    println!(
        "one sync of {} objects took {} ms",
        total(&expected),
        first_run["duration_ms"]
    );

    // A change in the tenant, so that the interrupted sync had something new to store.
    let configs = cli
        .json(&[
            "policies",
            "list",
            "--tenant",
            &domain,
            "--kind",
            "deviceConfigurations",
        ])
        .await;
    let target = configs[0]["id"].as_str().expect("an object").to_string();
    let shown = cli
        .json(&["policies", "show", "--tenant", &domain, "--object", &target])
        .await;
    let odata_type = shown["content"]["@odata.type"]
        .as_str()
        .unwrap()
        .to_string();
    let token = sim.graph_token(0).await;
    let (status, body) = sim
        .graph_send(
            &token,
            Method::PATCH,
            &format!("/beta/deviceManagement/deviceConfigurations/{target}"),
            Some(&description_patch(&odata_type, "changed before the kill")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    start_and_kill_sync(&cli, &sim).await;

    // The workspace opens, and the committed snapshot is whole.
    let listed = cli.json(&["policies", "list", "--tenant", &domain]).await;
    assert_eq!(
        listed.as_array().expect("array").len() as u64,
        total(&expected),
        "the first snapshot is intact after the kill"
    );
    let (history, after_kill) = tokio::join!(
        cli.json(&["history", "--tenant", &domain, "--object", &target]),
        cli.json(&["policies", "show", "--tenant", &domain, "--object", &target]),
    );
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    assert_eq!(after_kill["content"], shown["content"]);

    // The next sync records the killed run as interrupted and completes normally.
    let next = cli.json(&["sync", "--all"]).await;
    let run = &next["runs"][0];
    assert_eq!(run["status"], "succeeded", "{next}");
    assert_eq!(run["objects"].as_u64(), Some(total(&expected)), "{run}");
    assert_eq!(
        run["versions_added"].as_u64(),
        Some(1),
        "only the PATCH is new: {run}"
    );
    let runs = cli.json(&["runs", "list"]).await;
    let others = other_runs(
        &runs,
        &[
            first_run["id"].as_str().unwrap(),
            run["id"].as_str().unwrap(),
        ],
    );
    assert_eq!(
        others.len(),
        1,
        "exactly the killed run besides the two syncs: {runs}"
    );
    assert_interrupted(&others[0]);
    let shown = cli
        .json(&["runs", "show", others[0]["id"].as_str().unwrap()])
        .await;
    assert_interrupted(&shown);

    let (history, listed) = tokio::join!(
        cli.json(&["history", "--tenant", &domain, "--object", &target]),
        cli.json(&["policies", "list", "--tenant", &domain]),
    );
    assert_eq!(history.as_array().unwrap().len(), 2, "{history}");
    assert_eq!(listed.as_array().unwrap().len() as u64, total(&expected));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_during_the_first_sync_leaves_no_snapshot() {
    let sim = slow_sim().await;
    let cli = CliEnv::new();
    cli.add_tenant(&sim, 0).await.json();
    let domain = sim.domain(0);
    let expected = sim.expected_counts().await.remove(0);
    let some_object = sim.handle.sim.world().tenants[0].collection("deviceConfigurations")[0]
        .id()
        .to_string();

    start_and_kill_sync(&cli, &sim).await;

    // Nothing at all, not a part: no objects, no deleted ones, no versions, no last sync.
    let (live, deleted, history, tenants) = tokio::join!(
        cli.json(&["policies", "list", "--tenant", &domain]),
        cli.json(&["policies", "list", "--tenant", &domain, "--deleted"]),
        cli.run(&["history", "--tenant", &domain, "--object", &some_object]),
        cli.json(&["tenant", "list"]),
    );
    assert_eq!(
        live,
        serde_json::json!([]),
        "no snapshot after a killed first sync"
    );
    assert_eq!(deleted, serde_json::json!([]));
    let line = history.error_line();
    assert!(line.contains(&some_object), "{line}");
    assert!(
        tenants[0]["last_sync"].is_null(),
        "a killed sync is not a sync: {tenants}"
    );

    let next = cli.json(&["sync", "--all"]).await;
    let run = &next["runs"][0];
    assert_eq!(run["status"], "succeeded", "{next}");
    assert_eq!(run["objects"].as_u64(), Some(total(&expected)), "{run}");
    assert_eq!(
        run["versions_added"].as_u64(),
        Some(total(&expected)),
        "{run}"
    );
    let listed = cli.json(&["policies", "list", "--tenant", &domain]).await;
    assert_eq!(listed.as_array().unwrap().len() as u64, total(&expected));
    let runs = cli.json(&["runs", "list"]).await;
    let others = other_runs(&runs, &[run["id"].as_str().unwrap()]);
    assert_eq!(
        others.len(),
        1,
        "the killed run and the completed one: {runs}"
    );
    assert_interrupted(&others[0]);
}
