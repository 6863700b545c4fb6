//! The Reports screen: review packs and the portfolio report written into the user's Downloads
//! folder, the packs the workspace remembers (checked, opened, shown in the file manager), and
//! snapshot bundles sent to and taken from colleagues.
//!
//! *Invariant:* the window never names a path. Where a file goes is decided here —
//! `Downloads/TenantAtlas/`, named after the tenant and the period (a tenant's name is untrusted
//! text, made a plain file name) and never replacing a file ("… (2).pdf"). Opening and revealing
//! take a pack's id and use the path the workspace recorded. The one file the window can make us
//! read, a bundle to import, is the one the person picks in the native file chooser, shown from
//! Rust (`tauri-plugin-dialog`); PDFs open through `tauri-plugin-opener`'s Rust functions, so the
//! window holds neither plugin's permissions.

use crate::exports::downloads_dir;
use crate::ipc::{CommandError, ErrorCode, SyncProgress};
use crate::state::{drive, AppState};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tenantatlas_engine::ops::exchange::{ExportOptions, ExportSummary, ImportSummary};
use tenantatlas_engine::ops::findings::today;
use tenantatlas_engine::ops::report::period::Period;
use tenantatlas_engine::ops::report::portfolio::{PortfolioOutcome, PortfolioReportOptions};
use tenantatlas_engine::ops::report::{
    PackEntry, PackOutcome, PackVerification, ReviewPackOptions,
};
use ts_rs::TS;

/// Whether a remembered pack's PDF is still as it was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PackFileState {
    /// Where it was written, with the same SHA-256.
    Intact,
    /// Where it was written, but different.
    Changed,
    /// No longer where it was written.
    Missing,
}

/// One generated pack or portfolio report, as the history table shows it.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct PackRow {
    pub id: i64,
    /// `review-pack` or `portfolio`.
    pub kind: String,
    /// `None` for a portfolio report.
    pub tenant_id: Option<String>,
    /// Empty for a portfolio report, or a tenant no longer in the workspace.
    pub tenant_name: String,
    pub tenant_domain: String,
    pub generated_at: String,
    /// First and last day covered, `YYYY-MM-DD`.
    pub period_from: String,
    pub period_to: String,
    pub pdf_path: String,
    /// The PDF's file name alone.
    pub pdf_name: String,
    pub pdf_sha256: String,
    pub pages: u32,
    /// The evidence bundle, when one was made.
    pub bundle_path: Option<String>,
    /// SHA-256 of the bundle's `SHA256SUMS`: what the tenant's next pack names.
    pub sums_sha256: Option<String>,
    pub previous_sums_sha256: Option<String>,
    /// People were pseudonymised (`--redact-pii`).
    pub redacted_pii: bool,
    pub score: Option<f64>,
    pub open_findings: u32,
    pub state: PackFileState,
}

/// A review pack to make, as the Generate panel asks for it.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct ReviewPackRequest {
    /// Tenant id or domain.
    pub tenant: String,
    /// The engine's period: `2026-Q4`, `2026-11`, `2026-10-01..2026-12-31` or `90d`; `None`:
    /// the last 90 days.
    pub period: Option<String>,
    /// Also write the signed evidence bundle (ZIP).
    pub evidence: bool,
    /// Pseudonymise people.
    pub redact_pii: bool,
}

/// What a review pack made.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
pub struct PackMade {
    pub id: i64,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// As asked (`2026-Q4`) or as made (`last 90 days`).
    pub period: String,
    pub period_from: String,
    pub period_to: String,
    pub generated_at: String,
    pub pdf_path: String,
    pub pdf_name: String,
    pub pdf_bytes: u64,
    pub pdf_sha256: String,
    pub pages: u32,
    pub bundle_path: Option<String>,
    pub bundle_name: Option<String>,
    pub bundle_bytes: Option<u64>,
    pub sums_sha256: Option<String>,
    pub previous_sums_sha256: Option<String>,
    pub score: Option<f64>,
    pub open_findings: u32,
    /// Values the pack shows hidden because they are secret.
    pub hidden_values: u32,
    /// People pseudonymised; `None` without `redact_pii`.
    pub people_pseudonymised: Option<u32>,
    /// The workspace key's fingerprint the bundle is signed with.
    pub signer_fingerprint: String,
    pub run_id: String,
}

