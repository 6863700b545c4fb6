//! [`verify`]: everything an auditor's standard tools check, and what they cannot — the audit
//! chain against its signed checkpoint, the PDF's shape, the link to the previous pack — each
//! failure one line naming the file and what it means.

use super::archive::{self, ZipEntry};
use super::{
    parse_public_key_pem, signer_fingerprint, PackInfo, AUDIT_LOG, CHECKPOINT, PACK_FORMAT,
    PACK_JSON, PDF, PUBLIC_KEY, SIGNATURE, SUMS,
};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tenantatlas_core::content::canonical;
use tenantatlas_core::evidence::{
    self, checkpoint_signed_bytes, is_hex_of, CheckpointHead, EntryFields, GENESIS,
};

/// What [`verify`] found. `ok` is true exactly when `problems` is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub ok: bool,
    /// One line each: the file, what is wrong and what it means.
    pub problems: Vec<String>,
    /// What was proven, one line each, for people ("12 files match SHA256SUMS").
    pub facts: Vec<String>,
    /// The bundle's `pack.json`, when it could be read.
    pub pack: Option<PackInfo>,
}

/// At most this many problems are listed for one file; the rest are counted.
const PROBLEMS_PER_FILE: usize = 8;

/// Checks the bundle `bytes`, and with `previous` that it continues that earlier bundle. Never
/// panics and reads within [`super::limits`], whatever the bytes.
pub fn verify(bytes: &[u8], previous: Option<&[u8]>) -> Verification {
    let mut out = Verification::default();
    let Some(files) = unpack(bytes, &mut out) else {
        return out.finish();
    };
    let sums = check_sums(&files, &mut out);
    let key = check_signature(&files, sums.as_deref(), &mut out);
    out.pack = check_pack(&files, key, &mut out.problems, &mut out.facts);
    let audit = check_audit(&files, key, &mut out);
    check_pdf(&files, &mut out);
    if let Some(previous) = previous {
        check_previous(previous, key, audit.as_ref(), &mut out);
    }
    out.finish()
}

impl Verification {
    fn finish(mut self) -> Verification {
        self.ok = self.problems.is_empty();
        if !self.ok {
            // Facts about a bundle that failed are not what a reader should take away.
            self.facts.clear();
        }
        self
    }
}

/// A file of the bundle after unpacking: its SHA-256, and its bytes unless it is evidence (which
/// is only hashed, to keep memory to one large file at a time). `None` when it did not unpack.
struct Unpacked {
    sha256: Option<[u8; 32]>,
    bytes: Option<Vec<u8>>,
}

type Files = BTreeMap<String, Unpacked>;

fn unpack(bytes: &[u8], out: &mut Verification) -> Option<Files> {
    let entries = match archive::read(bytes) {
        Ok(entries) => entries,
        Err(problem) => {
            out.problems.push(format!(
                "{problem}: it is not the bundle as signed; ask the sender for a new copy"
            ));
            return None;
        }
    };
    let mut files = Files::new();
    for entry in &entries {
        files.insert(entry.name.clone(), unpack_one(bytes, entry, out));
    }
    Some(files)
}

fn unpack_one(bytes: &[u8], entry: &ZipEntry, out: &mut Verification) -> Unpacked {
    match archive::inflate(bytes, entry) {
        Ok(data) => Unpacked {
            sha256: Some(Sha256::digest(&data).into()),
            bytes: (!entry.name.starts_with("evidence/")).then_some(data),
        },
        Err(problem) => {
            out.problems.push(format!(
                "{}: damaged inside the ZIP ({problem}): the file was changed or corrupted after signing; ask the sender for a new copy",
                entry.name
            ));
            Unpacked {
                sha256: None,
                bytes: None,
            }
        }
    }
}

/// The bytes of `path`, or the problem of its absence (a damaged file was reported already).
fn file<'a>(files: &'a Files, path: &str, problems: &mut Vec<String>) -> Option<&'a [u8]> {
    match files.get(path) {
        None => {
            problems.push(format!(
                "{path}: missing from the bundle (every review pack has it): the bundle is incomplete"
            ));
            None
        }
        Some(unpacked) => unpacked.bytes.as_deref(),
    }
}

