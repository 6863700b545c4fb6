//! Shared set-up for the black-box tests of the `tenantatlas` binary: an in-process simulator with
//! an HTTP client that trusts only its CA, and a throw-away environment (workspace, home and XDG
//! folders) in which the real binary runs as a subprocess with bounded timeouts.
//!
//! Every test talks to the product only through its command line and to the simulator only through
//! HTTP (plus reading what the simulator issued, to know which secrets to look for).
#![allow(dead_code)]

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

/// The longest any single CLI invocation may take before the test fails (the machine is small and
/// test binaries run their tests in parallel, so this is generous).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(180);

/// A public client id, as an MSP would register one.
pub const CLIENT_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";
pub const GRAPH_DEFAULT: &str =
    "https://graph.microsoft.com/.default offline_access openid profile";

pub const PASSPHRASE: &str = "e2e passphrase 7f1c2a9d";

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

pub struct TestSim {
    pub handle: SimHandle,
    /// Trusts the simulator's CA only and never follows redirects (we act as the browser).
    pub client: Client,
}

/// A simulator that approves every sign-in at once and polls quickly.
pub fn config(tenants: usize, objects: usize) -> SimConfig {
    SimConfig {
        tenants,
        objects_per_tenant: objects,
        seed: 42,
        behaviour: Behaviour {
            auto_approve: true,
            device_code_interval: 1,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    }
}

pub async fn start(config: SimConfig) -> TestSim {
    let handle = Simulator::start(config).await.expect("simulator starts");
    let pem = std::fs::read(handle.ca_cert()).expect("CA certificate file exists");
    let ca = reqwest::Certificate::from_pem(&pem).expect("CA certificate is PEM");
    let client = Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client builds");
    TestSim { handle, client }
}

impl TestSim {
    pub fn authority(&self) -> &str {
        self.handle.authority()
    }
    pub fn graph(&self) -> &str {
        self.handle.graph()
    }
    pub fn ca_cert(&self) -> String {
        self.handle.ca_cert().display().to_string()
    }
    pub fn tenant_id(&self, index: usize) -> String {
        self.handle.tenants()[index].id.clone()
    }
    pub fn domain(&self, index: usize) -> String {
        self.handle.tenants()[index].domain.clone()
    }
    pub fn name(&self, index: usize) -> String {
        self.handle.tenants()[index].name.clone()
    }

    /// The arguments that point `tenant add` at this simulator.
    pub fn connection_args(&self) -> Vec<String> {
        vec![
            "--authority".into(),
            self.authority().into(),
            "--graph".into(),
            self.graph().into(),
            "--ca-cert".into(),
            self.ca_cert(),
        ]
    }

    pub async fn control_get(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}/_sim/{path}", self.graph()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET /_sim/{path}: {e}"));
        assert!(response.status().is_success(), "GET /_sim/{path}");
        response
            .json()
            .await
            .expect("control endpoint answers JSON")
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/_sim/{path}", self.graph()))
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /_sim/{path}: {e}"));
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "POST /_sim/{path}: {status} {body}");
        body
    }

    pub async fn stats(&self) -> Value {
        self.control_get("stats").await
    }

    /// Per tenant index: the simulator's object count per kind the product captures, in the
    /// product's kind names. The two tables of kinds meet where Graph does, at the collection's
    /// path (`policies` is `conditionalAccessPolicies`); what the registry does not capture (the
    /// read-only `templates` catalog, tenant-wide settings such as device categories) is left out.
    pub async fn expected_counts(&self) -> Vec<std::collections::BTreeMap<String, u64>> {
        let tenants = self.control_get("tenants").await;
        let mut out = Vec::new();
        for (index, t) in tenants.as_array().expect("tenant array").iter().enumerate() {
            let mut counts: std::collections::BTreeMap<String, u64> = t["counts"]
                .as_object()
                .expect("counts")
                .iter()
                .filter_map(|(k, v)| {
                    let spec = tenantatlas_sim::kinds::by_key(k)?;
                    let kind = tenantatlas_core::REGISTRY.iter().find(|kind| {
                        !kind.is_singleton()
                            && kind.collection == spec.full_path()
                            && (spec.writable
                                || spec.family == tenantatlas_sim::kinds::Family::Directory)
                    })?;
                    Some((kind.key.to_string(), v.as_u64().expect("count")))
                })
                .collect();
            // The product lists custom directory roles only (`$filter=isBuiltIn eq false`).
            let custom_roles = self.handle.sim.world().tenants[index]
                .collection("directoryRoleDefinitions")
                .iter()
                .filter(|o| o.body.get("isBuiltIn") == Some(&Value::Bool(false)))
                .count() as u64;
            counts.insert("directoryRoleDefinitions".into(), custom_roles);
            // Break-glass accounts are the ones the MSP names; these tests name none.
            counts.insert("breakGlassAccounts".into(), 0);
            // A singleton is one object where the service answers it (Intune's 404: none).
            let token = self.graph_token(index).await;
            for kind in tenantatlas_core::REGISTRY
                .iter()
                .filter(|k| k.is_singleton())
            {
                let path = format!("/{}/{}", kind.version.as_str(), kind.collection);
                let (status, _) = self.graph_send(&token, Method::GET, &path, None).await;
                counts.insert(kind.key.to_string(), u64::from(status == StatusCode::OK));
            }
            out.push(counts);
        }
        out
    }

    /// An access token for Graph in a tenant, minted by the simulator for the tenant's admin.
    pub async fn graph_token(&self, tenant: usize) -> String {
        let tenant_id = self.tenant_id(tenant);
        self.handle
            .access_token(&tenant_id, CLIENT_ID)
            .expect("the tenant exists")
    }

    /// A Graph write (or read), retried while the simulator injects throttling or faults; returns
    /// the final status and body.
    pub async fn graph_send(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut last = String::new();
        for _ in 0..60 {
            let mut request = self
                .client
                .request(method.clone(), format!("{}{path}", self.graph()))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let text = response.text().await.unwrap_or_default();
                    // Injected throttling and faults fail before the request runs: safe to repeat.
                    if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
                        last = format!("{status} {text}");
                        continue;
                    }
                    return (status, serde_json::from_str(&text).unwrap_or(Value::Null));
                }
                Err(e) => last = e.to_string(),
            }
        }
        panic!("{method} {path} kept failing: {last}");
    }

    /// Polls the simulator's statistics until `done` holds, or fails after `deadline`.
    pub async fn wait_for_stats(&self, deadline: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let stats = self.stats().await;
            if done(&stats) {
                return stats;
            }
            assert!(
                start.elapsed() < deadline,
                "the simulator's statistics did not reach the expected state within {deadline:?}: {stats}"
            );
            tokio::task::yield_now().await;
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The CLI under test
// ---------------------------------------------------------------------------------------------

/// What one CLI invocation did.
#[derive(Debug)]
pub struct Outcome {
    pub args: Vec<String>,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    fn describe(&self) -> String {
        format!(
            "`tenantatlas {}` exited {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
    }

    /// Asserts success and returns stdout as JSON.
    pub fn json(&self) -> Value {
        self.assert_success();
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not one JSON document ({e}): {}", self.describe())
        })
    }

    pub fn assert_success(&self) {
        assert_eq!(self.code, Some(0), "{}", self.describe());
        assert_no_panic(&self.stderr);
    }

    /// Asserts the contract for errors: exit code 1, exactly one stderr line starting `error: `
    /// (the last one; sign-in prompts may come before it), no panic or backtrace. Returns the line.
    pub fn error_line(&self) -> String {
        assert_eq!(self.code, Some(1), "{}", self.describe());
        assert_no_panic(&self.stderr);
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        let errors: Vec<&&str> = lines.iter().filter(|l| l.starts_with("error: ")).collect();
        assert_eq!(
            errors.len(),
            1,
            "expected exactly one `error: ` line: {}",
            self.describe()
        );
        assert_eq!(
            lines.last(),
            Some(errors[0]),
            "the error line must be the last: {}",
            self.describe()
        );
        errors[0].to_string()
    }

    /// Like [`Outcome::error_line`], and stderr holds nothing else at all.
    pub fn only_error_line(&self) -> String {
        let line = self.error_line();
        let lines = self.stderr.lines().filter(|l| !l.trim().is_empty()).count();
        assert_eq!(
            lines,
            1,
            "stderr must hold only the error: {}",
            self.describe()
        );
        line
    }
}

