//! A local simulated Microsoft cloud: Entra ID sign-in (v2 endpoints) and Microsoft Graph
//! (`/v1.0`, `/beta`) for Intune and Entra configuration, served over HTTPS on loopback.
//!
//! It is the tenant we develop and test against, and the demo/training tenant of the product.
//! Two decisions a newcomer must know:
//! - It imitates *Microsoft's* service, faithfully enough that Microsoft's own clients (MSAL) work
//!   against it unchanged: real paths, JSON shapes, paging, `$batch`, throttling and error bodies.
//!   Product code never knows whether it talks to the simulator; nothing here is shaped for our tests.
//! - Sign-in and Graph listen on two separate ports (like `login.microsoftonline.com` and
//!   `graph.microsoft.com`), both HTTPS with a certificate from a CA made at start; clients are told
//!   to trust that CA (`ca_cert`), never to skip verification.
//!
//! Start it with [`Simulator::start`]; the returned [`SimHandle`] knows the URLs and stops it.

pub mod data;
pub mod graph;
pub mod identity;
pub mod kinds;
pub mod load;
pub mod model;
pub mod state;
pub mod tls;

use anyhow::{Context, Result};
use serde::Serialize;
use state::{Behaviour, World};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// How to start a simulator.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Where the sign-in host listens; port 0 picks free ports. The Graph host listens on the next
    /// port when a fixed port is given, on another free port otherwise.
    pub addr: SocketAddr,
    pub tenants: usize,
    pub objects_per_tenant: usize,
    pub seed: u64,
    pub behaviour: Behaviour,
    /// Exported policy JSON to create in the first tenant (see [`load`]).
    pub load: Option<PathBuf>,
    /// Folder for the CA certificate file; a fresh temporary folder when `None`.
    pub state_dir: Option<PathBuf>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tenants: 3,
            objects_per_tenant: 60,
            seed: 1,
            behaviour: Behaviour::default(),
            load: None,
            state_dir: None,
        }
    }
}

/// A tenant as announced on start (the contract of `tenantatlas sim`).
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct TenantInfo {
    pub id: String,
    pub domain: String,
    pub name: String,
    pub device_code_allowed: bool,
}

/// The first line `tenantatlas sim` prints.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct SimAnnouncement {
    pub authority: String,
    pub graph: String,
    pub ca_cert: PathBuf,
    pub tenants: Vec<TenantInfo>,
}

/// State shared by both hosts.
pub struct Sim {
    world: Mutex<World>,
}

impl Sim {
    /// Locks the world. A panic while holding the lock must not take the simulator down with it,
    /// so a poisoned lock is simply taken over.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// See [`SimHandle::access_token`]; here for code that holds the shared state.
    pub fn access_token(&self, tenant: &str, client_id: &str) -> Option<String> {
        let mut world = self.world();
        let index = world.tenant_index(tenant)?;
        Some(identity::mint_access_token(&mut world, index, client_id))
    }

    /// The latency to add to responses.
    pub fn latency(&self) -> Duration {
        self.world().behaviour.latency
    }
}

/// A running simulator. Dropping it stops the servers.
pub struct SimHandle {
    pub announcement: SimAnnouncement,
    pub sim: Arc<Sim>,
    login_server: axum_server::Handle,
    graph_server: axum_server::Handle,
    _temp_dir: Option<TempDir>,
}

impl SimHandle {
    pub fn authority(&self) -> &str {
        &self.announcement.authority
    }
    pub fn graph(&self) -> &str {
        &self.announcement.graph
    }
    pub fn ca_cert(&self) -> &Path {
        &self.announcement.ca_cert
    }
    pub fn tenants(&self) -> &[TenantInfo] {
        &self.announcement.tenants
    }

    /// An access token for Graph in a tenant (by id or domain), as if its admin had just finished
    /// signing in with `https://graph.microsoft.com/.default`: for tests and benchmarks that need
    /// Graph access but are not about sign-in. `None` for an unknown tenant.
    pub fn access_token(&self, tenant: &str, client_id: &str) -> Option<String> {
        self.sim.access_token(tenant, client_id)
    }

