//! What the engine's integration tests share: a simulated portfolio with every tenant connected
//! (device code everywhere: these tests are not about the browser sign-in) to a fresh workspace
//! in a temporary folder.

// Each test file is its own crate and uses only part of this module.
#![allow(dead_code)]

use std::path::Path;
use tenantatlas_engine::ops::tenant_add::{AddTenant, DEFAULT_CLIENT_ID};
use tenantatlas_engine::Engine;
use tenantatlas_graph::client::http_client;
use tenantatlas_graph::reqwest::Client;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::{SimConfig, SimHandle, Simulator};

/// A simulator of `tenants` × `objects` (with `seed`) that approves every sign-in.
pub fn sim_config(tenants: usize, objects: usize, seed: u64) -> SimConfig {
    SimConfig {
        tenants,
        objects_per_tenant: objects,
        seed,
        behaviour: Behaviour {
            auto_approve: true,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    }
}

pub struct Connected {
    pub sim: SimHandle,
    pub engine: Engine,
    /// The simulator's CA certificate, and a client that trusts it (for `/_sim/…`).
    pub pem: String,
    pub http: Client,
}

/// Starts the simulator and connects each of its tenants to a new workspace `ws` in `dir`.
pub async fn connected(config: SimConfig, dir: &Path) -> Connected {
    let sim = Simulator::start(config)
        .await
        .expect("the simulator starts");
    let pem = std::fs::read_to_string(sim.ca_cert()).unwrap();
    let http = http_client(Some(&pem)).unwrap();
    let engine = Engine::open(&dir.join("ws"), Some("engine test passphrase".into()))
        .await
        .expect("the workspace opens");
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
                    client_id: DEFAULT_CLIENT_ID.to_string(),
                    ca_cert_pem: Some(pem.clone()),
                    browser: false,
                },
                |_| {},
                tokio_util::sync::CancellationToken::new(),
            )
            .await
            .expect("tenant add");
    }
    Connected {
        sim,
        engine,
        pem,
        http,
    }
}

/// A baseline `name` of one `kind`, taken from `domain`'s latest snapshot.
pub async fn baseline_of(engine: &Engine, name: &str, kind: &str, domain: &str) {
    use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
    engine
        .create_baseline(&CreateBaseline {
            name: name.into(),
            source: BaselineSource::Tenant {
                tenant: domain.into(),
                snapshot: None,
            },
            kinds: vec![kind.into()],
            include: Vec::new(),
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await
        .unwrap();
}

/// Checks `domain` for drift today: the findings, and the kinds it could not check (in words).
pub async fn drift_of(
    engine: &Engine,
    domain: &str,
) -> (Vec<tenantatlas_engine::ops::findings::Finding>, Vec<String>) {
    let report = engine
        .drift(&tenantatlas_engine::ops::drift::DriftOptions {
            tenant: Some(domain.into()),
            unexpected: false,
            today: tenantatlas_engine::ops::findings::today(),
        })
        .await
        .unwrap();
    let not_checked = report.runs[0]
        .not_checked
        .iter()
        .map(|n| format!("{n:?}"))
        .collect();
    (report.findings, not_checked)
}

/// Syncs one tenant; its run.
pub async fn sync_one(engine: &Engine, domain: &str) -> tenantatlas_engine::ops::sync::SyncSummary {
    let mut runs = engine
        .sync(
            &[domain.to_string()],
            Default::default(),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    runs.remove(0)
}

/// The tenant's admin consent becomes exactly `granted`, and the tenant signs in again (as after
/// an admin changed the consent).
pub async fn consent_only(connected: &Connected, tenant: usize, granted: &[&str]) {
    let info = connected.sim.tenants()[tenant].clone();
    connected
        .http
        .post(format!(
            "{}/_sim/tenants/{}/consent",
            connected.sim.graph(),
            info.id
        ))
        .json(&serde_json::json!({ "granted": granted }))
        .send()
        .await
        .unwrap();
    connected
        .engine
        .reconnect_tenant(
            tenantatlas_engine::ops::tenant_add::ReconnectTenant {
                tenant: info.domain,
                sign_in: None,
            },
            |_| {},
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .unwrap();
}
