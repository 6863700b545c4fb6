//! Logs that help support without leaking, on the real binary: with `RUST_LOG=trace` (everything
//! any crate would say) and with `-vv`, `tenant add` (device code and browser), `sync` and `drift`
//! log each Graph request with its request ids and duration, runs with their ids and figures —
//! and stderr never holds an access or refresh token, a device or authorization code, the
//! passphrase, a tenant's or policy's name or a policy's content, nor a line of a third-party
//! crate (whose debug and trace output carries headers). Without `RUST_LOG` or `-v` there are no
//! log lines at all, and logs never reach stdout (every `--json` below is parsed).

mod common;

use common::{CliEnv, Outcome, TestSim};
use reqwest::Client;
use serde_json::Value;
use std::time::Duration;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

/// Tenants 0 and 2 sign in with a device code; tenant 1's Conditional Access blocks device code,
/// so it signs in through the browser (authorization code + PKCE).
const TENANTS: usize = 3;
const OBJECTS: usize = 60;

/// Whether a stderr line is a `tracing` line: `2026-12-05T06:44:06.123456Z DEBUG …`.
fn is_log_line(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let stamp = words.next().unwrap_or("");
    stamp.len() >= 20
        && stamp.as_bytes()[4] == b'-'
        && stamp.ends_with('Z')
        && matches!(
            words.next(),
            Some("TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR")
        )
}

fn log_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| is_log_line(l)).collect()
}

/// The value of `name=` in a log line (`request_id=abc`), if the line has it.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=");
    let start = line.find(&key)? + key.len();
    let rest = &line[start..];
    Some(
        rest.split_whitespace()
            .next()
            .unwrap_or("")
            .trim_matches('"'),
    )
}

/// A simulator that throttles and fails now and then, so retries get logged too.
async fn start() -> TestSim {
    common::start(SimConfig {
        behaviour: Behaviour {
            auto_approve: true,
            device_code_interval: 1,
            throttle_rate: 0.05,
            fault_rate: 0.03,
            ..Behaviour::default()
        },
        ..common::config(TENANTS, OBJECTS)
    })
    .await
}

/// `tenant add --browser` with extra environment, acting as the browser as
/// `CliEnv::add_tenant_browser` does; returns the outcome and the authorization code the redirect
/// carried (the CLI redeems it; it must never be logged).
async fn add_tenant_browser_logged(
    cli: &CliEnv,
    sim: &TestSim,
    index: usize,
    env: (&str, &str),
) -> (Outcome, String) {
    let mut running = cli
        .add_tenant_command(sim, &sim.domain(index), true)
        .env(env.0, env.1)
        .spawn();
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
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect carries a Location")
        .to_string();
    let code = reqwest::Url::parse(&location)
        .expect("Location is a URL")
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("the redirect carries a code");
    let page = Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
        .get(&location)
        .send()
        .await
        .expect("the CLI's loopback listener answers");
    assert!(page.status().is_success(), "{}", page.status());
    (running.finish().await, code)
}

/// Every string at `key` anywhere below `value`.
fn strings_at<'a>(value: &'a Value, key: &str, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == key => out.push(s),
                    _ => strings_at(v, key, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| strings_at(v, key, out)),
        _ => {}
    }
}

/// What must never be in stderr, with a label for the failure message; and what must never be in
/// a log line (the device prompt and the authorize URL show user codes and `state` on purpose).
struct Secrets {
    anywhere: Vec<(String, String)>,
    in_log_lines: Vec<(String, String)>,
}

