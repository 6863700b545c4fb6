//! Evidence bundles end to end: built with a real Ed25519 key, verified by [`bundle::verify`] and
//! by the standard tools an auditor uses (`unzip`, `sha256sum -c`, `openssl pkeyutl -verify`),
//! and then damaged in every way we can think of — a byte flipped anywhere in the ZIP, a file
//! changed and re-zipped, the audit excerpt edited and re-signed, garbage — each of which
//! `verify` must report, naming the file, without panicking.

use ed25519_dalek::{Signer as _, SigningKey};
use serde_json::{json, Value};
use std::io::Write;
use std::path::Path;
use std::process::Command;
use tenantatlas_core::evidence::{
    checkpoint_signed_bytes, entry_hash, CheckpointHead, EntryFields, CHECKPOINT_FORMAT, GENESIS,
};
use tenantatlas_report::bundle::{
    self, build, signer_fingerprint, verify, BundleError, Entry, PackInfo, PackPeriod, PackSigner,
    PackSnapshot, PackTenant, PreviousPack, Signer, PACK_FORMAT,
};

/// A real Ed25519 key from a fixed seed: the workspace's key in production.
struct TestSigner(SigningKey);

impl TestSigner {
    fn new(seed: u8) -> TestSigner {
        TestSigner(SigningKey::from_bytes(&[seed; 32]))
    }
}

impl Signer for TestSigner {
    fn public_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }
    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

const TENANT: &str = "6f1c2d3e-0000-4000-8000-0000000000a1";

/// A small PDF with the shape of a real one: header, binary comment, objects, trailer, %%EOF.
fn pdf() -> Vec<u8> {
    let mut pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    pdf.extend_from_slice(
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
          2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n\
          xref\n0 3\n0000000000 65535 f \n0000000015 00000 n \n0000000064 00000 n \n\
          trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n110\n%%EOF\n",
    );
    pdf
}

/// One audit excerpt line: `(elided, value)`. Entries 1..=n; even ones are another tenant's.
fn excerpt(n: i64) -> Vec<Value> {
    let mut prev = GENESIS.to_string();
    let mut lines = Vec::new();
    for seq in 1..=n {
        let ours = seq % 2 == 1;
        let tenant = if ours { TENANT } else { "other-tenant" };
        let details = format!(r#"{{"tenant_id":"{tenant}","why":"seq {seq}"}}"#);
        let at = format!("2026-12-0{}T07:00:00.000Z", seq.min(9));
        let fields = EntryFields {
            seq,
            at: &at,
            actor: "alice",
            action: "finding.acknowledged",
            subject: "f-1",
            details: &details,
        };
        let hash = entry_hash(&prev, &fields);
        lines.push(if ours {
            json!({"seq": seq, "at": at, "actor": "alice", "action": "finding.acknowledged",
                   "subject": "f-1", "details": serde_json::from_str::<Value>(&details).unwrap(),
                   "prev_hash": prev, "hash": hash})
        } else {
            json!({"seq": seq, "elided": true, "prev_hash": prev, "hash": hash})
        });
        prev = hash;
    }
    lines
}

fn jsonl(lines: &[Value]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| format!("{}\n", serde_json::to_string(l).unwrap()))
        .collect::<String>()
        .into_bytes()
}

/// The checkpoint the store would write for the excerpt's last line, signed by `signer`.
fn checkpoint(lines: &[Value], signer: &TestSigner) -> Vec<u8> {
    let (seq, hash) = lines
        .last()
        .map(|l| {
            (
                l["seq"].as_i64().unwrap(),
                l["hash"].as_str().unwrap().to_string(),
            )
        })
        .unwrap_or((0, GENESIS.to_string()));
    let at = "2026-12-31T23:00:00.000Z";
    let signed = checkpoint_signed_bytes(&CheckpointHead {
        format: CHECKPOINT_FORMAT,
        workspace_id: "ws-1",
        seq,
        hash: &hash,
        at,
    });
    let checkpoint = json!({
        "format": CHECKPOINT_FORMAT,
        "workspace_id": "ws-1",
        "seq": seq,
        "hash": hash,
        "at": at,
        "public_key": hex::encode(signer.public_key()),
        "signature": hex::encode(signer.sign(&signed)),
    });
    serde_json::to_vec_pretty(&checkpoint).unwrap()
}

