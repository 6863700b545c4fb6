//! Search everywhere over 100 tenants × 300 objects. Set-up, not timed: a simulator with 100
//! tenants, each connected and synced into a fresh workspace. Timed: `Engine::search` for a few
//! typical queries — the first search (which puts every snapshot into words and builds the
//! index), then warm searches over the cached index, each several times. Prints the wall time
//! per query (min/median/max), the hits and totals per group, and the size of the index; asserts
//! nothing about speed.
//!
//! `SEARCH_BENCH_TENANTS`, `SEARCH_BENCH_OBJECTS` and `SEARCH_BENCH_ROUNDS` (warm runs per query,
//! default 5) change the sizes.

mod common;

use common::{connected_portfolio, Portfolio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenantatlas_engine::ops::search::{SearchOptions, SearchResults};
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

async fn timed(engine: &Engine, query: &str) -> (Duration, SearchResults) {
    let started = Instant::now();
    let results = engine
        .search(query, &SearchOptions::default())
        .await
        .expect("search");
    (started.elapsed(), results)
}

fn counts(r: &SearchResults) -> String {
    format!(
        "{:>4}/{:<6} {:>4}/{:<6} {:>4}/{:<7} {:>4}/{:<6}",
        r.tenants.hits.len(),
        r.tenants.total,
        r.objects.hits.len(),
        r.objects.total,
        r.settings.hits.len(),
        r.settings.total,
        r.findings.hits.len(),
        r.findings.total,
    )
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tenants = setting("SEARCH_BENCH_TENANTS", 100);
    let objects = setting("SEARCH_BENCH_OBJECTS", 300);
    let rounds = setting("SEARCH_BENCH_ROUNDS", 5).max(1);

    let setup = Instant::now();
    // The simulator must outlive the sync: `..` would drop it at once.
    let Portfolio {
        sim: _sim,
        engine,
        dir,
        ..
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
        "search-bench",
    )
    .await;
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
    let mut statuses = std::collections::BTreeMap::<&str, usize>::new();
    for run in &runs {
        *statuses.entry(run.status.as_str()).or_default() += 1;
    }
    if let Some(error) = runs.iter().flat_map(|r| r.errors.iter()).next() {
        println!("  a sync error: {error}");
    }
    println!("search of {tenants} tenants x {objects} objects");
    println!(
        "  set-up (not timed): connect and sync {:.1}s ({synced} objects; runs {statuses:?})",
        setup.elapsed().as_secs_f64()
    );

    let (cold, first) = timed(&engine, "bitlocker recovery password rotation").await;
    println!(
        "  first search (builds the index of every snapshot): {:.0} ms; hits/total tenants objects settings findings: {}",
        ms(cold),
        counts(&first)
    );
    println!("  query                                       min/median/max ms   tenants   objects    settings    findings (shown/total)");
    let queries = [
        "bitlocker recovery password rotation",
        "device_vendor_msft_bitlocker_configurerecoverypasswordrotation",
        "MSP - Win - BitLocker",
        "firewall",
        "contoso",
        "e",
        "no such thing anywhere",
    ];
    for query in queries {
        let mut times = Vec::new();
        let mut last = SearchResults::default();
        for _ in 0..rounds {
            let (elapsed, results) = timed(&engine, query).await;
            times.push(elapsed);
            last = results;
        }
        times.sort();
        let shown: String = query.chars().take(42).collect();
        println!(
            "  {shown:<42} {:>6.1}/{:>6.1}/{:>6.1}   {}",
            ms(times[0]),
            ms(times[times.len() / 2]),
            ms(times[times.len() - 1]),
            counts(&last)
        );
    }
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}
