//! What the window shows about the application itself.

use serde::Serialize;
use ts_rs::TS;

/// The product name as the MSP engineer sees it; `tauri.conf.json` uses the same name.
pub const PRODUCT_NAME: &str = "TenantAtlas";

/// The product name and version, as sent to the UI by the `app_info` command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub name: String,
    /// The workspace version from `Cargo.toml`, e.g. `0.1.0`.
    pub version: String,
}

impl AppInfo {
    /// The information of this build.
    pub fn current() -> Self {
        Self {
            name: PRODUCT_NAME.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn current_names_the_product_and_the_workspace_version() {
        let info = AppInfo::current();
        assert_eq!(info.name, "TenantAtlas");
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        let parts: Vec<&str> = info.version.split('.').collect();
        assert_eq!(
            parts.len(),
            3,
            "version {:?} is not MAJOR.MINOR.PATCH",
            info.version
        );
        assert!(parts.iter().all(|p| p.parse::<u64>().is_ok()));
    }

    #[test]
    fn serializes_as_the_ui_expects() {
        let json = serde_json::to_value(AppInfo::current()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "name": "TenantAtlas", "version": env!("CARGO_PKG_VERSION") })
        );
    }

    #[test]
    fn tauri_conf_uses_the_same_product_name_and_no_version_of_its_own() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(conf["productName"], PRODUCT_NAME);
        assert_eq!(conf["app"]["windows"][0]["title"], PRODUCT_NAME);
        // Without a `version` key Tauri takes the Cargo version, so there is one source of truth.
        assert!(conf.get("version").is_none());
    }

    /// The UI imports the generated type from `ui/src/lib/ipc/bindings/`; this test fails
    /// when the Rust type changed and the committed TypeScript did not.
    #[test]
    fn typescript_binding_is_current() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../ui/src/lib/ipc/bindings")
            .join(format!("{}.ts", AppInfo::name(&ts_rs::Config::default())));
        let generated = AppInfo::export_to_string(&ts_rs::Config::default()).unwrap();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date; run `UPDATE_BINDINGS=1 cargo test -p tenantatlas-desktop` and commit it",
            path.display()
        );
    }
}
