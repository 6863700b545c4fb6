//! `tenantatlas sim` and `tenantatlas demo`: serve the simulated cloud.

use anyhow::{bail, Context, Result};
use clap::Args;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, Simulator};

#[derive(Args, Debug)]
pub struct SimArgs {
    /// Where the sign-in host listens (the Graph host takes the next port, or a free one for port 0).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    /// Number of customer tenants to generate.
    #[arg(long, default_value_t = 3)]
    tenants: usize,
    /// Configuration objects per tenant.
    #[arg(long, default_value_t = 60)]
    objects: usize,
    /// Seed of the generated data; the same seed gives the same cloud.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Approve every sign-in at once (tests, the demo).
    #[arg(long)]
    auto_approve: bool,
    /// Probability (0–1) of an injected 429 per Graph request.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    throttle_rate: f64,
    /// Probability (0–1) of an injected fault (5xx, reset connection) per Graph HTTP request.
    #[arg(long, default_value_t = 0.0, value_parser = probability)]
    fault_rate: f64,
    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Page size of every list (instead of each collection's own).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1000))]
    page_size: Option<u64>,
    /// Create the exported policy JSON files under DIR in the first tenant.
    #[arg(long, value_name = "DIR")]
    load: Option<PathBuf>,
    /// Folder for the CA certificate (default: a temporary folder removed on exit).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
}

fn probability(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number"))?;
    if !(0.0..=1.0).contains(&value) {
        return Err(format!("{value} is not between 0 and 1"));
    }
    Ok(value)
}

impl SimArgs {
    fn config(&self) -> Result<SimConfig> {
        if !self.addr.ip().is_loopback() {
            bail!("the simulator only listens on loopback; use --addr 127.0.0.1:PORT");
        }
        if let Some(dir) = &self.load {
            if !dir.is_dir() {
                bail!(
                    "--load {} is not a folder of exported policy JSON",
                    dir.display()
                );
            }
        }
        Ok(SimConfig {
            addr: self.addr,
            tenants: self.tenants,
            objects_per_tenant: self.objects,
            seed: self.seed,
            behaviour: Behaviour {
                auto_approve: self.auto_approve,
                throttle_rate: self.throttle_rate,
                fault_rate: self.fault_rate,
                latency: Duration::from_millis(self.latency_ms),
                page_size: self.page_size.map(|p| p as usize),
                ..Behaviour::default()
            },
            load: self.load.clone(),
            state_dir: self.state_dir.clone(),
        })
    }
}

/// Serves until stopped. The announcement line is JSON whether or not `--json` is given: it is
/// the contract scripts rely on.
pub async fn run(args: SimArgs) -> Result<()> {
    let handle = Simulator::start(args.config()?)
        .await
        .context("starting the simulator")?;
    // The first stdout line is the machine-readable announcement, always (the `--json` contract).
    let line = serde_json::to_string(&handle.announcement)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()?;
    drop(stdout);
    eprintln!(
        "simulated cloud ready: sign-in {} · Graph {} · {} tenant(s) · CA certificate {} · stop with Ctrl+C",
        handle.authority(),
        handle.graph(),
        handle.tenants().len(),
        handle.ca_cert().display()
    );
    wait_for_stop().await;
    handle.stop();
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where to write the demo's results.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The demo, end to end: a simulated MSP portfolio on loopback, every tenant connected (device code,
/// or the browser flow where Conditional Access blocks device code — the demo plays the browser),
/// all synced into an encrypted workspace, and the result shown. The workspace stays in `--out` for
/// the other commands to look at offline.
pub async fn demo(args: DemoArgs, json: bool) -> Result<()> {
    let out = match &args.out {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("tenantatlas-demo-{}", std::process::id())),
    };
    if out.join("workspace.json").exists() {
        bail!(
            "{} already holds a workspace; choose another --out folder",
            out.display()
        );
    }
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let config = SimConfig {
        tenants: 8,
        objects_per_tenant: 120,
        seed: 7,
        behaviour: Behaviour {
            auto_approve: true,
            ..Behaviour::default()
        },
        state_dir: Some(out.join("simulator")),
        ..SimConfig::default()
    };
    let handle = Simulator::start(config)
        .await
        .context("starting the demo cloud")?;
    if !json {
        print_portfolio(&handle)?;
    }
    // The demo's data is invented, so a fixed passphrase is fine unless one is given.
    let passphrase =
        std::env::var("TENANTATLAS_PASSPHRASE").unwrap_or_else(|_| "tenantatlas-demo".into());
    let workspace = out.join("workspace");
    let engine = tenantatlas_engine::Engine::open(&workspace, Some(passphrase)).await?;
    let pem = std::fs::read_to_string(handle.ca_cert())?;
    for tenant in handle.tenants() {
        let request = tenantatlas_engine::ops::tenant_add::AddTenant {
            tenant: tenant.domain.clone(),
            authority: handle.authority().to_string(),
            graph: handle.graph().to_string(),
            client_id: tenantatlas_engine::ops::tenant_add::DEFAULT_CLIENT_ID.to_string(),
            ca_cert_pem: Some(pem.clone()),
            browser: !tenant.device_code_allowed,
        };
        let browser_pem = pem.clone();
        let added = engine
            .add_tenant(
                request,
                move |prompt| {
                    if let tenantatlas_engine::ops::tenant_add::SignInPrompt::Browser { url } =
                        prompt
                    {
                        tokio::spawn(play_browser(url, browser_pem));
                    }
                },
                tokio_util::sync::CancellationToken::new(),
            )
            .await?;
        if !json {
            eprintln!(
                "  connected {:<36} {}",
                added.name,
                if tenant.device_code_allowed {
                    "device code"
                } else {
                    "browser sign-in (device code blocked by Conditional Access)"
                }
            );
        }
    }
    let runs = engine
        .sync(
            &[],
            tenantatlas_engine::SyncOptions::default(),
            std::sync::Arc::new(|_| {}),
        )
        .await?;
    // The golden master: the clean reference tenant's snapshot, checked in every other tenant.
    let reference = handle.tenants()[0].domain.clone();
    engine
        .create_baseline(&CreateBaseline {
            name: DEMO_BASELINE.to_string(),
            source: BaselineSource::Tenant {
                tenant: reference.clone(),
                snapshot: None,
            },
            kinds: Vec::new(),
            include: vec!["MSP - *".to_string()],
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await?;
    for tenant in handle.tenants().iter().skip(1) {
        engine
            .assign_baseline(DEMO_BASELINE, &tenant.domain, &Default::default())
            .await?;
    }
    let drift = engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await?;
    if json {
        outln!(
            "{}",
            serde_json::to_string(
                &serde_json::json!({"workspace": workspace, "runs": runs, "drift": {"runs": drift.runs}})
            )?
        );
    } else {
        outln!("\n  synced                               objects  versions  requests  Graph calls  status");
        for r in &runs {
            outln!(
                "  {:<36} {:>7}  {:>8}  {:>8}  {:>11}  {}",
                truncate(&r.tenant_name, 36),
                r.objects,
                r.versions_added,
                r.requests,
                r.graph_calls,
                r.status
            );
        }
        outln!("\n  drift against \"{DEMO_BASELINE}\" (from {reference})   score  as expected  high  medium  low  info");
        for r in &drift.runs {
            let count = |severity: &str| {
                drift
                    .findings
                    .iter()
                    .filter(|f| f.tenant_id == r.tenant_id && f.severity == severity)
                    .count()
            };
            outln!(
                "  {:<44} {:>5.1}%  {:>5} / {:<4} {:>4}  {:>6}  {:>3}  {:>4}",
                truncate(&r.tenant, 44),
                r.score,
                r.compliant,
                r.objects,
                count("high"),
                count("medium"),
                count("low"),
                count("info")
            );
        }
        outln!("\n  The encrypted workspace is in {} (passphrase: TENANTATLAS_PASSPHRASE or \"tenantatlas-demo\").", workspace.display());
        outln!("  Look around offline, e.g.:");
        outln!(
            "    TENANTATLAS_PASSPHRASE=tenantatlas-demo tenantatlas --workspace {} policies list --tenant {}",
            workspace.display(),
            handle.tenants()[0].domain
        );
    }
    handle.stop();
    Ok(())
}

/// Plays the person at the browser for the demo: opens the sign-in address (the simulator approves
/// at once) and follows its redirect to the app's loopback address.
async fn play_browser(url: String, pem: String) {
    let Ok(ca) = reqwest::Certificate::from_pem(pem.as_bytes()) else {
        return;
    };
    let Ok(client) = reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return;
    };
    if let Ok(response) = client.get(&url).send().await {
        if let Some(location) = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
        {
            let _ = client.get(location).send().await;
        }
    }
}

fn print_portfolio(handle: &tenantatlas_sim::SimHandle) -> Result<()> {
    let world = handle.sim.world();
    outln!(
        "TenantAtlas demo — a simulated MSP portfolio of {} customer tenants\n",
        world.tenants.len()
    );
    outln!(
        "  {:<36} {:<34} {:>7}  {:<11} missing permissions",
        "customer",
        "domain",
        "objects",
        "sign-in"
    );
    for tenant in &world.tenants {
        let missing: Vec<&str> = tenantatlas_sim::model::ALL_SCOPES
            .iter()
            .copied()
            .filter(|s| !tenant.granted_scopes.contains(*s) && !s.contains("ReadWrite"))
            .collect();
        outln!(
            "  {:<36} {:<34} {:>7}  {:<11} {}",
            truncate(&tenant.name, 36),
            truncate(&tenant.domain, 34),
            tenant.object_count(),
            if tenant.device_code_allowed {
                "device code"
            } else {
                "browser"
            },
            if missing.is_empty() {
                "—".to_string()
            } else {
                missing.join(", ")
            }
        );
    }
    outln!();
    outln!("  sign-in (authority)  {}", handle.authority());
    outln!("  Microsoft Graph      {}", handle.graph());
    outln!("  CA certificate       {}", handle.ca_cert().display());
    outln!();
    Ok(())
}

/// The baseline the demo takes from its clean reference tenant.
const DEMO_BASELINE: &str = "MSP golden";

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).collect::<String>() + "…"
    }
}