pub fn assert_no_panic(stderr: &str) {
    for marker in [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "thread 'main'",
    ] {
        assert!(
            !stderr.contains(marker),
            "stderr shows a panic or backtrace ({marker}):\n{stderr}"
        );
    }
}

/// A throw-away environment for the CLI: workspace, home and XDG folders under one temporary
/// folder, the passphrase set, and no way to reach a browser or the user's keychain.
pub struct CliEnv {
    pub root: tempfile::TempDir,
    pub workspace: PathBuf,
    pub home: PathBuf,
}

impl CliEnv {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("tenantatlas-e2e-")
            .tempdir()
            .expect("temporary folder");
        let workspace = root.path().join("workspace");
        let home = root.path().join("home");
        for dir in ["config", "data", "cache", "state", "runtime"] {
            std::fs::create_dir_all(home.join(dir)).expect("home folders");
        }
        CliEnv {
            root,
            workspace,
            home,
        }
    }

    /// The command for `tenantatlas ARGS` in this environment; tests may adjust it further.
    pub fn command<S: AsRef<str>>(&self, args: &[S]) -> Invocation {
        let args: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
        let mut command = Command::new(env!("CARGO_BIN_EXE_tenantatlas"));
        command.args(&args);
        self.environment(&mut command);
        Invocation { command, args }
    }

    /// A line of shell, run by `sh -c` in this environment: for commands the product prints for
    /// people to paste.
    pub fn shell(&self, line: &str) -> Invocation {
        let mut command = Command::new("sh");
        command.args(["-c", line]);
        self.environment(&mut command);
        Invocation {
            command,
            args: vec!["sh".into(), "-c".into(), line.into()],
        }
    }

    fn environment(&self, command: &mut Command) {
        command
            .env("TENANTATLAS_WORKSPACE", &self.workspace)
            .env("TENANTATLAS_PASSPHRASE", PASSPHRASE)
            .env("TENANTATLAS_NO_BROWSER", "1")
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join("config"))
            .env("XDG_DATA_HOME", self.home.join("data"))
            .env("XDG_CACHE_HOME", self.home.join("cache"))
            .env("XDG_STATE_HOME", self.home.join("state"))
            .env("XDG_RUNTIME_DIR", self.home.join("runtime"))
            // A panic would print its backtrace, which the error checks look for.
            .env("RUST_BACKTRACE", "1")
            .env("NO_COLOR", "1")
            // Log lines would mix into the stderr the tests read; e2e_logging turns them on.
            .env_remove("RUST_LOG")
            // Never the developer's keychain or desktop session.
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
    }

    /// Runs `tenantatlas ARGS`. The arguments are copied at once, so the future borrows nothing.
    pub fn run<S: AsRef<str>>(&self, args: &[S]) -> impl Future<Output = Outcome> + 'static {
        self.command(args).run()
    }

    /// Runs `ARGS --json`, asserts success and returns the JSON document.
    pub fn json<S: AsRef<str>>(&self, args: &[S]) -> impl Future<Output = Value> + 'static {
        let mut args: Vec<String> = args.iter().map(|a| a.as_ref().to_string()).collect();
        args.push("--json".into());
        let run = self.run(&args);
        async move { run.await.json() }
    }

    /// `tenant add` with the device-code flow (the simulator auto-approves).
    pub async fn add_tenant(&self, sim: &TestSim, index: usize) -> Outcome {
        self.add_tenant_command(sim, &sim.domain(index), false)
            .run()
            .await
    }

    pub fn add_tenant_command(&self, sim: &TestSim, tenant: &str, browser: bool) -> Invocation {
        let mut args = vec!["tenant".to_string(), "add".into(), tenant.to_string()];
        args.extend(sim.connection_args());
        if browser {
            args.push("--browser".into());
        }
        args.push("--json".into());
        self.command(&args)
    }

    /// `tenant add --browser`, acting as the browser: the authorize URL printed on stderr is
    /// requested without following redirects, and the redirect's `Location` (the CLI's loopback
    /// listener) is then requested with a plain client.
    pub async fn add_tenant_browser(&self, sim: &TestSim, index: usize) -> Outcome {
        let mut running = self
            .add_tenant_command(sim, &sim.domain(index), true)
            .spawn();
        let url = running
            .stderr_line_after("Open this address in a browser to sign in:")
            .await;
        let url = url.trim().to_string();
        assert!(url.starts_with(sim.authority()), "authorize URL: {url}");
        let response = sim
            .client
            .get(&url)
            .send()
            .await
            .expect("authorize request");
        assert!(
            response.status().is_redirection(),
            "authorize answered {} instead of a redirect",
            response.status()
        );
        let location = response
            .headers()
            .get("location")
            .expect("redirect carries a Location")
            .to_str()
            .expect("Location is text")
            .to_string();
        assert!(
            location.starts_with("http://localhost:"),
            "the redirect goes to the loopback listener: {location}"
        );
        let page = Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap()
            .get(&location)
            .send()
            .await
            .expect("the CLI's loopback listener answers");
        assert!(
            page.status().is_success(),
            "loopback page: {}",
            page.status()
        );
        running.finish().await
    }
}

