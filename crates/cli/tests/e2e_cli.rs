//! The command line as a person meets it: output piped into a reader that stops early ends
//! quietly; mistyped words get clap's suggestion in one `error:` line; people read tenants,
//! groups and filters by name, never by id; a revoked sign-in's advice, run exactly as printed,
//! reconnects the tenant with its stored connection (authority, Graph, CA, sign-in method); and
//! `tenant list` shows a tenant whose last sync failed as failing, with its last good sync.

mod common;

use common::{CliEnv, TestSim, COMMAND_TIMEOUT};
use reqwest::Client;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

/// `2026-12-05T03:21:42.588Z` as the CLI's text shows it: `2026-12-05 03:21 UTC`.
fn when(time: &str) -> String {
    format!("{} {} UTC", &time[..10], &time[11..16])
}

/// The tenant with this domain in `tenant list --json`.
fn listed_tenant<'a>(tenants: &'a Value, domain: &str) -> &'a Value {
    tenants
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["domain"] == domain)
        .unwrap_or_else(|| panic!("{domain} in {tenants}"))
}

/// The first command between backticks in `line` that starts with `tenantatlas tenant`.
fn suggested_command(line: &str) -> Vec<String> {
    let command = line
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|c| c.starts_with("tenantatlas tenant "))
        .unwrap_or_else(|| panic!("no `tenantatlas tenant …` command in: {line}"));
    command
        .split_whitespace()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_into_a_reader_that_stops_early_ends_quietly() {
    // Enough objects that the listing is larger than a pipe's buffer (64 KiB): the CLI is still
    // writing when the reader goes away.
    let sim = common::start(common::config(1, 500)).await;
    let cli = CliEnv::new();
    cli.connect(&sim, 0).await;
    cli.json(&["sync", "--all"]).await;
    let domain = sim.domain(0);

    let json_list = vec!["policies", "list", "--tenant", domain.as_str(), "--json"];
    let text_list = vec!["policies", "list", "--tenant", domain.as_str()];
    // Read one line and go, like `head -1`; or go before anything is written, so that the very
    // first write meets a closed pipe whatever the size of the output.
    for (args, read_first_line) in [
        (json_list.clone(), true),
        (text_list.clone(), true),
        (json_list, false),
        (text_list, false),
    ] {
        let mut invocation = cli.command(&args);
        let mut child = invocation.command.spawn().expect("tenantatlas starts");
        let mut stderr = child.stderr.take().expect("stderr piped");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut reader = BufReader::new(stdout);
        if read_first_line {
            let mut first = String::new();
            tokio::time::timeout(COMMAND_TIMEOUT, reader.read_line(&mut first))
                .await
                .expect("a first line in time")
                .expect("reading stdout");
            assert!(!first.trim().is_empty(), "{args:?} printed a first line");
        }
        drop(reader);
        let mut errors = String::new();
        let status = tokio::time::timeout(COMMAND_TIMEOUT, async {
            stderr.read_to_string(&mut errors).await.expect("stderr");
            child.wait().await.expect("waiting for tenantatlas")
        })
        .await
        .unwrap_or_else(|_| panic!("{args:?} did not end after its reader went away"));
        assert_eq!(status.code(), Some(0), "{args:?}: {errors}");
        for marker in ["panicked", "Broken pipe", "error"] {
            assert!(
                !errors.contains(marker),
                "{args:?} printed {marker}: {errors}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistyped_words_get_one_error_line_with_the_suggestion() {
    let cli = CliEnv::new();
    let line = cli.run(&["synk", "--all"]).await.only_error_line();
    assert!(
        line.starts_with("error: unrecognized subcommand 'synk'")
            && line.contains("a similar subcommand exists: 'sync'"),
        "{line}"
    );
    let line = cli
        .run(&["sync", "--tenat", "contoso.onmicrosoft.com"])
        .await
        .only_error_line();
    assert!(
        line.starts_with("error: unexpected argument '--tenat' found")
            && line.contains("a similar argument exists: '--tenant'"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_read_tenants_groups_and_filters_by_name() {
    let sim = common::start(common::config(1, 60)).await;
    let cli = CliEnv::new();
    cli.connect(&sim, 0).await;
    cli.json(&["sync", "--all"]).await;
    let (domain, name, tenant_id) = (sim.domain(0), sim.name(0), sim.tenant_id(0));

    // --- runs list: the tenant's name, not its id. ---
    let runs = cli.run(&["runs", "list"]).await;
    runs.assert_success();
    let lines: Vec<&str> = runs.stdout.lines().collect();
    assert!(
        lines[0].starts_with("run ") && lines[0].contains("tenant"),
        "{}",
        runs.stdout
    );
    assert!(lines[1].contains(&name), "{}", runs.stdout);
    assert!(!runs.stdout.contains(&tenant_id), "{}", runs.stdout);
    let listed = cli.json(&["runs", "list"]).await;
    assert_eq!(listed[0]["tenant_id"], tenant_id.as_str(), "{listed}");
    assert_eq!(listed[0]["tenant_name"], name.as_str(), "{listed}");
    assert_eq!(listed[0]["tenant_domain"], domain.as_str(), "{listed}");

    // --- runs show: a readable view by default, the run as JSON with --json. ---
    let run_id = listed[0]["id"].as_str().unwrap();
    let shown = cli.run(&["runs", "show", run_id]).await;
    shown.assert_success();
    assert!(
        shown.stdout.starts_with(&format!("sync run {run_id}\n"))
            && shown.stdout.contains(&format!("{name} ({domain})"))
            && shown.stdout.contains("no errors"),
        "{}",
        shown.stdout
    );
    assert_eq!(cli.json(&["runs", "show", run_id]).await["id"], run_id);

    // --- runs export --csv: the old columns, then the tenant's name and domain. ---
    let csv = cli.root.path().join("runs.csv");
    let exported = cli
        .run(&["runs", "export", "--csv", csv.to_str().unwrap()])
        .await;
    exported.assert_success();
    assert!(
        exported.stdout.starts_with("wrote 1 run to "),
        "{}",
        exported.stdout
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = text.lines();
    assert_eq!(
        rows.next(),
        Some("id,kind,tenant,status,started_at,finished_at,duration_ms,objects,versions_added,requests,graph_calls,retries,throttled,errors,tenant_name,tenant_domain")
    );
    let row = rows.next().expect("one run");
    assert!(
        row.starts_with(&format!("{run_id},sync,{tenant_id},")),
        "{row}"
    );
    assert!(row.ends_with(&format!(",{name},{domain}")), "{row}");

    // --- policies show: an object assigned to a group with a filter, by their names. ---
    let (object_id, group_id, group_name, filter_id, filter_name, filter_mode) = {
        let world = sim.handle.sim.world();
        let tenant = &world.tenants[0];
        let named = |body: Option<&serde_json::Map<String, Value>>| -> String {
            body.and_then(|b| b.get("displayName"))
                .and_then(Value::as_str)
                .expect("a name")
                .to_string()
        };
        let (object, target) = tenant
            .collections
            .values()
            .flatten()
            .find_map(|o| {
                let target = o
                    .children
                    .get("assignments")?
                    .iter()
                    .map(|a| a.body.get("target").cloned().unwrap_or(Value::Null))
                    .find(|t| {
                        t["groupId"].is_string()
                            && t["deviceAndAppManagementAssignmentFilterId"]
                                .as_str()
                                .is_some_and(|f| !f.starts_with("00000000"))
                    })?;
                Some((o.body["id"].as_str()?.to_string(), target))
            })
            .expect("the simulated tenant has an object assigned to a group with a filter");
        let group_id = target["groupId"].as_str().unwrap().to_string();
        let filter_id = target["deviceAndAppManagementAssignmentFilterId"]
            .as_str()
            .unwrap()
            .to_string();
        let group = tenant
            .groups
            .iter()
            .find(|g| g["id"] == group_id.as_str())
            .and_then(Value::as_object);
        let filter = tenant
            .collection("assignmentFilters")
            .iter()
            .find(|f| f.body.get("id") == Some(&json!(filter_id)))
            .map(|f| &f.body);
        (
            object,
            group_id.clone(),
            named(group),
            filter_id.clone(),
            named(filter),
            target["deviceAndAppManagementAssignmentFilterType"]
                .as_str()
                .unwrap_or("include")
                .to_string(),
        )
    };
    let shown = cli
        .run(&[
            "policies", "show", "--tenant", &domain, "--object", &object_id,
        ])
        .await;
    shown.assert_success();
    let text = &shown.stdout;
    assert!(
        text.contains(&object_id),
        "the id is shown once, as the id: {text}"
    );
    let assignment = text
        .lines()
        .find(|l| l.contains(&group_name))
        .unwrap_or_else(|| panic!("a line names the group {group_name}: {text}"));
    assert!(
        assignment.trim_start().starts_with("Include")
            && assignment.contains(&format!("{filter_name} ({filter_mode})")),
        "the assignment reads Include, group, filter and mode: {assignment}"
    );
    for id in [&group_id, &filter_id] {
        assert!(
            !text.contains(id.as_str()),
            "no id {id} where a name can be: {text}"
        );
    }
    assert!(text.contains("\nSettings"), "{text}");

    // --json: the stored object as before, raw ids and all.
    let raw = cli
        .json(&[
            "policies", "show", "--tenant", &domain, "--object", &object_id,
        ])
        .await;
    assert_eq!(raw["object_id"], object_id.as_str(), "{raw}");
    assert!(
        raw["content"].is_object() && raw["version_no"] == 1,
        "{raw}"
    );
    assert!(raw["content"].to_string().contains(&group_id), "{raw}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_sign_in_reconnects_with_the_command_it_prints() {
    let sim = common::start(common::config(2, 30)).await;
    let cli = CliEnv::new();
    // Tenant 0 signs in with a device code; tenant 1's Conditional Access blocks device codes,
    // so it was connected through the browser.
    cli.connect(&sim, 0).await;
    cli.connect(&sim, 1).await;
    let synced = cli.json(&["sync", "--all"]).await;
    assert!(
        synced["runs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "succeeded"),
        "{synced}"
    );
    let before = cli.json(&["tenant", "list"]).await;

    for index in [0, 1] {
        let (domain, name) = (sim.domain(index), sim.name(index));
        sim.control(
            &format!("tenants/{}/revoke", sim.tenant_id(index)),
            json!({}),
        )
        .await;
        let failed = cli.run(&["sync", "--tenant", &domain]).await;
        let line = failed.error_line();
        assert!(
            line.contains(&format!(
                "the sign-in for {domain} was revoked or expired; run `tenantatlas tenant reconnect {domain}` to sign in again"
            )),
            "{line}"
        );
        assert!(line.contains("1 of 1 tenant sync failed"), "{line}");

        // --- tenant list: failing since the failed sync, with the last good sync. ---
        let tenants = cli.json(&["tenant", "list"]).await;
        let t = listed_tenant(&tenants, &domain);
        let old = listed_tenant(&before, &domain);
        assert_eq!(t["last_sync_status"], "failed", "{t}");
        assert_eq!(t["last_sync"], old["last_sync"], "{t}");
        assert_eq!(t["last_good_sync"], old["last_sync"], "{t}");
        let since = t["failing_since"].as_str().expect("failing since");
        let listed = cli.run(&["tenant", "list"]).await;
        listed.assert_success();
        let row = listed
            .stdout
            .lines()
            .find(|l| l.starts_with(&name))
            .unwrap_or_else(|| panic!("a row for {name}: {}", listed.stdout));
        assert!(
            row.contains(&format!(
                "failing since {}, last good sync {}",
                when(since),
                when(old["last_sync"].as_str().unwrap())
            )),
            "{row}"
        );

        // --- The advice, run exactly as printed (in this test's workspace). ---
        let mut args = suggested_command(&line);
        args.extend([
            "--workspace".to_string(),
            cli.workspace.display().to_string(),
        ]);
        let outcome = if sim.handle.tenants()[index].device_code_allowed {
            cli.command(&args).run().await
        } else {
            reconnect_in_browser(&sim, &cli, &args).await
        };
        outcome.assert_success();
        assert!(
            outcome
                .stdout
                .starts_with(&format!("reconnected {name} ({domain}) as ")),
            "{}",
            outcome.stdout
        );

        // The tenant kept its authority, Graph URL and CA: the sync reaches the simulator again.
        let again = cli.json(&["sync", "--tenant", &domain]).await;
        assert_eq!(again["runs"][0]["status"], "succeeded", "{again}");
        let tenants = cli.json(&["tenant", "list"]).await;
        let t = listed_tenant(&tenants, &domain);
        assert_eq!(t["last_sync_status"], "succeeded", "{t}");
        assert_eq!(t["failing_since"], Value::Null, "{t}");
        assert_eq!((&t["id"], &t["state"]), (&old["id"], &old["state"]), "{t}");
        let method = if index == 0 { "device_code" } else { "browser" };
        assert_eq!(t["sign_in"], method, "{t}");
    }

    // `tenant add` of a tenant already here, without flags, keeps its stored connection.
    let domain = sim.domain(0);
    let added = cli.json(&["tenant", "add", &domain]).await;
    assert_eq!(added["tenant"]["domain"], domain.as_str(), "{added}");
    let again = cli.json(&["sync", "--tenant", &domain]).await;
    assert_eq!(again["runs"][0]["status"], "succeeded", "{again}");
    cli.json(&["audit", "verify"]).await;
}

/// Runs `tenantatlas ARGS` (a reconnect of a tenant that signs in through the browser), acting
/// as the browser: the authorize URL it prints is requested without following redirects, and
/// the redirect goes to the CLI's loopback listener.
async fn reconnect_in_browser(sim: &TestSim, cli: &CliEnv, args: &[String]) -> common::Outcome {
    let mut running = cli.command(args).spawn();
    let url = running
        .stderr_line_after("Open this address in a browser to sign in:")
        .await;
    let response = sim
        .client
        .get(url.trim())
        .send()
        .await
        .expect("authorize request");
    assert!(response.status().is_redirection(), "{}", response.status());
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
        .get(&location)
        .send()
        .await
        .expect("the CLI's loopback listener answers");
    assert!(page.status().is_success(), "{}", page.status());
    running.finish().await
}
