//! Issue 10, reproduction 2, on the real binary: someone holding the workspace key rewrites the
//! audit log (an entry edited and the whole chain recomputed), cuts entries off its end, or edits
//! a finding's approver in the database. The chain alone cannot catch the first two; a signed
//! checkpoint kept outside the workspace does, and replaying the log against the findings catches
//! the third. Every entry names the real actor: the OS account, and the tenant account where a
//! sign-in was used.
//!
//! The attacker is played by the store crate used as a library, with the passphrase: exactly what
//! holding the key allows.

mod common;

use common::{CliEnv, TestSim, PASSPHRASE};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tenantatlas_store::checkpoints::create_checkpoint;
use tenantatlas_store::{append_audit, list_audit, KeyOptions, Workspace};

/// A governed workspace: two tenants, a baseline from the first assigned to the second, a drift
/// run's finding, acknowledged and then risk-accepted with an approver; then the second
/// tenant archived and made active again (two entries no finding or baseline depends on), and a
/// checkpoint written outside the workspace.
struct Governed {
    _sim: TestSim,
    cli: CliEnv,
    accepted: String,
    checkpoint: PathBuf,
    /// The entry the checkpoint signed.
    signed_at: i64,
}

async fn governed() -> Governed {
    let sim = common::start(common::config(2, 40)).await;
    let cli = CliEnv::new();
    cli.connect(&sim, 0).await;
    cli.connect(&sim, 1).await;
    cli.json(&["sync", "--all"]).await;
    let (t0, t1) = (sim.domain(0), sim.domain(1));
    cli.json(&["baseline", "create", "Golden", "--from-tenant", &t0])
        .await;
    cli.json(&["baseline", "assign", "Golden", "--tenant", &t1])
        .await;
    let drift = cli.json(&["drift", "--all"]).await;
    let findings = drift["findings"]
        .as_array()
        .expect("drift --json has findings");
    let id = findings
        .first()
        .unwrap_or_else(|| panic!("the second tenant drifts: {findings:?}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Acknowledged, then its risk accepted with an approver: two transitions of one finding.
    cli.json(&["findings", "ack", &id]).await;
    let accepted = cli
        .json(&[
            "findings",
            "accept-risk",
            &id,
            "--justification",
            "customer signed off",
            "--approver",
            "Dana (CISO)",
            "--expires",
            "2999-12-31",
        ])
        .await;
    assert_eq!(accepted["finding"]["approver"], "Dana (CISO)", "{accepted}");
    cli.json(&["tenant", "archive", &t1]).await;
    cli.json(&["tenant", "activate", &t1]).await;

    let checkpoint = cli.root.path().join("outside").join("checkpoint.json");
    std::fs::create_dir_all(checkpoint.parent().unwrap()).unwrap();
    let written = cli
        .json(&["audit", "checkpoint", "--out", checkpoint.to_str().unwrap()])
        .await;
    let signed_at = written["checkpoint"]["seq"].as_i64().unwrap();
    let file: Value = serde_json::from_slice(&std::fs::read(&checkpoint).unwrap()).unwrap();
    for key in [
        "format",
        "workspace_id",
        "seq",
        "hash",
        "at",
        "public_key",
        "signature",
    ] {
        assert!(file.get(key).is_some(), "{key} in {file}");
    }
    assert_eq!(file["seq"], signed_at);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&checkpoint).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the checkpoint file is private");
    }
    // Untouched, everything verifies against it.
    let verified = verify(&cli, &[&checkpoint]).await;
    assert_eq!(verified.code, Some(0), "{}", verified.stdout);
    Governed {
        _sim: sim,
        cli,
        accepted: id,
        checkpoint,
        signed_at,
    }
}

async fn verify(cli: &CliEnv, against: &[&Path]) -> common::Outcome {
    let mut args: Vec<String> = vec!["audit".into(), "verify".into()];
    for path in against {
        args.push("--against".into());
        args.push(path.display().to_string());
    }
    cli.run(&args).await
}

/// The workspace as an attacker holding the key opens it.
async fn as_attacker(cli: &CliEnv) -> Workspace {
    Workspace::open(
        &cli.workspace,
        &KeyOptions {
            passphrase: Some(PASSPHRASE.to_string()),
        },
    )
    .await
    .expect("the key opens the workspace")
}