impl Default for CliEnv {
    fn default() -> Self {
        Self::new()
    }
}

/// A prepared CLI command.
pub struct Invocation {
    pub command: Command,
    pub args: Vec<String>,
}

impl Invocation {
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    /// Runs to completion (bounded by [`COMMAND_TIMEOUT`]).
    pub async fn run(self) -> Outcome {
        self.spawn().finish().await
    }

    /// Starts the process; its output is read as it comes.
    pub fn spawn(mut self) -> Running {
        let mut child = self
            .command
            .spawn()
            .unwrap_or_else(|e| panic!("starting tenantatlas: {e}"));
        let mut stdout = child.stdout.take().expect("stdout piped");
        let stdout = tokio::spawn(async move {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text).await;
            text
        });
        let stderr = child.stderr.take().expect("stderr piped");
        let (lines_tx, lines_rx) = tokio::sync::mpsc::unbounded_channel();
        let stderr = tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            let mut all = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                all.push_str(&line);
                all.push('\n');
                let _ = lines_tx.send(line);
            }
            all
        });
        Running {
            child,
            args: self.args,
            stdout,
            stderr,
            lines: lines_rx,
            started: Instant::now(),
        }
    }
}

/// A CLI process that is running.
pub struct Running {
    pub child: Child,
    pub args: Vec<String>,
    stdout: tokio::task::JoinHandle<String>,
    stderr: tokio::task::JoinHandle<String>,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    pub started: Instant,
}