/// `SHA256SUMS`: well formed, every listed file present with that hash, no file unlisted.
/// Returns its bytes when it could be read, even if some file failed its check.
fn check_sums(files: &Files, out: &mut Verification) -> Option<Vec<u8>> {
    let sums = file(files, SUMS, &mut out.problems)?;
    let Ok(text) = std::str::from_utf8(sums) else {
        out.problems.push(format!(
            "{SUMS}: not text: the file is damaged or was replaced"
        ));
        return Some(sums.to_vec());
    };
    let mut listed: BTreeMap<&str, &str> = BTreeMap::new();
    let mut malformed = Vec::new();
    let mut previous: Option<&str> = None;
    if !text.is_empty() && !text.ends_with('\n') {
        malformed.push("its last line has no line end".to_string());
    }
    for (n, line) in text.lines().enumerate() {
        let parsed = line
            .split_once("  ")
            .filter(|(hash, path)| {
                is_hex_of(hash, 32)
                    && super::path_problem(path).is_none()
                    && ![SUMS, SIGNATURE, PUBLIC_KEY].contains(path)
            })
            .filter(|(_, path)| previous.is_none_or(|p| p < *path));
        match parsed {
            Some((hash, path)) => {
                listed.insert(path, hash);
                previous = Some(path);
            }
            None => malformed.push(format!(
                "line {} is not `<sha-256>  <path>` in path order",
                n + 1
            )),
        }
    }
    if let Some(first) = malformed.first() {
        out.problems.push(format!(
            "{SUMS}: malformed ({first}{}): it was not written by TenantAtlas or was edited",
            more(malformed.len())
        ));
    }
    let mut matched = 0usize;
    let mut problems = Vec::new();
    for (path, hash) in &listed {
        match files.get(*path) {
            None => problems.push(format!(
                "{path}: listed in {SUMS} but missing from the bundle (it was removed after signing)"
            )),
            // Reported already as damaged.
            Some(Unpacked { sha256: None, .. }) => {}
            Some(Unpacked {
                sha256: Some(actual),
                ..
            }) => {
                if hex::encode(actual) == *hash {
                    matched += 1;
                } else {
                    problems.push(format!(
                        "{path}: SHA-256 does not match {SUMS} (the file was changed after signing)"
                    ));
                }
            }
        }
    }
    for path in files.keys() {
        if !listed.contains_key(path.as_str())
            && ![SUMS, SIGNATURE, PUBLIC_KEY].contains(&path.as_str())
        {
            problems.push(format!(
                "{path}: not listed in {SUMS} (it was added after signing): do not rely on it"
            ));
        }
    }
    out.problems.extend(problems);
    if matched == listed.len() && malformed.is_empty() {
        out.facts.push(format!(
            "{matched} files match {SUMS}, and the bundle holds no other"
        ));
    }
    Some(sums.to_vec())
}

/// `SHA256SUMS.sig` over `SHA256SUMS` under `signer.pub.pem`. Returns the key when it could be
/// read, whether or not the signature holds, so that the other checks compare against it.
fn check_signature(files: &Files, sums: Option<&[u8]>, out: &mut Verification) -> Option<[u8; 32]> {
    let pem = file(files, PUBLIC_KEY, &mut out.problems)?;
    let Some(key) = parse_public_key_pem(pem) else {
        out.problems.push(format!(
            "{PUBLIC_KEY}: not an Ed25519 public key in PEM: nothing can be checked against it"
        ));
        return None;
    };
    let signature = file(files, SIGNATURE, &mut out.problems)?;
    let sums = sums?;
    let valid = <[u8; 64]>::try_from(signature)
        .ok()
        .map(|s| Signature::from_bytes(&s))
        .zip(VerifyingKey::from_bytes(&key).ok())
        .is_some_and(|(s, k)| k.verify_strict(sums, &s).is_ok());
    if valid {
        out.facts.push(format!(
            "{SUMS} is signed by the key in {PUBLIC_KEY}, fingerprint {}: compare it with the one your provider gave you",
            signer_fingerprint(&key)
        ));
    } else {
        out.problems.push(format!(
            "{SIGNATURE}: not a valid signature of {SUMS} by the key in {PUBLIC_KEY} ({SUMS} or the signature was changed after signing): do not rely on this bundle"
        ));
    }
    Some(key)
}