/// What the portfolio report made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PortfolioMade {
    pub id: i64,
    pub tenants: u32,
    pub generated_at: String,
    pub pdf_path: String,
    pub pdf_name: String,
    pub pdf_bytes: u64,
    pub pdf_sha256: String,
    pub pages: u32,
    pub csv_path: Option<String>,
}

/// A remembered pack's evidence bundle, checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct PackCheck {
    pub id: i64,
    pub ok: bool,
    /// What is wrong, one line each; empty when `ok`.
    pub problems: Vec<String>,
    /// What was checked and found, one line each.
    pub facts: Vec<String>,
    /// The tenant's previous pack was found and the link to it checked too.
    pub against_previous: bool,
}

/// A tenant's snapshot to send to a colleague.
#[derive(Clone, Debug, Deserialize, TS)]
pub struct SnapshotExportRequest {
    /// Tenant id or domain.
    pub tenant: String,
    /// The colleague's exchange address (`age1…`), pasted.
    pub to: String,
    /// Every snapshot, not only the latest.
    pub history: bool,
}

/// What a snapshot export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SnapshotExported {
    pub path: String,
    pub bytes: u64,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// The address it was encrypted to.
    pub recipient: String,
    pub snapshots: u64,
    /// Objects in the newest snapshot.
    pub objects: u64,
    pub latest_snapshot_at: String,
}

/// What a snapshot import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SnapshotImported {
    /// The bundle's file name.
    pub file_name: String,
    pub tenant_id: String,
    pub tenant_name: String,
    pub tenant_domain: String,
    /// The tenant was not in this workspace before.
    pub new_tenant: bool,
    pub exported_by: String,
    pub exported_at: String,
    pub snapshots_in_bundle: u64,
    pub snapshots_added: u64,
    /// Snapshots held here already.
    pub already_here: u64,
    /// Snapshots older than the newest one held here, left out.
    pub older: u64,
    pub versions_added: u64,
    pub latest_snapshot_at: Option<String>,
}

fn n32(v: impl TryInto<u32>) -> u32 {
    v.try_into().unwrap_or(u32::MAX)
}

/// A path's file name alone, for showing.
fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

impl From<PackEntry> for PackRow {
    fn from(entry: PackEntry) -> Self {
        let r = entry.record;
        PackRow {
            id: r.id,
            kind: r.kind,
            tenant_id: r.tenant_id,
            tenant_name: entry.tenant_name,
            tenant_domain: entry.tenant_domain,
            generated_at: r.generated_at,
            period_from: r.period_from,
            period_to: r.period_to,
            pdf_name: file_name_of(&r.pdf_path),
            pdf_path: r.pdf_path,
            pdf_sha256: r.pdf_sha256,
            pages: n32(r.pages),
            bundle_path: r.bundle_path,
            sums_sha256: r.sums_sha256,
            previous_sums_sha256: r.previous_sums_sha256,
            redacted_pii: r.redacted_pii,
            score: r.score,
            open_findings: n32(r.open_findings),
            state: match entry.state {
                "intact" => PackFileState::Intact,
                "changed" => PackFileState::Changed,
                _ => PackFileState::Missing,
            },
        }
    }
}

impl From<PackOutcome> for PackMade {
    fn from(o: PackOutcome) -> Self {
        PackMade {
            id: o.id,
            tenant_name: o.tenant_name,
            tenant_domain: o.tenant,
            period: o.period,
            period_from: o.period_from,
            period_to: o.period_to,
            generated_at: o.generated_at,
            pdf_name: file_name_of(&o.pdf),
            pdf_path: o.pdf,
            pdf_bytes: o.pdf_bytes,
            pdf_sha256: o.pdf_sha256,
            pages: n32(o.pages),
            bundle_name: o.evidence.as_deref().map(file_name_of),
            bundle_path: o.evidence,
            bundle_bytes: o.evidence_bytes,
            sums_sha256: o.sums_sha256,
            previous_sums_sha256: o.previous_sums_sha256,
            score: o.score,
            open_findings: n32(o.open_findings),
            hidden_values: n32(o.secrets_hidden),
            people_pseudonymised: o.people_pseudonymised.map(n32),
            signer_fingerprint: o.signer_fingerprint,
            run_id: o.run_id,
        }
    }
}