impl Running {
    /// The next stderr line, or `None` once stderr is closed.
    pub async fn next_stderr_line(&mut self) -> Option<String> {
        let remaining = COMMAND_TIMEOUT.saturating_sub(self.started.elapsed());
        tokio::time::timeout(remaining, self.lines.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "`tenantatlas {}` printed nothing in time",
                    self.args.join(" ")
                )
            })
    }

    /// Waits for a stderr line containing `marker` and returns it.
    pub async fn stderr_line_containing(&mut self, marker: &str) -> String {
        let mut seen = Vec::new();
        while let Some(line) = self.next_stderr_line().await {
            if line.contains(marker) {
                return line;
            }
            seen.push(line);
        }
        panic!(
            "`tenantatlas {}` never printed `{marker}` on stderr; it printed:\n{}",
            self.args.join(" "),
            seen.join("\n")
        );
    }

    /// Waits for the stderr line `marker` and returns the line after it.
    pub async fn stderr_line_after(&mut self, marker: &str) -> String {
        self.stderr_line_containing(marker).await;
        self.next_stderr_line()
            .await
            .unwrap_or_else(|| panic!("nothing after `{marker}` on stderr"))
    }

    /// Waits for the process to exit (bounded by [`COMMAND_TIMEOUT`]) and collects its output.
    pub async fn finish(mut self) -> Outcome {
        let remaining = COMMAND_TIMEOUT.saturating_sub(self.started.elapsed());
        let status = match tokio::time::timeout(remaining, self.child.wait()).await {
            Ok(status) => status.expect("waiting for tenantatlas"),
            Err(_) => {
                let _ = self.child.kill().await;
                panic!(
                    "`tenantatlas {}` did not finish within {COMMAND_TIMEOUT:?}",
                    self.args.join(" ")
                );
            }
        };
        self.lines.close();
        let stdout = self.stdout.await.unwrap_or_default();
        let stderr = self.stderr.await.unwrap_or_default();
        Outcome {
            args: self.args,
            code: status.code(),
            stdout,
            stderr,
        }
    }

    /// SIGKILL (no chance to clean up), then collects what was printed.
    pub async fn kill(mut self) -> Outcome {
        self.child.start_kill().expect("sending SIGKILL");
        self.finish().await
    }
}

