//! Compiles the capability files and the app's command permissions into the binary, and
//! checks that the UI was built before it is embedded.
//!
//! Listing the app's own commands in an `AppManifest` makes them deny-by-default: a command
//! can only be called from the window once a capability in `capabilities/` grants its
//! `allow-<command>` permission.

use std::path::Path;

/// Every command of the app; `capabilities/main-window.json` grants each one's `allow-` permission.
const COMMANDS: &[&str] = &[
    "app_info",
    "workspace_status",
    "open_workspace",
    "open_demo",
    "portfolio",
    "pin_baseline_object",
    "findings_over_time",
    "sync_all",
    "cancel_sync",
    "connect_tenant",
    "reconnect_tenant",
    "cancel_sign_in",
    "open_sign_in_page",
    "sync_tenant",
    "search",
    "list_runs",
    "run_detail",
    "save_csv",
    "list_findings",
    "finding_audit",
    "triage_findings",
    "tenant_overview",
    "tenant_inventory",
    "break_glass_accounts",
    "set_break_glass_accounts",
    "object_detail",
    "object_diff",
    "get_settings",
    "set_setting",
    "schedule_status",
    "add_severity_rule",
    "remove_severity_rule",
    "list_baselines",
    "baseline_detail",
    "create_baseline",
    "approve_snapshot",
    "assign_baseline",
    "unassign_baseline",
    "check_drift",
    "list_snapshots",
    "compare_sides",
    "list_packs",
    "make_review_pack",
    "make_portfolio_report",
    "verify_pack",
    "open_pack",
    "reveal_pack",
    "exchange_key",
    "export_snapshot",
    "import_snapshot",
    "choose_report_logo",
];

fn main() {
    // With `tauri/custom-protocol` the binary embeds `ui/dist`; without it, it loads the dev
    // server and needs no built UI. Say what to run instead of tauri's bare "path doesn't exist".
    if !tauri_build::is_dev() {
        let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist/index.html");
        println!("cargo:rerun-if-changed={}", index.display());
        if !index.exists() {
            eprintln!(
                "error: ui/dist/index.html is missing; build the UI first: \
                 npm --prefix ui ci && npm --prefix ui run build"
            );
            std::process::exit(1);
        }
    }

    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri-build failed; see the message above");
}