fn pack_info(signer: &TestSigner, generated_at: &str, previous: Option<PreviousPack>) -> PackInfo {
    PackInfo {
        format: PACK_FORMAT.to_string(),
        tenant: PackTenant {
            id: TENANT.to_string(),
            name: "Contoso Ltd".to_string(),
        },
        period: PackPeriod {
            from: "2026-12-01".to_string(),
            to: "2026-12-31".to_string(),
        },
        generated_at: generated_at.to_string(),
        product_version: "0.1.0".to_string(),
        snapshots: vec![PackSnapshot {
            id: json!(42),
            taken_at: "2026-12-30T06:00:00.000Z".to_string(),
            content_sha256: "ab".repeat(32),
        }],
        previous_pack: previous,
        signer: PackSigner::of(signer),
    }
}

/// A review pack's entries, as the engine supplies them, with the audit excerpt `lines`.
fn entries_with(signer: &TestSigner, info: &PackInfo, lines: &[Value]) -> Vec<Entry> {
    let entry = |path: &str, bytes: Vec<u8>| Entry {
        path: path.to_string(),
        bytes,
    };
    vec![
        entry("report/review-pack.pdf", pdf()),
        entry("pack.json", info.to_json()),
        entry(
            "evidence/snapshot.json",
            br#"{"objects":[{"id":"p1","name":"Baseline"}]}"#.to_vec(),
        ),
        entry(
            "evidence/findings.csv",
            b"id,state\nf-1,acknowledged\n".to_vec(),
        ),
        entry("audit/log.jsonl", jsonl(lines)),
        entry(
            "audit/log.csv",
            b"seq,action\n1,finding.acknowledged\n".to_vec(),
        ),
        entry("audit/checkpoint.json", checkpoint(lines, signer)),
    ]
}

fn entries(signer: &TestSigner) -> Vec<Entry> {
    entries_with(
        signer,
        &pack_info(signer, "2026-12-31T23:00:01.000Z", None),
        &excerpt(6),
    )
}

fn bundle_bytes() -> Vec<u8> {
    let signer = TestSigner::new(7);
    build(entries(&signer), &signer).unwrap()
}

#[test]
fn a_bundle_verifies_and_says_what_it_proved() {
    let bytes = bundle_bytes();
    let v = verify(&bytes, None);
    assert!(v.ok, "{:#?}", v.problems);
    assert!(v.problems.is_empty());
    assert_eq!(v.pack.as_ref().unwrap().tenant.id, TENANT);
    let facts = v.facts.join("\n");
    assert!(facts.contains("8 files match SHA256SUMS"), "{facts}");
    assert!(
        facts.contains(&signer_fingerprint(&TestSigner::new(7).public_key())),
        "{facts}"
    );
    assert!(
        facts.contains("entries 1 to 6: 3 shown in full, 3 elided"),
        "{facts}"
    );
    assert!(
        facts.contains("report/review-pack.pdf is a complete PDF"),
        "{facts}"
    );
}

#[test]
fn the_same_entries_give_the_same_bytes() {
    let first = bundle_bytes();
    let second = bundle_bytes();
    assert_eq!(first, second);
    // The order entries are supplied in does not matter either.
    let signer = TestSigner::new(7);
    let mut reversed = entries(&signer);
    reversed.reverse();
    assert_eq!(build(reversed, &signer).unwrap(), first);
}

/// The files of a bundle as a general ZIP reader sees them, in order.
fn unzip_all(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut data).unwrap();
            (file.name().unwrap().to_string(), data)
        })
        .collect()
}

