//! The secret rule on real exports: the fixtures (other people's real Intune backups) hold no
//! secret values, so redaction must leave every one of them exactly as it is — a rule that
//! hides settings would make review packs and diffs lie.

use serde_json::Value;
use std::path::{Path, PathBuf};
use tenantatlas_core::redact;

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures are readable") {
        let path = entry.expect("fixture entry").path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn real_exports_lose_no_setting_to_redaction() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    assert!(
        files.len() > 40,
        "fixtures missing under {}",
        root.display()
    );
    for file in files {
        let text = std::fs::read_to_string(&file).expect("fixture is UTF-8");
        let Ok(original) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let mut redacted = original.clone();
        let count = redact::secrets(&mut redacted);
        assert_eq!(
            count,
            0,
            "{} lost {count} value(s) to redaction",
            file.display()
        );
        assert_eq!(redacted, original, "{}", file.display());
    }
}