/// `pack.json`: readable, of our format, naming the key that signed the bundle.
fn check_pack(
    files: &Files,
    key: Option<[u8; 32]>,
    problems: &mut Vec<String>,
    facts: &mut Vec<String>,
) -> Option<PackInfo> {
    let bytes = file(files, PACK_JSON, problems)?;
    let pack: PackInfo = match serde_json::from_slice(bytes) {
        Ok(pack) => pack,
        Err(e) => {
            problems.push(format!(
                "{PACK_JSON}: does not read as a review pack's description ({}): it was not written by TenantAtlas or was edited",
                one_line(&e.to_string())
            ));
            return None;
        }
    };
    let before = problems.len();
    if pack.format != PACK_FORMAT {
        problems.push(format!(
            "{PACK_JSON}: its format is {:?}, not {PACK_FORMAT:?}: use the TenantAtlas version that made it",
            pack.format
        ));
    }
    if let Some(key) = key {
        if pack.signer.public_key_hex != hex::encode(key)
            || pack.signer.fingerprint != signer_fingerprint(&key)
        {
            problems.push(format!(
                "{PACK_JSON}: names another signer ({}) than {PUBLIC_KEY} ({}): the bundle was re-signed by someone else",
                one_line(&pack.signer.fingerprint),
                signer_fingerprint(&key)
            ));
        }
    }
    let bad_hash = pack
        .snapshots
        .iter()
        .any(|s| !is_hex_of(&s.content_sha256, 32))
        || pack
            .previous_pack
            .as_ref()
            .is_some_and(|p| !is_hex_of(&p.sha256sums_sha256, 32));
    if bad_hash {
        problems.push(format!(
            "{PACK_JSON}: a SHA-256 in it is not 64 lower-case hex digits: it was not written by TenantAtlas or was edited"
        ));
    }
    if problems.len() == before {
        facts.push(format!(
            "a review pack of {} ({}), {} to {}, generated {} by {}",
            one_line(&pack.tenant.name),
            one_line(&pack.tenant.id),
            one_line(&pack.period.from),
            one_line(&pack.period.to),
            one_line(&pack.generated_at),
            one_line(&pack.product_version)
        ));
    }
    Some(pack)
}

/// `audit/checkpoint.json` as the store writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckpointFile {
    format: String,
    workspace_id: String,
    seq: i64,
    hash: String,
    at: String,
    public_key: String,
    signature: String,
}

/// The audit excerpt as checked: every line's seq and hash, for the previous pack's check.
struct AuditChecked {
    hashes: BTreeMap<i64, String>,
    checkpoint_seq: i64,
}

