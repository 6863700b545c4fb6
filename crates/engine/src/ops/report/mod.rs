//! Review packs (`tenantatlas report review-pack`, the desktop app's Reports screen): the PDF an
//! MSP hands its customer and the signed evidence bundle beside it, made from the workspace only
//! (offline), and the portfolio report for the MSP itself.
//!
//! One pack is one run (`report`): [`gather`] reads what the pack says once, already redacted;
//! [`compose`] turns it into a document, which `tenantatlas_report::pdf` typesets; [`evidence`]
//! writes the same data as JSON and CSV, which `tenantatlas_report::bundle` signs with the
//! workspace's Ed25519 key together with the PDF and an audit excerpt anchored by a fresh
//! checkpoint. The pack is remembered (`report_packs`) so that the tenant's next pack names this
//! one's `SHA256SUMS` hash: a tenant's packs form a chain.

pub mod compose;
pub mod evidence;
pub mod exports;
pub mod gather;
pub mod period;
pub mod portfolio;

use crate::ops::findings::actor;
use crate::progress::ProgressEvent;
use crate::{Engine, EngineError, ErrorCode};
use gather::{sha256_hex, PackData, Scrub};
use period::Period;
use serde::Serialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use tenantatlas_core::evidence::Signer;
use tenantatlas_core::redact::Pseudonyms;
use tenantatlas_report::bundle::{
    self, Entry, PackInfo, PackPeriod, PackSigner, PackSnapshot, PackTenant,
};
use tenantatlas_report::doc::{Branding, Logo, Rgb};
use tenantatlas_store::audit::{concerns_tenant, ExcerptFrom};
use tenantatlas_store::checkpoints::{checkpoint_with_excerpt, WorkspaceSigner};
use tenantatlas_store::{PackRecord, RunRecord, RunStatus};
use time::OffsetDateTime;

/// What `report review-pack` was asked for.
#[derive(Clone, Debug, Default)]
pub struct ReviewPackOptions {
    /// Domain or tenant id.
    pub tenant: String,
    /// `--period`; `None`: the last 90 days.
    pub period: Option<String>,
    pub out: PathBuf,
    /// Where to write the evidence bundle; `None`: the PDF alone.
    pub evidence: Option<PathBuf>,
    pub redact_pii: bool,
    /// Replace files that exist (never a directory or a link).
    pub force: bool,
    /// When the pack is made, instead of now (`SOURCE_DATE_EPOCH`): the same workspace and the
    /// same time give the same PDF.
    pub at: Option<OffsetDateTime>,
}

/// What a generated pack is, as the front doors report it.
#[derive(Clone, Debug, Serialize)]
pub struct PackOutcome {
    pub id: i64,
    pub tenant: String,
    pub tenant_name: String,
    pub generated_at: String,
    pub period_from: String,
    pub period_to: String,
    pub period: String,
    pub pdf: String,
    pub pdf_sha256: String,
    pub pdf_bytes: u64,
    pub pages: u64,
    pub evidence: Option<String>,
    pub evidence_bytes: Option<u64>,
    /// SHA-256 of the bundle's `SHA256SUMS`: what the next pack names.
    pub sums_sha256: Option<String>,
    pub previous_sums_sha256: Option<String>,
    pub score: Option<f64>,
    pub open_findings: u64,
    pub secrets_hidden: usize,
    pub people_pseudonymised: Option<usize>,
    pub signer_fingerprint: String,
    pub run_id: String,
}

/// The product's name and version, as packs name their maker.
pub fn product_version() -> String {
    format!("TenantAtlas {}", env!("CARGO_PKG_VERSION"))
}

/// The key `--redact-pii` pseudonyms are made with: derived from the workspace's signing key
/// (an Ed25519 signature is deterministic), so pseudonyms are stable in a workspace and nobody
/// without its key can test a guess.
fn pseudonym_key(signer: &dyn Signer) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(signer.sign(b"tenantatlas pseudonym key v1")).into()
}

