//! `tenantatlas verify` on the real binary, as an auditor runs it: on a machine with no
//! workspace, against a bundle built from a real workspace's audit log (two customers in it,
//! one shown), signed with that workspace's key through the store's `WorkspaceSigner`.
//! A good bundle verifies with exit code 0; a damaged one fails with its problems and exit
//! code 1; a path that is no bundle is one clear error line.

mod common;

use common::{CliEnv, Outcome};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tenantatlas_report::bundle::{
    self, Entry, PackInfo, PackPeriod, PackSigner, PackSnapshot, PackTenant, PreviousPack,
    PACK_FORMAT,
};
use tenantatlas_store::audit::{concerns_tenant, excerpt_jsonl, ExcerptFrom};
use tenantatlas_store::checkpoints::{checkpoint_with_excerpt, WorkspaceSigner};
use tenantatlas_store::{KeyOptions, Workspace};

const T1: &str = "11111111-0000-4000-8000-000000000001";
const T2: &str = "22222222-0000-4000-8000-000000000002";

/// Bundles of tenant `T1`: the first, and a second that continues it after more entries.
struct Packs {
    _tmp: tempfile::TempDir,
    first: PathBuf,
    second: PathBuf,
}

async fn packs() -> Packs {
    let tmp = tempfile::tempdir().unwrap();
    let keys = KeyOptions {
        passphrase: Some("verify tests passphrase 5150".to_string()),
    };
    let workspace = Workspace::open(&tmp.path().join("ws"), &keys)
        .await
        .unwrap();
    let signer = WorkspaceSigner::new(&workspace);
    for (action, subject, details) in [
        ("tenant.add", T1, json!({"domain": "contoso.example"})),
        ("tenant.add", T2, json!({"domain": "fabrikam.example"})),
        (
            "finding.acknowledged",
            "f-1",
            json!({"tenant_id": T1, "why": "known"}),
        ),
        (
            "finding.acknowledged",
            "f-2",
            json!({"tenant_id": T2, "why": "secret of another customer"}),
        ),
    ] {
        workspace
            .append_audit("alice", action, subject, &details)
            .await
            .unwrap();
    }
    let first = build(&workspace, &signer, "2026-12-31T23:00:00.000Z", None).await;
    workspace
        .append_audit(
            "alice",
            "baseline.assign",
            "Golden",
            &json!({"tenant_id": T1, "version": 2}),
        )
        .await
        .unwrap();
    let link = PreviousPack::of(&first).unwrap();
    let second = build(&workspace, &signer, "2027-01-31T23:00:00.000Z", Some(link)).await;
    workspace.close().await.unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    Packs {
        first: write("first.zip", &first),
        second: write("second.zip", &second),
        _tmp: tmp,
    }
}