/// Writes `files` as a ZIP exactly as the builder does, without recomputing anything: what
/// someone who changes a file and zips the folder again produces.
fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn rezipping_unchanged_files_gives_the_same_bundle() {
    // The test's own writer is the builder's: what the tests below change is only the file.
    let bytes = bundle_bytes();
    assert_eq!(rezip(&unzip_all(&bytes)), bytes);
}

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "`{name}` is not installed: this test checks the bundle with the tools an auditor uses (apt-get install unzip coreutils openssl)"
    );
    Command::new(name)
}

fn run(mut command: Command, dir: &Path) -> String {
    let output = command.current_dir(dir).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{command:?} failed: {text}");
    text
}

#[test]
fn standard_tools_verify_a_bundle_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("review-pack.zip");
    std::fs::write(&zip_path, bundle_bytes()).unwrap();
    let dir = tmp.path().join("review-pack");
    let mut unzip = tool("unzip");
    unzip.arg("-q").arg(&zip_path).arg("-d").arg(&dir);
    run(unzip, tmp.path());
    // Every file at 0644 and dated 1980-01-01, as written.
    let readme = std::fs::read_to_string(dir.join("README.txt")).unwrap();
    assert!(readme.contains("sha256sum -c SHA256SUMS"));
    let mut sums = tool("sha256sum");
    sums.args(["-c", "--strict", "SHA256SUMS"]);
    let out = run(sums, &dir);
    assert_eq!(
        out.lines().filter(|l| l.ends_with(": OK")).count(),
        8,
        "{out}"
    );
    let mut openssl = tool("openssl");
    openssl.args([
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "signer.pub.pem",
        "-rawin",
        "-in",
        "SHA256SUMS",
        "-sigfile",
        "SHA256SUMS.sig",
    ]);
    let out = run(openssl, &dir);
    assert!(out.contains("Signature Verified Successfully"), "{out}");
    // The fingerprint README gives is the one the by-hand command computes.
    let mut fingerprint = tool("sh");
    fingerprint.args([
        "-c",
        "openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum",
    ]);
    let digest = run(fingerprint, &dir);
    let expected = signer_fingerprint(&TestSigner::new(7).public_key());
    assert_eq!(
        expected.trim_start_matches("SHA256:").replace('-', ""),
        digest[..32]
    );
    assert!(readme.contains(&expected));
    // A changed file: sha256sum names it.
    std::fs::write(
        dir.join("report/review-pack.pdf"),
        b"%PDF-1.7 forged\n%%EOF\n",
    )
    .unwrap();
    let mut sums = tool("sha256sum");
    sums.args(["-c", "SHA256SUMS"]);
    let output = sums.current_dir(&dir).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("report/review-pack.pdf: FAILED"));
}

/// The regions of a bundle: each file's local header and data, the central directory, the end
/// record, as a general reader reports them.
struct Layout {
    /// `(name, local header start, data start, data end)`.
    files: Vec<(String, usize, usize, usize)>,
    central_start: usize,
}

fn layout(bytes: &[u8]) -> Layout {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut files = Vec::new();
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).unwrap();
        let data_start = file.data_start().unwrap() as usize;
        files.push((
            file.name().unwrap().to_string(),
            file.header_start() as usize,
            data_start,
            data_start + file.compressed_size() as usize,
        ));
    }
    let central_start = files.last().unwrap().3;
    Layout {
        files,
        central_start,
    }
}

