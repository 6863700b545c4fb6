//! The Tauri commands the window may call. Each is async (so it never runs on the main
//! thread) and a few lines over `AppState`'s methods (`workbench.rs`), which call the engine or
//! the demo; errors cross as `{code, message}`
//! ([`CommandError`]). A new command goes into `generate_handler!` in `main.rs`, the
//! `AppManifest` in `build.rs`, `capabilities/main-window.json`, [`visit_command_types`] and
//! `ui/src/lib/ipc/commands.ts`.

use crate::app_info::AppInfo;
use crate::baselines::{
    AssignOutcome, BaselineSummary, BaselineView, DriftChecked, NewBaselineRequest,
    TenantAssignment,
};
use crate::compare::{CompareResult, SidePick, SnapshotChoice};
use crate::exports::SavedFile;
use crate::findings::{FindingAuditEntry, FindingRow, TriageOutcome, TriageRequest};
use crate::ipc::{
    CommandError, DayFindings, DemoProgress, OpenWorkspace, PortfolioRow, SyncOutcome,
    SyncProgress, WorkspaceStatus,
};
use crate::onboarding::{ConnectRequest, ConnectedTenant, SignInStep};
use crate::operations::{RunDetail, RunRow};
use crate::reports::{
    PackCheck, PackFile, PackMade, PackRow, PortfolioMade, ReviewPackRequest,
    SnapshotExportRequest, SnapshotExported, SnapshotImported,
};
use crate::search::SearchAnswer;
use crate::settings::{NewSeverityRuleRequest, ScheduleStatus, SettingsView};
use crate::state::{self, AppState};
use crate::tenant::{InventoryRow, ObjectDetail, VersionChanges};
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tenantatlas_engine::Engine;

type Answer<T> = Result<T, CommandError>;

/// The product name and version shown in the window.
#[tauri::command]
pub async fn app_info() -> AppInfo {
    AppInfo::current()
}

/// Where the default workspace is, how it is protected, whether the OS keychain answers, and
/// which workspace this window has open.
#[tauri::command]
pub async fn workspace_status(state: State<'_, AppState>) -> Answer<WorkspaceStatus> {
    Ok(state.workspace_status(&Engine::default_dir()).await)
}

/// Opens the workspace in `path` (the default workspace when `None`), creating it when the
/// folder is missing or empty, and makes it the window's workspace.
#[tauri::command]
pub async fn open_workspace(
    state: State<'_, AppState>,
    path: Option<String>,
    passphrase: Option<String>,
) -> Answer<OpenWorkspace> {
    let dir = path.map_or_else(Engine::default_dir, PathBuf::from);
    state.open_workspace(&dir, passphrase).await
}

/// Runs the demo scenario into a new private temporary folder and makes its workspace the
/// window's, streaming each step over `progress`.
#[tauri::command]
pub async fn open_demo(
    state: State<'_, AppState>,
    progress: Channel<DemoProgress>,
) -> Answer<OpenWorkspace> {
    let dir = state::new_demo_dir()?;
    state
        .open_demo(&dir, move |step| {
            let _ = progress.send(step);
        })
        .await
}

/// Standing findings by severity across the portfolio, one entry per day for the last `days`
/// (1–366), oldest first.
#[tauri::command]
pub async fn findings_over_time(state: State<'_, AppState>, days: u32) -> Answer<Vec<DayFindings>> {
    state.findings_over_time(days).await
}

/// Every tenant of the open workspace at a glance.
#[tauri::command]
pub async fn portfolio(state: State<'_, AppState>) -> Answer<Vec<PortfolioRow>> {
    state.portfolio().await
}

/// Syncs every active tenant of the open workspace, streaming each tenant's steps over
/// `progress`; `cancel_sync` stops it, and the tenants stopped midway end `cancelled`.
#[tauri::command]
pub async fn sync_all(
    state: State<'_, AppState>,
    progress: Channel<SyncProgress>,
) -> Answer<Vec<SyncOutcome>> {
    state
        .sync_all(move |step| {
            let _ = progress.send(step);
        })
        .await
}

/// Asks the running `sync_all` to stop; it answers with what was done so far.
#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>) -> Answer<()> {
    state.cancel_sync();
    Ok(())
}

/// Every finding of every tenant, whatever its state; the Findings workbench filters them.
#[tauri::command]
pub async fn list_findings(state: State<'_, AppState>) -> Answer<Vec<FindingRow>> {
    state.findings().await
}

