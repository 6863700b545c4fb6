//! `tenantatlas sim` and `tenantatlas demo`: serve the simulated cloud.

use crate::output::{by_reason, clean, counted, pad, shell_word, Align, Table};
use anyhow::{bail, Context, Result};
use clap::Args;
use std::collections::BTreeMap;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tenantatlas_core::{kinds, permissions, REGISTRY};
use tenantatlas_demo::{Demo, DemoEvent, DemoPortfolio, DEMO_BASELINE, DEMO_PASSPHRASE};
use tenantatlas_engine::ops::report::ReviewPackOptions;
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
    let handle = Demo::start_cloud(&out).await?;
    if !json {
        print_portfolio(&handle)?;
    }
    // The demo's data is invented, so a fixed passphrase is fine unless one is given.
    let given = crate::secrets::passphrase();
    let own_passphrase = given.is_none();
    let passphrase = given.unwrap_or_else(|| DEMO_PASSPHRASE.to_string());
    let workspace = out.join("workspace");
    let progress: tenantatlas_demo::DemoProgress = std::sync::Arc::new(move |event| {
        if let DemoEvent::Connected { name, browser, .. } = event {
            if !json {
                eprintln!(
                    "  connected {}  {}",
                    pad(&name, 34),
                    if browser {
                        "browser sign-in (device code blocked by Conditional Access)"
                    } else {
                        "device code"
                    }
                );
            }
        }
    });
    let DemoPortfolio {
        engine,
        sim: handle,
        summary,
    } = Demo::populate(handle, &workspace, passphrase, progress).await?;
    let (runs, drift, reference) = (summary.runs, summary.drift, summary.reference);
    let lowest = drift
        .runs
        .iter()
        .min_by(|a, b| a.score.total_cmp(&b.score))
        .map_or(reference.clone(), |r| r.tenant.clone());
    // The review pack of the lowest score, with its signed evidence, beside the workspace.
    let pack = engine
        .review_pack(
            &ReviewPackOptions {
                tenant: lowest.clone(),
                out: out.join("review-pack.pdf"),
                evidence: Some(out.join("review-pack.zip")),
                ..Default::default()
            },
            &|_| {},
        )
        .await;
    // What the demo shows; the workspace is closed and the cloud stopped whatever happens to it.
    let shown = (|| -> Result<()> {
        let pack = pack.map_err(anyhow::Error::from)?;
        if json {
            outln!(
                "{}",
                serde_json::to_string(
                    &serde_json::json!({"workspace": workspace, "runs": runs, "drift": {"runs": drift.runs}, "review_pack": pack})
                )?
            );
        } else {
            print_synced(&handle, &runs)?;
            outln!(
                "\n  drift against the golden baseline \"{DEMO_BASELINE}\" (the \"MSP - *\" objects of {})\n",
                clean(&handle.tenants()[0].name)
            );
            crate::governance::print_scores(&drift, 2)?;
            outln!(
                "\n  A review pack of {}, the lowest score: {} ({} pages), with its signed evidence in {}.",
                clean(&pack.tenant_name),
                clean(&pack.pdf),
                pack.pages,
                clean(pack.evidence.as_deref().unwrap_or_default())
            );
            let program = std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "tenantatlas".to_string());
            // The passphrase in the hint only when the demo chose it: one given in the environment
            // is still there for the next command, and is not the demo's to print.
            let passphrase = if own_passphrase {
                outln!(
                    "\n  The encrypted workspace is in {} (passphrase \"{DEMO_PASSPHRASE}\").",
                    workspace.display()
                );
                format!("TENANTATLAS_PASSPHRASE={DEMO_PASSPHRASE} ")
            } else {
                outln!(
                    "\n  The encrypted workspace is in {} (your TENANTATLAS_PASSPHRASE).",
                    workspace.display()
                );
                String::new()
            };
            outln!("  Look around offline, e.g. the findings of the lowest score:");
            outln!(
                "    {passphrase}{} --workspace {} findings list --tenant {}",
                shell_word(&program),
                shell_word(&workspace.display().to_string()),
                shell_word(&lowest)
            );
            outln!("  and check the evidence as an auditor would, anywhere:");
            outln!(
                "    {} verify {}",
                shell_word(&program),
                shell_word(pack.evidence.as_deref().unwrap_or_default())
            );
        }
        Ok(())
    })();
    engine.close().await?;
    handle.stop();
    shown
}