#[test]
fn a_byte_flipped_anywhere_in_the_zip_is_found_and_placed() {
    let bytes = bundle_bytes();
    let layout = layout(&bytes);
    let mut checked = 0;
    for offset in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[offset] ^= 0x01;
        let v = verify(&damaged, None);
        assert!(!v.ok, "a flipped bit at {offset} went unnoticed");
        assert!(v.facts.is_empty());
        let problems = v.problems.join("\n");
        assert!(
            problems.lines().all(|l| !l.is_empty()),
            "empty problem line at {offset}"
        );
        // Where the byte is, what the problem must name.
        let owner = layout
            .files
            .iter()
            .find(|(_, header, _, end)| (*header..*end).contains(&offset));
        match owner {
            Some((name, _, data_start, _)) if offset >= *data_start => assert!(
                problems.contains(&format!("{name}: ")),
                "flip at {offset} in {name}'s data: {problems}"
            ),
            Some((name, ..)) => assert!(
                problems.contains(&format!("{name}: ")) || problems.contains("the ZIP is damaged"),
                "flip at {offset} in {name}'s local header: {problems}"
            ),
            None => assert!(
                offset >= layout.central_start
                    && (problems.contains("ZIP record is damaged")
                        || problems.contains("the ZIP is damaged")),
                "flip at {offset} in the central directory or end record: {problems}"
            ),
        }
        checked += 1;
    }
    assert_eq!(checked, bytes.len());
}

#[test]
fn a_changed_file_rezipped_is_named() {
    let bytes = bundle_bytes();
    let files = unzip_all(&bytes);
    for (index, (name, data)) in files.iter().enumerate() {
        let mut changed = files.clone();
        let mut data = data.clone();
        // Flip a byte in the middle of the file, the way an editor would change it.
        let middle = data.len() / 2;
        data[middle] ^= 0x20;
        changed[index].1 = data;
        let v = verify(&rezip(&changed), None);
        assert!(!v.ok, "{name} changed and re-zipped went unnoticed");
        let problems = v.problems.join("\n");
        let expected = match name.as_str() {
            // The signed list itself, its signature or the key: the signature no longer holds.
            "SHA256SUMS" | "SHA256SUMS.sig" | "signer.pub.pem" => "SHA256SUMS.sig: ".to_string(),
            other => format!(
                "{other}: SHA-256 does not match SHA256SUMS (the file was changed after signing)"
            ),
        };
        assert!(problems.contains(&expected), "{name}: {problems}");
    }
    // The example the product names: the PDF replaced by another, still a PDF.
    let mut changed = files.clone();
    let pdf = changed
        .iter_mut()
        .find(|(n, _)| n == "report/review-pack.pdf")
        .unwrap();
    pdf.1 = b"%PDF-1.7\n% a better-looking report\n%%EOF\n".to_vec();
    let v = verify(&rezip(&changed), None);
    assert_eq!(
        v.problems,
        ["report/review-pack.pdf: SHA-256 does not match SHA256SUMS (the file was changed after signing)"]
    );
}

#[test]
fn files_added_or_removed_after_signing_are_named() {
    let files = unzip_all(&bundle_bytes());
    let mut added = files.clone();
    added.push(("zz-extra.txt".to_string(), b"trust me".to_vec()));
    let v = verify(&rezip(&added), None);
    assert!(v
        .problems
        .iter()
        .any(|p| p.starts_with("zz-extra.txt: not listed in SHA256SUMS")));
    let removed: Vec<_> = files
        .iter()
        .filter(|(n, _)| n != "evidence/findings.csv")
        .cloned()
        .collect();
    let v = verify(&rezip(&removed), None);
    assert!(v.problems.iter().any(|p| p
        .starts_with("evidence/findings.csv: listed in SHA256SUMS but missing from the bundle")));
}

/// Builds a bundle around an edited excerpt, re-signed: only the chain can tell.
fn with_excerpt(lines: &[Value]) -> Vec<u8> {
    let signer = TestSigner::new(7);
    let info = pack_info(&signer, "2026-12-31T23:00:01.000Z", None);
    build(entries_with(&signer, &info, lines), &signer).unwrap()
}

fn audit_problems(lines: &[Value]) -> String {
    let v = verify(&with_excerpt(lines), None);
    assert!(!v.ok);
    for problem in &v.problems {
        assert!(
            problem.starts_with("audit/log.jsonl: ")
                || problem.starts_with("audit/checkpoint.json: "),
            "{problem}"
        );
    }
    v.problems.join("\n")
}

