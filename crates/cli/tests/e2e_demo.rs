//! `tenantatlas demo`, as a new user meets it: its counts add up (what each simulated tenant
//! serves = what was captured + what was left out, with the reason), and the command it prints at
//! the end works exactly as printed, pasted into a shell.

mod common;

use common::CliEnv;
use std::collections::BTreeMap;

/// Rows of the table whose header line starts with `first_column` (two-space indented, columns
/// separated by two or more spaces), up to the first blank line; notes under it are left out.
fn table<'a>(stdout: &'a str, first_column: &str) -> Vec<Vec<&'a str>> {
    let mut lines = stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(first_column));
    lines
        .next()
        .unwrap_or_else(|| panic!("no {first_column} table:\n{stdout}"));
    lines
        .take_while(|l| l.starts_with("  ") && !l.trim().is_empty())
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with("Each tenant")
                && !l.starts_with("Not captured yet")
                && !l.starts_with("not checked")
        })
        .map(|l| {
            l.trim()
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect()
}

/// The numbers in parentheses of a "left out" cell: "Conditional Access policy (4), Named
/// location (2): consent lacks Policy.Read.All" → 6.
fn left_out(cell: &str) -> u64 {
    cell.split('(')
        .skip(1)
        .filter_map(|part| part.split(')').next()?.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_adds_up_and_its_hint_works_as_printed() {
    let cli = CliEnv::new();
    let out = cli.root.path().join("demo");
    let demo = cli
        .command(&["demo", "--out", out.to_str().unwrap()])
        .env_remove("TENANTATLAS_PASSPHRASE")
        .env_remove("TENANTATLAS_WORKSPACE")
        .run()
        .await;
    demo.assert_success();
    let stdout = &demo.stdout;

    // Served = captured + left out, tenant by tenant.
    let served: BTreeMap<&str, u64> = table(stdout, "customer")
        .iter()
        .map(|row| (row[0], row[2].parse().expect("configuration objects")))
        .collect();
    assert_eq!(served.len(), 8, "{stdout}");
    let synced = table(stdout, "synced");
    assert_eq!(synced.len(), 8, "{stdout}");
    let mut partial = 0;
    for row in &synced {
        let (name, objects, status, rest) = (row[0], row[1], row[5], row[6]);
        let objects: u64 = objects.parse().unwrap();
        assert_eq!(
            objects + left_out(rest),
            served[name],
            "{name}: {objects} captured + \"{rest}\" ≠ {} served",
            served[name]
        );
        if status == "partial" {
            partial += 1;
            assert!(rest.contains("consent lacks Policy.Read.All"), "{rest}");
        }
    }
    assert_eq!(
        partial, 1,
        "the portfolio has one tenant without Policy.Read.All"
    );
    assert!(
        stdout.contains("3 endpoint security templates"),
        "what is served but never captured is named: {stdout}"
    );
    // Every tenant-wide setting the simulator serves is captured now (device categories, Apple
    // and Android connections, partners, …): nothing is listed as not captured.
    assert!(
        !stdout.contains("Not captured yet"),
        "every tenant setting is captured: {stdout}"
    );

    // Scores with ratings; the tenant that could not be read fully is not perfect.
    let scores = table(stdout, "tenant");
    assert_eq!(scores.len(), 7, "{stdout}");
    assert!(scores
        .iter()
        .all(|r| r[1] != "100.0%" || r[0] == "Contoso Ltd"));
    assert!(
        stdout.contains("not checked in Société Générale Énergie: Conditional Access policy (4)")
    );

    // The closing hints, pasted into a shell as printed: the findings of the lowest score, then
    // the review pack's evidence checked as an auditor would.
    let hint = stdout
        .lines()
        .find(|l| l.contains("findings list"))
        .expect("a closing hint")
        .trim()
        .to_string();
    let verify = stdout
        .lines()
        .last()
        .expect("a verify hint")
        .trim()
        .to_string();
    assert!(
        verify.contains(" verify ") && verify.ends_with("review-pack.zip"),
        "{verify}"
    );
    let verified = cli
        .shell(&verify)
        .env_remove("TENANTATLAS_PASSPHRASE")
        .env_remove("TENANTATLAS_WORKSPACE")
        .run()
        .await;
    verified.assert_success();
    assert!(
        verified
            .stdout
            .contains("verified: a review pack of Fabrikam Inc"),
        "{}",
        verified.stdout
    );
    assert!(
        hint.starts_with("TENANTATLAS_PASSPHRASE=tenantatlas-demo /"),
        "{hint}"
    );
    let pasted = cli
        .shell(&hint)
        .env_remove("TENANTATLAS_PASSPHRASE")
        .env_remove("TENANTATLAS_WORKSPACE")
        .run()
        .await;
    pasted.assert_success();
    assert!(pasted.stdout.starts_with("finding"), "{}", pasted.stdout);
    assert!(pasted.stdout.contains("high"), "{}", pasted.stdout);
}
