//! Microsoft's own client, MSAL for Python (from PyPI, unpatched), signs in to the simulator with
//! the device-code flow, calls Graph, and refreshes silently — the proof that the simulated sign-in
//! is faithful enough for real clients — and reads a refresh token that lapsed after 90 days unused
//! as Entra's `invalid_grant`. The client id is the MSP's app registered in the generated portfolio
//! (`common::CLIENT_ID`). The test installs MSAL into `target/msal-…` on first use.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use tenantatlas_sim::state::Behaviour;
use tenantatlas_sim::SimConfig;
use tokio::io::{AsyncBufReadExt, BufReader};

const MSAL_VERSION: &str = "1.39.0";

/// A folder with MSAL installed (`pip install --target`), made once per checkout. It is staged and
/// renamed into place, so test processes running in parallel never see half an installation.
fn msal_packages() -> PathBuf {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    let packages = target.join(format!("msal-{MSAL_VERSION}"));
    if packages.join("msal").is_dir() {
        return packages;
    }
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let staging = target.join(format!("msal-staging-{}-{unique}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let status = std::process::Command::new("python3")
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "--target",
        ])
        .arg(&staging)
        .arg(format!("msal=={MSAL_VERSION}"))
        .status()
        .expect("python3 runs");
    assert!(
        status.success(),
        "installing msal=={MSAL_VERSION} from PyPI failed"
    );
    if std::fs::rename(&staging, &packages).is_err() {
        // Another test process installed it first.
        let _ = std::fs::remove_dir_all(&staging);
    }
    assert!(
        packages.join("msal").is_dir(),
        "msal is installed in {}",
        packages.display()
    );
    packages
}

async fn run_msal(
    sim: &common::TestSim,
    tenant: usize,
    approve_on_page: bool,
) -> serde_json::Value {
    let packages = msal_packages();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/msal/device_flow.py");
    let authority = format!(
        "{}/{}",
        sim.authority(),
        sim.handle.tenants()[tenant].domain
    );
    let mut child = tokio::process::Command::new("python3")
        .arg(script)
        .env("PYTHONPATH", &packages)
        .arg(&authority)
        .arg(sim.graph())
        .arg(common::CLIENT_ID)
        // Python's requests trusts exactly the simulator's CA for this run.
        .env("REQUESTS_CA_BUNDLE", sim.handle.ca_cert())
        .env("SSL_CERT_FILE", sim.handle.ca_cert())
        .env("CURL_CA_BUNDLE", sim.handle.ca_cert())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .expect("MSAL prints the device code within a minute")
        .unwrap();
    let Some(first) = first else {
        let out = child.wait_with_output().await.unwrap();
        panic!("MSAL ended early: {}", String::from_utf8_lossy(&out.stderr));
    };
    let started: serde_json::Value = serde_json::from_str(&first).unwrap();
    let user_code = started["user_code"].as_str().unwrap().to_string();
    assert!(started["verification_uri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    if approve_on_page {
        // A person opens the page, enters the code, picks the account and approves.
        let page = sim
            .client
            .post(started["verification_uri"].as_str().unwrap())
            .form(&[("user_code", user_code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        let admin = sim.handle.sim.world().tenants[tenant]
            .admin()
            .user_principal_name
            .clone();
        assert!(
            html.contains(&admin),
            "the consent page offers the tenant's admin"
        );
        let done = sim
            .client
            .post(started["verification_uri"].as_str().unwrap())
            .form(&[
                ("user_code", user_code.as_str()),
                ("account", admin.as_str()),
                ("decision", "approve"),
            ])
            .send()
            .await
            .unwrap();
        assert!(done.text().await.unwrap().contains("signed in"));
    }
    let second = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
        .await
        .expect("MSAL finishes within a minute")
        .unwrap();
    let status = child.wait().await.unwrap();
    let mut stderr = String::new();
    if let Some(mut err) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        let _ = err.read_to_string(&mut stderr).await;
    }
    assert!(status.success(), "MSAL failed: {stderr}");
    serde_json::from_str(&second.expect("MSAL prints its result")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_signs_in_with_device_code_and_refreshes_silently() {
    let sim = common::start_with(SimConfig {
        tenants: 2,
        objects_per_tenant: 20,
        behaviour: Behaviour {
            auto_approve: false,
            device_code_interval: 1,
            ..Behaviour::default()
        },
        ..SimConfig::default()
    })
    .await;
    let result = run_msal(&sim, 0, true).await;
    assert_eq!(result["signed_in"], true);
    assert_eq!(result["tenant"], sim.tenant_id(0));
    assert_eq!(result["organization"], sim.handle.tenants()[0].name);
    assert_eq!(result["refreshed_token_works"], true);
    assert_eq!(result["token_source"], "identity_provider");
    let username = result["username"].as_str().unwrap();
    assert!(
        username.ends_with(&sim.handle.tenants()[0].domain),
        "{username}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_works_with_auto_approve() {
    let sim = common::start(1, 10).await;
    let result = run_msal(&sim, 0, false).await;
    assert_eq!(result["refreshed_token_works"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn msal_reads_a_refresh_token_unused_for_90_days_as_invalid_grant() {
    use tokio::io::AsyncWriteExt;
    let sim = common::start(1, 5).await;
    let packages = msal_packages();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/msal/lapse.py");
    let authority = format!("{}/{}", sim.authority(), sim.handle.tenants()[0].domain);
    let mut child = tokio::process::Command::new("python3")
        .arg(script)
        .env("PYTHONPATH", &packages)
        .arg(&authority)
        .arg(common::CLIENT_ID)
        .env("REQUESTS_CA_BUNDLE", sim.handle.ca_cert())
        .env("SSL_CERT_FILE", sim.handle.ca_cert())
        .env("CURL_CA_BUNDLE", sim.handle.ca_cert())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("python starts");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let minute = std::time::Duration::from_secs(60);
    let first = tokio::time::timeout(minute, lines.next_line())
        .await
        .expect("MSAL signs in within a minute")
        .unwrap();
    let Some(first) = first else {
        let out = child.wait_with_output().await.unwrap();
        panic!("MSAL ended early: {}", String::from_utf8_lossy(&out.stderr));
    };
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&first).unwrap()["signed_in"],
        true
    );
    sim.control(
        "clock",
        serde_json::json!({"advance_seconds": 91 * 24 * 3600}),
    )
    .await;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"go\n").await.unwrap();
    drop(stdin);
    let second = tokio::time::timeout(minute, lines.next_line())
        .await
        .expect("MSAL answers within a minute")
        .unwrap()
        .expect("MSAL prints what the refresh gave");
    let status = child.wait().await.unwrap();
    assert!(status.success());
    let result: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(result["access_token"], false, "{result}");
    assert_eq!(result["error"], "invalid_grant", "{result}");
    assert_eq!(
        result["error_codes"],
        serde_json::json!([700082]),
        "{result}"
    );
    assert!(result["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS700082: The refresh token has expired due to inactivity."));
}