impl From<PortfolioOutcome> for PortfolioMade {
    fn from(o: PortfolioOutcome) -> Self {
        PortfolioMade {
            id: o.id,
            tenants: n32(o.tenants),
            generated_at: o.generated_at,
            pdf_name: file_name_of(&o.pdf),
            pdf_path: o.pdf,
            pdf_bytes: o.pdf_bytes,
            pdf_sha256: o.pdf_sha256,
            pages: n32(o.pages),
            csv_path: o.csv,
        }
    }
}

impl From<PackVerification> for PackCheck {
    fn from(v: PackVerification) -> Self {
        PackCheck {
            id: v.id,
            ok: v.ok,
            problems: v.problems,
            facts: v.facts,
            against_previous: v.against_previous,
        }
    }
}

impl From<ExportSummary> for SnapshotExported {
    fn from(s: ExportSummary) -> Self {
        SnapshotExported {
            path: s.file.display().to_string(),
            bytes: s.bytes,
            tenant_name: s.tenant_name,
            tenant_domain: s.tenant_domain,
            recipient: s.recipient,
            snapshots: s.snapshots,
            objects: s.objects,
            latest_snapshot_at: s.latest_snapshot_at,
        }
    }
}

impl From<ImportSummary> for SnapshotImported {
    fn from(s: ImportSummary) -> Self {
        SnapshotImported {
            file_name: s
                .file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            tenant_id: s.tenant,
            tenant_name: s.tenant_name,
            tenant_domain: s.tenant_domain,
            new_tenant: s.new_tenant,
            exported_by: s.exported_by,
            exported_at: s.exported_at,
            snapshots_in_bundle: s.snapshots_in_bundle,
            snapshots_added: s.snapshots_added,
            already_here: s.already_here,
            older: s.older,
            versions_added: s.versions_added,
            latest_snapshot_at: s.latest_snapshot_at,
        }
    }
}

/// Text from outside (a tenant's name) as part of a file name: path separators, control and
/// invisible characters (`core::text`'s rule) and what Windows refuses in a name become a space;
/// spaces collapse; no dot or space at either end (no hidden file, no `..`); at most 60
/// characters. Empty when nothing is left.
pub fn name_part(text: &str) -> String {
    let mut buf = [0u8; 4];
    let mapped: String = text
        .chars()
        .map(|c| {
            let plain = !c.is_control()
                && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                && tenantatlas_core::text::is_visible(c.encode_utf8(&mut buf));
            if plain {
                c
            } else {
                ' '
            }
        })
        .collect();
    let collapsed = mapped.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = collapsed.chars().take(60).collect();
    cut.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string()
}

/// How a period reads in a file name: a quarter or month as named (`2026-Q4`), anything else as
/// its dates (`2026-09-07 to 2026-12-05`).
pub fn period_label(period: &Period) -> String {
    let named = period.name.len() <= 7
        && period
            .name
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | 'Q' | 'q'));
    if named {
        period.name.to_uppercase()
    } else {
        format!("{} to {}", period.from, period.to)
    }
}

/// The first stem free in `dir` for every extension of `exts` (a pack's PDF and ZIP share one):
/// `stem`, then `stem (2)`, … Nothing there is ever replaced; a link counts as taken.
pub fn free_stem(dir: &Path, stem: &str, exts: &[&str]) -> Result<String, CommandError> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            stem.to_string()
        } else {
            format!("{stem} ({n})")
        };
        let taken = exts
            .iter()
            .any(|ext| std::fs::symlink_metadata(dir.join(format!("{candidate}.{ext}"))).is_ok());
        if !taken {
            return Ok(candidate);
        }
    }
    Err(CommandError::new(
        ErrorCode::InvalidInput,
        format!(
            "{stem} and 999 numbered copies already exist in {}; move some away",
            dir.display()
        ),
    ))
}