/// Checks that `path` may be written: its folder exists, and it is not a directory, a link or
/// (without `force`) an existing file.
pub fn check_output(path: &Path, force: bool, what: &str) -> Result<(), EngineError> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(EngineError::invalid(format!(
            "cannot write the {what} to {}: the folder {} does not exist",
            path.display(),
            parent.display()
        )));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Err(EngineError::invalid(format!(
            "cannot write the {what} to {}: it is a folder; give a file name",
            path.display()
        ))),
        Ok(meta) if meta.file_type().is_symlink() => Err(EngineError::invalid(format!(
            "cannot write the {what} to {}: it is a symbolic link; give the real path",
            path.display()
        ))),
        Ok(_) if !force => Err(EngineError::invalid(format!(
            "{} exists; choose another name or pass --force to replace it",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// A time as the workspace stores times: whole milliseconds.
pub(crate) fn to_millis(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000)
        .unwrap_or(at)
}

/// Writes `bytes` to `path`, private (0600 on Unix: a pack holds a customer's configuration).
/// With `force` the file is written beside and renamed over, so the old one stays whole until
/// the new one is; without, it is created exclusively, so a file that appeared since
/// [`check_output`] is never replaced, and removed again if writing fails.
pub fn write_file(path: &Path, bytes: &[u8], force: bool) -> Result<(), EngineError> {
    if !force {
        return write_new_file(path, bytes);
    }
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    let fail = |e: std::io::Error| {
        EngineError::new(
            ErrorCode::Workspace,
            format!("cannot write {}: {e}", path.display()),
        )
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(fail)
}

fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            EngineError::invalid(format!(
                "{} exists; choose another name or pass --force to replace it",
                path.display()
            ))
        } else {
            EngineError::new(
                ErrorCode::Workspace,
                format!("cannot write {}: {e}", path.display()),
            )
        }
    })?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(EngineError::new(
            ErrorCode::Workspace,
            format!("cannot write {}: {e}", path.display()),
        ));
    }
    Ok(())
}

/// How many pages a PDF has: its page objects (`/Type /Page`, not `/Pages`). The typesetter
/// writes page dictionaries uncompressed and content streams compressed, so nothing else matches.
pub fn page_count(pdf: &[u8]) -> u64 {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && !w[needle.len()].is_ascii_alphanumeric())
        .count() as u64
}

impl Engine {
    /// The MSP's branding from the settings, with its logo read and decoded.
    pub(crate) async fn branding(
        &self,
    ) -> Result<(Branding, crate::ops::settings::ReportBranding), EngineError> {
        let settings = self.settings().await?.report;
        let logo = match &settings.logo {
            Some(path) => {
                let bytes = crate::ops::input::read_bounded(
                    Path::new(path),
                    crate::ops::settings::REPORT_LOGO_MAX_BYTES,
                )
                .map_err(|e| {
                    EngineError::invalid(format!(
                        "the logo (setting report.logo) cannot be read: {e}; set it again or clear it"
                    ))
                })?;
                Some(Logo::from_png(&bytes).map_err(|e| {
                    EngineError::invalid(format!(
                        "the logo (setting report.logo) {path} is not a usable PNG: {e}"
                    ))
                })?)
            }
            None => None,
        };
        Ok((
            Branding {
                msp_name: settings.msp_name.clone(),
                footer: settings.footer.clone(),
                accent: Rgb::parse_hex(&settings.accent).unwrap_or(Rgb::DEFAULT_ACCENT),
                logo,
            },
            settings,
        ))
    }

