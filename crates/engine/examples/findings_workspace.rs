//! Builds a workspace holding many findings, for the desktop app's benchmark (`cargo xtask
//! bench`: the time the Findings workbench takes to show 20,000 findings). Not a test and not
//! timed: a simulated portfolio of TENANTS × OBJECTS synced, a baseline of the first tenant's
//! every object assigned to all, drift checked once (most findings are "missing", as in the
//! drift benchmark). The workspace is protected by the passphrase `bench passphrase`.
//!
//! Usage: `cargo run -p tenantatlas-engine --example findings_workspace -- DIR [TENANTS] [OBJECTS]`
//! (default 115 × 300: about 20,000 findings). DIR must not exist yet.

#[path = "../benches/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::SyncOptions;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: findings_workspace DIR [TENANTS] [OBJECTS]");
        std::process::exit(2);
    };
    if dir.exists() {
        eprintln!(
            "{} exists; give a folder that does not exist yet",
            dir.display()
        );
        std::process::exit(2);
    }
    let number =
        |arg: Option<String>, default: usize| arg.and_then(|a| a.parse().ok()).unwrap_or(default);
    let tenants = number(args.next(), 115);
    let objects = number(args.next(), 300);
    std::env::set_var("BENCH_WORKSPACE_DIR", &dir);
    let portfolio = common::connected_portfolio(
        SimConfig {
            tenants,
            objects_per_tenant: objects,
            seed: 11,
            behaviour: Behaviour {
                auto_approve: true,
                device_code_interval: 0,
                ..Behaviour::default()
            },
            ..SimConfig::default()
        },
        "findings-workspace",
    )
    .await;
    let engine = portfolio.engine;
    let options = SyncOptions {
        concurrency: 32,
        ..SyncOptions::default()
    };
    engine
        .sync(&[], options, Arc::new(|_| {}))
        .await
        .expect("sync");
    let reference = portfolio.sim.tenants()[0].domain.clone();
    engine
        .create_baseline(&CreateBaseline {
            name: "Golden".into(),
            source: BaselineSource::Tenant {
                tenant: reference,
                snapshot: None,
            },
            kinds: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
            vars: BTreeMap::new(),
            unexpected: false,
        })
        .await
        .expect("baseline");
    for tenant in portfolio.sim.tenants() {
        engine
            .assign_baseline("Golden", &tenant.domain, &BTreeMap::new())
            .await
            .expect("assign");
    }
    let report = engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await
        .expect("drift");
    println!(
        "{}: {tenants} tenants x {objects} objects, {} findings",
        dir.display(),
        report.findings.len()
    );
    engine.close().await.expect("close");
    portfolio.sim.stop();
}