#[test]
fn an_edited_audit_excerpt_is_caught_even_when_re_signed() {
    let lines = excerpt(6);
    // The untouched excerpt verifies.
    assert!(verify(&with_excerpt(&lines), None).ok);
    // A full entry's details changed.
    let mut changed = lines.clone();
    changed[2]["details"]["why"] = json!("nothing to see");
    assert!(audit_problems(&changed).contains("line 3 (entry 3) was changed"));
    // An elided entry's hash changed: the next line no longer links to it.
    let mut elided = lines.clone();
    elided[1]["hash"] = json!("f".repeat(64));
    assert!(audit_problems(&elided).contains("line 3 (entry 3) does not link to the line before"));
    // An elided entry's predecessor changed.
    let mut elided = lines.clone();
    elided[3]["prev_hash"] = json!("e".repeat(64));
    assert!(audit_problems(&elided).contains("line 4 (entry 4) does not link"));
    // A middle line removed.
    let mut removed = lines.clone();
    removed.remove(2);
    assert!(audit_problems(&removed).contains("line 3 is entry 4 but follows entry 2"));
    // The last line cut off: the checkpoint (signed separately, kept) no longer matches.
    let signer = TestSigner::new(7);
    let info = pack_info(&signer, "2026-12-31T23:00:01.000Z", None);
    let mut files = entries_with(&signer, &info, &lines);
    let cut = jsonl(&lines[..5]);
    files
        .iter_mut()
        .find(|e| e.path == "audit/log.jsonl")
        .unwrap()
        .bytes = cut;
    let v = verify(&build(files, &signer).unwrap(), None);
    assert!(
        v.problems
            .iter()
            .any(|p| p.contains("ends at entry 5, but audit/checkpoint.json signed entry 6")),
        "{:?}",
        v.problems
    );
    // An elided line with something else in it.
    let mut leaky = lines.clone();
    leaky[1]["details"] = json!({"tenant_id": "other-tenant"});
    assert!(audit_problems(&leaky).contains("line 2 is not an audit entry"));
}

#[test]
fn a_checkpoint_from_another_key_or_edited_is_refused() {
    let signer = TestSigner::new(7);
    let lines = excerpt(4);
    let info = pack_info(&signer, "2026-12-31T23:00:01.000Z", None);
    let mut files = entries_with(&signer, &info, &lines);
    let other = TestSigner::new(9);
    files
        .iter_mut()
        .find(|e| e.path == "audit/checkpoint.json")
        .unwrap()
        .bytes = checkpoint(&lines, &other);
    let v = verify(&build(files, &signer).unwrap(), None);
    assert!(
        v.problems
            .iter()
            .any(|p| p.starts_with("audit/checkpoint.json: signed by another key")),
        "{:?}",
        v.problems
    );

    let mut files = entries_with(&signer, &info, &lines);
    let cp = files
        .iter_mut()
        .find(|e| e.path == "audit/checkpoint.json")
        .unwrap();
    let mut value: Value = serde_json::from_slice(&cp.bytes).unwrap();
    value["at"] = json!("2027-01-01T00:00:00.000Z");
    cp.bytes = serde_json::to_vec(&value).unwrap();
    let v = verify(&build(files, &signer).unwrap(), None);
    assert!(
        v.problems
            .iter()
            .any(|p| p.starts_with("audit/checkpoint.json: its signature does not match")),
        "{:?}",
        v.problems
    );
}

#[test]
fn a_bundle_re_signed_by_someone_else_shows() {
    // Everything rebuilt with another key: the signature holds, but pack.json names the
    // original signer and the checkpoint was signed by it.
    let ours = TestSigner::new(7);
    let theirs = TestSigner::new(8);
    let bytes = build(entries(&ours), &theirs).unwrap();
    let v = verify(&bytes, None);
    assert!(v
        .problems
        .iter()
        .any(|p| p.starts_with("pack.json: names another signer")));
    assert!(v
        .problems
        .iter()
        .any(|p| p.starts_with("audit/checkpoint.json: signed by another key")));
}