/// Runs independent commands at most `parallel` at a time; outcomes in the order given.
pub async fn run_all(invocations: Vec<Invocation>, parallel: usize) -> Vec<Outcome> {
    let gate = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (index, invocation) in invocations.into_iter().enumerate() {
        let gate = gate.clone();
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await.expect("semaphore open");
            (index, invocation.run().await)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.expect("command task"));
    }
    outcomes.sort_by_key(|(i, _)| *i);
    outcomes.into_iter().map(|(_, o)| o).collect()
}

/// Every file below `dir`, recursively.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let file_type = entry.file_type().expect("file type");
            if file_type.is_dir() {
                stack.push(path);
            } else if file_type.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Whether `needle` occurs in `haystack`.
pub fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// `{"@odata.type": …, "description": …}` — the smallest valid PATCH of an Intune object.
pub fn description_patch(odata_type: &str, description: &str) -> Value {
    json!({"@odata.type": odata_type, "description": description})
}

// ---------------------------------------------------------------------------------------------
// Graph as an administrator's tool uses it, for tests that change a tenant behind the product
// ---------------------------------------------------------------------------------------------

/// `tests/fixtures/` in the repository: real exported policies (see its README).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// A fixture as the body of a create request: IntuneCD's resolved assignment names mean nothing
/// in another tenant, and annotations other than `@odata.type` are not part of a create body.
pub fn fixture_body(relative: &str) -> Value {
    let path = fixtures_dir().join(relative);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading fixture {}: {e}", path.display()));
    let mut value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("fixture {} is not JSON: {e}", path.display()));
    let map = value
        .as_object_mut()
        .unwrap_or_else(|| panic!("fixture {} is not one object", path.display()));
    map.remove("assignments");
    map.retain(|key, _| !key.contains('@') || key == "@odata.type");
    value
}

