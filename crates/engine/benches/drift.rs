//! Drift of 100 tenants × 300 objects against one golden baseline (the product's target: "well
//! under a second"). Set-up, not timed: a simulator with 100 tenants, each connected and synced
//! into a fresh workspace through the engine, and a baseline taken from the clean reference
//! tenant 0 and assigned to all 100. Timed: `Engine::drift` over every tenant — the first run,
//! which opens the findings, and then steady-state runs that find the same drift again. Prints
//! the wall time, the time per tenant, baseline objects compared per second and the findings;
//! asserts nothing about speed.
//!
//! The baseline is the whole reference tenant, so it also expects tenant 0's own extras, which
//! other tenants lack: most findings are "missing". `DRIFT_BENCH_INCLUDE="MSP - *"` takes only the
//! MSP's golden objects instead, as an MSP would. `DRIFT_BENCH_TENANTS`, `DRIFT_BENCH_OBJECTS` and
//! `DRIFT_BENCH_ROUNDS` (steady-state runs, default 3) change the sizes, e.g. to profile the drift
//! phase alone with many rounds.

mod common;

use common::{connected_portfolio, Portfolio};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::{DriftOptions, DriftReport};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::{Engine, SyncOptions};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// One timed drift over every tenant, printed as a row.
async fn timed_drift(engine: &Engine, label: &str) -> (Duration, DriftReport) {
    let options = DriftOptions {
        tenant: None,
        unexpected: false,
        today: today(),
    };
    let started = Instant::now();
    let report = engine.drift(&options).await.expect("drift");
    let elapsed = started.elapsed();
    let tenants = report.runs.len().max(1);
    let compared: u64 = report.runs.iter().map(|r| r.objects).sum();
    let sum = |f: fn(&tenantatlas_engine::ops::drift::DriftRun) -> u64| -> u64 {
        report.runs.iter().map(f).sum()
    };
    let mut per_run: Vec<u64> = report.runs.iter().map(|r| r.duration_ms).collect();
    per_run.sort_unstable();
    println!(
        "  {label:<14} {:>8.3}s  {:>9.2}ms  {:>12.0}  {:>8}  {:>6}  {:>8}  {:>8}  {:>4}/{:>4}/{:>4} ms",
        seconds(elapsed),
        seconds(elapsed) * 1000.0 / tenants as f64,
        compared as f64 / seconds(elapsed).max(1e-9),
        report.findings.len(),
        sum(|r| r.opened),
        sum(|r| r.reopened),
        sum(|r| r.resolved),
        per_run.first().copied().unwrap_or(0),
        per_run[per_run.len() / 2],
        per_run.last().copied().unwrap_or(0),
    );
    (elapsed, report)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tenants = setting("DRIFT_BENCH_TENANTS", 100);
    let objects = setting("DRIFT_BENCH_OBJECTS", 300);
    let rounds = setting("DRIFT_BENCH_ROUNDS", 3);
    let include: Vec<String> = std::env::var("DRIFT_BENCH_INCLUDE").into_iter().collect();

    let setup = Instant::now();
    let Portfolio {
        sim, engine, dir, ..
    } = connected_portfolio(
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
        "drift-bench",
    )
    .await;
    let connected = setup.elapsed();
    let runs = engine
        .sync(
            &[],
            SyncOptions {
                concurrency: 32,
                ..SyncOptions::default()
            },
            Arc::new(|_| {}),
        )
        .await
        .expect("sync");
    let synced: u64 = runs.iter().map(|r| r.objects).sum();
    let partial = runs.iter().filter(|r| r.status != "succeeded").count();
    let sync_time = setup.elapsed() - connected;
    let baseline_started = Instant::now();

    let reference = sim.tenants()[0].domain.clone();
    let baseline = engine
        .create_baseline(&CreateBaseline {
            name: "Golden".into(),
            source: BaselineSource::Tenant {
                tenant: reference.clone(),
                snapshot: None,
            },
            kinds: Vec::new(),
            include: include.clone(),
            exclude: Vec::new(),
            vars: BTreeMap::new(),
            unexpected: false,
        })
        .await
        .expect("baseline from the reference tenant");
    for tenant in sim.tenants() {
        engine
            .assign_baseline("Golden", &tenant.domain, &BTreeMap::new())
            .await
            .expect("assign");
    }
    println!(
        "drift of {tenants} tenants x {objects} objects against one baseline ({} objects from {reference}{})",
        baseline.objects,
        include
            .first()
            .map(|p| format!(" named {p:?}"))
            .unwrap_or_default()
    );
    let baseline_time = baseline_started.elapsed();
    println!(
        "  set-up (not timed): connect {:.1}s, sync {:.1}s ({synced} objects, {partial} runs partial: permissions), baseline taken and assigned {:.1}s",
        seconds(connected),
        seconds(sync_time),
        seconds(baseline_time)
    );
    println!(
        "  run            wall time  per tenant  objects/s    findings  opened  reopened  resolved  per run min/median/max"
    );

    let (first, report) = timed_drift(&engine, "first").await;
    let by_drift = report
        .findings
        .iter()
        .fold(BTreeMap::<&str, u64>::new(), |mut m, f| {
            *m.entry(f.drift.as_str()).or_default() += 1;
            m
        });
    let mut steady = Vec::new();
    for round in 1..=rounds {
        let (elapsed, _) = timed_drift(&engine, &format!("steady {round}")).await;
        steady.push(elapsed);
    }
    steady.sort();
    println!("  findings by drift: {by_drift:?}");
    if let Some(median) = steady.get(steady.len() / 2) {
        println!(
            "  first run {:.3}s ({:.2} ms per tenant); steady state median {:.3}s ({:.2} ms per tenant)",
            seconds(first),
            seconds(first) * 1000.0 / tenants as f64,
            seconds(*median),
            seconds(*median) * 1000.0 / tenants as f64
        );
    }
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}
