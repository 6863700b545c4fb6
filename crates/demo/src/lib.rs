//! The demo portfolio, the scenario `tenantatlas demo` and the desktop app's "Explore the demo
//! portfolio" both run: a simulated MSP cloud on loopback, every tenant connected (device code, or
//! the browser flow where Conditional Access blocks device code — the demo plays the person at the
//! browser), all synced into an encrypted workspace, the golden baseline "MSP golden" taken from
//! the clean reference tenant and assigned to every other tenant, and drift checked, so findings
//! are waiting.
//!
//! Two decisions a newcomer must know:
//! - The scenario reports what happens through [`DemoEvent`]s and prints nothing: each front door
//!   shows it its own way (the terminal's lines, the window's progress).
//! - It runs in two steps, [`Demo::start_cloud`] then [`Demo::populate`], so a front door can show
//!   the simulated cloud before anything connects to it; [`Demo::start`] runs both. The cloud stays
//!   up as long as the returned [`DemoPortfolio`] holds its [`SimHandle`], so the workspace can be
//!   synced again.
//!
//! Only the demo and tests depend on the simulator; this crate is the demo.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tenantatlas_engine::ops::baselines::{BaselineSource, CreateBaseline};
use tenantatlas_engine::ops::drift::{DriftOptions, DriftReport};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::tenant_add::{AddTenant, SignInPrompt, DEFAULT_CLIENT_ID};
use tenantatlas_engine::{Engine, EngineError, ProgressEvent, SyncOptions, SyncSummary};
use tenantatlas_sim::state::Behaviour;
/// The running simulated cloud a [`DemoPortfolio`] holds.
pub use tenantatlas_sim::SimHandle;
use tenantatlas_sim::{SimConfig, Simulator};
use tokio_util::sync::CancellationToken;

/// The demo workspace's passphrase when the engineer gives none: its data is invented.
pub const DEMO_PASSPHRASE: &str = "tenantatlas-demo";

/// The baseline the demo takes from its clean reference tenant.
pub const DEMO_BASELINE: &str = "MSP golden";

/// Which objects of the reference tenant the golden baseline holds.
pub const DEMO_BASELINE_OBJECTS: &str = "MSP - *";

/// What the demo scenario is doing, for a front door to show.
#[derive(Clone, Debug)]
pub enum DemoEvent {
    /// A tenant signed in.
    Connected {
        name: String,
        domain: String,
        /// Device code was blocked by Conditional Access, so it signed in in the browser.
        browser: bool,
        done: usize,
        total: usize,
    },
    /// The first sync of every tenant starts.
    Syncing { tenants: usize },
    /// A step of one tenant's sync.
    Sync(ProgressEvent),
    /// The golden baseline was created and assigned to `tenants` tenants.
    BaselineAssigned { baseline: String, tenants: usize },
    /// Drift was checked.
    DriftChecked { tenants: usize, findings: usize },
}

/// Where [`DemoEvent`]s go.
pub type DemoProgress = Arc<dyn Fn(DemoEvent) + Send + Sync>;

/// Why the demo could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The simulated cloud did not start (its ports or its state folder).
    #[error("starting the demo cloud: {0:#}")]
    Cloud(anyhow::Error),
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
}

/// What the scenario did.
#[derive(Clone, Debug)]
pub struct DemoSummary {
    /// The encrypted workspace.
    pub workspace: PathBuf,
    /// The reference tenant's domain: the golden baseline's source.
    pub reference: String,
    /// The first sync of every tenant.
    pub runs: Vec<SyncSummary>,
    /// The drift check against the golden baseline.
    pub drift: DriftReport,
}

/// The demo portfolio: its open workspace, its running cloud, and what the scenario did.
pub struct DemoPortfolio {
    pub engine: Engine,
    /// The simulated cloud; it stops when dropped.
    pub sim: SimHandle,
    pub summary: DemoSummary,
}

/// The demo scenario.
pub struct Demo;

impl Demo {
    /// The simulated cloud of the demo: 8 customer tenants of 120 objects from seed 7, sign-ins
    /// approved at once, its state kept in `state_dir`.
    pub fn config(state_dir: &Path) -> SimConfig {
        SimConfig {
            tenants: 8,
            objects_per_tenant: 120,
            seed: 7,
            behaviour: Behaviour {
                auto_approve: true,
                ..Behaviour::default()
            },
            state_dir: Some(state_dir.to_path_buf()),
            ..SimConfig::default()
        }
    }

    /// Starts the demo's simulated cloud, keeping its state in `dir/simulator`.
    pub async fn start_cloud(dir: &Path) -> Result<SimHandle, DemoError> {
        Simulator::start(Demo::config(&dir.join("simulator")))
            .await
            .map_err(DemoError::Cloud)
    }

