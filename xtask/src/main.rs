//! `cargo xtask …`: the project's own set-up and checks, so that a fresh machine needs nothing but
//! Rust, Node and Python to run the two Quick-start commands.
//!
//! - `cargo xtask demo`  — builds and runs the demo on the embedded simulated cloud.
//! - `cargo xtask test`  — installs what is missing, then runs every check: fmt, clippy, the UI's
//!   lint/type-check/unit tests, all Rust tests (including MSAL against the simulator), and a
//!   real-window test of the desktop app under Xvfb.
//! - `cargo xtask setup` — only the installation part of `test`.
//! - `cargo xtask bench` — the benchmarks, printing their figures.
//!
//! It has no dependencies on purpose: it must build before anything else is installed.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// Debian packages the workspace needs (WebKitGTK for Tauri, Xvfb and WebKitWebDriver for the
/// real-window test, poppler/qpdf for PDF checks, keyring tools for the keychain tests).
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "curl",
    "wget",
    "file",
    "libssl-dev",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libdbus-1-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "xdotool",
    "imagemagick",
    "poppler-utils",
    "qpdf",
    "fonts-dejavu-core",
    "keyutils",
    "gnome-keyring",
    "dbus-bin",
];

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("test") => setup(&root).and_then(|()| test(&root)),
        Some("setup") => setup(&root),
        Some("demo") => demo(&root, &args[1..]),
        Some("bench") => bench(&root),
        _ => Err("usage: cargo xtask (demo | test | setup | bench)".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn step(name: &str) {
    eprintln!("\n==> {name}");
}

fn run(root: &Path, program: &str, args: &[&str]) -> Result {
    run_env(root, program, args, &[])
}

fn run_env(root: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !status.success() {
        return Err(format!("`{program} {}` failed ({status})", args.join(" ")));
    }
    eprintln!(
        "    ({program} {} took {:.1}s)",
        args.first().unwrap_or(&""),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program} >/dev/null 2>&1")])
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn setup(root: &Path) -> Result {
    step("system packages");
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            !Command::new("dpkg-query")
                .args(["-W", "-f=${Status}", p])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        eprintln!("    all {} packages present", APT_PACKAGES.len());
    } else if is_root() && have("apt-get") {
        run(root, "apt-get", &["update", "-qq"])?;
        let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
        args.extend(missing.iter().copied());
        run_env(
            root,
            "apt-get",
            &args,
            &[("DEBIAN_FRONTEND", "noninteractive")],
        )?;
    } else {
        return Err(format!(
            "missing system packages; install them with: sudo apt-get install -y {}",
            missing.join(" ")
        ));
    }

    step("UI packages (npm ci)");
    if !root.join("ui/node_modules/.package-lock.json").exists()
        || modified(&root.join("ui/package-lock.json"))
            > modified(&root.join("ui/node_modules/.package-lock.json"))
    {
        run(
            root,
            "npm",
            &["ci", "--prefix", "ui", "--no-audit", "--no-fund"],
        )?;
    } else {
        eprintln!("    up to date");
    }

    step("cargo tools");
    let cargo_bin = cargo_home().join("bin");
    if !cargo_bin.join("tauri-driver").exists() && !have("tauri-driver") {
        run(
            root,
            "cargo",
            &["install", "tauri-driver", "--locked", "--version", "^2"],
        )?;
    } else {
        eprintln!("    tauri-driver present");
    }
    if !have("cargo-nextest") && !cargo_bin.join("cargo-nextest").exists() {
        run(root, "cargo", &["install", "cargo-nextest", "--locked"])?;
    } else {
        eprintln!("    cargo-nextest present");
    }
    Ok(())
}

fn cargo_home() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var("HOME").unwrap_or_default()).join(".cargo"))
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
}

fn test(root: &Path) -> Result {
    let started = Instant::now();
    step("UI build (the desktop app embeds ui/dist)");
    run(root, "npm", &["run", "--prefix", "ui", "build"])?;
    step("rustfmt");
    run(root, "cargo", &["fmt", "--all", "--check"])?;
    step("clippy");
    run(
        root,
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    step("UI lint, type-check and unit tests");
    run(root, "npm", &["run", "--prefix", "ui", "lint"])?;
    run(root, "npm", &["run", "--prefix", "ui", "check"])?;
    run(root, "npm", &["run", "--prefix", "ui", "test"])?;
    step("Rust tests (unit, crate, end-to-end, MSAL against the simulator)");
    run(
        root,
        "cargo",
        &[
            "nextest",
            "run",
            "--workspace",
            "--locked",
            "--no-fail-fast",
        ],
    )?;
    run(root, "cargo", &["test", "--workspace", "--doc", "--locked"])?;
    step("desktop app in a real window");
    run(
        root,
        "cargo",
        &[
            "build",
            "-p",
            "tenantatlas-desktop",
            "--features",
            "tauri/custom-protocol",
            "--locked",
        ],
    )?;
    run(
        root,
        "bash",
        &["scripts/desktop-smoke.sh", "target/desktop-smoke.png"],
    )?;
    eprintln!(
        "\nall checks passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn demo(root: &Path, extra: &[String]) -> Result {
    let mut args = vec![
        "run",
        "--quiet",
        "-p",
        "tenantatlas-cli",
        "--bin",
        "tenantatlas",
        "--",
        "demo",
    ];
    args.extend(extra.iter().map(String::as_str));
    run(root, "cargo", &args)
}

fn bench(root: &Path) -> Result {
    step("simulator start-up and memory (50 tenants × 300 objects)");
    run(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "tenantatlas-cli",
            "--bench",
            "sim_startup",
            "--locked",
        ],
    )?;
    step("drift of 100 tenants × 300 objects against one baseline");
    run(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "tenantatlas-engine",
            "--bench",
            "drift",
            "--locked",
        ],
    )
}
