//! What the engine's benchmarks share: a simulated portfolio with every tenant connected to a
//! fresh workspace (Conditional Access that blocks device code is lifted for the bench).

// Each bench is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::path::PathBuf;
use tenantatlas_engine::ops::tenant_add::AddTenant;
use tenantatlas_engine::Engine;
use tenantatlas_graph::client::http_client;
use tenantatlas_graph::reqwest::Client;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};

pub const CLIENT_ID: &str = "5f3c8a51-7a1d-4c1e-9d33-2b8f6c0e4a10";

pub struct Portfolio {
    pub sim: SimHandle,
    pub engine: Engine,
    /// The simulator's CA certificate.
    pub pem: String,
    /// A client that trusts it, for the simulator's control endpoints.
    pub http: Client,
    /// The workspace folder (removed by the bench when it is done).
    pub dir: PathBuf,
}

/// Starts the simulator, opens a workspace named after the bench and connects every tenant.
pub async fn connected_portfolio(config: SimConfig, bench: &str) -> Portfolio {
    let sim = Simulator::start(config).await.expect("simulator starts");
    connect_portfolio(sim, bench).await
}

/// The simulator on a runtime of its own, whose threads are named [`SIM_THREADS`], so that what
/// the simulator and what the product use of the CPU can be told apart ([`cpu_seconds`]). Keep
/// the runtime as long as the simulator.
pub fn simulator_on_own_threads(config: SimConfig) -> (SimHandle, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name(SIM_THREADS)
        .enable_all()
        .build()
        .expect("a runtime for the simulator");
    let handle = runtime.handle().clone();
    let sim = std::thread::spawn(move || handle.block_on(Simulator::start(config)))
        .join()
        .expect("simulator thread")
        .expect("simulator starts");
    (sim, runtime)
}

/// The name of the simulator's threads in [`simulator_on_own_threads`].
pub const SIM_THREADS: &str = "simulated-cloud";

/// CPU seconds (user + system) this process used so far: by its threads named `name` (which live
/// as long as the process, like the simulator's runtime), and by everything else — the whole
/// process less those, so threads that came and went are counted too (Linux; zeros elsewhere).
pub fn cpu_seconds(name: &str) -> (f64, f64) {
    // `pid (comm) state ppid …`: utime and stime are fields 14 and 15; comm may hold spaces.
    fn used(stat: &str) -> Option<(String, f64)> {
        let (open, close) = (stat.find('(')?, stat.rfind(')')?);
        let fields: Vec<&str> = stat.get(close + 2..)?.split_whitespace().collect();
        let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
        Some((
            stat[open + 1..close].to_string(),
            (ticks(11)? + ticks(12)?) / 100.0,
        ))
    }
    let total = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| used(&s))
        .map_or(0.0, |(_, seconds)| seconds);
    let named: f64 = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter_map(|stat| used(&stat))
        .filter(|(comm, _)| name.starts_with(comm.as_str()))
        .map(|(_, seconds)| seconds)
        .sum();
    (named, (total - named).max(0.0))
}

/// Opens a workspace named after the bench and connects every tenant of a started simulator.
pub async fn connect_portfolio(sim: SimHandle, bench: &str) -> Portfolio {
    let pem = std::fs::read_to_string(sim.ca_cert()).unwrap();
    let http = http_client(Some(&pem)).unwrap();
    // `BENCH_WORKSPACE_DIR`: where to keep the workspace (the app benchmark opens it after).
    let dir = std::env::var_os("BENCH_WORKSPACE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("tenantatlas-{bench}-{}", std::process::id()))
        });
    let _ = std::fs::remove_dir_all(&dir);
    let engine = Engine::open(&dir, Some("bench passphrase".into()))
        .await
        .expect("workspace opens");
    for tenant in sim.tenants().to_vec() {
        if !tenant.device_code_allowed {
            http.post(format!(
                "{}/_sim/tenants/{}/device-code",
                sim.graph(),
                tenant.id
            ))
            .json(&serde_json::json!({"allowed": true}))
            .send()
            .await
            .unwrap();
        }
        engine
            .add_tenant(
                AddTenant {
                    tenant: tenant.domain.clone(),
                    authority: sim.authority().to_string(),
                    graph: sim.graph().to_string(),
                    client_id: CLIENT_ID.to_string(),
                    ca_cert_pem: Some(pem.clone()),
                    browser: false,
                },
                |_| {},
                tokio_util::sync::CancellationToken::new(),
            )
            .await
            .expect("tenant add");
    }
    Portfolio {
        sim,
        engine,
        pem,
        http,
        dir,
    }
}