    /// Stops accepting connections and closes open ones.
    pub fn stop(&self) {
        self.login_server.shutdown();
        self.graph_server.shutdown();
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A temporary folder removed on drop (the CA file lives there when no state dir is given).
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Simulator;

impl Simulator {
    /// Generates the tenants, makes the certificates, binds both listeners and starts serving on the
    /// current Tokio runtime. Returns once both ports accept connections.
    pub async fn start(config: SimConfig) -> Result<SimHandle> {
        let generated = data::generate(&data::GenerateOptions {
            seed: config.seed,
            tenants: config.tenants,
            objects_per_tenant: config.objects_per_tenant,
        });
        let mut world = World::new(
            generated.tenants,
            generated.setting_definitions,
            config.behaviour.clone(),
            config.seed,
        );
        if let Some(dir) = &config.load {
            load::load_dir(&mut world, 0, dir)
                .with_context(|| format!("loading policies from {}", dir.display()))?;
        }

        let certs = tls::SimCertificates::generate()?;
        let (state_dir, temp_dir) = match &config.state_dir {
            Some(dir) => (dir.clone(), None),
            None => {
                let dir = std::env::temp_dir().join(format!(
                    "tenantatlas-sim-{}-{}",
                    std::process::id(),
                    state::unix_now_nanos()
                ));
                (dir.clone(), Some(TempDir(dir)))
            }
        };
        std::fs::create_dir_all(&state_dir)
            .with_context(|| format!("creating {}", state_dir.display()))?;
        let ca_cert = state_dir.join("sim-ca.pem");
        std::fs::write(&ca_cert, &certs.ca_pem)
            .with_context(|| format!("writing {}", ca_cert.display()))?;

        let login_listener = std::net::TcpListener::bind(config.addr)
            .with_context(|| format!("binding the sign-in host to {}", config.addr))?;
        let login_addr = login_listener.local_addr()?;
        let graph_bind = if config.addr.port() == 0 {
            config.addr
        } else {
            SocketAddr::new(config.addr.ip(), config.addr.port().wrapping_add(1))
        };
        let graph_listener = std::net::TcpListener::bind(graph_bind)
            .with_context(|| format!("binding the Graph host to {graph_bind}"))?;
        let graph_addr = graph_listener.local_addr()?;
        login_listener.set_nonblocking(true)?;
        graph_listener.set_nonblocking(true)?;

        let mut world = world;
        let tenants = world
            .tenants
            .iter()
            .map(|t| TenantInfo {
                id: t.id.clone(),
                domain: t.domain.clone(),
                name: t.name.clone(),
                device_code_allowed: t.device_code_allowed,
            })
            .collect();
        world.authority = format!("https://{}", host_port(login_addr));
        let sim = Arc::new(Sim {
            world: Mutex::new(world),
        });

        let tls = axum_server::tls_rustls::RustlsConfig::from_config(certs.server_config());
        let login_server = axum_server::Handle::new();
        let graph_server = axum_server::Handle::new();
        let login_app = identity::router(sim.clone());
        let graph_app = graph::router(sim.clone());
        tokio::spawn(
            axum_server::from_tcp_rustls(login_listener, tls.clone())
                .handle(login_server.clone())
                .serve(login_app.into_make_service()),
        );
        tokio::spawn(
            axum_server::from_tcp_rustls(graph_listener, tls)
                .handle(graph_server.clone())
                .serve(graph_app.into_make_service()),
        );
        login_server.listening().await;
        graph_server.listening().await;

        Ok(SimHandle {
            announcement: SimAnnouncement {
                authority: format!("https://{}", host_port(login_addr)),
                graph: format!("https://{}", host_port(graph_addr)),
                ca_cert,
                tenants,
            },
            sim,
            login_server,
            graph_server,
            _temp_dir: temp_dir,
        })
    }
}

fn host_port(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(v4) => format!("{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    }
}