async fn sql(ws: &Workspace, statement: &str) {
    sqlx::query(statement)
        .execute(ws.pool())
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// Removes the append-only guards and the checkpoints stored inside the workspace, as a careful
/// attacker would: only a checkpoint kept elsewhere is left to tell.
async fn remove_guards_and_stored_checkpoints(ws: &Workspace) {
    for trigger in [
        "audit_log_no_update",
        "audit_log_no_delete",
        "audit_checkpoints_no_delete",
    ] {
        sql(ws, &format!("DROP TRIGGER {trigger}")).await;
    }
    sql(ws, "DELETE FROM audit_checkpoints").await;
}

/// (a) An entry edited and every hash after it recomputed: the chain is consistent again, and
/// even a checkpoint signed with the key afterwards agrees; the one taken before does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewritten_and_rechained_log_fails_against_an_earlier_checkpoint() {
    let g = governed().await;
    let ws = as_attacker(&g.cli).await;
    let entries = list_audit(&ws).await.unwrap();
    let edited = entries
        .iter()
        .find(|e| e.action == "baseline.create")
        .expect("the baseline was audited")
        .seq;
    remove_guards_and_stored_checkpoints(&ws).await;
    sql(&ws, &format!("DELETE FROM audit_log WHERE seq >= {edited}")).await;
    for e in entries.iter().filter(|e| e.seq >= edited) {
        let actor = if e.seq == edited { "mallory" } else { &e.actor };
        append_audit(&ws, actor, &e.action, &e.subject, &e.details)
            .await
            .unwrap();
    }
    // Holding the key, the attacker can sign the new head too.
    create_checkpoint(&ws).await.unwrap();
    ws.close().await.unwrap();

    // Without an outside checkpoint the rewrite is perfect: this is all the old code could see.
    let alone = verify(&g.cli, &[]).await;
    assert_eq!(alone.code, Some(0), "{}{}", alone.stdout, alone.stderr);
    // The checkpoint taken before names the entry it signed.
    let against = verify(&g.cli, &[&g.checkpoint]).await;
    let line = against.error_line();
    assert!(
        line.contains(&format!(
            "entry {} differs from the one {} signed",
            g.signed_at,
            g.checkpoint.display()
        )),
        "{line}"
    );
    let report = g
        .cli
        .run(&[
            "audit",
            "verify",
            "--against",
            g.checkpoint.to_str().unwrap(),
            "--json",
        ])
        .await;
    assert_eq!(report.code, Some(1));
    let report: Value = serde_json::from_str(&report.stdout).unwrap();
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["checkpoints"][0]["code"], "rewritten", "{report}");
}

/// (b) The last entries deleted: what is left is a perfect chain; the checkpoint says where the
/// log used to end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_cut_short_fails_against_an_earlier_checkpoint() {
    let g = governed().await;
    let ws = as_attacker(&g.cli).await;
    remove_guards_and_stored_checkpoints(&ws).await;
    // The archive and activate entries: no state depends on them.
    let kept = g.signed_at - 2;
    sql(&ws, &format!("DELETE FROM audit_log WHERE seq > {kept}")).await;
    ws.close().await.unwrap();

    let alone = verify(&g.cli, &[]).await;
    assert_eq!(alone.code, Some(0), "{}{}", alone.stdout, alone.stderr);
    let against = verify(&g.cli, &[&g.checkpoint]).await;
    assert_eq!(
        against.error_line(),
        format!(
            "error: the log ends at entry {kept} but {} was signed at entry {}: entries were removed",
            g.checkpoint.display(),
            g.signed_at
        )
    );
    assert!(
        against.stdout.contains("FAILED: the log ends at entry"),
        "{}",
        against.stdout
    );
}

/// (c) A finding's approver edited in the database: the hash chain is untouched, but the log
/// recorded another approver.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_edited_behind_the_logs_back_is_reported() {
    let g = governed().await;
    let ws = as_attacker(&g.cli).await;
    sqlx::query(
        "UPDATE findings SET approver = 'mallory', expires_on = '2999-01-01' WHERE id = ?1",
    )
    .bind(&g.accepted)
    .execute(ws.pool())
    .await
    .unwrap();
    ws.close().await.unwrap();

    // The chain and the checkpoint still hold: only the state check sees it.
    let against = verify(&g.cli, &[&g.checkpoint]).await;
    assert_eq!(against.code, Some(1), "{}", against.stdout);
    let line = against.error_line();
    assert!(line.contains("2 problems"), "{line}");
    assert!(
        against
            .stdout
            .contains("has the approver 'mallory' but the audit log (entry")
            && against.stdout.contains("recorded 'Dana (CISO)'"),
        "{}",
        against.stdout
    );
    assert!(
        against.stdout.contains("has the expiry '2999-01-01'"),
        "{}",
        against.stdout
    );
    let report = g.cli.run(&["audit", "verify", "--json"]).await;
    assert_eq!(report.code, Some(1));
    let report: Value = serde_json::from_str(&report.stdout).unwrap();
    let unexplained = report["unexplained"].as_array().unwrap();
    assert_eq!(unexplained.len(), 2, "{report}");
    assert!(unexplained
        .iter()
        .all(|u| u["subject"] == g.accepted.as_str()));
    // The hash chain alone, all the old `audit verify` checked, holds.
    assert!(report["chain"].is_null(), "{report}");
}

