//! Progress of long jobs, for progress bars (terminal) and events (desktop).

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// A tenant's sync started; `steps` is the number of kinds it will read.
    SyncStarted {
        tenant: String,
        name: String,
        steps: u64,
    },
    /// One kind of a tenant was read completely.
    KindRead {
        tenant: String,
        kind: String,
        objects: u64,
    },
    /// Per-object details are being read.
    DetailsRead {
        tenant: String,
        done: u64,
        total: u64,
    },
    /// The tenant's snapshot was committed (or the run failed).
    SyncFinished { tenant: String, status: String },
    /// A report is being made: `step` of `steps` ("reading the workspace", "typesetting",
    /// "signing the evidence", "writing the files").
    ReportStep {
        tenant: Option<String>,
        step: u64,
        steps: u64,
        what: String,
    },
}
