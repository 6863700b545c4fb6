//! Secrets given through the environment, taken out of it before anything else runs.
//!
//! `TENANTATLAS_PASSPHRASE` is read once, at the very start of `main` while the process still
//! has one thread, and removed from the environment: every child process (the browser launcher
//! for a sign-in, anything it starts) inherits the environment, and none of them needs the key to
//! every customer's configuration.

use std::sync::OnceLock;
use zeroize::Zeroizing;

/// The environment variable that carries a workspace passphrase.
pub const PASSPHRASE_VAR: &str = "TENANTATLAS_PASSPHRASE";

static PASSPHRASE: OnceLock<Option<Zeroizing<String>>> = OnceLock::new();

/// Takes the secrets out of the environment. Call first thing in `main`, before any thread starts
/// (changing the environment is only sound while no other thread reads it).
pub fn take_from_environment() {
    let passphrase = std::env::var(PASSPHRASE_VAR)
        .ok()
        .filter(|p| !p.is_empty())
        .map(Zeroizing::new);
    std::env::remove_var(PASSPHRASE_VAR);
    let _ = PASSPHRASE.set(passphrase);
}

/// The passphrase given in `TENANTATLAS_PASSPHRASE`, if any.
pub fn passphrase() -> Option<String> {
    PASSPHRASE
        .get()
        .and_then(|p| p.as_ref())
        .map(|p| p.as_str().to_string())
}