    /// Makes a review pack of one tenant: the PDF, and the signed evidence bundle when asked.
    pub async fn review_pack(
        &self,
        options: &ReviewPackOptions,
        progress: &(dyn Fn(ProgressEvent) + Sync),
    ) -> Result<PackOutcome, EngineError> {
        check_output(&options.out, options.force, "review pack")?;
        if let Some(evidence) = &options.evidence {
            check_output(evidence, options.force, "evidence bundle")?;
            if std::path::absolute(evidence).ok() == std::path::absolute(&options.out).ok() {
                return Err(EngineError::invalid(
                    "--out and --evidence name the same file; give the bundle its own name (e.g. pack.zip)",
                ));
            }
        }
        let tenant = self.tenant(&options.tenant).await?;
        let mut generated_at = to_millis(options.at.unwrap_or_else(OffsetDateTime::now_utc));
        // A pack is made after the one it continues, even within the same millisecond (or with
        // a `SOURCE_DATE_EPOCH` before it): `verify --previous` checks the order.
        if let Some(previous) = self.workspace.latest_pack(&tenant.id).await? {
            if let Some(at) = crate::ops::queries::parse_time(&previous.generated_at) {
                if at >= generated_at {
                    generated_at = at + time::Duration::milliseconds(1);
                }
            }
        }
        let period = Period::parse(options.period.as_deref(), generated_at.date())?;
        let (branding, settings) = self.branding().await?;
        let run_id = self.workspace.start_run("report", Some(&tenant.id)).await?;
        let step = |n: u64, what: &str| {
            progress(ProgressEvent::ReportStep {
                tenant: Some(tenant.domain.clone()),
                step: n,
                steps: 4,
                what: what.to_string(),
            })
        };
        let result = async {
            step(1, "reading the workspace");
            let signer = WorkspaceSigner::new(&self.workspace);
            let mut scrub = Scrub {
                pseudonyms: options
                    .redact_pii
                    .then(|| Pseudonyms::new(pseudonym_key(&signer))),
                secrets: 0,
            };
            let data = self
                .gather_pack(&tenant, &period, generated_at, &mut scrub)
                .await?;
            let number = self
                .workspace
                .list_packs()
                .await?
                .iter()
                .filter(|p| p.tenant_id.as_deref() == Some(tenant.id.as_str()))
                .count()
                + 1;
            let data_entries = match options.evidence {
                Some(_) => evidence::data_entries(&data),
                None => Vec::new(),
            };
            let fingerprint = bundle::signer_fingerprint(&signer.public_key());
            step(2, "typesetting");
            let ctx = compose::PackContext {
                branding,
                author: settings.author.clone(),
                reviewer: settings.reviewer.clone(),
                distribution: settings.distribution.clone(),
                product_version: product_version(),
                generated_at,
                signer_fingerprint: fingerprint.clone(),
                number,
                evidence: evidence::hashes(&data_entries),
                with_bundle: options.evidence.is_some(),
            };
            let document = compose::review_pack(&data, &ctx);
            let pdf = tenantatlas_report::pdf::render(&document).map_err(|e| {
                EngineError::new(
                    ErrorCode::Workspace,
                    format!("the PDF could not be made: {e}"),
                )
            })?;
            let bundle = match &options.evidence {
                Some(_) => {
                    step(3, "signing the evidence");
                    Some(
                        self.bundle(&data, data_entries, &pdf, &signer, options.redact_pii)
                            .await?,
                    )
                }
                None => None,
            };
            step(4, "writing the files");
            write_file(&options.out, &pdf, options.force)?;
            if let (Some(path), Some(bytes)) = (&options.evidence, &bundle) {
                write_file(path, bytes, options.force)?;
            }
            Ok::<_, EngineError>((data, pdf, bundle, fingerprint))
        }
        .await;
        let (data, pdf, bundle, fingerprint) = match result {
            Ok(done) => done,
            Err(e) => {
                self.finish_report_run(&run_id, Some(&e)).await;
                return Err(e);
            }
        };
        let sums_sha256 = match &bundle {
            Some(bytes) => Some(
                bundle::PreviousPack::of(bytes)
                    .map_err(|e| EngineError::new(ErrorCode::Workspace, e.to_string()))?
                    .sha256sums_sha256,
            ),
            None => None,
        };
        let pdf_sha256 = sha256_hex(&pdf);
        let display = |p: &Path| {
            std::path::absolute(p)
                .unwrap_or(p.to_path_buf())
                .display()
                .to_string()
        };
        let record = PackRecord {
            id: 0,
            kind: "review-pack".into(),
            tenant_id: Some(tenant.id.clone()),
            generated_at: data.generated_at.clone(),
            period_from: period.from.to_string(),
            period_to: period.to.to_string(),
            pdf_path: display(&options.out),
            pdf_sha256: pdf_sha256.clone(),
            pages: page_count(&pdf) as i64,
            bundle_path: options.evidence.as_deref().map(display),
            sums_sha256: sums_sha256.clone(),
            previous_sums_sha256: data.previous.as_ref().map(|p| p.sums_sha256.clone()),
            redacted_pii: options.redact_pii,
            score: data.score,
            open_findings: data.open.len() as i64,
            run_id: Some(run_id.clone()),
        };
        let id = self.workspace.add_pack(&record).await?;
        self.workspace
            .append_audit(
                &actor(),
                "report.review_pack",
                &tenant.id,
                &json!({
                    "tenant_id": tenant.id,
                    "pack": id,
                    "period": [record.period_from, record.period_to],
                    "pdf_sha256": pdf_sha256,
                    "sums_sha256": sums_sha256,
                    "redacted_pii": options.redact_pii,
                }),
            )
            .await?;
        self.finish_report_run(&run_id, None).await;
        Ok(PackOutcome {
            id,
            tenant: tenant.domain.clone(),
            tenant_name: tenant.name.clone(),
            generated_at: data.generated_at.clone(),
            period_from: record.period_from,
            period_to: record.period_to,
            period: period.name.clone(),
            pdf: record.pdf_path,
            pdf_sha256,
            pdf_bytes: pdf.len() as u64,
            pages: record.pages as u64,
            evidence: record.bundle_path,
            evidence_bytes: bundle.as_ref().map(|b| b.len() as u64),
            sums_sha256,
            previous_sums_sha256: record.previous_sums_sha256,
            score: data.score,
            open_findings: data.open.len() as u64,
            secrets_hidden: data.secrets_hidden,
            people_pseudonymised: data.people_pseudonymised,
            signer_fingerprint: fingerprint,
            run_id,
        })
    }