/// `audit/log.jsonl` and `audit/checkpoint.json`: the checkpoint signed by the bundle's key, and
/// the excerpt a chain from its first line to exactly the head the checkpoint signed.
fn check_audit(
    files: &Files,
    key: Option<[u8; 32]>,
    out: &mut Verification,
) -> Option<AuditChecked> {
    let checkpoint_bytes = file(files, CHECKPOINT, &mut out.problems);
    let log_bytes = file(files, AUDIT_LOG, &mut out.problems);
    let before = out.problems.len();
    let checkpoint = checkpoint_bytes.and_then(|b| read_checkpoint(b, key, &mut out.problems))?;
    let log_bytes = log_bytes?;
    let mut problems = Vec::new();
    let lines = read_log(log_bytes, &mut problems);
    let (full, elided) = lines.iter().fold(
        (0, 0),
        |(f, e), l| {
            if l.full {
                (f + 1, e)
            } else {
                (f, e + 1)
            }
        },
    );
    match lines.last() {
        None if checkpoint.seq == 0 && checkpoint.hash == GENESIS => {}
        None => problems.push(format!(
            "{AUDIT_LOG}: empty, but {CHECKPOINT} signed entry {}: the excerpt was cut off",
            checkpoint.seq
        )),
        Some(last) if last.seq != checkpoint.seq => problems.push(format!(
            "{AUDIT_LOG}: ends at entry {}, but {CHECKPOINT} signed entry {}: entries were cut off or added",
            last.seq, checkpoint.seq
        )),
        Some(last) if last.hash != checkpoint.hash => problems.push(format!(
            "{AUDIT_LOG}: its last entry ({}) is not the one {CHECKPOINT} signed: the log was rewritten",
            last.seq
        )),
        Some(_) => {}
    }
    let count = problems.len();
    out.problems
        .extend(problems.into_iter().take(PROBLEMS_PER_FILE));
    if count > PROBLEMS_PER_FILE {
        out.problems.push(format!(
            "{AUDIT_LOG}: {} more problems like those above",
            count - PROBLEMS_PER_FILE
        ));
    }
    if out.problems.len() == before {
        let range = match (lines.first(), lines.last()) {
            (Some(first), Some(last)) => format!("entries {} to {}", first.seq, last.seq),
            _ => "no entries".to_string(),
        };
        out.facts.push(format!(
            "the audit log excerpt ({range}: {full} shown in full, {elided} elided: other customers' entries, or all with --redact-pii) chains to the head that {CHECKPOINT} signed at {}",
            one_line(&checkpoint.at)
        ));
    }
    Some(AuditChecked {
        hashes: lines.iter().map(|l| (l.seq, l.hash.clone())).collect(),
        checkpoint_seq: checkpoint.seq,
    })
}

fn read_checkpoint(
    bytes: &[u8],
    key: Option<[u8; 32]>,
    problems: &mut Vec<String>,
) -> Option<CheckpointFile> {
    let checkpoint: CheckpointFile = match serde_json::from_slice(bytes) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!(
                "{CHECKPOINT}: not an audit checkpoint ({}): it was not written by TenantAtlas or was edited",
                one_line(&e.to_string())
            ));
            return None;
        }
    };
    if checkpoint.format != evidence::CHECKPOINT_FORMAT
        || checkpoint.seq < 0
        || !is_hex_of(&checkpoint.hash, 32)
    {
        problems.push(format!(
            "{CHECKPOINT}: not an audit checkpoint of a known format: it was not written by TenantAtlas or was edited"
        ));
        return None;
    }
    let key = key?;
    if checkpoint.public_key != hex::encode(key) {
        problems.push(format!(
            "{CHECKPOINT}: signed by another key than the bundle's {PUBLIC_KEY}: it is from another workspace or forged"
        ));
        return None;
    }
    let signature = hex::decode(&checkpoint.signature)
        .ok()
        .and_then(|s| <[u8; 64]>::try_from(s).ok())
        .map(|s| Signature::from_bytes(&s));
    let signed = checkpoint_signed_bytes(&CheckpointHead {
        format: &checkpoint.format,
        workspace_id: &checkpoint.workspace_id,
        seq: checkpoint.seq,
        hash: &checkpoint.hash,
        at: &checkpoint.at,
    });
    let valid = signature
        .zip(VerifyingKey::from_bytes(&key).ok())
        .is_some_and(|(s, k)| k.verify_strict(&signed, &s).is_ok());
    if !valid {
        problems.push(format!(
            "{CHECKPOINT}: its signature does not match its contents: it was edited after signing or forged"
        ));
        return None;
    }
    Some(checkpoint)
}

/// One line of the excerpt, as far as the chain needs it.
struct LogLine {
    seq: i64,
    hash: String,
    full: bool,
}