/// `Downloads/TenantAtlas`, made if missing.
pub fn reports_dir() -> Result<PathBuf, CommandError> {
    let dir = downloads_dir()
        .ok_or_else(|| {
            CommandError::new(
                ErrorCode::Workspace,
                "no home folder to save reports in; set HOME",
            )
        })?
        .join("TenantAtlas");
    std::fs::create_dir_all(&dir).map_err(|e| {
        CommandError::new(
            ErrorCode::Workspace,
            format!(
                "cannot make {}: {e}; check that the Downloads folder is writable",
                dir.display()
            ),
        )
    })?;
    Ok(dir)
}

/// An exchange address pasted into the window: only an `age1…` text goes on to the engine, which
/// would otherwise read a file of that name.
fn pasted_address(to: &str) -> Result<String, CommandError> {
    let to = to.trim();
    if to.len() > 4 && to[..4].eq_ignore_ascii_case("age1") && !to.contains(['/', '\\']) {
        Ok(to.to_string())
    } else {
        Err(CommandError::new(
            ErrorCode::InvalidInput,
            "paste your colleague's exchange key: age1 followed by 58 letters and digits, from their Reports screen or `tenantatlas exchange-key`",
        ))
    }
}

/// Which of a pack's files to open or show.
#[derive(Clone, Copy, Debug, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PackFile {
    Pdf,
    Bundle,
}

impl AppState {
    /// Every generated pack and report, newest first, with whether its PDF is still intact.
    pub async fn packs(&self) -> Result<Vec<PackRow>, CommandError> {
        let opened = self.opened().await?;
        let packs = drive(opened.engine.packs())?;
        Ok(packs.into_iter().map(PackRow::from).collect())
    }

