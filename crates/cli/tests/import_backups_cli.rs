//! End to end through the real binary: `import --tenant T FOLDER` of the IntuneCD fixture as a
//! new offline tenant, its summary in a few lines and as JSON, and one-line refusals.

mod common;

use common::CliEnv;
use std::path::Path;

fn fixture() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/CES2026-IntuneCD/Backup")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_intunecd_backup_imports_as_an_offline_tenant() {
    let env = CliEnv::new();
    let folder = fixture();
    let folder = folder.to_str().unwrap();
    let out = env
        .run(&[
            "import",
            "--tenant",
            "legacy.contoso.com",
            folder,
            "--taken-at",
            "2026-11-30",
        ])
        .await;
    out.assert_success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(
        lines[0].starts_with("Imported 42 objects of 11 kinds from IntuneCD backup")
            && lines[0].ends_with(
                "as a snapshot of legacy.contoso.com (a new offline tenant) taken 2026-11-30."
            ),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("Skipped 9 files: 7 script or payload files"),
        "{}",
        lines[2]
    );

    // Again: nothing added, said in one line; JSON with counts by reason.
    let again = env
        .json(&[
            "import",
            "--tenant",
            "legacy.contoso.com",
            folder,
            "--taken-at",
            "2026-11-30",
        ])
        .await;
    assert_eq!(again["already_imported"], true);
    assert_eq!(again["format"], "intunecd");
    assert_eq!(again["skipped"]["by_reason"]["not_a_kind"], 2);
    assert_eq!(again["kinds"]["configurationPolicies"], 9);

    // Refusals: one line each.
    let bad_date = env
        .run(&[
            "import",
            "--tenant",
            "x.example",
            folder,
            "--taken-at",
            "soon",
        ])
        .await;
    assert!(bad_date
        .only_error_line()
        .contains("--taken-at 'soon' is not a date"));
    let not_folder = env
        .run(&["import", "--tenant", "x.example", "/nonexistent/backup"])
        .await;
    assert!(not_folder
        .only_error_line()
        .contains("cannot read /nonexistent/backup"));
}
