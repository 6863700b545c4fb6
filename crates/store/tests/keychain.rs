//! The real OS keychain, through the same code path the product uses (no mock store).
//!
//! On Linux the keychain is the Secret Service on the D-Bus session bus. A headless machine (CI,
//! a container) has no session bus, so each test that needs one re-runs its own test binary
//! inside a private session with an unlocked gnome-keyring:
//! `dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; exec …'`
//! (Debian packages `dbus-bin` and `gnome-keyring`). The child gets scratch HOME/XDG folders, so
//! the throwaway keyring never touches the real user's.

use std::path::Path;
use std::process::Command;
use tenantatlas_store::{KeyOptions, KeySource, StoreError, Workspace};

/// Set in a child process: "you are the re-run; do the work instead of re-running again".
const CHILD_MARKER: &str = "TENANTATLAS_STORE_TEST_CHILD";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs test `name` of this binary again in a child process prepared by `prepare`, and asserts that
/// it ran (exactly one test) and passed.
fn rerun_in_child(name: &str, prepare: impl FnOnce(&mut Command, &Path)) {
    let exe = std::env::current_exe().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let mut command = Command::new(&exe);
    prepare(&mut command, &exe);
    for (var, sub) in [
        ("HOME", "home"),
        ("XDG_DATA_HOME", "data"),
        ("XDG_CACHE_HOME", "cache"),
        ("XDG_CONFIG_HOME", "config"),
    ] {
        let path = scratch.path().join(sub);
        std::fs::create_dir_all(&path).unwrap();
        command.env(var, path);
    }
    command
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD_MARKER, name);
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("could not start the child test process: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child run of {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        output.status
    );
}

fn is_child(name: &str) -> bool {
    std::env::var(CHILD_MARKER).is_ok_and(|v| v == name)
}

/// Makes `command` run inside a private D-Bus session with an unlocked Secret Service.
fn in_dbus_session(command: &mut Command, exe: &Path) {
    *command = Command::new("dbus-run-session");
    command.args([
        "--",
        "sh",
        "-c",
        "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec \"$0\" \"$@\"",
    ]);
    command.arg(exe);
}

#[test]
fn a_keychain_workspace_reopens_and_fails_clearly_without_its_key() {
    const NAME: &str = "a_keychain_workspace_reopens_and_fails_clearly_without_its_key";
    if cfg!(target_os = "linux")
        && !is_child(NAME)
        && std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none()
    {
        // `dbus-run-session` missing shows up as a failed child start with the reason.
        rerun_in_child(NAME, in_dbus_session);
        return;
    }
    runtime().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("workspace");
        let no_passphrase = KeyOptions::default();

        let ws = Workspace::open(&dir, &no_passphrase).await.unwrap();
        assert_eq!(ws.meta().key_source, KeySource::Keychain);
        assert!(ws.meta().kdf.is_none());
        let id = ws.id().to_string();
        sqlx::query("CREATE TABLE probe (x TEXT)")
            .execute(ws.pool())
            .await
            .unwrap();
        ws.close().await.unwrap();

        // The key sits where the product documents it: service "TenantAtlas", account "workspace-<id>".
        let entry = keyring::Entry::new("TenantAtlas", &format!("workspace-{id}")).unwrap();
        let stored = entry.get_password().unwrap();
        assert_eq!(stored.len(), 64);
        assert!(stored.chars().all(|c| c.is_ascii_hexdigit()));
        let json = std::fs::read_to_string(dir.join("workspace.json")).unwrap();
        assert!(
            !json.contains(&stored),
            "the key must not be in workspace.json"
        );

        // Reopening takes the key from the keychain; a passphrase in the environment does not
        // change where an existing workspace's key comes from.
        let ws = Workspace::open(&dir, &no_passphrase).await.unwrap();
        ws.close().await.unwrap();
        let with_passphrase = KeyOptions {
            passphrase: Some("ignored".to_string()),
        };
        Workspace::open(&dir, &with_passphrase)
            .await
            .unwrap()
            .close()
            .await
            .unwrap();

        // Another key under the same name does not open it.
        entry.set_password(&"00".repeat(32)).unwrap();
        let err = Workspace::open(&dir, &no_passphrase).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongKey), "{err}");

        // No key at all: one clear line naming the keychain entry.
        entry.delete_credential().unwrap();
        let err = Workspace::open(&dir, &no_passphrase).await.unwrap_err();
        assert!(
            matches!(err, StoreError::KeychainKeyMissing { .. }),
            "{err}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with("the OS keychain has no key for this workspace"),
            "{message}"
        );
        assert!(message.contains(&format!("workspace-{id}")), "{message}");
        assert!(!message.contains('\n'));
    });
}

#[cfg(target_os = "linux")]
#[test]
fn without_a_keychain_or_passphrase_a_new_workspace_fails_closed() {
    const NAME: &str = "without_a_keychain_or_passphrase_a_new_workspace_fails_closed";
    if !is_child(NAME) {
        // No session bus, and nothing libdbus could fall back to (X11 autolaunch, $XDG_RUNTIME_DIR/bus).
        rerun_in_child(NAME, |command, _| {
            for var in [
                "DBUS_SESSION_BUS_ADDRESS",
                "DISPLAY",
                "WAYLAND_DISPLAY",
                "XDG_RUNTIME_DIR",
            ] {
                command.env_remove(var);
            }
        });
        return;
    }
    runtime().block_on(async {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("workspace");
        let err = Workspace::open(&dir, &KeyOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoKeychain { .. }), "{err:?}");
        let message = err.to_string();
        println!("fail-closed message: {message}");
        assert!(
            message.starts_with("no OS keychain is available ("),
            "{message}"
        );
        assert!(
            message.ends_with(") and TENANTATLAS_PASSPHRASE is not set; set TENANTATLAS_PASSPHRASE to protect this workspace with a passphrase"),
            "{message}"
        );
        assert!(!message.contains('\n'));
        // Failing closed leaves nothing behind: no folder, no unprotected database.
        assert!(!dir.exists());
    });
}