    /// The evidence bundle: the data files, `pack.json`, the audit excerpt since the period's
    /// start with a checkpoint signed now, and the PDF, signed by the workspace's key. With
    /// `--redact-pii` every audit entry is elided (the entries name people; their hashes still
    /// prove the chain up to the checkpoint).
    async fn bundle(
        &self,
        data: &PackData,
        mut entries: Vec<Entry>,
        pdf: &[u8],
        signer: &WorkspaceSigner,
        redact_pii: bool,
    ) -> Result<Vec<u8>, EngineError> {
        let tenant_id = data.tenant.id.clone();
        let (checkpoint, lines) = checkpoint_with_excerpt(
            &self.workspace,
            &ExcerptFrom::Time(data.period.start_text()),
            |entry| !redact_pii && concerns_tenant(entry, &tenant_id),
        )
        .await?;
        let snapshot_sha256 = entries
            .iter()
            .find(|e| e.path == "evidence/snapshot.json")
            .map(|e| sha256_hex(&e.bytes))
            .unwrap_or_default();
        let info = PackInfo {
            format: bundle::PACK_FORMAT.to_string(),
            tenant: PackTenant {
                id: data.tenant.id.clone(),
                name: data.tenant.name.clone(),
            },
            period: PackPeriod {
                from: data.period.from.to_string(),
                to: data.period.to.to_string(),
            },
            generated_at: data.generated_at.clone(),
            product_version: product_version(),
            snapshots: data
                .snapshot
                .iter()
                .map(|s| PackSnapshot {
                    id: json!(s.id),
                    taken_at: s.taken_at.clone(),
                    content_sha256: snapshot_sha256.clone(),
                })
                .collect(),
            previous_pack: data.previous.as_ref().map(|p| bundle::PreviousPack {
                sha256sums_sha256: p.sums_sha256.clone(),
                generated_at: p.generated_at.clone(),
            }),
            signer: PackSigner::of(signer),
        };
        let internal =
            |e: &dyn std::fmt::Display| EngineError::new(ErrorCode::Workspace, e.to_string());
        let mut checkpoint_json =
            serde_json::to_vec_pretty(&checkpoint).map_err(|e| internal(&e))?;
        checkpoint_json.push(b'\n');
        entries.extend([
            Entry {
                path: bundle::PACK_JSON.to_string(),
                bytes: info.to_json(),
            },
            Entry {
                path: bundle::AUDIT_LOG.to_string(),
                bytes: tenantatlas_store::audit::excerpt_jsonl(&lines)?,
            },
            Entry {
                path: "audit/log.csv".to_string(),
                bytes: evidence::audit_csv(&lines).into_bytes(),
            },
            Entry {
                path: bundle::CHECKPOINT.to_string(),
                bytes: checkpoint_json,
            },
            Entry {
                path: bundle::PDF.to_string(),
                bytes: pdf.to_vec(),
            },
        ]);
        bundle::build(entries, signer).map_err(|e| internal(&e))
    }

    async fn finish_report_run(&self, run_id: &str, error: Option<&EngineError>) {
        let finish = async {
            let Some(mut run): Option<RunRecord> = self.workspace.get_run(run_id).await? else {
                return Ok(());
            };
            run.status = if error.is_some() {
                RunStatus::Failed
            } else {
                RunStatus::Succeeded
            };
            if let Some(e) = error {
                run.errors.push(tenantatlas_store::RunError {
                    kind: None,
                    message: e.to_string(),
                    ..Default::default()
                });
            }
            self.workspace.finish_run(&run).await
        };
        if let Err(e) = finish.await {
            tracing::warn!(
                run = run_id,
                code = e.code(),
                "the report run could not be recorded"
            );
        }
    }