#[test]
fn a_truncated_or_replaced_pdf_is_named() {
    let signer = TestSigner::new(7);
    let mut files = entries(&signer);
    let pdf = files
        .iter_mut()
        .find(|e| e.path == "report/review-pack.pdf")
        .unwrap();
    pdf.bytes.truncate(40);
    let v = verify(&build(files, &signer).unwrap(), None);
    assert_eq!(
        v.problems,
        ["report/review-pack.pdf: not a complete PDF (it must start with %PDF- and end with %%EOF): the report was cut off or replaced"]
    );
}

#[test]
fn a_series_of_packs_links_to_the_previous_one() {
    let signer = TestSigner::new(7);
    let first = bundle_bytes();
    let link = PreviousPack::of(&first).unwrap();
    assert_eq!(link.generated_at, "2026-12-31T23:00:01.000Z");
    let info = pack_info(&signer, "2027-01-31T23:00:01.000Z", Some(link.clone()));
    let second = build(entries_with(&signer, &info, &excerpt(9)), &signer).unwrap();
    let v = verify(&second, Some(&first));
    assert!(v.ok, "{:#?}", v.problems);
    assert!(v
        .facts
        .iter()
        .any(|f| f.starts_with("continues the previous pack")));

    // Given the wrong previous pack: another key's.
    let other = TestSigner::new(8);
    let foreign = build(entries(&other), &other).unwrap();
    let v = verify(&second, Some(&foreign));
    let problems = v.problems.join("\n");
    assert!(
        problems.contains("its previous_pack is not the previous pack given"),
        "{problems}"
    );
    assert!(
        problems.contains("signer.pub.pem: this pack was signed by"),
        "{problems}"
    );

    // The log rewritten between the packs: entry 6, which the first pack signed, differs now.
    let mut rewritten = excerpt(9);
    let mut prev = GENESIS.to_string();
    for line in rewritten.iter_mut() {
        // A different history with the same shape: every hash differs.
        let seq = line["seq"].as_i64().unwrap();
        let hash = entry_hash(
            &prev,
            &EntryFields {
                seq,
                at: "2027-01-01T00:00:00.000Z",
                actor: "mallory",
                action: "x",
                subject: "y",
                details: "{}",
            },
        );
        *line = json!({"seq": seq, "elided": true, "prev_hash": prev, "hash": hash});
        prev = hash;
    }
    let forged = build(entries_with(&signer, &info, &rewritten), &signer).unwrap();
    let v = verify(&forged, Some(&first));
    assert!(
        v.problems
            .iter()
            .any(|p| p
                .contains("entry 6 differs from the one the previous pack's checkpoint signed")),
        "{:?}",
        v.problems
    );

    // A pack that names no previous pack, checked against one.
    let v = verify(&first, Some(&first));
    assert!(v
        .problems
        .iter()
        .any(|p| p.starts_with("pack.json: names no previous pack")));
}

#[test]
fn bad_paths_are_refused_when_building() {
    let signer = TestSigner::new(7);
    let refused = |path: &str| {
        let mut files = entries(&signer);
        files.push(Entry {
            path: path.to_string(),
            bytes: b"x".to_vec(),
        });
        build(files, &signer).unwrap_err()
    };
    for path in [
        "/etc/passwd",
        "../up.txt",
        "evidence/../x",
        "evidence\\x.json",
        "a//b",
        "./a",
        "",
        "c:x",
        "tab\there",
    ] {
        assert!(
            matches!(refused(path), BundleError::BadPath { .. }),
            "{path:?}"
        );
    }
    assert!(matches!(
        refused("pack.json"),
        BundleError::Duplicate { .. }
    ));
    assert!(matches!(
        refused("PACK.json"),
        BundleError::Duplicate { .. }
    ));
    assert!(matches!(
        refused("SHA256SUMS"),
        BundleError::Reserved { .. }
    ));
    assert!(matches!(
        refused("README.txt"),
        BundleError::Reserved { .. }
    ));
    assert!(matches!(
        refused("pack.json/inner"),
        BundleError::FileAndFolder { .. }
    ));
    assert!(matches!(
        refused("report"),
        BundleError::FileAndFolder { .. }
    ));
    // Errors are one line.
    assert!(!refused("../x").to_string().contains('\n'));
}

