//! Writes the sample review pack to a file, and says how long it took and how big it is.
//!
//! `cargo run --release -p tenantatlas-report --example sample_pack -- out.pdf [findings]`:
//! the optional second argument sets the number of rows in the findings table (default 60),
//! for measuring long tables.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "review-pack.pdf".to_string());
    let findings = match args.next() {
        Some(n) => n.parse()?,
        None => 60,
    };
    let doc = tenantatlas_report::pdf::sample_with_findings(findings);
    let start = Instant::now();
    let bytes = tenantatlas_report::pdf::render(&doc)?;
    let took = start.elapsed();
    std::fs::write(&path, &bytes)?;
    println!(
        "{path}: {} bytes, {findings} findings, rendered in {:.1} ms",
        bytes.len(),
        took.as_secs_f64() * 1000.0
    );
    Ok(())
}
