//! `tenantatlas verify FILE.zip [--previous FILE.zip]`: checks a review pack's evidence bundle
//! offline. It opens no workspace and needs no key, so an auditor can run it on any machine;
//! everything it trusts is in the bundle, and the signer's fingerprint it prints is what they
//! compare with the one their provider gave them.

use crate::output::{self, clean, count};
use anyhow::{bail, Result};
use clap::Args;
use std::path::{Path, PathBuf};
use tenantatlas_engine::ops::input::{read_bounded, InputError};
use tenantatlas_report::bundle::{self, limits};

#[derive(Args)]
pub struct VerifyArgs {
    /// The evidence bundle: the ZIP written beside a review pack's PDF.
    #[arg(value_name = "FILE.zip")]
    file: PathBuf,
    /// The same tenant's previous pack: also check that this one continues it (same signer,
    /// same tenant, linked by hash, the audit log not rewritten in between).
    #[arg(long, value_name = "FILE.zip")]
    previous: Option<PathBuf>,
}

pub fn verify(args: VerifyArgs, json: bool) -> Result<()> {
    let bytes = read_bundle(&args.file)?;
    let previous = args.previous.as_deref().map(read_bundle).transpose()?;
    let verification = bundle::verify(&bytes, previous.as_deref());
    let name = clean(&args.file.display().to_string()).into_owned();
    if json {
        output::json(&serde_json::json!({
            "ok": verification.ok,
            "problems": verification.problems,
            "facts": verification.facts,
            "pack": verification.pack,
        }))?;
    } else if verification.ok {
        for fact in &verification.facts {
            outln!("verified: {}", clean(fact));
        }
    } else {
        for problem in &verification.problems {
            outln!("FAILED: {}", clean(problem));
        }
    }
    match verification.problems.as_slice() {
        [] => Ok(()),
        [one] => bail!("{name} failed verification: {one}"),
        [first, ..] => bail!(
            "{name} failed verification with {}; the first: {first}",
            count(verification.problems.len() as u64, "problem", "problems")
        ),
    }
}

/// The bundle's bytes: a regular file of at most 4 GiB, the most a bundle may hold.
fn read_bundle(path: &Path) -> Result<Vec<u8>> {
    read_bounded(path, limits::TOTAL_BYTES).map_err(|e| {
        let shown = clean(&path.display().to_string()).into_owned();
        match e {
            InputError::NotRegularFile { what, .. } => anyhow::anyhow!(
                "{shown} is {what}, not a regular file; pass the evidence bundle's ZIP file"
            ),
            InputError::FileTooLarge { .. } => anyhow::anyhow!(
                "{shown} is larger than 4 GiB, more than any evidence bundle holds: it is not one"
            ),
            other => anyhow::anyhow!("{other}"),
        }
    })
}
