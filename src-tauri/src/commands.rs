//! The Tauri commands the window may call. Each is async (so it never runs on the main
//! thread) and a few lines over a plain function that holds the logic.

use crate::app_info::AppInfo;

/// The product name and version shown in the window.
#[tauri::command]
pub async fn app_info() -> AppInfo {
    AppInfo::current()
}