    /// Every generated pack and report, newest first, with whether its files are still as made.
    pub async fn packs(&self) -> Result<Vec<PackEntry>, EngineError> {
        let names = self.tenant_names_by_id().await?;
        let mut out: Vec<PackEntry> = self
            .workspace
            .list_packs()
            .await?
            .into_iter()
            .map(|record| {
                let (name, domain) = record
                    .tenant_id
                    .as_ref()
                    .and_then(|id| names.iter().find(|(i, _, _)| i == id))
                    .map(|(_, n, d)| (n.clone(), d.clone()))
                    .unwrap_or_default();
                PackEntry {
                    state: file_state(&record.pdf_path, &record.pdf_sha256),
                    tenant_name: name,
                    tenant_domain: domain,
                    record,
                }
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// Checks a remembered pack's evidence bundle as `tenantatlas verify` would, against the
    /// tenant's previous pack when its bundle is still where it was written. The paths come from
    /// the workspace, never from the caller.
    pub async fn verify_pack(&self, id: i64) -> Result<PackVerification, EngineError> {
        let packs = self.workspace.list_packs().await?;
        let Some(pack) = packs.iter().find(|p| p.id == id) else {
            return Err(EngineError::not_found(format!(
                "no pack {id} in this workspace; `tenantatlas report list` shows them"
            )));
        };
        let Some(path) = &pack.bundle_path else {
            return Err(EngineError::invalid(format!(
                "pack {id} was made without an evidence bundle, so there is nothing to verify"
            )));
        };
        let bytes = crate::ops::input::read_bounded(Path::new(path), bundle::limits::TOTAL_BYTES)
            .map_err(|e| {
            EngineError::invalid(format!("the evidence bundle cannot be read: {e}"))
        })?;
        let previous = pack.previous_sums_sha256.as_ref().and_then(|sums| {
            packs
                .iter()
                .find(|p| p.sums_sha256.as_ref() == Some(sums))
                .and_then(|p| p.bundle_path.as_deref())
                .and_then(|p| {
                    crate::ops::input::read_bounded(Path::new(p), bundle::limits::TOTAL_BYTES).ok()
                })
        });
        let checked = bundle::verify(&bytes, previous.as_deref());
        Ok(PackVerification {
            id,
            bundle: path.clone(),
            against_previous: previous.is_some(),
            ok: checked.ok,
            problems: checked.problems,
            facts: checked.facts,
        })
    }

    async fn tenant_names_by_id(&self) -> Result<Vec<(String, String, String)>, EngineError> {
        Ok(self
            .workspace
            .list_tenants()
            .await?
            .into_iter()
            .map(|t| (t.id, t.name, t.domain))
            .collect())
    }
}

/// A remembered pack's bundle, checked.
#[derive(Clone, Debug, Serialize)]
pub struct PackVerification {
    pub id: i64,
    pub bundle: String,
    /// Whether the previous pack's bundle was found and the link to it checked too.
    pub against_previous: bool,
    pub ok: bool,
    pub problems: Vec<String>,
    pub facts: Vec<String>,
}

/// One generated pack as the Reports screen lists it.
#[derive(Clone, Debug, Serialize)]
pub struct PackEntry {
    #[serde(flatten)]
    pub record: PackRecord,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// `intact` (the PDF is where it was written, with the same SHA-256), `changed` or `missing`.
    pub state: &'static str,
}

/// Whether the file at `path` still has SHA-256 `expected` (read bounded: a PDF over 1 GiB is
/// not one of ours).
fn file_state(path: &str, expected: &str) -> &'static str {
    match crate::ops::input::read_bounded(Path::new(path), 1 << 30) {
        Ok(bytes) if sha256_hex(&bytes) == expected => "intact",
        Ok(_) => "changed",
        Err(_) => "missing",
    }
}

/// For tests and benches: the time a pack is made at from `SOURCE_DATE_EPOCH`, if set and valid.
pub fn source_date_epoch() -> Option<OffsetDateTime> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_reads_the_page_tree() {
        let pdf = b"<< /Type /Pages /Count 2 >> << /Type /Page /Parent 1 0 R >> << /Type /Page\n>> << /Count 9 >>";
        assert_eq!(page_count(pdf), 2);
        assert_eq!(page_count(b"garbage"), 0);
    }

    #[test]
    fn outputs_are_never_written_through_folders_or_links() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.pdf");
        assert!(check_output(&file, false, "pack").is_ok());
        write_file(&file, b"one", false).unwrap();
        let e = write_file(&file, b"again", false).unwrap_err().to_string();
        assert!(e.contains("--force"), "{e}");
        assert_eq!(std::fs::read(&file).unwrap(), b"one");
        let e = check_output(&file, false, "pack").unwrap_err().to_string();
        assert!(e.contains("--force"), "{e}");
        assert!(check_output(&file, true, "pack").is_ok());
        write_file(&file, b"two", true).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert!(check_output(dir.path(), true, "pack").is_err());
        assert!(check_output(&dir.path().join("no/such/x.pdf"), true, "pack").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let link = dir.path().join("link.pdf");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(check_output(&link, true, "pack").is_err());
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
