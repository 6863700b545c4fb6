//! What a front door needs to know before it opens a workspace: whether one exists in a folder,
//! how its key is protected, and whether the OS keychain answers (the desktop app's first-run
//! screen). Nothing here opens the database or touches a key.

use std::path::Path;
use tenantatlas_store::workspace::META_FILE;
pub use tenantatlas_store::KeySource;
use tenantatlas_store::WorkspaceMeta;

/// A workspace found in a folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FoundWorkspace {
    /// Where its key comes from; `None` when `workspace.json` cannot be read, which opening the
    /// workspace will explain.
    pub key_source: Option<KeySource>,
}

/// The workspace in `dir`, if there is one. Reads only `workspace.json`.
pub fn find_workspace(dir: &Path) -> Option<FoundWorkspace> {
    let meta = dir.join(META_FILE);
    if !meta.is_file() {
        return None;
    }
    let key_source = std::fs::read(&meta)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<WorkspaceMeta>(&bytes).ok())
        .map(|m| m.key_source);
    Some(FoundWorkspace { key_source })
}

/// Whether the OS keychain answers, so a new workspace can keep its key there. May block on the
/// platform's keychain service: call it from a blocking task.
pub fn keychain_available() -> bool {
    tenantatlas_store::keys::keychain_available()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_workspace_json_holds_no_workspace() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(find_workspace(dir.path()), None);
        assert_eq!(find_workspace(&dir.path().join("missing")), None);
    }

    #[test]
    fn workspace_json_says_how_the_key_is_protected() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(META_FILE),
            r#"{"format":1,"workspace_id":"w","key_source":"passphrase","key_check":"00","created_at":"2026-01-01T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(
            find_workspace(dir.path()),
            Some(FoundWorkspace {
                key_source: Some(KeySource::Passphrase)
            })
        );
        std::fs::write(dir.path().join(META_FILE), "garbage").unwrap();
        assert_eq!(
            find_workspace(dir.path()),
            Some(FoundWorkspace { key_source: None })
        );
    }
}