impl TestSim {
    /// Like [`TestSim::graph_send`], but honouring throttling the way a Graph client must: after a
    /// 429 it waits `Retry-After` (or a second where the service gives none, as conditional access
    /// does, allowing one request per second per tenant) before trying again.
    pub async fn graph_call(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let mut request = self
                .client
                .request(method.clone(), format!("{}{path}", self.graph()))
                .bearer_auth(token);
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
            let status = response.status();
            let wait = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map_or(Duration::from_millis(1100), Duration::from_secs);
            let text = response.text().await.unwrap_or_default();
            if status != StatusCode::TOO_MANY_REQUESTS {
                return (status, serde_json::from_str(&text).unwrap_or(Value::Null));
            }
            assert!(
                Instant::now() + wait < deadline,
                "{method} {path} stayed throttled: {text}"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// `GET` that must answer 200; returns the body.
    pub async fn graph_get(&self, token: &str, path: &str) -> Value {
        let (status, body) = self.graph_call(token, Method::GET, path, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// Every item of a collection, following `@odata.nextLink`.
    pub async fn graph_list(&self, token: &str, path: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next = Some(path.to_string());
        while let Some(path) = next.take() {
            let page = self.graph_get(token, &path).await;
            items.extend(page["value"].as_array().cloned().unwrap_or_default());
            next = page["@odata.nextLink"]
                .as_str()
                .map(|link| link.trim_start_matches(self.graph()).to_string());
        }
        items
    }

    /// The one object of a collection with this display name (`name` for the settings catalog).
    pub async fn graph_find(&self, token: &str, collection: &str, name: &str) -> Value {
        let found: Vec<Value> = self
            .graph_list(token, collection)
            .await
            .into_iter()
            .filter(|o| o["displayName"] == name || o["name"] == name)
            .collect();
        assert_eq!(found.len(), 1, "one object named {name:?} in {collection}");
        found.into_iter().next().unwrap()
    }

    /// Creates an object by POST, as an administrator's tool would; returns the created object.
    pub async fn graph_create(&self, token: &str, collection: &str, body: &Value) -> Value {
        let (status, created) = self
            .graph_call(token, Method::POST, collection, Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "POST {collection}: {created}");
        created
    }

    /// Creates the fixture at `relative` (below [`fixtures_dir`]) in `collection`, e.g.
    /// `/beta/deviceManagement/configurationPolicies`; returns the created object.
    pub async fn create_fixture(&self, token: &str, collection: &str, relative: &str) -> Value {
        self.graph_create(token, collection, &fixture_body(relative))
            .await
    }

    /// Changes one choice setting of a settings catalog policy the way Graph requires: PUT of the
    /// whole policy with all its settings, the setting's value becoming `{definition_id}_{suffix}`.
    /// Returns the value it had.
    pub async fn put_choice(
        &self,
        token: &str,
        policy_id: &str,
        definition_id: &str,
        suffix: &str,
    ) -> String {
        let path = format!("/beta/deviceManagement/configurationPolicies/{policy_id}");
        let mut policy = self
            .graph_get(token, &format!("{path}?$expand=settings"))
            .await;
        let settings = policy["settings"].as_array().expect("settings expanded");
        assert_eq!(
            Some(settings.len() as u64),
            policy["settingCount"].as_u64(),
            "every setting came with the policy"
        );
        let old = set_choice(&mut policy["settings"], definition_id, suffix)
            .unwrap_or_else(|| panic!("{definition_id} is a choice setting of the policy"));
        let body = without_annotations(&policy);
        let (status, answer) = self
            .graph_call(token, Method::PUT, &path, Some(&body))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "PUT {path}: {answer}");
        old
    }

    /// The display name the service gives a settings catalog setting definition.
    pub async fn setting_display_name(&self, token: &str, definition_id: &str) -> String {
        let path = format!("/beta/deviceManagement/configurationSettings/{definition_id}");
        let definition = self.graph_get(token, &path).await;
        definition["displayName"]
            .as_str()
            .unwrap_or_else(|| panic!("definition {definition_id} has a displayName: {definition}"))
            .to_string()
    }
}

impl CliEnv {
    /// `tenant add` with the flow the tenant allows (device code, or the browser when its
    /// Conditional Access blocks device code); asserts success.
    pub async fn connect(&self, sim: &TestSim, index: usize) {
        let outcome = if sim.handle.tenants()[index].device_code_allowed {
            self.add_tenant(sim, index).await
        } else {
            self.add_tenant_browser(sim, index).await
        };
        outcome.assert_success();
    }
}

/// The JSON a tool sends back: no `@odata.context` or other annotations, no server-set fields.
pub fn without_annotations(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                if (k.contains('@') && k != "@odata.type")
                    || matches!(
                        k.as_str(),
                        "id" | "createdDateTime" | "lastModifiedDateTime" | "modifiedDateTime"
                    )
                {
                    continue;
                }
                out.insert(k.clone(), without_annotations(v));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(without_annotations).collect()),
        other => other.clone(),
    }
}

/// Sets the choice value of the setting instance `definition_id` anywhere below `value` to
/// `{definition_id}_{suffix}`; returns the old value.
pub fn set_choice(value: &mut Value, definition_id: &str, suffix: &str) -> Option<String> {
    match value {
        Value::Object(map) => {
            if map.get("settingDefinitionId").and_then(Value::as_str) == Some(definition_id) {
                let choice = map.get_mut("choiceSettingValue")?.as_object_mut()?;
                let old = choice.get("value")?.as_str()?.to_string();
                choice.insert("value".into(), json!(format!("{definition_id}_{suffix}")));
                return Some(old);
            }
            map.values_mut()
                .find_map(|v| set_choice(v, definition_id, suffix))
        }
        Value::Array(items) => items
            .iter_mut()
            .find_map(|v| set_choice(v, definition_id, suffix)),
        _ => None,
    }
}