/// The excerpt's lines, each checked on its own and against the line before; problems go to
/// `problems`. Lines that do not read are left out, so the chain check names the gap too.
fn read_log(bytes: &[u8], problems: &mut Vec<String>) -> Vec<LogLine> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        problems.push(format!(
            "{AUDIT_LOG}: not text: the file is damaged or was replaced"
        ));
        return Vec::new();
    };
    if !text.is_empty() && !text.ends_with('\n') {
        problems.push(format!(
            "{AUDIT_LOG}: its last line has no line end: the file was cut off"
        ));
    }
    let mut lines: Vec<LogLine> = Vec::new();
    for (n, text) in text.lines().enumerate() {
        let n = n + 1;
        let line = match read_log_line(text) {
            Ok(line) => line,
            Err(reason) => {
                problems.push(format!("{AUDIT_LOG}: line {n} {reason}"));
                continue;
            }
        };
        let ReadLine {
            seq,
            prev_hash,
            hash,
            full,
        } = line;
        match lines.last() {
            None if seq == 1 && prev_hash != GENESIS => problems.push(format!(
                "{AUDIT_LOG}: line {n} (entry 1) does not start the chain: it was changed"
            )),
            None => {}
            Some(before) if seq != before.seq + 1 => problems.push(format!(
                "{AUDIT_LOG}: line {n} is entry {seq} but follows entry {}: entries were removed, inserted or reordered",
                before.seq
            )),
            Some(before) if prev_hash != before.hash => problems.push(format!(
                "{AUDIT_LOG}: line {n} (entry {seq}) does not link to the line before: an entry was changed, removed or inserted"
            )),
            Some(_) => {}
        }
        lines.push(LogLine { seq, hash, full });
    }
    lines
}

/// One excerpt line as read, before it is linked to the one before.
struct ReadLine {
    seq: i64,
    prev_hash: String,
    hash: String,
    /// A full entry (its hash recomputed), not an elided one.
    full: bool,
}

/// One excerpt line, with a full entry's hash recomputed from what it says.
fn read_log_line(text: &str) -> Result<ReadLine, String> {
    let garbage = || "is not an audit entry: the file was edited".to_string();
    let value: Value = serde_json::from_str(text).map_err(|_| garbage())?;
    let object = value.as_object().ok_or_else(garbage)?;
    let str_of = |key: &str| object.get(key).and_then(Value::as_str).ok_or_else(garbage);
    let seq = object
        .get("seq")
        .and_then(Value::as_i64)
        .filter(|s| *s >= 1)
        .ok_or_else(garbage)?;
    let prev_hash = str_of("prev_hash")?;
    let hash = str_of("hash")?;
    if !is_hex_of(prev_hash, 32) || !is_hex_of(hash, 32) {
        return Err(garbage());
    }
    if object.contains_key("elided") {
        if object.len() != 4 || object.get("elided") != Some(&Value::Bool(true)) {
            return Err(garbage());
        }
        return Ok(ReadLine {
            seq,
            prev_hash: prev_hash.to_string(),
            hash: hash.to_string(),
            full: false,
        });
    }
    let details = object.get("details").ok_or_else(garbage)?;
    if object.len() != 8 {
        return Err(garbage());
    }
    let details = serde_json::to_string(&canonical(details)).map_err(|_| garbage())?;
    let recomputed = evidence::entry_hash(
        prev_hash,
        &EntryFields {
            seq,
            at: str_of("at")?,
            actor: str_of("actor")?,
            action: str_of("action")?,
            subject: str_of("subject")?,
            details: &details,
        },
    );
    if recomputed != hash {
        return Err(format!(
            "(entry {seq}) was changed: its hash does not match its contents"
        ));
    }
    Ok(ReadLine {
        seq,
        prev_hash: prev_hash.to_string(),
        hash: hash.to_string(),
        full: true,
    })
}

/// `report/review-pack.pdf` starts and ends as a whole PDF file does: a truncated or replaced
/// report shows here even to a reader who trusts the hashes only.
fn check_pdf(files: &Files, out: &mut Verification) {
    let Some(pdf) = file(files, PDF, &mut out.problems) else {
        return;
    };
    let end = pdf.trim_ascii_end();
    if pdf.starts_with(b"%PDF-") && end.ends_with(b"%%EOF") {
        out.facts.push(format!("{PDF} is a complete PDF file"));
    } else {
        out.problems.push(format!(
            "{PDF}: not a complete PDF (it must start with %PDF- and end with %%EOF): the report was cut off or replaced"
        ));
    }
}