/// The audit trail of one finding, oldest first.
#[tauri::command]
pub async fn finding_audit(
    state: State<'_, AppState>,
    id: String,
) -> Answer<Vec<FindingAuditEntry>> {
    state.finding_audit(&id).await
}

/// Acknowledges, accepts the risk of or resolves the findings `ids` (one or many).
#[tauri::command]
pub async fn triage_findings(
    state: State<'_, AppState>,
    ids: Vec<String>,
    triage: TriageRequest,
) -> Answer<TriageOutcome> {
    state.triage_findings(&ids, triage).await
}

/// One tenant's overview on the Tenant screen: its portfolio row.
#[tauri::command]
pub async fn tenant_overview(state: State<'_, AppState>, tenant: String) -> Answer<PortfolioRow> {
    state.tenant_overview(&tenant).await
}

/// Every object of one tenant, live and deleted, with platforms and assignment counts.
#[tauri::command]
pub async fn tenant_inventory(
    state: State<'_, AppState>,
    tenant: String,
) -> Answer<Vec<InventoryRow>> {
    state.tenant_inventory(&tenant).await
}

/// The break-glass accounts named for one tenant, in order.
#[tauri::command]
pub async fn break_glass_accounts(
    state: State<'_, AppState>,
    tenant: String,
) -> Answer<Vec<String>> {
    state.break_glass_accounts(&tenant).await
}

/// Names one tenant's break-glass accounts (checked and audited by the engine); answers them as
/// stored.
#[tauri::command]
pub async fn set_break_glass_accounts(
    state: State<'_, AppState>,
    tenant: String,
    accounts: Vec<String>,
) -> Answer<Vec<String>> {
    state.set_break_glass_accounts(&tenant, &accounts).await
}

/// One object at `version` (the latest when `None`): in words, as stored, and its versions.
#[tauri::command]
pub async fn object_detail(
    state: State<'_, AppState>,
    tenant: String,
    object_id: String,
    version: Option<u32>,
) -> Answer<ObjectDetail> {
    state.object_detail(&tenant, &object_id, version).await
}

/// Versions `from` and `to` of one object compared in words.
#[tauri::command]
pub async fn object_diff(
    state: State<'_, AppState>,
    tenant: String,
    object_id: String,
    from: u32,
    to: u32,
) -> Answer<VersionChanges> {
    state.object_diff(&tenant, &object_id, from, to).await
}

/// Signs in to a tenant (device code or browser) and records it, streaming what the person must
/// do over `prompt`; `cancel_sign_in` stops the wait.
#[tauri::command]
pub async fn connect_tenant(
    state: State<'_, AppState>,
    request: ConnectRequest,
    prompt: Channel<SignInStep>,
) -> Answer<ConnectedTenant> {
    state
        .connect_tenant(request, move |step| {
            let _ = prompt.send(step);
        })
        .await
}

/// Signs in to a tenant of the workspace again with its stored settings.
#[tauri::command]
pub async fn reconnect_tenant(
    state: State<'_, AppState>,
    tenant: String,
    prompt: Channel<SignInStep>,
) -> Answer<ConnectedTenant> {
    state
        .reconnect_tenant(tenant, move |step| {
            let _ = prompt.send(step);
        })
        .await
}

/// Stops the sign-in that is waiting; it ends `cancelled`.
#[tauri::command]
pub async fn cancel_sign_in(state: State<'_, AppState>) -> Answer<()> {
    state.cancel_sign_in();
    Ok(())
}

/// Opens the waiting sign-in's page in the system browser (again).
#[tauri::command]
pub async fn open_sign_in_page(state: State<'_, AppState>) -> Answer<()> {
    state.open_sign_in_page()
}

/// Syncs one tenant (an onboarding tenant's first sync), streaming its steps over `progress`,
/// then checks its drift; `cancel_sync` stops it.
#[tauri::command]
pub async fn sync_tenant(
    state: State<'_, AppState>,
    tenant: String,
    progress: Channel<SyncProgress>,
) -> Answer<SyncOutcome> {
    state
        .sync_tenant(tenant, move |step| {
            let _ = progress.send(step);
        })
        .await
}

/// Every run of the workspace, newest first, of every kind and tenant (archived ones too).
#[tauri::command]
pub async fn list_runs(state: State<'_, AppState>) -> Answer<Vec<RunRow>> {
    state.list_runs().await
}