fn secrets(sim: &TestSim, auth_codes: &[String]) -> Secrets {
    let world = sim.handle.sim.world();
    let mut anywhere: Vec<(String, String)> = Vec::new();
    let mut in_log_lines: Vec<(String, String)> = Vec::new();
    for token in world.access_tokens.keys() {
        anywhere.push(("an access token".into(), token.clone()));
    }
    for token in world.refresh_tokens.keys() {
        anywhere.push(("a refresh token".into(), token.clone()));
    }
    for (code, grant) in &world.device_codes {
        anywhere.push(("a device code".into(), code.clone()));
        in_log_lines.push(("a user code".into(), grant.user_code.clone()));
    }
    for code in auth_codes {
        anywhere.push(("an authorization code".into(), code.clone()));
    }
    anywhere.push(("the passphrase".into(), common::PASSPHRASE.into()));
    for tenant in &world.tenants {
        anywhere.push((
            format!("tenant name {:?}", tenant.name),
            tenant.name.clone(),
        ));
        in_log_lines.push(("a tenant domain".into(), tenant.domain.clone()));
        for (kind, objects) in &tenant.collections {
            for object in objects {
                let body = Value::Object(object.body.clone());
                let mut names = Vec::new();
                strings_at(&body, "displayName", &mut names);
                if let Some(name) = object.body.get("name").and_then(Value::as_str) {
                    names.push(name);
                }
                // Names an admin gave (they have spaces); built-in one-word names such as the
                // scope tag "Default" also spell ids (`…_DefaultPlatformRestrictions`).
                for name in names
                    .into_iter()
                    .filter(|n| n.len() >= 6 && n.contains(' '))
                {
                    anywhere.push((format!("{kind} name {name:?}"), name.to_string()));
                }
                let mut content = Vec::new();
                for key in ["description", "scriptContent", "detectionScriptContent"] {
                    strings_at(&body, key, &mut content);
                }
                // Simple settings' values (strings an admin typed), not catalog choice ids.
                if let Some(settings) = object.body.get("settings") {
                    let mut values = Vec::new();
                    collect_simple_values(settings, &mut values);
                    content.extend(values);
                }
                for text in content.into_iter().filter(|t| t.len() >= 8) {
                    anywhere.push((format!("{kind} content {text:?}"), text.to_string()));
                }
            }
        }
    }
    assert!(
        world.device_codes.len() >= 2 && world.refresh_tokens.len() >= 3,
        "the simulator issued device codes and refresh tokens"
    );
    Secrets {
        anywhere,
        in_log_lines,
    }
}

