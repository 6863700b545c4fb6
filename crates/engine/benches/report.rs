//! Review packs and the portfolio report, made from real workspaces. Set-up, not timed: a
//! simulator, every tenant connected and synced, a golden baseline from the first tenant assigned
//! to the others and checked. Timed: `Engine::review_pack` with its evidence bundle for a tenant
//! of 300 objects and one of 3,000 (each several times), and `Engine::portfolio_report` over 100
//! tenants. Prints wall time (min/median/max), pages and sizes; asserts nothing about speed.
//!
//! `REPORT_BENCH_ROUNDS` (default 3) changes the runs per measurement;
//! `REPORT_BENCH_PORTFOLIO_TENANTS` (default 100) the portfolio's size.

mod common;

use common::connected_portfolio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::DriftOptions;
use tenantatlas_engine::ops::findings::{today, FindingFilter};
use tenantatlas_engine::ops::report::portfolio::PortfolioReportOptions;
use tenantatlas_engine::ops::report::ReviewPackOptions;
use tenantatlas_engine::{Engine, SyncOptions};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn spread(mut times: Vec<Duration>) -> String {
    times.sort();
    format!(
        "min {:>7.0} ms  median {:>7.0} ms  max {:>7.0} ms",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}

fn config(tenants: usize, objects: usize) -> SimConfig {
    SimConfig {
        tenants,
        objects_per_tenant: objects,
        seed: 12,
        behaviour: Behaviour {
            auto_approve: true,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    }
}

/// Syncs every tenant, makes a baseline of the first and checks the others against it.
async fn prepare(engine: &Engine, tenants: &[tenantatlas_sim::TenantInfo]) {
    let options = SyncOptions {
        concurrency: 16,
        ..SyncOptions::default()
    };
    engine
        .sync(&[], options, Arc::new(|_| {}))
        .await
        .expect("sync");
    engine
        .create_baseline(&CreateBaseline {
            name: "MSP golden".into(),
            source: BaselineSource::Tenant {
                tenant: tenants[0].domain.clone(),
                snapshot: None,
            },
            kinds: Vec::new(),
            include: vec!["MSP - *".into()],
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await
        .expect("baseline");
    for t in &tenants[1..] {
        engine
            .assign_baseline("MSP golden", &t.domain, &Default::default())
            .await
            .expect("assign");
    }
    engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await
        .expect("drift");
}

async fn review_packs(objects: usize, rounds: usize) {
    let p = connected_portfolio(config(4, objects), &format!("report-{objects}")).await;
    let tenants = p.sim.tenants().to_vec();
    prepare(&p.engine, &tenants).await;
    // The tenant with the most standing findings: the pack with the most to say.
    let mut target = tenants[1].domain.clone();
    let mut most = 0;
    for t in &tenants[1..] {
        let filter = FindingFilter {
            tenant: Some(t.domain.clone()),
            ..Default::default()
        };
        let standing = p
            .engine
            .list_findings(&filter, today())
            .await
            .expect("findings")
            .iter()
            .filter(|f| f.is_standing())
            .count();
        if standing > most {
            most = standing;
            target = t.domain.clone();
        }
    }
    let out = p.dir.join("packs");
    std::fs::create_dir_all(&out).unwrap();
    let mut times = Vec::new();
    let mut last = None;
    for round in 0..rounds {
        let started = Instant::now();
        let pack = p
            .engine
            .review_pack(
                &ReviewPackOptions {
                    tenant: target.clone(),
                    out: out.join(format!("pack-{round}.pdf")),
                    evidence: Some(out.join(format!("pack-{round}.zip"))),
                    ..Default::default()
                },
                &|_| {},
            )
            .await
            .expect("review pack");
        times.push(started.elapsed());
        last = Some(pack);
    }
    let pack = last.expect("at least one round");
    println!(
        "review pack, {objects:>5} objects, {:>3} open findings: {}  ({} pages, PDF {:.0} KB, evidence bundle {:.0} KB)",
        pack.open_findings,
        spread(times),
        pack.pages,
        pack.pdf_bytes as f64 / 1024.0,
        pack.evidence_bytes.unwrap_or(0) as f64 / 1024.0
    );
    p.engine.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&p.dir);
}

async fn portfolio(tenants: usize, rounds: usize) {
    let p = connected_portfolio(config(tenants, 30), "report-portfolio").await;
    let infos = p.sim.tenants().to_vec();
    prepare(&p.engine, &infos).await;
    let mut times = Vec::new();
    let mut last = None;
    for round in 0..rounds {
        let started = Instant::now();
        let report = p
            .engine
            .portfolio_report(
                &PortfolioReportOptions {
                    out: p.dir.join(format!("portfolio-{round}.pdf")),
                    csv: Some(p.dir.join(format!("portfolio-{round}.csv"))),
                    ..Default::default()
                },
                &|_| {},
            )
            .await
            .expect("portfolio report");
        times.push(started.elapsed());
        last = Some(report);
    }
    let report = last.expect("at least one round");
    println!(
        "portfolio report, {:>3} tenants: {}  ({} pages, PDF {:.0} KB)",
        report.tenants,
        spread(times),
        report.pages,
        report.pdf_bytes as f64 / 1024.0
    );
    p.engine.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&p.dir);
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let rounds = setting("REPORT_BENCH_ROUNDS", 3).max(1);
    let portfolio_tenants = setting("REPORT_BENCH_PORTFOLIO_TENANTS", 100).max(2);
    review_packs(300, rounds).await;
    review_packs(3000, rounds).await;
    portfolio(portfolio_tenants, rounds).await;
}