    /// The whole scenario in `dir`: the cloud started (`dir/simulator`), the workspace made in
    /// `dir/workspace` with `passphrase`, and populated.
    pub async fn start(
        dir: &Path,
        passphrase: String,
        progress: DemoProgress,
    ) -> Result<DemoPortfolio, DemoError> {
        std::fs::create_dir_all(dir).map_err(|source| DemoError::Io {
            what: format!("creating {}", dir.display()),
            source,
        })?;
        let sim = Demo::start_cloud(dir).await?;
        Demo::populate(sim, &dir.join("workspace"), passphrase, progress).await
    }

    /// Connects every tenant of the running cloud to a new workspace in `workspace`, syncs them,
    /// creates the golden baseline from the first (reference) tenant, assigns it to the others and
    /// checks drift. On failure the workspace is closed and the cloud stopped.
    pub async fn populate(
        sim: SimHandle,
        workspace: &Path,
        passphrase: String,
        progress: DemoProgress,
    ) -> Result<DemoPortfolio, DemoError> {
        let engine = Engine::open(workspace, Some(passphrase)).await?;
        match scenario(&engine, &sim, progress).await {
            Ok((runs, drift)) => Ok(DemoPortfolio {
                summary: DemoSummary {
                    workspace: workspace.to_path_buf(),
                    reference: sim.tenants()[0].domain.clone(),
                    runs,
                    drift,
                },
                engine,
                sim,
            }),
            Err(e) => {
                // The scenario's error is the one to report; closing is best effort.
                let _ = engine.close().await;
                sim.stop();
                Err(e)
            }
        }
    }
}

async fn scenario(
    engine: &Engine,
    sim: &SimHandle,
    progress: DemoProgress,
) -> Result<(Vec<SyncSummary>, DriftReport), DemoError> {
    let pem = std::fs::read_to_string(sim.ca_cert()).map_err(|source| DemoError::Io {
        what: format!("reading {}", sim.ca_cert().display()),
        source,
    })?;
    let total = sim.tenants().len();
    for (done, tenant) in sim.tenants().iter().enumerate() {
        let request = AddTenant {
            tenant: tenant.domain.clone(),
            authority: sim.authority().to_string(),
            graph: sim.graph().to_string(),
            client_id: DEFAULT_CLIENT_ID.to_string(),
            ca_cert_pem: Some(pem.clone()),
            browser: !tenant.device_code_allowed,
        };
        let browser_pem = pem.clone();
        let added = engine
            .add_tenant(
                request,
                move |prompt| {
                    if let SignInPrompt::Browser { url } = prompt {
                        tokio::spawn(play_browser(url, browser_pem));
                    }
                },
                CancellationToken::new(),
            )
            .await?;
        progress(DemoEvent::Connected {
            name: added.name.clone(),
            domain: tenant.domain.clone(),
            browser: !tenant.device_code_allowed,
            done: done + 1,
            total,
        });
    }

    progress(DemoEvent::Syncing { tenants: total });
    let on_sync = progress.clone();
    let runs = engine
        .sync(
            &[],
            SyncOptions::default(),
            Arc::new(move |event| on_sync(DemoEvent::Sync(event))),
        )
        .await?;

    // The golden master: the clean reference tenant's snapshot, checked in every other tenant.
    let reference = sim.tenants()[0].domain.clone();
    engine
        .create_baseline(&CreateBaseline {
            name: DEMO_BASELINE.to_string(),
            source: BaselineSource::Tenant {
                tenant: reference,
                snapshot: None,
            },
            kinds: Vec::new(),
            include: vec![DEMO_BASELINE_OBJECTS.to_string()],
            exclude: Vec::new(),
            vars: Default::default(),
            unexpected: false,
        })
        .await?;
    for tenant in sim.tenants().iter().skip(1) {
        engine
            .assign_baseline(DEMO_BASELINE, &tenant.domain, &Default::default())
            .await?;
    }
    progress(DemoEvent::BaselineAssigned {
        baseline: DEMO_BASELINE.to_string(),
        tenants: total.saturating_sub(1),
    });

    let drift = engine
        .drift(&DriftOptions {
            tenant: None,
            unexpected: false,
            today: today(),
        })
        .await?;
    progress(DemoEvent::DriftChecked {
        tenants: drift.runs.len(),
        findings: drift.findings.len(),
    });
    Ok((runs, drift))
}

/// Plays the person at the browser for the demo: opens the sign-in address (the simulator approves
/// at once) and follows its redirect to the app's loopback address.
async fn play_browser(url: String, pem: String) {
    let Ok(ca) = reqwest::Certificate::from_pem(pem.as_bytes()) else {
        return;
    };
    let Ok(client) = reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .build()
    else {
        return;
    };
    if let Ok(response) = client.get(&url).send().await {
        if let Some(location) = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
        {
            let _ = client.get(location).send().await;
        }
    }
}