/// A baseline's objects swapped and an assignment removed in the database: the log recorded the
/// objects' digest and the assignment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_baseline_edited_behind_the_logs_back_is_reported() {
    let g = governed().await;
    let ws = as_attacker(&g.cli).await;
    // Expect the content of another object of the same baseline: its drift would go unseen.
    sql(
        &ws,
        "UPDATE baseline_items SET hash = (SELECT max(hash) FROM baseline_items)
         WHERE object_id = (SELECT min(object_id) FROM baseline_items
                            WHERE hash <> (SELECT max(hash) FROM baseline_items))",
    )
    .await;
    sql(&ws, "DELETE FROM baseline_assignments").await;
    ws.close().await.unwrap();

    let verified = verify(&g.cli, &[&g.checkpoint]).await;
    assert!(
        verified.error_line().contains("2 problems"),
        "{}",
        verified.stdout
    );
    assert!(
        verified
            .stdout
            .contains("baseline Golden version 1 does not hold the objects it was created with"),
        "{}",
        verified.stdout
    );
    assert!(
        verified
            .stdout
            .contains("the audit log assigned baseline golden to"),
        "{}",
        verified.stdout
    );
}

/// Checkpoint files that are garbage, of another workspace, or forged: one clear line each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_foreign_and_forged_checkpoints_are_refused_in_one_line() {
    let g = governed().await;
    let dir = g.checkpoint.parent().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let garbage = write("garbage.json", "\u{1b}]0;owned\u{7}not a checkpoint\n");
    let line = verify(&g.cli, &[&garbage]).await.only_error_line();
    assert!(line.contains("is not an audit checkpoint"), "{line}");
    assert!(!line.contains('\u{1b}'), "{line:?}");

    // Another workspace's, genuinely signed with its own key.
    let other = CliEnv::new();
    let theirs = other.root.path().join("theirs.json");
    other
        .json(&["audit", "checkpoint", "--out", theirs.to_str().unwrap()])
        .await;
    let line = verify(&g.cli, &[&theirs]).await.only_error_line();
    assert!(
        line.contains("is a checkpoint of another workspace"),
        "{line}"
    );

    // The other workspace's checkpoint claiming to be ours: not our key.
    let ours: Value = serde_json::from_slice(&std::fs::read(&g.checkpoint).unwrap()).unwrap();
    let mut forged: Value = serde_json::from_slice(&std::fs::read(&theirs).unwrap()).unwrap();
    forged["workspace_id"] = ours["workspace_id"].clone();
    let forged = write("forged.json", &forged.to_string());
    let line = verify(&g.cli, &[&forged]).await.only_error_line();
    assert!(
        line.contains("was not signed with this workspace's key"),
        "{line}"
    );

    // Ours, edited to vouch for a shorter log.
    let mut edited = ours.clone();
    edited["seq"] = (g.signed_at - 1).into();
    let edited = write("edited.json", &edited.to_string());
    let line = verify(&g.cli, &[&edited]).await.only_error_line();
    assert!(line.contains("signature that does not match"), "{line}");

    // The genuine one still holds beside them; the two bad ones are counted.
    let all = verify(&g.cli, &[&g.checkpoint, &garbage, &forged]).await;
    assert!(all.error_line().contains("2 problems"), "{}", all.stderr);
    assert!(
        all.stdout.contains("(entry ") && all.stdout.contains("the log still extends it"),
        "{}",
        all.stdout
    );
}

/// The actor is the OS account (not `$USER`, which any parent process sets), and with it the
/// tenant account where a sign-in was used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_name_the_os_account_and_the_signed_in_account() {
    let sim = common::start(common::config(1, 5)).await;
    let cli = CliEnv::new();
    cli.connect(&sim, 0).await;
    let archived = cli
        .command(&["tenant", "archive", &sim.domain(0)])
        .env("USER", "mallory")
        .env("USERNAME", "mallory")
        .run()
        .await;
    archived.assert_success();
    let listed = cli.json(&["audit", "list"]).await;
    let entries = listed["entries"].as_array().unwrap();
    let actor = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} in {listed}"))["actor"]
            .as_str()
            .unwrap()
            .to_string()
    };
    #[cfg(unix)]
    let os = {
        let out = std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    #[cfg(not(unix))]
    let os = std::env::var("USERNAME").unwrap();
    let added = actor("tenant.add");
    assert!(
        added.starts_with(&format!("{os} (as ")) && added.ends_with(')') && added.contains('@'),
        "{added}"
    );
    assert_eq!(actor("tenant.archive"), os);
    assert!(!listed.to_string().contains("local user"), "{listed}");

    let text = cli.run(&["audit", "list"]).await;
    text.assert_success();
    assert!(
        text.stdout.contains("tenant.add") && text.stdout.contains(&added),
        "{}",
        text.stdout
    );
}
