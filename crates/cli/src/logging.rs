//! Diagnostic logs for support cases: `tracing` lines on stderr, off unless asked for.
//!
//! Two ways to turn them on: `RUST_LOG` (any `tracing` filter, e.g. `RUST_LOG=tenantatlas=debug`)
//! or `-v` (info: runs, sign-in events, retries), `-vv` (debug: every HTTP request with its
//! status, duration and Graph's request ids), `-vvv` (trace: every `$batch` sub-request). When
//! `RUST_LOG` is set and not empty it wins over `-v`.
//!
//! Decisions a newcomer must know:
//! - **Only TenantAtlas's own crates are ever shown**, whatever the filter says: an allow-list on
//!   the target (`tenantatlas…`) sits in front of the filter. At debug and trace, HTTP and TLS
//!   libraries (hyper, h2, reqwest, rustls) log headers — the `Authorization` bearer token among
//!   them — and sqlx logs its statements at debug, `PRAGMA key = "x'…'"` with the workspace key
//!   among them; `RUST_LOG=debug` must not turn a support log into a leak.
//!   The `log` crate is not bridged into `tracing` either (no `tracing-log`), so records of crates
//!   that log through it go nowhere.
//! - **What our crates log is chosen to be safe to send to Microsoft or to us**: methods, hosts,
//!   paths without query values (the names of the query parameters only), statuses, durations,
//!   Graph's `request-id`/`client-request-id`, run ids, tenant ids (GUIDs) and counts. Never a
//!   token, code, verifier, passphrase or key, never a response body, a policy's name or setting,
//!   a tenant's name or domain (`crates/cli/tests/e2e_logging.rs` proves it on the real binary).
//! - Lines go to stderr, never stdout (stdout carries `--json`), without colours unless stderr is
//!   a terminal and `NO_COLOR` is unset.

use std::io::IsTerminal;
use tracing_subscriber::filter::{filter_fn, EnvFilter, LevelFilter};
use tracing_subscriber::prelude::*;

/// The prefix every target of our own crates starts with (`tenantatlas_graph::client`, …).
const OWN_TARGETS: &str = "tenantatlas";

/// Starts logging to stderr when `RUST_LOG` is set or `verbose` > 0; otherwise does nothing, so
/// stderr keeps only progress and the one-line error.
pub fn init(verbose: u8) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty());
    let filter = match (from_env, verbose) {
        (Some(directives), _) => EnvFilter::builder()
            .with_default_directive(LevelFilter::OFF.into())
            .parse_lossy(directives),
        (None, 0) => return,
        (None, n) => {
            let level = match n {
                1 => LevelFilter::INFO,
                2 => LevelFilter::DEBUG,
                _ => LevelFilter::TRACE,
            };
            EnvFilter::builder()
                .with_default_directive(LevelFilter::OFF.into())
                .parse_lossy(format!("{OWN_TARGETS}={level}"))
        }
    };
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_filter(filter)
        .with_filter(filter_fn(|metadata| own_target(metadata.target())));
    // Another subscriber already set (never, in the binary) is not worth failing a command for.
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Whether a target belongs to one of our crates: `tenantatlas` or `tenantatlas_*`, not a crate
/// that merely starts with the same letters.
fn own_target(target: &str) -> bool {
    target
        .strip_prefix(OWN_TARGETS)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('_') || rest.starts_with(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_crates_pass_the_allow_list() {
        for ours in [
            "tenantatlas",
            "tenantatlas_graph::client",
            "tenantatlas_engine::ops::sync",
            "tenantatlas::logging",
        ] {
            assert!(own_target(ours), "{ours}");
        }
        for theirs in [
            "hyper::proto::h1",
            "h2::codec",
            "reqwest::connect",
            "rustls::client",
            "sqlx::query",
            "tenantatlasish",
            "log",
        ] {
            assert!(!own_target(theirs), "{theirs}");
        }
    }
}
