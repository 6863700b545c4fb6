//! Input files cannot hang the product or exhaust its memory (issue 10, reproduction 4), through
//! the real binary: `baseline create --from-file` on a folder whose symbolic links loop (`a -> .`,
//! `b -> .`), on a folder linking to itself (`self -> .`: no object twice), on a FIFO (never
//! opened), on `/dev/urandom` (never read) and on a file over the size limit (its own error).
//!
//! Each command runs under a bounded timeout that fails the test instead of letting it hang; the
//! timeout is far beyond what the command needs and is never a measure of speed.
#![cfg(unix)]

mod common;

use common::{CliEnv, Outcome};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Far beyond the second these commands take; only there so that a hang fails the test.
const HANG_GUARD: Duration = Duration::from_secs(90);

/// One policy as Graph JSON, as IntuneCD or Graph Explorer export it.
fn write_policy(dir: &Path, name: &str) {
    let policy = json!({
        "@odata.type": "#microsoft.graph.windows10GeneralConfiguration",
        "displayName": name,
        "passwordRequired": true,
    });
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec(&policy).unwrap(),
    )
    .unwrap();
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

/// `baseline create NAME --from-file PATH --json`, failing the test if it does not end in time.
async fn create_from(cli: &CliEnv, name: &str, path: &Path) -> Outcome {
    let args = [
        "baseline",
        "create",
        name,
        "--from-file",
        path.to_str().unwrap(),
        "--json",
    ];
    tokio::time::timeout(HANG_GUARD, cli.run(&args))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "`tenantatlas {}` did not end within {HANG_GUARD:?}",
                args.join(" ")
            )
        })
}

/// The objects of the one baseline a successful `baseline create --json` printed.
fn objects(outcome: &Outcome) -> u64 {
    let created: Value = outcome.json();
    created[0]["objects"]
        .as_u64()
        .unwrap_or_else(|| panic!("objects in {created}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_whose_links_loop_is_read_once() {
    let cli = CliEnv::new();
    let dir = cli.root.path().join("export");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, "MSP - Win - Loop");
    std::os::unix::fs::symlink(".", dir.join("a")).unwrap();
    std::os::unix::fs::symlink(".", dir.join("b")).unwrap();
    let outcome = create_from(&cli, "Looped", &dir).await;
    assert_eq!(objects(&outcome), 1, "{}", outcome.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_linking_to_itself_adds_no_object_twice() {
    let cli = CliEnv::new();
    let dir = cli.root.path().join("export");
    std::fs::create_dir_all(dir.join("Device Configurations")).unwrap();
    write_policy(&dir.join("Device Configurations"), "MSP - Win - One");
    write_policy(&dir, "MSP - Win - Two");
    std::os::unix::fs::symlink(".", dir.join("self")).unwrap();
    // A second name for a file is the same file.
    std::os::unix::fs::symlink("MSP - Win - Two.json", dir.join("again.json")).unwrap();
    let outcome = create_from(&cli, "Self", &dir).await;
    assert_eq!(objects(&outcome), 2, "{}", outcome.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifo_is_refused_unopened() {
    let cli = CliEnv::new();
    let fifo = cli.root.path().join("policy.json");
    mkfifo(&fifo);
    let line = create_from(&cli, "Piped", &fifo).await.only_error_line();
    assert!(
        line.contains("is a FIFO (named pipe), not a regular file"),
        "{line}"
    );

    // In a folder, a FIFO is left out (and said so); the policies beside it are read.
    let dir = cli.root.path().join("export");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, "MSP - Win - Beside a pipe");
    mkfifo(&dir.join("pipe.json"));
    let outcome = create_from(&CliEnv::new(), "Beside", &dir).await;
    assert_eq!(objects(&outcome), 1, "{}", outcome.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_is_refused_unread() {
    let cli = CliEnv::new();
    let line = create_from(&cli, "Random", Path::new("/dev/urandom"))
        .await
        .only_error_line();
    assert!(
        line.contains("/dev/urandom is a device, not a regular file"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_over_the_size_limit_has_its_own_error() {
    let cli = CliEnv::new();
    let dir = cli.root.path().join("export");
    std::fs::create_dir(&dir).unwrap();
    write_policy(&dir, "MSP - Win - Small");
    // Sparse: 33 MiB that take no room on disk.
    let big = dir.join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(33 * 1024 * 1024)
        .unwrap();
    let line = create_from(&cli, "Big", &big).await.only_error_line();
    assert!(
        line.contains("big.json is larger than 32 MiB, the most TenantAtlas reads from one file"),
        "{line}"
    );
    // In a folder too: a baseline silently missing a policy would be worse than none.
    let line = create_from(&CliEnv::new(), "Big folder", &dir)
        .await
        .only_error_line();
    assert!(line.contains("is larger than 32 MiB"), "{line}");
}
