//! Exports from the window: a table the person sees, as a CSV file in their Downloads folder.
//!
//! The web view cannot save files itself (and may not choose where): the UI hands the CSV text
//! and a file name; the name is reduced to a plain file name, the text bounded, and an existing
//! file is never replaced — a number is added instead.

use crate::ipc::{CommandError, ErrorCode};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The largest export accepted: far above 20,000 findings, far below what would hurt.
const MAX_EXPORT_BYTES: usize = 64 * 1024 * 1024;

/// Where an export was written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
}

/// The user's Downloads folder: `XDG_DOWNLOAD_DIR` from the environment or `user-dirs.dirs`,
/// else `~/Downloads` (what Windows and macOS use too).
pub fn downloads_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("XDG_DOWNLOAD_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)?;
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".config"));
    if let Ok(dirs) = std::fs::read_to_string(config.join("user-dirs.dirs")) {
        for line in dirs.lines() {
            if let Some(value) = line.trim().strip_prefix("XDG_DOWNLOAD_DIR=") {
                let value = value.trim_matches('"');
                let path = match value.strip_prefix("$HOME") {
                    Some(rest) => home.join(rest.trim_start_matches('/')),
                    None => PathBuf::from(value),
                };
                if path.is_absolute() {
                    return Some(path);
                }
            }
        }
    }
    Some(home.join("Downloads"))
}

/// A name safe as one file name: letters, digits, `-`, `_` and `.` kept, the rest `-`, no
/// leading dot, at most 80 characters, ending `.csv`.
fn file_name(wanted: &str) -> String {
    let stem = wanted.trim().trim_end_matches(".csv");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    name = name.trim_start_matches('.').to_string();
    if name.is_empty() {
        name = "tenantatlas-export".to_string();
    }
    format!("{name}.csv")
}

/// Writes `content` as `name` in `dir`, never replacing a file: `name (2).csv` and so on.
pub fn save_new(dir: &Path, name: &str, content: &str) -> Result<PathBuf, CommandError> {
    if content.len() > MAX_EXPORT_BYTES {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!(
                "the export is larger than {} MiB; filter the table first",
                MAX_EXPORT_BYTES / 1024 / 1024
            ),
        ));
    }
    let failed = |e: std::io::Error, path: &Path| {
        CommandError::new(
            ErrorCode::Workspace,
            format!(
                "cannot write {}: {e}; check that the folder exists and is writable",
                path.display()
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| failed(e, dir))?;
    let name = file_name(name);
    let stem = name.trim_end_matches(".csv");
    for n in 1..1000 {
        let path = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem} ({n}).csv"))
        };
        // create_new: an existing file (or a link planted there) is never written through; the
        // export holds tenant configuration, so it is the user's alone (0600) as the workspace is.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                file.write_all(content.as_bytes())
                    .map_err(|e| failed(e, &path))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(failed(e, &path)),
        }
    }
    Err(CommandError::new(
        ErrorCode::InvalidInput,
        format!(
            "{} and 999 numbered copies already exist in {}; move some away",
            name,
            dir.display()
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_plain_file_names_and_nothing_is_replaced() {
        assert_eq!(file_name("findings 2026-12-05"), "findings-2026-12-05.csv");
        assert_eq!(file_name("../../etc/passwd"), "-..-etc-passwd.csv");
        assert_eq!(file_name(".hidden"), "hidden.csv");
        assert_eq!(file_name(""), "tenantatlas-export.csv");
        assert_eq!(file_name("runs.csv"), "runs.csv");
        let dir = tempfile::tempdir().unwrap();
        let first = save_new(dir.path(), "runs", "a,b\n").unwrap();
        let second = save_new(dir.path(), "runs", "c,d\n").unwrap();
        assert_eq!(first, dir.path().join("runs.csv"));
        assert_eq!(second, dir.path().join("runs (2).csv"));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "a,b\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "an export is the user's alone");
        }
        let too_big = "x".repeat(MAX_EXPORT_BYTES + 1);
        assert_eq!(
            save_new(dir.path(), "big", &too_big).unwrap_err().code,
            ErrorCode::InvalidInput
        );
    }
}