/// One run in full: facts in words, objects per kind, errors with Graph request ids.
#[tauri::command]
pub async fn run_detail(state: State<'_, AppState>, id: String) -> Answer<RunDetail> {
    state.run_detail(&id).await
}

/// Saves a table the window shows as a CSV file in the user's Downloads folder (never replacing
/// a file) and answers where.
#[tauri::command]
pub async fn save_csv(file_name: String, content: String) -> Answer<SavedFile> {
    let dir = crate::exports::downloads_dir().ok_or_else(|| {
        CommandError::new(
            crate::ipc::ErrorCode::Workspace,
            "no home folder to save the export in; set HOME",
        )
    })?;
    let path = crate::exports::save_new(&dir, &file_name, &content)?;
    Ok(SavedFile {
        path: path.display().to_string(),
    })
}

/// Searches every active tenant's latest snapshot for tenants, objects, settings and findings.
#[tauri::command]
pub async fn search(state: State<'_, AppState>, query: String) -> Answer<SearchAnswer> {
    state.search(query).await
}

/// The Settings screen: the workspace's settings, the facts it shows beside them (folder,
/// protection, keychain) and the severity rules.
#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Answer<SettingsView> {
    state.settings().await
}

/// Sets one setting from its text (`sync.interval_minutes` = `"60"`); a refusal says in one
/// line what is allowed. Answers the Settings screen's content afterwards.
#[tauri::command]
pub async fn set_setting(
    state: State<'_, AppState>,
    setting: String,
    value: String,
) -> Answer<SettingsView> {
    state.set_setting(&setting, &value).await
}

/// Adds one of the MSP's severity rules, as `tenantatlas severity set` does; answers the Settings
/// screen's content afterwards.
#[tauri::command]
pub async fn add_severity_rule(
    state: State<'_, AppState>,
    rule: NewSeverityRuleRequest,
) -> Answer<SettingsView> {
    state.add_severity_rule(rule).await
}

/// Removes a severity rule; answers the Settings screen's content afterwards.
#[tauri::command]
pub async fn remove_severity_rule(state: State<'_, AppState>, id: i32) -> Answer<SettingsView> {
    state.remove_severity_rule(id).await
}

/// Where the sync schedule stands: the interval, the next sync, and this window's scheduled runs.
#[tauri::command]
pub async fn schedule_status(state: State<'_, AppState>) -> Answer<ScheduleStatus> {
    state.schedule_status().await
}

/// Every baseline at its latest version, with its tenants' average score.
#[tauri::command]
pub async fn list_baselines(state: State<'_, AppState>) -> Answer<Vec<BaselineSummary>> {
    state.baselines().await
}

/// One baseline in full: objects, versions, and each assigned tenant's score and counts.
#[tauri::command]
pub async fn baseline_detail(state: State<'_, AppState>, name: String) -> Answer<BaselineView> {
    state.baseline_view(&name).await
}

/// Takes a new baseline (or a new version) from a tenant's picked objects or from a file.
#[tauri::command]
pub async fn create_baseline(
    state: State<'_, AppState>,
    request: NewBaselineRequest,
) -> Answer<BaselineSummary> {
    state.new_baseline(request).await
}

/// Signs off a tenant's latest snapshot as its own baseline "<domain> approved".
#[tauri::command]
pub async fn approve_snapshot(
    state: State<'_, AppState>,
    tenant: String,
) -> Answer<BaselineSummary> {
    state.approve_snapshot(&tenant).await
}

/// Assigns the baseline to the tenants, each with its placeholder values.
#[tauri::command]
pub async fn assign_baseline(
    state: State<'_, AppState>,
    name: String,
    tenants: Vec<TenantAssignment>,
) -> Answer<AssignOutcome> {
    state.assign_baseline(&name, tenants).await
}

/// Stops checking the tenant against the baseline.
#[tauri::command]
pub async fn unassign_baseline(
    state: State<'_, AppState>,
    name: String,
    tenant: String,
) -> Answer<BaselineSummary> {
    state.unassign_baseline(&name, &tenant).await
}

/// Checks these tenants' drift against their baselines now.
#[tauri::command]
pub async fn check_drift(
    state: State<'_, AppState>,
    tenants: Vec<String>,
) -> Answer<Vec<DriftChecked>> {
    state.check_drift(tenants).await
}