/// Finds `name`'s central record and local header in `bytes` and sets both declared sizes.
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let layout = layout(bytes);
    let (_, header, ..) = layout.files.iter().find(|(n, ..)| n == name).unwrap();
    bytes[header + 22..header + 26].copy_from_slice(&size.to_le_bytes());
    let mut at = layout.central_start;
    loop {
        let name_len = u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]) as usize;
        if &bytes[at + 46..at + 46 + name_len] == name.as_bytes() {
            bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
            return;
        }
        at += 46 + name_len;
    }
}

#[test]
fn zip_bombs_and_escaping_paths_are_refused_before_unpacking() {
    // A file that claims to unpack to 3 GiB, consistently in both records.
    let mut bomb = bundle_bytes();
    declare_size(&mut bomb, "evidence/snapshot.json", 3 << 30);
    let v = verify(&bomb, None);
    assert_eq!(v.problems.len(), 1, "{:?}", v.problems);
    assert!(v.problems[0].starts_with("evidence/snapshot.json: its ZIP record is damaged (it would unpack to more than 512 MiB)"), "{:?}", v.problems);
    // A real bomb within the limits: unpacked only as far as declared, then refused.
    let mut lie = bundle_bytes();
    declare_size(&mut lie, "evidence/snapshot.json", 4);
    assert!(verify(&lie, None).problems[0]
        .starts_with("evidence/snapshot.json: damaged inside the ZIP (it unpacks to a size other"));
    // Paths that would escape the folder they are unpacked in.
    for name in ["../evil.sh", "/etc/cron.d/x", "a\\..\\b"] {
        let mut files = unzip_all(&bundle_bytes());
        files.insert(0, (name.to_string(), b"x".to_vec()));
        let v = verify(&rezip(&files), None);
        assert_eq!(v.problems.len(), 1, "{name}: {:?}", v.problems);
        assert!(
            v.problems[0].contains("its path is refused"),
            "{:?}",
            v.problems
        );
    }
}

/// xorshift64*: a small, seeded generator so that a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn garbage_never_panics_and_is_one_problem_per_line() {
    let good = bundle_bytes();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"PK".to_vec(),
        b"PK\x05\x06".to_vec(),
        vec![0; 22],
    ];
    // Every prefix and suffix: truncated downloads, and a bundle with its start cut off.
    for len in (0..good.len()).step_by(7) {
        inputs.push(good[..len].to_vec());
        inputs.push(good[len..].to_vec());
    }
    for _ in 0..300 {
        // Random bytes, some with a ZIP end record pasted on.
        let len = rng.below(2048);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        if rng.below(2) == 0 {
            bytes.extend_from_slice(&good[good.len() - 22..]);
        }
        inputs.push(bytes);
        // A good bundle with a few random bytes changed.
        let mut mutated = good.clone();
        for _ in 0..1 + rng.below(8) {
            let at = rng.below(mutated.len());
            mutated[at] = rng.next() as u8;
        }
        inputs.push(mutated);
    }
    for (n, input) in inputs.iter().enumerate() {
        let v = verify(input, Some(input));
        if input != &good {
            assert!(!v.ok, "input {n} verified");
        }
        for problem in &v.problems {
            assert!(
                !problem.contains('\n') && !problem.is_empty(),
                "input {n}: {problem:?}"
            );
        }
    }
}

#[test]
fn the_fingerprint_reads_in_groups() {
    let fp = signer_fingerprint(&[0; 32]);
    assert!(fp.starts_with("SHA256:"));
    let groups: Vec<&str> = fp["SHA256:".len()..].split('-').collect();
    assert_eq!(groups.len(), 8);
    assert!(groups.iter().all(|g| g.len() == 4));
    assert_eq!(bundle::public_key_pem(&[0; 32]).lines().count(), 3);
}