    /// Makes a review pack into `dir` (the PDF, and the evidence bundle when asked), named after
    /// the tenant and period and never replacing a file; `on_step` hears its steps.
    pub async fn make_review_pack(
        &self,
        request: ReviewPackRequest,
        dir: &Path,
        on_step: impl Fn(SyncProgress) + Sync,
    ) -> Result<PackMade, CommandError> {
        let opened = self.opened().await?;
        let engine = &opened.engine;
        let tenant = drive(engine.tenant(&request.tenant))?;
        let period = Period::parse(request.period.as_deref(), today())?;
        let who = Some(name_part(&tenant.name))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| name_part(&tenant.domain));
        let stem = free_stem(
            dir,
            &format!("Review pack - {who} - {}", period_label(&period)),
            &["pdf", "zip"],
        )?;
        let options = ReviewPackOptions {
            tenant: tenant.id.clone(),
            period: request.period.filter(|p| !p.trim().is_empty()),
            out: dir.join(format!("{stem}.pdf")),
            evidence: request.evidence.then(|| dir.join(format!("{stem}.zip"))),
            redact_pii: request.redact_pii,
            force: false,
            at: None,
        };
        let made = drive(engine.review_pack(&options, &|event| on_step(event.into())))?;
        Ok(made.into())
    }

    /// Makes the portfolio report (PDF and CSV) into `dir`, never replacing a file.
    pub async fn make_portfolio_report(
        &self,
        dir: &Path,
        on_step: impl Fn(SyncProgress) + Sync,
    ) -> Result<PortfolioMade, CommandError> {
        let opened = self.opened().await?;
        let stem = free_stem(
            dir,
            &format!("Portfolio report - {}", today()),
            &["pdf", "csv"],
        )?;
        let options = PortfolioReportOptions {
            out: dir.join(format!("{stem}.pdf")),
            csv: Some(dir.join(format!("{stem}.csv"))),
            force: false,
            at: None,
        };
        let made = drive(
            opened
                .engine
                .portfolio_report(&options, &|event| on_step(event.into())),
        )?;
        Ok(made.into())
    }

    /// Checks a remembered pack's evidence bundle (found where the workspace recorded it).
    pub async fn verify_pack(&self, id: i64) -> Result<PackCheck, CommandError> {
        let opened = self.opened().await?;
        Ok(drive(opened.engine.verify_pack(id))?.into())
    }

    /// Where a remembered pack's file is, from the workspace; a one-line refusal when the pack
    /// has no such file or it is gone.
    pub async fn pack_file(&self, id: i64, file: PackFile) -> Result<PathBuf, CommandError> {
        let row = self
            .packs()
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| {
                CommandError::new(
                    ErrorCode::NotFound,
                    format!("no pack {id} in this workspace"),
                )
            })?;
        let path = match file {
            PackFile::Pdf => row.pdf_path,
            PackFile::Bundle => row.bundle_path.ok_or_else(|| {
                CommandError::new(
                    ErrorCode::NotFound,
                    "this pack was made without an evidence bundle",
                )
            })?,
        };
        let path = PathBuf::from(path);
        if !path.is_file() {
            return Err(CommandError::new(
                ErrorCode::NotFound,
                format!(
                    "{} is no longer there; it was moved or deleted",
                    path.display()
                ),
            ));
        }
        Ok(path)
    }

    /// The workspace's exchange address (`age1…`), which colleagues export snapshots to.
    pub async fn exchange_address(&self) -> Result<String, CommandError> {
        Ok(self.opened().await?.engine.exchange_key())
    }

    /// Writes a tenant's snapshot (or history), encrypted to a pasted address, into `dir`.
    pub async fn export_snapshot(
        &self,
        request: SnapshotExportRequest,
        dir: &Path,
    ) -> Result<SnapshotExported, CommandError> {
        let to = pasted_address(&request.to)?;
        let opened = self.opened().await?;
        let engine = &opened.engine;
        let tenant = drive(engine.tenant(&request.tenant))?;
        let who = Some(name_part(&tenant.name))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| name_part(&tenant.domain));
        let stem = free_stem(dir, &format!("Snapshot - {who} - {}", today()), &["bundle"])?;
        let options = ExportOptions {
            tenant: tenant.id,
            to,
            out: dir.join(format!("{stem}.bundle")),
            history: request.history,
        };
        Ok(drive(engine.export_snapshot(&options))?.into())
    }

    /// Imports the bundle the person picked.
    pub async fn import_snapshot(&self, file: &Path) -> Result<SnapshotImported, CommandError> {
        let opened = self.opened().await?;
        Ok(drive(opened.engine.import_snapshot(file))?.into())
    }
}

/// Opens `path` with the system's default application (a PDF viewer), off the async workers.
pub async fn open_in_system(path: PathBuf, reveal: bool) -> Result<(), CommandError> {
    let shown = path.display().to_string();
    let opened = tokio::task::spawn_blocking(move || {
        if reveal {
            tauri_plugin_opener::reveal_item_in_dir(&path)
        } else {
            tauri_plugin_opener::open_path(&path, None::<&str>)
        }
    })
    .await
    .map_err(|e| {
        CommandError::new(
            ErrorCode::Internal,
            format!("a background task stopped: {e}"),
        )
    })?;
    opened.map_err(|e| {
        CommandError::new(
            ErrorCode::Workspace,
            format!("cannot open {shown}: {e}; open it from the file manager"),
        )
    })
}