/// A tenant's snapshots, newest first, for the Compare screen.
#[tauri::command]
pub async fn list_snapshots(
    state: State<'_, AppState>,
    tenant: String,
) -> Answer<Vec<SnapshotChoice>> {
    state.snapshots(&tenant).await
}

/// Two sides (tenant snapshots or baselines) compared by meaning.
#[tauri::command]
pub async fn compare_sides(
    state: State<'_, AppState>,
    left: SidePick,
    right: SidePick,
) -> Answer<CompareResult> {
    state.compare(left, right).await
}

/// Matches a baseline object to a tenant's object by hand (`to`: the tenant object's id), or
/// removes the pin (`to: None`); answers the baseline in full.
#[tauri::command]
pub async fn pin_baseline_object(
    state: State<'_, AppState>,
    baseline: String,
    tenant: String,
    kind: String,
    object: String,
    to: Option<String>,
) -> Answer<crate::baselines::BaselineView> {
    state
        .pin_object(&baseline, &tenant, &kind, &object, to)
        .await
}

/// Every generated review pack and portfolio report, newest first, with whether its PDF is
/// still as made.
#[tauri::command]
pub async fn list_packs(state: State<'_, AppState>) -> Answer<Vec<PackRow>> {
    state.packs().await
}

/// Makes a review pack into Downloads/TenantAtlas (named by tenant and period, never replacing
/// a file), streaming its steps over `progress` as `report_step` events.
#[tauri::command]
pub async fn make_review_pack(
    state: State<'_, AppState>,
    request: ReviewPackRequest,
    progress: Channel<SyncProgress>,
) -> Answer<PackMade> {
    let dir = crate::reports::reports_dir()?;
    state
        .make_review_pack(request, &dir, move |step| {
            let _ = progress.send(step);
        })
        .await
}

/// Makes the portfolio report (PDF and CSV) into Downloads/TenantAtlas, streaming its steps.
#[tauri::command]
pub async fn make_portfolio_report(
    state: State<'_, AppState>,
    progress: Channel<SyncProgress>,
) -> Answer<PortfolioMade> {
    let dir = crate::reports::reports_dir()?;
    state
        .make_portfolio_report(&dir, move |step| {
            let _ = progress.send(step);
        })
        .await
}

/// Checks a remembered pack's evidence bundle, found where the workspace recorded it.
#[tauri::command]
pub async fn verify_pack(state: State<'_, AppState>, id: i64) -> Answer<PackCheck> {
    state.verify_pack(id).await
}

/// Opens a remembered pack's PDF (or bundle) with the system's default application; the path
/// comes from the workspace, never from the window.
#[tauri::command]
pub async fn open_pack(state: State<'_, AppState>, id: i64, file: PackFile) -> Answer<()> {
    let path = state.pack_file(id, file).await?;
    crate::reports::open_in_system(path, false).await
}

/// Shows a remembered pack's file selected in the system's file manager.
#[tauri::command]
pub async fn reveal_pack(state: State<'_, AppState>, id: i64, file: PackFile) -> Answer<()> {
    let path = state.pack_file(id, file).await?;
    crate::reports::open_in_system(path, true).await
}

/// The workspace's exchange address (`age1…`, public): what colleagues export snapshots to.
#[tauri::command]
pub async fn exchange_key(state: State<'_, AppState>) -> Answer<String> {
    state.exchange_address().await
}

/// Writes a tenant's snapshot, encrypted to a colleague's pasted address, into
/// Downloads/TenantAtlas.
#[tauri::command]
pub async fn export_snapshot(
    state: State<'_, AppState>,
    request: SnapshotExportRequest,
) -> Answer<SnapshotExported> {
    let dir = crate::reports::reports_dir()?;
    state.export_snapshot(request, &dir).await
}

