//! Start-up time and memory of `tenantatlas sim --tenants 50 --objects 300` (release build):
//! time from spawn to the announcement line, resident memory once serving, and after a client has
//! listed every device configuration of every tenant. Prints figures; asserts nothing about speed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let binary = env!("CARGO_BIN_EXE_tenantatlas");
    let runs = 5;
    let mut startups = Vec::new();
    let mut rss = Vec::new();
    let mut peak = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args(["sim", "--tenants", "50", "--objects", "300", "--seed", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tenantatlas sim starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("announcement line");
        let elapsed = started.elapsed();
        assert!(
            line.contains("\"authority\""),
            "unexpected first line: {line}"
        );
        // Let the runtime settle before reading memory (not a synchronisation: only a reading).
        std::thread::sleep(Duration::from_millis(200));
        rss.push(status_kib(child.id(), "VmRSS:"));
        peak.push(status_kib(child.id(), "VmHWM:"));
        startups.push(elapsed);
        let _ = child.kill();
        let _ = child.wait();
    }
    startups.sort();
    rss.sort();
    peak.sort();
    let median = startups[runs / 2];
    println!("sim start-up, 50 tenants x 300 objects (15,000 objects), {runs} runs");
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
}
