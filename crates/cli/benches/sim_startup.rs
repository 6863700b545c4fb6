//! Start-up time and memory of `tenantatlas sim --tenants 50 --objects 300` (release build): time
//! from spawn to the announcement line, resident memory once serving, and resident memory after a
//! client signed in to every tenant (device code, approved at once) and listed every device
//! configuration of every tenant, page by page. Prints figures; asserts nothing about speed.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TENANTS: usize = 50;
/// Microsoft Graph Command Line Tools: the product's default public client.
const CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Signs in to every tenant and lists its device configurations (where its consent allows);
/// returns how many were listed.
async fn list_everything(announcement: &Value) -> usize {
    let pem = std::fs::read(announcement["ca_cert"].as_str().expect("ca_cert")).expect("CA file");
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("PEM"))
        .build()
        .expect("client");
    let authority = announcement["authority"].as_str().expect("authority");
    let graph = announcement["graph"].as_str().expect("graph");
    let mut listed = 0;
    for tenant in announcement["tenants"].as_array().expect("tenants") {
        let domain = tenant["domain"].as_str().expect("domain");
        // Some tenants' Conditional Access blocks device codes: lift the block through the
        // simulator's control endpoint (this measures the simulator, not the sign-in flows).
        if tenant["device_code_allowed"] == false {
            client
                .post(format!("{graph}/_sim/tenants/{domain}/device-code"))
                .json(&serde_json::json!({"allowed": true}))
                .send()
                .await
                .and_then(|r| r.error_for_status())
                .expect("device codes allowed");
        }
        let scope = "https://graph.microsoft.com/.default offline_access";
        let code: Value = client
            .post(format!("{authority}/{domain}/oauth2/v2.0/devicecode"))
            .form(&[("client_id", CLIENT_ID), ("scope", scope)])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("device code")
            .json()
            .await
            .expect("device code JSON");
        let token: Value = client
            .post(format!("{authority}/{domain}/oauth2/v2.0/token"))
            .form(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                ("client_id", CLIENT_ID),
                (
                    "device_code",
                    code["device_code"].as_str().expect("device_code"),
                ),
            ])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .expect("token (the simulator runs with --auto-approve)")
            .json()
            .await
            .expect("token JSON");
        let access = token["access_token"].as_str().expect("access_token");
        let mut next = Some(format!(
            "{graph}/beta/deviceManagement/deviceConfigurations"
        ));
        while let Some(url) = next.take() {
            let response = client
                .get(&url)
                .bearer_auth(access)
                .send()
                .await
                .expect("a page of device configurations");
            // A tenant whose consent lacks the permission (as some generated tenants' does).
            if response.status() == reqwest::StatusCode::FORBIDDEN {
                break;
            }
            let page: Value = response
                .error_for_status()
                .expect("a page of device configurations")
                .json()
                .await
                .expect("page JSON");
            listed += page["value"].as_array().map_or(0, Vec::len);
            next = page["@odata.nextLink"].as_str().map(str::to_string);
        }
    }
    listed
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_tenantatlas");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let runs = 5;
    let mut startups = Vec::new();
    let mut rss = Vec::new();
    let mut peak = Vec::new();
    let mut after = Vec::new();
    let mut listed = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args([
                "sim",
                "--tenants",
                &TENANTS.to_string(),
                "--objects",
                "300",
                "--seed",
                "1",
                "--auto-approve",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tenantatlas sim starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("announcement line");
        let elapsed = started.elapsed();
        let announcement: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("unexpected first line: {line}"));
        // Let the runtime settle before reading memory (not a synchronisation: only a reading).
        std::thread::sleep(Duration::from_millis(200));
        rss.push(status_kib(child.id(), "VmRSS:"));
        peak.push(status_kib(child.id(), "VmHWM:"));
        startups.push(elapsed);
        listed = runtime.block_on(list_everything(&announcement));
        after.push(status_kib(child.id(), "VmRSS:"));
        let _ = child.kill();
        let _ = child.wait();
    }
    startups.sort();
    rss.sort();
    peak.sort();
    after.sort();
    let median = startups[runs / 2];
    println!("sim start-up, {TENANTS} tenants x 300 objects (15,000 objects), {runs} runs");
    println!(
        "  time to announcement: median {:.0} ms (min {:.0} ms, max {:.0} ms)",
        median.as_secs_f64() * 1000.0,
        startups[0].as_secs_f64() * 1000.0,
        startups[runs - 1].as_secs_f64() * 1000.0
    );
    println!(
        "  resident memory when serving: median {:.1} MiB",
        rss[runs / 2] as f64 / 1024.0
    );
    println!(
        "  peak resident memory during start-up: median {:.1} MiB",
        peak[runs / 2] as f64 / 1024.0
    );
    println!(
        "  resident memory after signing in to every tenant and listing its {listed} device configurations: median {:.1} MiB",
        after[runs / 2] as f64 / 1024.0
    );
}