/// The `value` of every string setting value below `value`.
fn collect_simple_values<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            let string_value = map
                .get("@odata.type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("StringSettingValue"));
            for (k, v) in map {
                match v {
                    Value::String(s) if string_value && k == "value" => out.push(s),
                    _ => collect_simple_values(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_simple_values(v, out)),
        _ => {}
    }
}

/// Fails naming each secret found in stderr and the command that printed it.
fn assert_no_secret(outcomes: &[(String, Outcome)], secrets: &Secrets) {
    let mut found = Vec::new();
    for (what, outcome) in outcomes {
        for (label, secret) in &secrets.anywhere {
            if outcome.stderr.contains(secret.as_str()) {
                found.push(format!("{label} in the stderr of {what}"));
            }
        }
        let logged = log_lines(&outcome.stderr).join("\n");
        for (label, secret) in &secrets.in_log_lines {
            if logged.contains(secret.as_str()) {
                found.push(format!("{label} in a log line of {what}"));
            }
        }
        let lower = outcome.stderr.to_ascii_lowercase();
        // `pragma key`: sqlx logs its statements at debug, the database key's among them.
        for word in [
            "bearer",
            "authorization:",
            "refresh_token",
            "client_assertion",
            "code_verifier",
            "pragma key",
        ] {
            if lower.contains(word) {
                found.push(format!("{word:?} in the stderr of {what}"));
            }
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "secrets in the logs:\n{}",
        found.join("\n")
    );
}

/// Every log line comes from one of our crates, never hyper, h2, reqwest, rustls or sqlx.
fn assert_only_our_targets(what: &str, stderr: &str) {
    for line in log_lines(stderr) {
        assert!(
            line.contains(" tenantatlas"),
            "{what}: a log line without our target: {line}"
        );
        for theirs in [
            "hyper",
            "h2::",
            "reqwest",
            "rustls",
            "sqlx",
            "tokio_util",
            "oauth2",
        ] {
            assert!(
                !line.contains(theirs),
                "{what}: a third-party line ({theirs}): {line}"
            );
        }
    }
}

/// The request lines of a command: each with method, path, status, a duration and both ids.
fn assert_request_lines(what: &str, stderr: &str) -> usize {
    let requests: Vec<&str> = log_lines(stderr)
        .into_iter()
        .filter(|l| l.contains(": graph request method="))
        .collect();
    assert!(
        !requests.is_empty(),
        "{what}: no request lines in:\n{stderr}"
    );
    for line in &requests {
        assert!(line.contains(" DEBUG "), "{what}: {line}");
        for name in ["method", "host", "path", "query", "status", "ms"] {
            assert!(field(line, name).is_some(), "{what}: no {name} in {line}");
        }
        assert!(
            field(line, "ms").unwrap().parse::<u64>().is_ok(),
            "{what}: {line}"
        );
        let request_id = field(line, "request_id").unwrap_or("-");
        let client_request_id = field(line, "client_request_id").unwrap_or("-");
        assert!(
            client_request_id.len() == 36 && client_request_id.matches('-').count() == 4,
            "{what}: client_request_id in {line}"
        );
        // Graph names every answer it gives; a gateway's 502 (as injected faults are) may not.
        let status: u16 = field(line, "status").unwrap().parse().unwrap();
        assert!(
            !request_id.is_empty() && (request_id != "-" || status >= 500),
            "{what}: request_id in {line}"
        );
        // A query is named, never quoted.
        assert!(!line.contains('?'), "{what}: a query in {line}");
    }
    requests.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_and_verbose_logs_show_requests_and_never_secrets() {
    let sim = start().await;
    let cli = CliEnv::new();
    let trace = ("RUST_LOG", "trace");
    let mut outcomes: Vec<(String, Outcome)> = Vec::new();

    // --- Sign-ins: device code (tenants 0 and 2) and browser (tenant 1), everything logged. ---
    let (t0, t1, t2) = (sim.domain(0), sim.domain(1), sim.domain(2));
    let added = cli
        .add_tenant_command(&sim, &t0, false)
        .env(trace.0, trace.1)
        .run()
        .await;
    added.json();
    outcomes.push(("tenant add (device code, RUST_LOG=trace)".into(), added));
    let (added, auth_code) = add_tenant_browser_logged(&cli, &sim, 1, trace).await;
    added.json();
    outcomes.push(("tenant add --browser (RUST_LOG=trace)".into(), added));
    let added = cli
        .add_tenant_command(&sim, &t2, false)
        .env("RUST_LOG", "")
        .args_verbose()
        .run()
        .await;
    added.json();
    outcomes.push(("tenant add (device code, -vv)".into(), added));
    for (what, outcome) in &outcomes {
        let logged = log_lines(&outcome.stderr).join("\n");
        assert!(logged.contains("workspace open"), "{what}: {logged}");
        assert!(logged.contains("sign-in"), "{what}: {logged}");
    }
    assert!(outcomes[0]
        .1
        .stderr
        .contains("device code sign-in: approved"));
    assert!(outcomes[1]
        .1
        .stderr
        .contains("browser sign-in: redirect received"));

    // --- Sync, everything logged: requests, sub-requests, runs. ---
    // An hour later for the simulator: Graph refuses the stored access tokens (401), so the sync
    // refreshes each tenant's sign-in and rotates its refresh token, and that gets logged too.
    sim.control("clock", serde_json::json!({"advance_seconds": 3600}))
        .await;
    let synced = cli
        .command(&["sync", "--all", "--json"])
        .env(trace.0, trace.1)
        .run()
        .await;
    let report = synced.json();
    let runs = report["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), TENANTS, "{report}");
    let answered = assert_request_lines("sync (RUST_LOG=trace)", &synced.stderr);
    // Injected resets end a request without an answer: it has a line of its own.
    let unanswered = log_lines(&synced.stderr)
        .iter()
        .filter(|l| l.contains(": graph request without an answer method="))
        .count();
    let requests = answered + unanswered;
    let sent: u64 = runs.iter().map(|r| r["requests"].as_u64().unwrap()).sum();
    assert!(
        requests as u64 >= sent,
        "a line per request: {requests} lines for {sent} requests"
    );
    let logged = log_lines(&synced.stderr);
    assert!(logged.iter().any(|l| l.contains("$batch sub-request")));
    assert!(
        logged
            .iter()
            .any(|l| l.contains("access token refreshed") && l.contains("rotated=true")),
        "refreshes are logged:\n{}",
        synced.stderr
    );
    for run in runs {
        let id = run["id"].as_str().unwrap();
        let finished = logged
            .iter()
            .find(|l| l.contains("sync finished") && l.contains(id))
            .unwrap_or_else(|| panic!("no `sync finished` line for run {id}"));
        assert_eq!(
            field(finished, "requests"),
            Some(&*run["requests"].to_string())
        );
        assert!(field(finished, "ms").is_some(), "{finished}");
        assert!(
            finished.contains(run["tenant"].as_str().unwrap()),
            "{finished}"
        );
        // The run's requests carry the run in their span.
        assert!(
            logged
                .iter()
                .any(|l| l.contains(": graph request method=") && l.contains(id)),
            "request lines name run {id}"
        );
    }
    let retried: u64 = runs.iter().map(|r| r["retries"].as_u64().unwrap()).sum();
    if retried > 0 {
        assert!(
            logged.iter().any(|l| l.contains("will be retried")),
            "{retried} retries and no retry line"
        );
    }
    outcomes.push(("sync (RUST_LOG=trace)".into(), synced));

    // --- Drift, everything logged, then sync and drift again with -vv. ---
    cli.json(&["baseline", "create", "Golden", "--from-tenant", &t0])
        .await;
    for tenant in [&t0, &t1, &t2] {
        cli.json(&["baseline", "assign", "Golden", "--tenant", tenant])
            .await;
    }
    let drifted = cli
        .command(&["drift", "--all", "--json"])
        .env(trace.0, trace.1)
        .run()
        .await;
    let report = drifted.json();
    let logged = log_lines(&drifted.stderr);
    for run in report["runs"].as_array().expect("drift runs") {
        let id = run["id"].as_str().unwrap();
        assert!(
            logged
                .iter()
                .any(|l| l.contains("drift finished") && l.contains(id)),
            "no `drift finished` line for run {id}:\n{}",
            drifted.stderr
        );
    }
    outcomes.push(("drift (RUST_LOG=trace)".into(), drifted));

    for args in [["sync", "--all"], ["drift", "--all"]] {
        let mut with_flags: Vec<&str> = args.to_vec();
        with_flags.extend(["--json", "-vv"]);
        let outcome = cli.command(&with_flags).env_remove("RUST_LOG").run().await;
        outcome.json();
        let what = format!("{} -vv", args.join(" "));
        if args[0] == "sync" {
            assert_request_lines(&what, &outcome.stderr);
            // -vv is debug: sub-requests that were answered are trace only.
            assert!(!log_lines(&outcome.stderr)
                .iter()
                .any(|l| l.contains(" TRACE ")));
        }
        outcomes.push((what, outcome));
    }

    for (what, outcome) in &outcomes {
        assert_only_our_targets(what, &outcome.stderr);
    }
    let secrets = secrets(&sim, &[auth_code]);
    println!(
        "checked {} commands' stderr ({} log lines) for {} secrets",
        outcomes.len(),
        outcomes
            .iter()
            .map(|(_, o)| log_lines(&o.stderr).len())
            .sum::<usize>(),
        secrets.anywhere.len() + secrets.in_log_lines.len()
    );
    assert_no_secret(&outcomes, &secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_lines_unless_asked_for() {
    let sim = common::start(common::config(1, 20)).await;
    let cli = CliEnv::new();
    let added = cli
        .add_tenant_command(&sim, &sim.domain(0), false)
        .env_remove("RUST_LOG")
        .run()
        .await;
    added.json();
    assert!(log_lines(&added.stderr).is_empty(), "{}", added.stderr);
    for env in [None, Some("")] {
        let mut invocation = cli.command(&["sync", "--all", "--json"]);
        invocation = match env {
            Some(value) => invocation.env("RUST_LOG", value),
            None => invocation.env_remove("RUST_LOG"),
        };
        let synced = invocation.run().await;
        synced.json();
        assert_eq!(
            synced.stderr, "",
            "RUST_LOG={env:?}: stderr is for progress and errors"
        );
    }
    // -v: runs and sign-in events, not each request.
    let verbose = cli
        .command(&["sync", "--all", "--json", "-v"])
        .env_remove("RUST_LOG")
        .run()
        .await;
    verbose.json();
    let logged = log_lines(&verbose.stderr);
    assert!(
        logged.iter().any(|l| l.contains("sync finished")),
        "{}",
        verbose.stderr
    );
    assert!(
        logged.iter().all(|l| l.contains(" INFO ")),
        "{}",
        verbose.stderr
    );
    // A filter for another crate only shows nothing of ours, and nothing of theirs either.
    let theirs = cli
        .command(&["sync", "--all", "--json"])
        .env(
            "RUST_LOG",
            "hyper=trace,reqwest=trace,rustls=trace,h2=trace,sqlx=trace",
        )
        .run()
        .await;
    theirs.json();
    assert_eq!(theirs.stderr, "", "third-party crates never log");
}

trait VerboseArgs {
    fn args_verbose(self) -> Self;
}

impl VerboseArgs for common::Invocation {
    /// Adds `-vv` (after the arguments already given; the flag is global).
    fn args_verbose(mut self) -> Self {
        self.command.arg("-vv");
        self.args.push("-vv".into());
        self
    }
}
