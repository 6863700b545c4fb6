//! Sync of 50 tenants × 300 objects against the simulator with 20 ms latency per response:
//! wall time, HTTP round-trips per object and Graph calls per object (every `$batch` sub-request
//! counted, as throttling counts them), side by side with a naive strategy that lists each kind and
//! then GETs every object by id, in the same run. "Objects" are configuration objects, not the
//! groups and filters they reference. Prints figures; asserts nothing about speed.

mod common;

use common::{connected_portfolio, Portfolio, CLIENT_ID};
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

const TENANTS: usize = 50;
const OBJECTS: usize = 300;

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
                if kind.is_singleton() {
                    // One GET, as the product reads it; a 404 is "none".
                    let read = client.get(kind.version, kind.collection, kind.family).await;
                    objects += u64::from(read.is_ok());
                    continue;
                }
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
    let Portfolio {
        sim,
        engine,
        pem,
        http,
        dir,
    } = connected_portfolio(
        SimConfig {
            tenants: TENANTS,
            objects_per_tenant: OBJECTS,
            seed: 11,
            behaviour: Behaviour {
                auto_approve: true,
                latency: Duration::from_millis(20),
                ..Behaviour::default()
            },
            ..SimConfig::default()
        },
        "bench",
    )
    .await;

    reset(&http, &sim).await;
    let started = Instant::now();
    let runs = engine
        .sync(&[], SyncOptions::default(), Arc::new(|_| {}))
        .await
        .expect("sync");
    let sync_time = started.elapsed();
    let after = stats(&http, &sim).await;
    let objects: u64 = runs.iter().map(|r| r.objects).sum();
    let failed = runs.iter().filter(|r| r.status == "failed").count();

    reset(&http, &sim).await;
    let started = Instant::now();
    let naive_objects = naive(&sim, &pem).await;
    let naive_time = started.elapsed();
    let naive_stats = stats(&http, &sim).await;

    let n = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
    println!("sync of {TENANTS} tenants x {OBJECTS} objects, 20 ms latency per response ({} runs, {failed} failed)", runs.len());
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
    drop(engine);
    let _ = std::fs::remove_dir_all(&dir);
}