/// Shows the native file chooser over the window and answers the file picked, `None` when the
/// person closed it.
pub async fn choose_file<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    title: &str,
    filter: Option<(&str, &[&str])>,
) -> Result<Option<PathBuf>, CommandError> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let mut dialog = app.dialog().file().set_title(title);
    if let Some((name, extensions)) = filter {
        dialog = dialog.add_filter(name, extensions);
    }
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    if let Some(dir) = downloads_dir().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    dialog.pick_file(move |picked| {
        let _ = tx.send(picked);
    });
    let picked = rx.await.unwrap_or(None);
    picked
        .map(|p| {
            p.into_path().map_err(|e| {
                CommandError::new(
                    ErrorCode::InvalidInput,
                    format!("the chosen file cannot be read here: {e}"),
                )
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn tenant_names_become_plain_file_names() {
        assert_eq!(name_part("Contoso Ltd"), "Contoso Ltd");
        assert_eq!(name_part("../../etc/passwd"), "etc passwd");
        assert_eq!(name_part("a\\b:c*d?e\"f<g>h|i"), "a b c d e f g h i");
        assert_eq!(name_part("Evil\u{202e}fdp.exe"), "Evil fdp.exe");
        assert_eq!(name_part("Line\nbreak\u{1b}[2J"), "Line break [2J");
        assert_eq!(name_part(".hidden"), "hidden");
        assert_eq!(name_part(".."), "");
        assert_eq!(name_part("Müller & Söhne GmbH"), "Müller & Söhne GmbH");
        assert_eq!(name_part(&"x".repeat(300)).chars().count(), 60);
    }

    #[test]
    fn periods_read_as_quarters_months_or_dates() {
        let today = date!(2026 - 12 - 05);
        let p = |t: Option<&str>| period_label(&Period::parse(t, today).unwrap());
        assert_eq!(p(Some("2026-q4")), "2026-Q4");
        assert_eq!(p(Some("2026-11")), "2026-11");
        assert_eq!(p(None), "2026-09-07 to 2026-12-05");
        assert_eq!(p(Some("30d")), "2026-11-06 to 2026-12-05");
        assert_eq!(
            p(Some("2026-10-01..2026-10-15")),
            "2026-10-01 to 2026-10-15"
        );
    }

    #[test]
    fn a_stem_is_free_for_every_file_of_the_pack_and_nothing_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let stem = "Review pack - Contoso - 2026-Q4";
        assert_eq!(free_stem(dir.path(), stem, &["pdf", "zip"]).unwrap(), stem);
        // Only the ZIP of the first is there: the PDF's name is taken with it.
        std::fs::write(dir.path().join(format!("{stem}.zip")), b"x").unwrap();
        assert_eq!(
            free_stem(dir.path(), stem, &["pdf", "zip"]).unwrap(),
            format!("{stem} (2)")
        );
        #[cfg(unix)]
        {
            // A link planted at the next name counts as taken, even one pointing nowhere.
            std::os::unix::fs::symlink(
                dir.path().join("nowhere"),
                dir.path().join(format!("{stem} (2).pdf")),
            )
            .unwrap();
            assert_eq!(
                free_stem(dir.path(), stem, &["pdf", "zip"]).unwrap(),
                format!("{stem} (3)")
            );
        }
    }

    #[test]
    fn only_a_pasted_address_reaches_the_engine_never_a_path() {
        assert!(
            pasted_address(" age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3ltzzz ")
                .is_ok()
        );
        for refused in [
            "",
            "/etc/passwd",
            "colleague.pub",
            "age1/../../etc/passwd",
            "age",
        ] {
            assert_eq!(
                pasted_address(refused).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{refused}"
            );
        }
    }
}

#[cfg(test)]
mod demo_tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// On the demo portfolio, through the methods the window's commands call: a pack made into a
    /// Downloads folder under its tenant's name, made again beside it as "(2)", listed, verified,
    /// looked up by id only; the portfolio report; a snapshot sent to another workspace's address
    /// and imported there.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn packs_are_named_never_replaced_listed_verified_and_found_by_id() {
        let state = AppState::default();
        let scratch = tempfile::tempdir().unwrap();
        let demo = scratch.path().join("demo");
        std::fs::create_dir(&demo).unwrap();
        state.open_demo(&demo, |_| {}).await.unwrap();
        let tenant = state.portfolio().await.unwrap().remove(0);
        let downloads = scratch.path().join("Downloads");
        std::fs::create_dir(&downloads).unwrap();

        let steps = Arc::new(Mutex::new(Vec::new()));
        let sink = steps.clone();
        let request = || ReviewPackRequest {
            tenant: tenant.id.clone(),
            period: Some("90d".into()),
            evidence: true,
            redact_pii: false,
        };
        let first = state
            .make_review_pack(request(), &downloads, |s| sink.lock().unwrap().push(s))
            .await
            .unwrap();
        let stem = format!(
            "Review pack - {} - {} to {}",
            name_part(&tenant.name),
            first.period_from,
            first.period_to
        );
        assert_eq!(first.pdf_name, format!("{stem}.pdf"));
        assert_eq!(first.bundle_name, Some(format!("{stem}.zip")));
        assert!(downloads.join(format!("{stem}.pdf")).is_file());
        assert!(downloads.join(format!("{stem}.zip")).is_file());
        assert!(first.pages > 0 && first.pdf_sha256.len() == 64);
        let seen: Vec<u32> = steps
            .lock()
            .unwrap()
            .iter()
            .filter_map(|s| match s {
                SyncProgress::ReportStep { step, steps: 4, .. } => Some(*step),
                _ => None,
            })
            .collect();
        assert_eq!(seen, [1, 2, 3, 4]);

        let second = state
            .make_review_pack(request(), &downloads, |_| {})
            .await
            .unwrap();
        assert_eq!(second.pdf_name, format!("{stem} (2).pdf"), "never replaced");
        assert_eq!(
            second.previous_sums_sha256, first.sums_sha256,
            "the second names the first"
        );

        let rows = state.packs().await.unwrap();
        assert_eq!(
            rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            [second.id, first.id]
        );
        assert!(rows.iter().all(|r| r.state == PackFileState::Intact));
        // The first: the second was made within the same second, which the verifier's link
        // check refuses as out of order (two packs of a tenant in one second are not a person's).
        let check = state.verify_pack(first.id).await.unwrap();
        assert!(check.ok, "{:?}", check.problems);
        assert!(!check.against_previous && !check.facts.is_empty());

        assert_eq!(
            state.pack_file(first.id, PackFile::Pdf).await.unwrap(),
            PathBuf::from(&first.pdf_path)
        );
        std::fs::remove_file(&first.pdf_path).unwrap();
        let gone = state.pack_file(first.id, PackFile::Pdf).await.unwrap_err();
        assert_eq!(gone.code, ErrorCode::NotFound);
        assert!(gone.message.contains("no longer there"), "{}", gone.message);
        let rows = state.packs().await.unwrap();
        assert_eq!(rows[1].state, PackFileState::Missing);
        assert_eq!(
            state.pack_file(9999, PackFile::Pdf).await.unwrap_err().code,
            ErrorCode::NotFound
        );

        let report = state
            .make_portfolio_report(&downloads, |_| {})
            .await
            .unwrap();
        assert!(report.pdf_name.starts_with("Portfolio report - "));
        assert!(Path::new(report.csv_path.as_deref().unwrap()).is_file());

        // A colleague's workspace: its address pasted, the bundle written beside the packs and
        // imported there as an offline tenant.
        let colleague = AppState::default();
        colleague
            .open_workspace(
                &scratch.path().join("colleague"),
                Some("a long enough colleague passphrase".into()),
            )
            .await
            .unwrap();
        let address = colleague.exchange_address().await.unwrap();
        assert!(address.starts_with("age1"));
        let refused = state
            .export_snapshot(
                SnapshotExportRequest {
                    tenant: tenant.id.clone(),
                    to: "/etc/passwd".into(),
                    history: false,
                },
                &downloads,
            )
            .await
            .unwrap_err();
        assert_eq!(refused.code, ErrorCode::InvalidInput);
        let sent = state
            .export_snapshot(
                SnapshotExportRequest {
                    tenant: tenant.id.clone(),
                    to: address,
                    history: true,
                },
                &downloads,
            )
            .await
            .unwrap();
        assert!(sent.path.ends_with(".bundle") && sent.snapshots >= 1);
        let imported = colleague
            .import_snapshot(Path::new(&sent.path))
            .await
            .unwrap();
        assert!(imported.new_tenant);
        assert_eq!(imported.tenant_id, tenant.id);
        assert_eq!(imported.snapshots_added, sent.snapshots);
    }
}
