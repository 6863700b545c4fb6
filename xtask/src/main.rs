//! `cargo xtask …`: the project's own set-up and checks, so that a fresh machine needs nothing but
//! Rust, Node and Python to run the two Quick-start commands.
//!
//! - `cargo xtask demo`  — installs the system packages the build needs, then, where there is a
//!   display, builds the UI and the desktop app and opens it on the demo portfolio (the embedded
//!   simulated cloud); elsewhere (or with `--terminal`) builds the command line and runs its demo.
//! - `cargo xtask test`  — checks that nothing reads outside the repository, installs what is
//!   missing, then runs every check: fmt, clippy, the UI's lint/type-check/unit tests, all Rust
//!   tests (including MSAL against the simulator), and a real-window test of the desktop app under
//!   Xvfb.
//! - `cargo xtask ci`    — what `.ci/run` runs: `test` in a fresh clone of HEAD in a temporary
//!   folder, so that CI sees what a user who clones the repository gets (`--dry-run`: clone, say
//!   what would run, remove the clone; `--keep`: leave the clone).
//! - `cargo xtask setup` — only the installation part of `test`.
//! - `cargo xtask self-contained` — only the first check of `test`.
//! - `cargo xtask bench` — the benchmarks, printing their figures.
//! - `cargo xtask screenshots` — the real-window tests, saving their screenshots into `docs/`.
//!
//! It has no dependencies on purpose: it must build before anything else is installed.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Instant, SystemTime};

/// Debian packages building the command line needs (a C compiler and make for ring and the
/// vendored OpenSSL of SQLCipher, pkg-config and D-Bus headers for the keychain crate): all
/// `cargo xtask demo` installs.
const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libssl-dev",
    "libdbus-1-dev",
];

/// What building and showing the desktop app needs beyond [`BUILD_PACKAGES`] (WebKitGTK and what
/// Tauri links): `cargo xtask demo` installs them where there is a display.
const DESKTOP_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
];