/// What one simulated tenant serves, split into what its admins configured that a sync captures
/// (by registry kind), what it configured that TenantAtlas does not capture yet (tenant-wide
/// settings such as device categories), and Microsoft's read-only catalogues, the same in every
/// tenant and no tenant's configuration.
struct Served {
    configuration: BTreeMap<&'static str, usize>,
    /// By the simulator's collection key.
    not_captured: BTreeMap<&'static str, usize>,
    /// ("endpoint security template", 3), …
    catalogues: BTreeMap<&'static str, usize>,
}

/// What the `index`th tenant of the simulated cloud serves.
fn served(tenant: &tenantatlas_sim::model::SimTenant, index: usize) -> Served {
    let mut out = Served {
        configuration: BTreeMap::new(),
        not_captured: BTreeMap::new(),
        catalogues: BTreeMap::new(),
    };
    // Singletons: one object each, where the tenant has it.
    for path in tenantatlas_sim::data::singleton_paths(tenant, index) {
        if let Some(kind) = REGISTRY.iter().find(|k| k.collection == path) {
            *out.configuration.entry(kind.key).or_default() += 1;
        }
    }
    for (key, objects) in &tenant.collections {
        // The simulator keeps Entra's policy singletons as one-object collections under the
        // product's own keys.
        if let Some(kind) = REGISTRY.iter().find(|k| k.is_singleton() && k.key == key) {
            *out.configuration.entry(kind.key).or_default() += objects.len();
            continue;
        }
        let Some(spec) = tenantatlas_sim::kinds::by_key(key) else {
            continue;
        };
        if objects.is_empty() {
            continue;
        }
        // The simulator and the product each have their own table of kinds; they meet where
        // Graph does, at the collection's path. Entra's collections are configuration though the
        // simulator does not write them; of directory roles the product reads the custom ones.
        let entra = spec.family == tenantatlas_sim::kinds::Family::Directory;
        match REGISTRY.iter().find(|k| k.collection == spec.full_path()) {
            Some(kind) if spec.writable || entra => {
                let count = if kind.list_query.contains("isBuiltIn eq false") {
                    objects
                        .iter()
                        .filter(|o| {
                            o.body.get("isBuiltIn") == Some(&serde_json::Value::Bool(false))
                        })
                        .count()
                } else {
                    objects.len()
                };
                *out.configuration.entry(kind.key).or_default() += count;
            }
            None if spec.writable => {
                *out.not_captured.entry(spec.key).or_default() += objects.len();
            }
            _ => {
                *out.catalogues.entry(catalogue_name(key)).or_default() += objects.len();
            }
        }
    }
    out
}

fn catalogue_name(key: &str) -> &'static str {
    match key {
        "templates" => "endpoint security template",
        _ => "catalogue object",
    }
}

