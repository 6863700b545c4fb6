//! Sync of 100 tenants × 300 objects against the simulator with 20 ms latency per response: the
//! first sync and an unchanged re-sync, with the concurrency the engine chooses (`SYNC_BENCH_CONCURRENCY`
//! sets one instead; `SYNC_BENCH_TENANTS` the number of tenants): wall time, HTTP round-trips per
//! object and Graph calls per object (every `$batch` sub-request counted, as throttling counts
//! them), the process's resident memory (which holds the simulator too, so the growth during the
//! sync is the figure to read), side by side with a naive strategy that lists each kind and then
//! GETs every object by id, in the same run. "Objects" are configuration objects, not the groups
//! and filters they reference. The simulator runs on threads of its own, so the CPU time each
//! used is printed apart. Prints figures; asserts nothing about speed.

mod common;

use common::{
    connect_portfolio, cpu_seconds, simulator_on_own_threads, Portfolio, CLIENT_ID, SIM_THREADS,
};
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tenantatlas_core::REGISTRY;
use tenantatlas_engine::SyncOptions;
use tenantatlas_graph::auth::AuthError;
use tenantatlas_graph::client::{http_client, ClientConfig, GraphClient};
use tenantatlas_graph::{BoxFuture, TokenSource};
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const OBJECTS: usize = 300;

fn setting(name: &str) -> Option<usize> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// Resident and peak resident memory of this process, in MB (Linux).
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

struct FixedToken(String);

impl TokenSource for FixedToken {
    fn access_token<'a>(
        &'a self,
        _rejected: Option<&'a str>,
    ) -> BoxFuture<'a, Result<String, AuthError>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