/// A review pack's bundle for `T1` as the engine assembles one: the checkpoint and excerpt from
/// the store, signed by the workspace.
async fn build(
    workspace: &Workspace,
    signer: &WorkspaceSigner,
    generated_at: &str,
    previous: Option<PreviousPack>,
) -> Vec<u8> {
    let (checkpoint, lines) =
        checkpoint_with_excerpt(workspace, &ExcerptFrom::Seq(1), |e| concerns_tenant(e, T1))
            .await
            .unwrap();
    let info = PackInfo {
        format: PACK_FORMAT.to_string(),
        tenant: PackTenant {
            id: T1.to_string(),
            name: "Contoso".to_string(),
        },
        period: PackPeriod {
            from: "2026-12-01".to_string(),
            to: generated_at[..10].to_string(),
        },
        generated_at: generated_at.to_string(),
        product_version: env!("CARGO_PKG_VERSION").to_string(),
        snapshots: vec![PackSnapshot {
            id: json!(1),
            taken_at: "2026-12-30T06:00:00.000Z".to_string(),
            content_sha256: "cd".repeat(32),
        }],
        previous_pack: previous,
        signer: PackSigner::of(signer),
    };
    let entry = |path: &str, bytes: Vec<u8>| Entry {
        path: path.to_string(),
        bytes,
    };
    let entries = vec![
        entry("pack.json", info.to_json()),
        entry("evidence/findings.json", br#"[{"id":"f-1"}]"#.to_vec()),
        entry("audit/log.jsonl", excerpt_jsonl(&lines).unwrap()),
        entry("audit/log.csv", b"seq\n1\n".to_vec()),
        entry(
            "audit/checkpoint.json",
            serde_json::to_vec_pretty(&checkpoint).unwrap(),
        ),
        entry(
            "report/review-pack.pdf",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
                .to_vec(),
        ),
    ];
    bundle::build(entries, signer).unwrap()
}

/// `tenantatlas verify ARGS` where no workspace exists, checking none is made.
async fn verify(cli: &CliEnv, args: &[&str]) -> Outcome {
    let mut all = vec!["verify"];
    all.extend_from_slice(args);
    let outcome = cli.run(&all).await;
    assert!(
        !cli.workspace.exists(),
        "`verify` created or opened a workspace"
    );
    outcome
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[tokio::test]
async fn a_good_bundle_verifies_without_any_workspace() {
    let packs = packs().await;
    let cli = CliEnv::new();
    let out = verify(&cli, &[path(&packs.first), "--json"]).await.json();
    assert_eq!(out["ok"], json!(true), "{out:#}");
    assert_eq!(out["problems"], json!([]));
    assert_eq!(out["pack"]["tenant"]["id"], json!(T1));
    // Another customer's entry is in the chain but not in the bundle.
    let text = verify(&cli, &[path(&packs.first)]).await;
    text.assert_success();
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(
        lines.iter().all(|l| l.starts_with("verified: ")),
        "{lines:#?}"
    );
    assert!(
        text.stdout
            .contains("entries 1 to 4: 2 shown in full, 2 elided"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("fingerprint SHA256:"));
    // The second pack continues the first.
    let out = verify(
        &cli,
        &[
            path(&packs.second),
            "--previous",
            path(&packs.first),
            "--json",
        ],
    )
    .await
    .json();
    assert_eq!(out["ok"], json!(true), "{out:#}");
}

#[tokio::test]
async fn a_damaged_bundle_fails_with_its_problems_and_exit_code_1() {
    let packs = packs().await;
    let cli = CliEnv::new();
    let mut bytes = std::fs::read(&packs.first).unwrap();
    // A byte in the middle of the archive: some file's compressed data.
    let middle = bytes.len() / 3;
    bytes[middle] ^= 0x10;
    let damaged = cli.root.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes).unwrap();

    let out = verify(&cli, &[path(&damaged), "--json"]).await;
    let line = out.error_line();
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains("failed verification"), "{line}");
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["ok"], json!(false));
    assert!(!json["problems"].as_array().unwrap().is_empty());

    let out = verify(&cli, &[path(&damaged)]).await;
    out.error_line();
    assert!(
        out.stdout.lines().all(|l| l.starts_with("FAILED: ")),
        "{}",
        out.stdout
    );

    // The packs given in the wrong order.
    let out = verify(
        &cli,
        &[path(&packs.first), "--previous", path(&packs.second)],
    )
    .await;
    assert!(
        out.error_line().contains("names no previous pack"),
        "{}",
        out.stderr
    );
}

#[tokio::test]
async fn what_is_no_bundle_is_one_clear_line() {
    let cli = CliEnv::new();
    let missing = cli.root.path().join("nowhere.zip");
    let line = verify(&cli, &[path(&missing)]).await.only_error_line();
    assert!(line.contains("cannot read"), "{line}");
    let folder = cli.root.path().join("a-folder.zip");
    std::fs::create_dir(&folder).unwrap();
    let line = verify(&cli, &[path(&folder)]).await.only_error_line();
    assert!(line.contains("not a regular file"), "{line}");
    let text = cli.root.path().join("notes.zip");
    std::fs::write(&text, "just some notes\n").unwrap();
    let out = verify(&cli, &[path(&text)]).await;
    let line = out.error_line();
    assert!(line.contains("the ZIP is damaged"), "{line}");
}