fn print_portfolio(handle: &tenantatlas_sim::SimHandle) -> Result<()> {
    let world = handle.sim.world();
    outln!(
        "TenantAtlas demo — a simulated MSP portfolio of {} customer tenants\n",
        world.tenants.len()
    );
    let mut table = Table::new(&[
        ("customer", Align::Left),
        ("domain", Align::Left),
        ("configuration objects", Align::Right),
        ("not captured yet", Align::Right),
        ("sign-in", Align::Left),
        ("missing permissions", Align::Left),
    ])
    .indent(2);
    let mut catalogues: BTreeMap<&str, usize> = BTreeMap::new();
    let mut not_captured: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, tenant) in world.tenants.iter().enumerate() {
        let served = served(tenant, index);
        for (what, n) in served.catalogues {
            let entry = catalogues.entry(what).or_default();
            *entry = (*entry).max(n);
        }
        for (what, n) in &served.not_captured {
            *not_captured.entry(what).or_default() += n;
        }
        let missing: Vec<&str> = tenantatlas_sim::model::ALL_SCOPES
            .iter()
            .copied()
            .filter(|s| !tenant.granted_scopes.contains(*s) && !s.contains("ReadWrite"))
            .collect();
        table.row(&[
            tenant.name.clone(),
            tenant.domain.clone(),
            served.configuration.values().sum::<usize>().to_string(),
            served.not_captured.values().sum::<usize>().to_string(),
            if tenant.device_code_allowed {
                "device code".to_string()
            } else {
                "browser".to_string()
            },
            if missing.is_empty() {
                "—".to_string()
            } else {
                missing.join(", ")
            },
        ]);
    }
    table.print()?;
    if !not_captured.is_empty() {
        let what: Vec<String> = not_captured
            .keys()
            .map(|key| tenantatlas_sim::kinds::by_key(key).map_or(*key, |k| k.path))
            .map(|path| path.rsplit('/').next().unwrap_or(path).to_string())
            .collect();
        outln!(
            "  Not captured yet: tenant-wide settings TenantAtlas does not read ({}).",
            what.join(", ")
        );
    }
    if !catalogues.is_empty() {
        let what: Vec<String> = catalogues
            .iter()
            .map(|(w, n)| counted(*n as u64, w))
            .collect();
        outln!(
            "  Each tenant also serves Microsoft's read-only catalogues ({}): the same in every tenant, no tenant's configuration, so not captured.",
            what.join(", ")
        );
    }
    outln!();
    outln!("  sign-in (authority)  {}", handle.authority());
    outln!("  Microsoft Graph      {}", handle.graph());
    outln!("  CA certificate       {}", handle.ca_cert().display());
    outln!();
    Ok(())
}

/// The sync of each tenant, with what it left out and why, so the counts add up with the
/// portfolio above.
fn print_synced(
    handle: &tenantatlas_sim::SimHandle,
    runs: &[tenantatlas_engine::SyncSummary],
) -> Result<()> {
    let world = handle.sim.world();
    let mut table = Table::new(&[
        ("synced", Align::Left),
        ("objects", Align::Right),
        ("new versions", Align::Right),
        ("requests", Align::Right),
        ("Graph calls", Align::Right),
        ("status", Align::Left),
        ("left out", Align::Left),
    ])
    .indent(2);
    for r in runs {
        let configured = world
            .tenants
            .iter()
            .enumerate()
            .find(|(_, t)| t.id == r.tenant)
            .map(|(index, t)| served(t, index).configuration)
            .unwrap_or_default();
        // Kinds the sync could not read, grouped by why: "Conditional Access policy (4), Named
        // location (2): consent lacks Policy.Read.All".
        let missing = configured.iter().filter_map(|(key, n)| {
            let got = r.counts.get(*key).copied().unwrap_or(0) as usize;
            (got < *n).then(|| {
                let why = kinds::by_key(key)
                    .filter(|k| {
                        r.skipped
                            .iter()
                            .any(|s| s.starts_with(&format!("{}:", k.key)))
                    })
                    .map_or_else(|| "not read".to_string(), permissions::consent_lacks);
                (why, format!("{} ({})", kinds::label(key), n - got))
            })
        });
        let left_out: Vec<String> = by_reason(missing)
            .into_iter()
            .map(|(why, kinds)| format!("{}: {why}", kinds.join(", ")))
            .collect();
        table.row(&[
            r.tenant_name.clone(),
            r.objects.to_string(),
            r.versions_added.to_string(),
            r.requests.to_string(),
            r.graph_calls.to_string(),
            r.status.clone(),
            if left_out.is_empty() {
                "—".to_string()
            } else {
                left_out.join("; ")
            },
        ]);
    }
    outln!();
    table.print()
}
