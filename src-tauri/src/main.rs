//! The TenantAtlas desktop shell: a Tauri v2 window over the Svelte UI in `ui/`.
//!
//! This crate is only glue. Each Tauri command in `commands` is a thin async wrapper over a
//! method of `AppState` (`workbench`), which calls the engine or the demo scenario and is tested
//! without a window; `ipc` holds the transport types, generated into TypeScript; `state` what the
//! window holds between commands (the open workspace, the running sync's cancel switch).
//! Two decisions a newcomer must know:
//! - The default feature `embed-ui` embeds `ui/dist` (build `ui` first: `npm --prefix ui run
//!   build`); `--no-default-features` makes a binary that loads the Vite dev server (`devUrl`).
//! - Commands are deny-by-default (see `build.rs`): a new command must be added to the
//!   `AppManifest` there and granted in `capabilities/main-window.json`.

// Without this a release build on Windows opens a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app_info;
mod baselines;
mod commands;
mod compare;
mod exports;
mod findings;
mod ipc;
mod onboarding;
mod operations;
mod reports;
mod schedule;
mod search;
mod settings;
mod state;
mod tenant;
mod workbench;

/// mimalloc: a sync of many tenants allocates from many threads at once (see the workspace's
/// Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `--demo`: open the demo portfolio at once (what the README's first command does).
    let state = if std::env::args().skip(1).any(|a| a == "--demo") {
        state::AppState::demo_requested()
    } else {
        state::AppState::default()
    };
    tauri::Builder::default()
        .manage(state)
        .plugin(tauri_plugin_notification::init())
        // The native file chooser, shown from Rust only (`reports::choose_file`); the window is
        // granted none of the plugin's permissions. PDFs are opened through
        // `tauri_plugin_opener`'s functions, which need no plugin registered at all.
        .plugin(tauri_plugin_dialog::init())
        // The scheduled sync (`schedule.rs`): one task for the app's lifetime.
        .setup(|app| {
            schedule::start(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::workspace_status,
            commands::open_workspace,
            commands::open_demo,
            commands::portfolio,
            commands::pin_baseline_object,
            commands::findings_over_time,
            commands::sync_all,
            commands::cancel_sync,
            commands::connect_tenant,
            commands::reconnect_tenant,
            commands::cancel_sign_in,
            commands::open_sign_in_page,
            commands::sync_tenant,
            commands::search,
            commands::list_runs,
            commands::run_detail,
            commands::save_csv,
            commands::list_findings,
            commands::finding_audit,
            commands::triage_findings,
            commands::tenant_overview,
            commands::tenant_inventory,
            commands::break_glass_accounts,
            commands::set_break_glass_accounts,
            commands::object_detail,
            commands::object_diff,
            commands::get_settings,
            commands::set_setting,
            commands::schedule_status,
            commands::add_severity_rule,
            commands::remove_severity_rule,
            commands::list_baselines,
            commands::baseline_detail,
            commands::create_baseline,
            commands::approve_snapshot,
            commands::assign_baseline,
            commands::unassign_baseline,
            commands::check_drift,
            commands::list_snapshots,
            commands::compare_sides,
            commands::list_packs,
            commands::make_review_pack,
            commands::make_portfolio_report,
            commands::verify_pack,
            commands::open_pack,
            commands::reveal_pack,
            commands::exchange_key,
            commands::export_snapshot,
            commands::import_snapshot,
            commands::choose_report_logo,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("tenantatlas-desktop: {err}");
            std::process::exit(1);
        });
}