async fn stats(http: &tenantatlas_graph::reqwest::Client, sim: &SimHandle) -> Value {
    http.get(format!("{}/_sim/stats", sim.graph()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn reset(http: &tenantatlas_graph::reqwest::Client, sim: &SimHandle) {
    http.post(format!("{}/_sim/stats/reset", sim.graph()))
        .send()
        .await
        .unwrap();
}

/// A token for a tenant, minted by the simulator as if its admin had signed in.
fn token(sim: &SimHandle, tenant: &str) -> String {
    sim.access_token(tenant, CLIENT_ID)
        .expect("the tenant exists")
}

/// The naive strategy: each kind's list without `$expand`, then one GET per object.
async fn naive(sim: &SimHandle, pem: &str) -> u64 {
    let mut tasks = tokio::task::JoinSet::new();
    for tenant in sim.tenants().iter().map(|t| t.id.clone()) {
        let token = token(sim, &tenant);
        let graph = url::Url::parse(sim.graph()).unwrap();
        let client = GraphClient::new(ClientConfig::new(
            graph,
            http_client(Some(pem)).unwrap(),
            Arc::new(FixedToken(token)),
        ));
        tasks.spawn(async move {
            let mut objects = 0u64;
            for kind in REGISTRY {
                if kind.is_singleton() {
                    // One GET, as the product reads it; a 404 is "none".
                    let read = client.get(kind.version, kind.collection, kind.family).await;
                    objects += u64::from(read.is_ok());
                    continue;
                }
                let Ok(items) = client
                    .get_all(kind.version, kind.collection, kind.family)
                    .await
                else {
                    continue; // not readable with this tenant's permissions
                };
                let mut gets = tokio::task::JoinSet::new();
                for item in items {
                    let id = item["id"].as_str().unwrap_or("").to_string();
                    let client = client.clone();
                    gets.spawn(async move {
                        let path = format!("{}/{}", kind.collection, id);
                        client.get(kind.version, &path, kind.family).await.is_ok()
                    });
                }
                while let Some(ok) = gets.join_next().await {
                    objects += u64::from(ok.unwrap_or(false));
                }
            }
            objects
        });
    }
    let mut total = 0;
    while let Some(n) = tasks.join_next().await {
        total += n.unwrap();
    }
    total
}

fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / b.max(1) as f64
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let tenants = setting("SYNC_BENCH_TENANTS").unwrap_or(100);
    let chosen = setting("SYNC_BENCH_CONCURRENCY").unwrap_or(0);
    let options = || SyncOptions {
        concurrency: chosen,
        ..SyncOptions::default()
    };
    let concurrency = match chosen {
        0 => tenantatlas_engine::ops::sync::auto_concurrency(tenants),
        n => n,
    };
    // The simulator on threads of its own, so the CPU it uses is told apart from the product's.
    let (sim, sim_runtime) = simulator_on_own_threads(SimConfig {
        tenants,
        objects_per_tenant: OBJECTS,
        seed: 11,
        behaviour: Behaviour {
            auto_approve: true,
            latency: Duration::from_millis(20),
            ..Behaviour::default()
        },
        ..SimConfig::default()
    });
    let Portfolio {
        sim,
        engine,
        pem,
        http,
        dir,
    } = connect_portfolio(sim, "bench").await;

    reset(&http, &sim).await;
    let (rss_before, _) = memory();
    let cpu_before = cpu_seconds(SIM_THREADS);
    let started = Instant::now();
    let runs = engine
        .sync(&[], options(), Arc::new(|_| {}))
        .await
        .expect("sync");
    let sync_time = started.elapsed();
    let cpu_sync = cpu_seconds(SIM_THREADS);
    let (rss_after, peak) = memory();
    let after = stats(&http, &sim).await;
    let objects: u64 = runs.iter().map(|r| r.objects).sum();
    let failed = runs.iter().filter(|r| r.status == "failed").count();

    reset(&http, &sim).await;
    let cpu_before_resync = cpu_seconds(SIM_THREADS);
    let started = Instant::now();
    let again = engine
        .sync(&[], options(), Arc::new(|_| {}))
        .await
        .expect("re-sync");
    let resync_time = started.elapsed();
    let cpu_resync = cpu_seconds(SIM_THREADS);
    let (_, resync_peak) = memory();
    let resync = stats(&http, &sim).await;
    let added: u64 = again.iter().map(|r| r.versions_added).sum();

    reset(&http, &sim).await;
    let started = Instant::now();
    let naive_objects = naive(&sim, &pem).await;
    let naive_time = started.elapsed();
    let naive_stats = stats(&http, &sim).await;

    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
    println!("sync of {tenants} tenants x {OBJECTS} objects, 20 ms latency per response, {concurrency} tenants side by side ({} runs, {failed} failed)", runs.len());
    println!(
        "  memory: {rss_before:.0} MB resident before (the simulator's portfolio), {rss_after:.0} MB after the first sync, peak {peak:.0} MB; peak after the re-sync {resync_peak:.0} MB"
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = |before: (f64, f64), after: (f64, f64)| (after.1 - before.1, after.0 - before.0);
    let (product, simulator) = cpu(cpu_before, cpu_sync);
    let (product_again, simulator_again) = cpu(cpu_before_resync, cpu_resync);
    println!(
        "  CPU on {cores} cores: first sync {product:.1} s TenantAtlas + {simulator:.1} s simulator; re-sync {product_again:.1} s + {simulator_again:.1} s"
    );
    println!("  strategy   objects  wall time  round-trips  per object  Graph calls  per object  throttled");
    println!(
        "  TenantAtlas {:>7}  {:>8.2}s  {:>11}  {:>10.3}  {:>11}  {:>10.3}  {:>9}",
        objects,
        sync_time.as_secs_f64(),
        n(&after, "requests"),
        ratio(n(&after, "requests"), objects),
        n(&after, "graph_calls"),
        ratio(n(&after, "graph_calls"), objects),
        n(&after, "throttled")
    );
    println!(
        "  re-sync     {:>7}  {:>8.2}s  {:>11}  {:>10.3}  {:>11}  {:>10.3}  {:>9}   ({added} versions added)",
        objects,
        resync_time.as_secs_f64(),
        n(&resync, "requests"),
        ratio(n(&resync, "requests"), objects),
        n(&resync, "graph_calls"),
        ratio(n(&resync, "graph_calls"), objects),
        n(&resync, "throttled")
    );
    println!(
        "  naive       {:>7}  {:>8.2}s  {:>11}  {:>10.3}  {:>11}  {:>10.3}  {:>9}",
        naive_objects,
        naive_time.as_secs_f64(),
        n(&naive_stats, "requests"),
        ratio(n(&naive_stats, "requests"), naive_objects),
        n(&naive_stats, "graph_calls"),
        ratio(n(&naive_stats, "graph_calls"), naive_objects),
        n(&naive_stats, "throttled")
    );
    println!("  (the naive strategy reads less: no assignments, settings, scheduled actions or ADMX values)");
    if std::env::var_os("SYNC_BENCH_ROUTES").is_some() {
        // Where the first sync's Graph calls went, most first.
        let mut routes: Vec<(String, u64)> = after["by_route"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(route, n)| (route.clone(), n.as_u64().unwrap_or(0)))
            .collect();
        routes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        println!("  first sync's Graph calls by route:");
        for (route, n) in routes {
            println!("    {n:>7}  {route}");
        }
    }
    drop(engine);
    drop(sim);
    sim_runtime.shutdown_background();
    let _ = std::fs::remove_dir_all(&dir);
}