/// The other Debian packages `cargo xtask test` needs (WebKitGTK for Tauri, Xvfb and
/// WebKitWebDriver for the real-window test, poppler/qpdf/Ghostscript for PDF and PDF/A checks, openssl and unzip
/// for checking evidence bundles without TenantAtlas, keyring tools for the
/// keychain tests, git for `cargo xtask ci`'s clone).
const CHECK_PACKAGES: &[&str] = &[
    "curl",
    "wget",
    "file",
    "git",
    "fontconfig",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "xdotool",
    "imagemagick",
    "poppler-utils",
    "qpdf",
    "ghostscript",
    "openssl",
    "unzip",
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
        Some("test") => self_contained(&root)
            .and_then(|()| setup(&root))
            .and_then(|()| test(&root)),
        Some("ci") => ci(&root, &args[1..]),
        Some("setup") => setup(&root),
        Some("self-contained") => self_contained(&root),
        Some("demo") => demo(&root, &args[1..]),
        Some("bench") => bench(&root),
        Some("screenshots") => screenshots(&root),
        _ => Err(
            "usage: cargo xtask (demo | test | ci [--dry-run] [--keep] | setup | self-contained | bench | screenshots)"
                .to_string(),
        ),
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
    // `cargo run` says where xtask's manifest is now; the path compiled in is where it was built,
    // which is wrong when two checkouts share a target folder (CI's clone shares the caller's).
    let manifest = env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest
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

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` if set (relative to the project root, where
/// xtask runs cargo), else `target/`.
fn target_dir(root: &Path) -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| format!("{} is not UTF-8", path.display()))
}

fn setup(root: &Path) -> Result {
    let all: Vec<&str> = BUILD_PACKAGES
        .iter()
        .chain(CHECK_PACKAGES)
        .copied()
        .collect();
    system_packages(root, &all)?;
    ui_packages(root)?;
    cargo_tools(root)
}

/// Installs those of `packages` that are missing (as root, with apt-get), or says how to.
fn system_packages(root: &Path, packages: &[&str]) -> Result {
    step("system packages");
    if !have("dpkg-query") {
        eprintln!(
            "    not Debian/Ubuntu (no dpkg-query): the equivalents of {} must be installed already",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages
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
        eprintln!("    all {} packages present", packages.len());
    } else if is_root() && have("apt-get") {
        eprintln!("    installing {}", missing.join(" "));
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
    Ok(())
}

fn ui_packages(root: &Path) -> Result {
    step("UI packages (npm ci)");
    if !root.join("ui/node_modules/.package-lock.json").exists()
        || modified(&root.join("ui/package-lock.json"))
            > modified(&root.join("ui/node_modules/.package-lock.json"))
    {
        run(
            root,
            "npm",
            &["ci", "--prefix", "ui", "--no-audit", "--no-fund"],
        )
    } else {
        eprintln!("    up to date");
        Ok(())
    }
}

fn cargo_tools(root: &Path) -> Result {
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

/// Folders whose files may mention what lies beside the repository (documentation, and the
/// fixtures' own notes on where they came from): every other file must not refer to it.
const NOT_CHECKED_DIRS: &[&str] = &["docs", "tests/fixtures"];

/// What such a reference looks like: the folder of shared notes and fixtures that sits beside the
/// project on the machines it was started on, and that a clone does not have. Written in two parts
/// so that this file does not match itself.
const OUTSIDE_REFERENCES: &[&str] = &[concat!("..", "/shared"), concat!("shared", "/fixtures")];

/// Fails, naming file and line, if a file of the repository (outside `NOT_CHECKED_DIRS`) refers to
/// a folder beside it. Checks the files git knows (tracked, and new ones not ignored), or every
/// file outside `node_modules`, `target` and `dist` where git cannot say.
fn self_contained(root: &Path) -> Result {
    step("self-contained (nothing reads outside the repository)");
    let files = match git_files(root) {
        Some(files) => files,
        None => {
            let mut files = Vec::new();
            walk(root, Path::new(""), &mut files);
            files
        }
    };
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| !NOT_CHECKED_DIRS.iter().any(|d| f.starts_with(d)))
        .collect();
    let mut hits = Vec::new();
    for rel in &files {
        // A tracked file deleted in the working tree has nothing to check.
        let Ok(bytes) = fs::read(root.join(rel)) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        for (n, line) in text.lines().enumerate() {
            if let Some(found) = OUTSIDE_REFERENCES.iter().find(|p| line.contains(**p)) {
                hits.push(format!(
                    "{}:{}: `{found}` in: {}",
                    rel.display(),
                    n + 1,
                    line.trim()
                ));
            }
        }
    }
    if hits.is_empty() {
        eprintln!("    {} files checked", files.len());
        return Ok(());
    }
    Err(format!(
        "{} line(s) refer to a folder beside the repository, which a fresh clone does not have; \
         test data belongs in tests/fixtures/ (from a crate: CARGO_MANIFEST_DIR/../../tests/fixtures):\n  {}",
        hits.len(),
        hits.join("\n  ")
    ))
}

/// The files of the repository git knows, or `None` outside a git repository.
fn git_files(root: &Path) -> Option<Vec<PathBuf>> {
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .envs(GIT_SAFE_DIRECTORY)
        .current_dir(root)
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let mut files: Vec<PathBuf> = String::from_utf8_lossy(&output.stdout)
        .split('\0')
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .collect();
    files.dedup();
    Some(files)
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let skipped = matches!(
            name.to_str(),
            Some("node_modules" | "target" | "dist" | ".git")
        );
        let path = rel.join(&name);
        match entry.file_type() {
            Ok(t) if t.is_dir() && !skipped => walk(root, &path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn cargo_home() -> PathBuf {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env::var("HOME").unwrap_or_default()).join(".cargo"))
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
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
    step("the desktop app in a real window (tests/window: Xvfb, tauri-driver, WebKitWebDriver)");
    build_for_window_tests(root)?;
    window_tests(root, None)?;
    eprintln!(
        "\nall checks passed in {:.0}s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Builds the desktop app with the UI embedded (its default feature; `ui/dist` must be built) and
/// answers its path.
fn build_desktop(root: &Path) -> Result<PathBuf> {
    run(
        root,
        "cargo",
        &["build", "-p", "tenantatlas-desktop", "--locked"],
    )?;
    Ok(target_dir(root)
        .join("debug")
        .join(format!("tenantatlas-desktop{}", env::consts::EXE_SUFFIX)))
}

/// What the real-window tests start: the desktop app, and the command line (its `sim`).
fn build_for_window_tests(root: &Path) -> Result {
    build_desktop(root)?;
    run(
        root,
        "cargo",
        &["build", "-p", "tenantatlas-cli", "--locked"],
    )
}

/// The whole-product tests of the app in `tests/window/`, one file after another (each starts
/// its own X server and app); screenshots go to `shots` (default: the target folder's
/// `window-shots/`).
fn window_tests(root: &Path, shots: Option<&Path>) -> Result {
    let dir = root.join("tests").join("window");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("tests/window/{name}"))
        .collect();
    files.sort();
    let mut args = vec!["--test", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));
    let shots = shots.map(path_str).transpose()?;
    let envs: Vec<(&str, &str)> = shots.iter().map(|s| ("TENANTATLAS_SHOTS", *s)).collect();
    run_env(root, "node", &args, &envs)
}

/// `cargo xtask screenshots`: the real-window tests, writing their screenshots into `docs/`.
fn screenshots(root: &Path) -> Result {
    step("UI build");
    run(root, "npm", &["run", "--prefix", "ui", "build"])?;
    step("the desktop app and the command line (its simulator)");
    build_for_window_tests(root)?;
    step("the real-window tests, screenshots into docs/");
    window_tests(root, Some(&root.join("docs")))
}

fn demo(root: &Path, extra: &[String]) -> Result {
    system_packages(root, BUILD_PACKAGES)?;
    // The desktop app where there is a screen to show it on; the terminal demo elsewhere (an SSH
    // session, a container), saying so. `--terminal` asks for the terminal demo anyway.
    let terminal = extra.iter().any(|a| a == "--terminal");
    let extra: Vec<&str> = extra
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--terminal")
        .collect();
    if !terminal && has_display() {
        system_packages(root, DESKTOP_PACKAGES)?;
        ui_packages(root)?;
        step("build the window's UI (npm run build)");
        run(root, "npm", &["run", "--prefix", "ui", "build"])?;
        step("build the desktop app (cargo build -p tenantatlas-desktop; minutes the first time)");
        let bin = build_desktop(root)?;
        step("demo: the desktop app on the demo portfolio (close the window to end)");
        return run(root, path_str(&bin)?, &["--demo"]);
    }
    if !terminal {
        eprintln!(
            "    no display here (neither DISPLAY nor WAYLAND_DISPLAY is set): the demo runs in the terminal; \
             on a desktop the same command opens the app"
        );
    }
    step("build the command line (cargo build -p tenantatlas-cli; minutes the first time)");
    run(
        root,
        "cargo",
        &[
            "build",
            "-p",
            "tenantatlas-cli",
            "--bin",
            "tenantatlas",
            "--locked",
        ],
    )?;
    let bin = target_dir(root)
        .join("debug")
        .join(format!("tenantatlas{}", env::consts::EXE_SUFFIX));
    step("demo");
    let mut args = vec!["demo"];
    args.extend(extra);
    run(root, path_str(&bin)?, &args)
}

/// Whether a window can be shown: always on Windows and macOS; on Linux and the BSDs when an X11
/// or Wayland display is set.
fn has_display() -> bool {
    if cfg!(any(target_os = "windows", target_os = "macos")) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| env::var_os(v).is_some_and(|d| !d.is_empty()))
}

/// `cargo xtask ci`: `cargo xtask test` in a fresh clone of HEAD, in a new temporary folder, so
/// that nothing outside the repository (no folder beside it, no ignored file, no uncommitted
/// change) can make the checks pass. System packages and cargo tools are installed first, here;
/// the clone installs its own UI packages (`test` runs `setup`).
///
/// The clone builds into `<target>/ci` (`<target>`: this repository's `target/` or
/// `CARGO_TARGET_DIR`), kept between runs so compiled dependencies are reused. Not `<target>`
/// itself: cargo names a workspace crate's artifacts by its path relative to the workspace, so
/// the clone's builds would replace this checkout's, which cargo would then take as up to date
/// (older sources) — with HEAD's code instead of uncommitted changes, and
/// `env!("CARGO_MANIFEST_DIR")` pointing into the deleted clone.
fn ci(root: &Path, args: &[String]) -> Result {
    let mut dry_run = false;
    let mut keep = false;
    for arg in args {
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            "--keep" => keep = true,
            other => {
                return Err(format!(
                    "unknown option {other}; usage: cargo xtask ci [--dry-run] [--keep]"
                ))
            }
        }
    }
    let started = Instant::now();
    if dry_run {
        step("system packages, cargo tools");
        eprintln!("    dry run: not installing anything");
    } else {
        let all: Vec<&str> = BUILD_PACKAGES
            .iter()
            .chain(CHECK_PACKAGES)
            .copied()
            .collect();
        system_packages(root, &all)?;
        cargo_tools(root)?;
    }

    let head = git_output(root, &["rev-parse", "HEAD"])?;
    let changes = git_output(root, &["status", "--porcelain", "--untracked-files=no"])?;
    // A folder of our own, with the clone one level down: nothing can sit beside the clone.
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let folder = env::temp_dir().join(format!("tenantatlas-ci-{}-{nanos}", std::process::id()));
    fs::create_dir(&folder).map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    let clone = folder.join("tenantatlas");
    let result = ci_in_clone(root, &clone, &head, &changes, dry_run);
    if keep {
        eprintln!("\n    the clone stays in {}", clone.display());
    } else if let Err(e) = fs::remove_dir_all(&folder) {
        eprintln!("    could not remove {}: {e}", folder.display());
    } else {
        eprintln!("\n    removed {}", folder.display());
    }
    eprintln!(
        "ci: {} in {:.0}s",
        if result.is_ok() { "passed" } else { "failed" },
        started.elapsed().as_secs_f64()
    );
    result
}

fn ci_in_clone(root: &Path, clone: &Path, head: &str, changes: &str, dry_run: bool) -> Result {
    step(&format!(
        "fresh clone of HEAD {head} in {}",
        clone.display()
    ));
    if !changes.is_empty() {
        eprintln!(
            "    note: {} uncommitted change(s) in {} are not part of this run",
            changes.lines().count(),
            root.display()
        );
    }
    let parent = clone.parent().expect("the clone is inside its folder");
    run_env(
        parent,
        "git",
        &[
            "clone",
            "--quiet",
            "--no-checkout",
            path_str(root)?,
            path_str(clone)?,
        ],
        &GIT_SAFE_DIRECTORY,
    )?;
    // HEAD itself, also when it is detached and on no branch.
    run_env(
        clone,
        "git",
        &["fetch", "--quiet", path_str(root)?, "HEAD"],
        &GIT_SAFE_DIRECTORY,
    )?;
    run_env(
        clone,
        "git",
        &["checkout", "--quiet", "--detach", head],
        &GIT_SAFE_DIRECTORY,
    )?;
    let checked_out = git_output(clone, &["rev-parse", "HEAD"])?;
    if checked_out != head {
        return Err(format!("the clone is at {checked_out}, not at HEAD {head}"));
    }
    let beside = parent.join("shared");
    if beside.exists() {
        return Err(format!("{} exists beside the clone", beside.display()));
    }
    let target = target_dir(root).join("ci");
    let target = path_str(&target)?;
    step(&format!(
        "cargo xtask test in {} (CARGO_TARGET_DIR={target})",
        clone.display()
    ));
    if dry_run {
        eprintln!(
            "    dry run: would run `cargo xtask test` in {} with CARGO_TARGET_DIR={target}",
            clone.display()
        );
        return Ok(());
    }
    run_env(
        clone,
        "cargo",
        &["xtask", "test"],
        &[("CARGO_TARGET_DIR", target)],
    )
}

/// Git refuses a repository another user owns ("dubious ownership"), which a CI runner's
/// checkout often is when the job runs as root; these checks only read it and clone it.
const GIT_SAFE_DIRECTORY: [(&str, &str); 3] = [
    ("GIT_CONFIG_COUNT", "1"),
    ("GIT_CONFIG_KEY_0", "safe.directory"),
    ("GIT_CONFIG_VALUE_0", "*"),
];

fn git_output(dir: &Path, args: &[&str]) -> Result<String> {
    let output = Command::new("git")
        .args(args)
        .envs(GIT_SAFE_DIRECTORY)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`git {}` in {} failed: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
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
    step("sync of 100 tenants × 300 objects with 20 ms latency: first sync and unchanged re-sync, against a naive strategy");
    run(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "tenantatlas-engine",
            "--bench",
            "sync",
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
    )?;
    step(
        "review packs of a 300- and a 3,000-object tenant, and the portfolio report of 100 tenants",
    );
    run(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "tenantatlas-engine",
            "--bench",
            "report",
            "--locked",
        ],
    )?;
    step("search across 100 tenants × 300 objects: the first query (which indexes) and warm ones");
    run(
        root,
        "cargo",
        &[
            "bench",
            "-p",
            "tenantatlas-engine",
            "--bench",
            "search",
            "--locked",
        ],
    )?;
    step("the desktop app in a real window: cold start to first paint, the demo portfolio, memory, the Findings workbench with ~20,000 findings");
    run(root, "npm", &["run", "--prefix", "ui", "build"])?;
    build_desktop(root)?;
    let findings =
        env::temp_dir().join(format!("tenantatlas-bench-findings-{}", std::process::id()));
    let _ = fs::remove_dir_all(&findings);
    let made = run(
        root,
        "cargo",
        &[
            "run",
            "-q",
            "-p",
            "tenantatlas-engine",
            "--example",
            "findings_workspace",
            "--locked",
            "--",
            path_str(&findings)?,
        ],
    )
    .and_then(|()| {
        run(
            root,
            "node",
            &["tests/window/bench.mjs", "3", path_str(&findings)?],
        )
    });
    let _ = fs::remove_dir_all(&findings);
    made
}