/// With `--previous`: the earlier bundle verifies, is the one `pack.json` links to, was signed
/// by the same key for the same tenant, and its audit head is still in this pack's log.
fn check_previous(
    previous: &[u8],
    key: Option<[u8; 32]>,
    audit: Option<&AuditChecked>,
    out: &mut Verification,
) {
    let earlier = verify(previous, None);
    for problem in &earlier.problems {
        out.problems.push(format!("previous pack: {problem}"));
    }
    let Some(earlier_pack) = earlier.pack.as_ref() else {
        return;
    };
    let Some(pack) = out.pack.clone() else {
        return;
    };
    let before = out.problems.len();
    let earlier_files = archive::read(previous).ok();
    let earlier_file = |path: &str| {
        let entries = earlier_files.as_ref()?;
        let entry = entries.iter().find(|e| e.name == path)?;
        archive::inflate(previous, entry).ok()
    };
    match (&pack.previous_pack, earlier_file(SUMS)) {
        (None, _) => out.problems.push(format!(
            "{PACK_JSON}: names no previous pack, yet one was given: this pack does not continue it"
        )),
        (Some(link), Some(earlier_sums)) => {
            if link.sha256sums_sha256 != hex::encode(Sha256::digest(&earlier_sums)) {
                out.problems.push(format!(
                    "{PACK_JSON}: its previous_pack is not the previous pack given (their {SUMS} differ): this pack continues another one, or the earlier pack was changed"
                ));
            } else if link.generated_at != earlier_pack.generated_at {
                out.problems.push(format!(
                    "{PACK_JSON}: its previous_pack says it was generated {}, the previous pack says {}: one of them was edited",
                    one_line(&link.generated_at),
                    one_line(&earlier_pack.generated_at)
                ));
            }
        }
        (Some(_), None) => {}
    }
    if earlier_pack.generated_at >= pack.generated_at {
        out.problems.push(format!(
            "{PACK_JSON}: generated {}, not after the previous pack ({}): the packs are given in the wrong order",
            one_line(&pack.generated_at),
            one_line(&earlier_pack.generated_at)
        ));
    }
    if let Some(key) = key {
        if earlier_pack.signer.public_key_hex != hex::encode(key) {
            out.problems.push(format!(
                "{PUBLIC_KEY}: this pack was signed by {}, the previous pack by {}: they do not come from the same workspace",
                signer_fingerprint(&key),
                one_line(&earlier_pack.signer.fingerprint)
            ));
        }
    }
    if earlier_pack.tenant.id != pack.tenant.id {
        out.problems.push(format!(
            "{PACK_JSON}: this pack is for tenant {}, the previous pack for {}: they are not one customer's series",
            one_line(&pack.tenant.id),
            one_line(&earlier_pack.tenant.id)
        ));
    }
    // The earlier pack's signed head must still be in this pack's log, unchanged.
    if let (Some(audit), Some(earlier_checkpoint)) = (
        audit,
        earlier_file(CHECKPOINT).and_then(|b| serde_json::from_slice::<CheckpointFile>(&b).ok()),
    ) {
        if audit.checkpoint_seq < earlier_checkpoint.seq {
            out.problems.push(format!(
                "{CHECKPOINT}: signed entry {}, before the previous pack's entry {}: the audit log lost entries between the two packs",
                audit.checkpoint_seq, earlier_checkpoint.seq
            ));
        } else if let Some(hash) = audit.hashes.get(&earlier_checkpoint.seq) {
            if *hash != earlier_checkpoint.hash {
                out.problems.push(format!(
                    "{AUDIT_LOG}: entry {} differs from the one the previous pack's checkpoint signed: the audit log was rewritten between the two packs",
                    earlier_checkpoint.seq
                ));
            }
        }
    }
    if out.problems.len() == before && earlier.ok {
        out.facts.push(format!(
            "continues the previous pack (generated {}), signed with the same key for the same tenant",
            one_line(&earlier_pack.generated_at)
        ));
    }
}

/// ", and 3 more" when there were more than one of something.
fn more(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        n => format!(", and {} more", n - 1),
    }
}

/// Text from the bundle, shown in a problem or fact: one line, control characters visible, and
/// cut short, so that a hostile pack cannot write over the terminal or flood it.
fn one_line(text: &str) -> String {
    let visible = tenantatlas_core::text::visible(text);
    let mut cut: String = visible.chars().take(200).collect();
    if visible.chars().count() > 200 {
        cut.push('…');
    }
    cut
}