/// Asks for a snapshot bundle in the native file chooser and imports it; `None` when the person
/// closed the chooser.
#[tauri::command]
pub async fn import_snapshot(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Answer<Option<SnapshotImported>> {
    let Some(file) = crate::reports::choose_file(&app, "Import a snapshot bundle", None).await?
    else {
        return Ok(None);
    };
    state.import_snapshot(&file).await.map(Some)
}

/// Asks for the review packs' logo (a PNG) in the native file chooser and sets `report.logo`;
/// `None` when the person closed the chooser.
#[tauri::command]
pub async fn choose_report_logo(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Answer<Option<SettingsView>> {
    let Some(file) = crate::reports::choose_file(
        &app,
        "Choose the logo for review packs",
        Some(("PNG image", &["png", "PNG"])),
    )
    .await?
    else {
        return Ok(None);
    };
    state
        .set_setting("report.logo", &file.display().to_string())
        .await
        .map(Some)
}

/// Every type a command answers with or streams, for the bindings and the secrets tests.
#[cfg(test)]
pub fn visit_command_types(v: &mut impl ts_rs::TypeVisitor) {
    use crate::ipc::*;
    v.visit::<AppInfo>();
    v.visit::<CommandError>();
    v.visit::<WorkspaceStatus>();
    v.visit::<OpenWorkspace>();
    v.visit::<DemoProgress>();
    v.visit::<PortfolioRow>();
    v.visit::<DayFindings>();
    v.visit::<SyncProgress>();
    v.visit::<SyncOutcome>();
    v.visit::<crate::onboarding::ConnectRequest>();
    v.visit::<crate::onboarding::SignInStep>();
    v.visit::<crate::onboarding::ConnectedTenant>();
    v.visit::<crate::search::SearchAnswer>();
    v.visit::<crate::operations::RunRow>();
    v.visit::<crate::operations::RunDetail>();
    v.visit::<crate::exports::SavedFile>();
    v.visit::<crate::findings::FindingRow>();
    v.visit::<crate::findings::FindingAuditEntry>();
    v.visit::<crate::findings::TriageRequest>();
    v.visit::<crate::findings::TriageOutcome>();
    v.visit::<crate::tenant::InventoryRow>();
    v.visit::<crate::tenant::ObjectDetail>();
    v.visit::<crate::tenant::VersionChanges>();
    v.visit::<crate::settings::SettingsView>();
    v.visit::<crate::settings::ScheduleStatus>();
    v.visit::<crate::settings::NewSeverityRuleRequest>();
    v.visit::<crate::baselines::BaselineSummary>();
    v.visit::<crate::baselines::BaselineView>();
    v.visit::<crate::baselines::NewBaselineRequest>();
    v.visit::<crate::baselines::TenantAssignment>();
    v.visit::<crate::baselines::AssignOutcome>();
    v.visit::<crate::baselines::DriftChecked>();
    v.visit::<crate::compare::SidePick>();
    v.visit::<crate::compare::SnapshotChoice>();
    v.visit::<crate::compare::CompareResult>();
    v.visit::<crate::reports::PackRow>();
    v.visit::<crate::reports::ReviewPackRequest>();
    v.visit::<crate::reports::PackMade>();
    v.visit::<crate::reports::PortfolioMade>();
    v.visit::<crate::reports::PackCheck>();
    v.visit::<crate::reports::PackFile>();
    v.visit::<crate::reports::SnapshotExportRequest>();
    v.visit::<crate::reports::SnapshotExported>();
    v.visit::<crate::reports::SnapshotImported>();
}

#[cfg(test)]
mod tests {
    /// The commands `build.rs` puts in the `AppManifest` (deny by default).
    fn manifest_commands() -> Vec<String> {
        let build = include_str!("../build.rs");
        let list = build
            .split_once("const COMMANDS: &[&str] = &[")
            .and_then(|(_, rest)| rest.split_once("];"))
            .map(|(list, _)| list)
            .expect("build.rs lists COMMANDS");
        list.split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// The window is granted exactly the app's commands: nothing more (no core or plugin
    /// permission), nothing forgotten.
    #[test]
    fn the_window_is_granted_exactly_the_apps_commands() {
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main-window.json")).unwrap();
        assert_eq!(capability["windows"], serde_json::json!(["main"]));
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().expect("permissions are plain names").to_string())
            .collect();
        let mut expected: Vec<String> = manifest_commands()
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        granted.sort();
        expected.sort();
        assert_eq!(granted, expected);
        assert_eq!(
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/capabilities"))
                .unwrap()
                .count(),
            1,
            "one capability file, for the one window"
        );
    }

    /// Every command is registered with the window and has its typed wrapper in the UI.
    #[test]
    fn every_command_is_registered_and_wrapped() {
        let main = include_str!("main.rs");
        let wrappers = include_str!("../../ui/src/lib/ipc/commands.ts");
        for command in manifest_commands() {
            assert!(
                main.contains(&format!("commands::{command},")),
                "{command} is missing from generate_handler! in main.rs"
            );
            assert!(
                wrappers.contains(&format!("('{command}'")),
                "{command} has no wrapper in ui/src/lib/ipc/commands.ts"
            );
        }
    }
}
