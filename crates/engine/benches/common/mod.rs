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
