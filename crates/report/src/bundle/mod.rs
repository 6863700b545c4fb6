//! Evidence bundles: the ZIP beside a review pack's PDF that an auditor checks offline, with
//! standard tools or with `tenantatlas verify`, never with the workspace that made it.
//!
//! ```text
//! pack.json               what the pack is (PackInfo): tenant, period, snapshots, signer, previous pack
//! evidence/…              snapshot, findings, risk register, runs, inventory (opaque here)
//! audit/log.jsonl         an excerpt of the audit chain: this tenant's entries in full, others elided
//! audit/log.csv
//! audit/checkpoint.json   the workspace's signed checkpoint of the chain's head
//! report/review-pack.pdf
//! README.txt              how to verify by hand
//! SHA256SUMS              "<sha-256>  <path>\n" for every file above, sorted by path
//! SHA256SUMS.sig          raw Ed25519 signature over SHA256SUMS
//! signer.pub.pem          the verifying key (SubjectPublicKeyInfo PEM)
//! ```
//!
//! Two decisions a newcomer must know:
//! - **Standard tools first.** `sha256sum -c SHA256SUMS` and `openssl pkeyutl -verify -pubin
//!   -inkey signer.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig` check the whole
//!   bundle; [`verify`] does the same and more (the audit chain against its signed checkpoint,
//!   the PDF's shape, the link to the previous pack). Nothing in the format needs our code.
//! - **One layout, read strictly.** [`build`] writes a deterministic ZIP (sorted entries,
//!   1980-01-01 times, 0644, deflate at one level): the same entries give the same bytes.
//!   [`verify`] reads ZIPs with its own bounded reader that accepts exactly that layout, so a
//!   changed byte anywhere — data, local header, central directory — is a problem it names,
//!   and a hostile file (zip bomb, `../` paths, overlapping entries) cannot exhaust memory.

mod archive;
mod check;

pub use check::{verify, Verification};
pub use tenantatlas_core::evidence::Signer;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;

/// The `format` of `pack.json`; a later format gets a new number.
pub const PACK_FORMAT: &str = "tenantatlas-review-pack/1";

/// The files [`build`] adds, which callers may not supply.
pub const SUMS: &str = "SHA256SUMS";
pub const SIGNATURE: &str = "SHA256SUMS.sig";
pub const PUBLIC_KEY: &str = "signer.pub.pem";
pub const README: &str = "README.txt";

/// The files every review pack has (besides the four above).
pub const PACK_JSON: &str = "pack.json";
pub const AUDIT_LOG: &str = "audit/log.jsonl";
pub const CHECKPOINT: &str = "audit/checkpoint.json";
pub const PDF: &str = "report/review-pack.pdf";

/// What a bundle may hold, for [`build`] and [`verify`] alike, so that every bundle built can be
/// verified and a hostile one cannot make the verifier run out of memory.
pub mod limits {
    /// Files in one bundle.
    pub const ENTRIES: usize = 20_000;
    /// Bytes of one file, uncompressed.
    pub const ENTRY_BYTES: u64 = 512 * 1024 * 1024;
    /// Bytes of all files together, uncompressed; also the largest bundle file read.
    pub const TOTAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;
    /// Bytes of a path inside the bundle.
    pub const PATH_BYTES: usize = 255;
}

/// One file of a bundle, as the engine supplies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// A relative path with `/` between folders (`evidence/findings.json`).
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why a bundle cannot be built. Each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("the bundle path {path:?} is not allowed ({reason})")]
    BadPath { path: String, reason: &'static str },

    #[error("the bundle has {path:?} twice (paths may not differ only in letter case)")]
    Duplicate { path: String },

    #[error("{path:?} is both a file and a folder in the bundle")]
    FileAndFolder { path: String },

    #[error("{path:?} is added by the bundle itself; do not supply it")]
    Reserved { path: String },

    #[error("the bundle would be too large ({what}); leave out some evidence or split the period")]
    TooLarge { what: String },

    #[error("{what} is not a TenantAtlas evidence bundle ({reason})")]
    NotABundle { what: String, reason: String },

    #[error("cannot write the ZIP: {0}")]
    Zip(String),
}

/// `pack.json`: what a review pack is. The engine fills it in and serialises it with
/// [`PackInfo::to_json`]; [`verify`] reads it back. Fields may be added; these names stay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackInfo {
    /// Always [`PACK_FORMAT`].
    pub format: String,
    pub tenant: PackTenant,
    pub period: PackPeriod,
    pub generated_at: String,
    pub product_version: String,
    pub snapshots: Vec<PackSnapshot>,
    /// The pack before this one for the same tenant, which this one continues; `null` for the
    /// first.
    pub previous_pack: Option<PreviousPack>,
    pub signer: PackSigner,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackTenant {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackPeriod {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSnapshot {
    /// The snapshot's id in the workspace (a number or a text, as the engine names it).
    pub id: serde_json::Value,
    pub taken_at: String,
    /// Hex SHA-256 of the snapshot's canonical JSON.
    pub content_sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousPack {
    /// Hex SHA-256 of the previous bundle's `SHA256SUMS` file, which names (by hash) every file
    /// it held: the link that makes a series of packs a chain.
    #[serde(rename = "sha256SUMS_sha256")]
    pub sha256sums_sha256: String,
    pub generated_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSigner {
    pub public_key_hex: String,
    /// [`signer_fingerprint`] of the key.
    pub fingerprint: String,
}

impl PackSigner {
    /// The signer entry for `signer`'s key.
    pub fn of(signer: &dyn Signer) -> PackSigner {
        let key = signer.public_key();
        PackSigner {
            public_key_hex: hex::encode(key),
            fingerprint: signer_fingerprint(&key),
        }
    }
}

impl PreviousPack {
    /// The link to `previous`, a bundle built earlier: the hash of its `SHA256SUMS` and its
    /// `generated_at`. Only the two files are read; [`verify`] with `previous` checks the rest.
    pub fn of(previous: &[u8]) -> Result<PreviousPack, BundleError> {
        let not_a_bundle = |reason: String| BundleError::NotABundle {
            what: "the previous pack".to_string(),
            reason,
        };
        let files = archive::read(previous).map_err(|p| not_a_bundle(p.to_string()))?;
        let file = |path: &str| -> Result<Vec<u8>, BundleError> {
            let entry = files
                .iter()
                .find(|e| e.name == path)
                .ok_or_else(|| not_a_bundle(format!("it has no {path}")))?;
            archive::inflate(previous, entry).map_err(|reason| not_a_bundle(reason.to_string()))
        };
        let sums = file(SUMS)?;
        let info: PackInfo = serde_json::from_slice(&file(PACK_JSON)?)
            .map_err(|e| not_a_bundle(format!("its {PACK_JSON} does not read: {e}")))?;
        Ok(PreviousPack {
            sha256sums_sha256: hex::encode(Sha256::digest(&sums)),
            generated_at: info.generated_at,
        })
    }
}

impl PackInfo {
    /// `pack.json`'s bytes: pretty JSON ending in a newline, fields in their declared order.
    pub fn to_json(&self) -> Vec<u8> {
        // Serialising plain strings and vectors cannot fail.
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}

/// A key's fingerprint as people compare it by reading: `SHA256:` and the first 16 bytes of the
/// SHA-256 of the raw 32-byte key, in eight groups of four hex digits
/// (`SHA256:3f2a-9c1d-…`). By hand: `openssl pkey -pubin -in signer.pub.pem -outform DER |
/// tail -c 32 | sha256sum`, first 32 digits.
pub fn signer_fingerprint(public_key: &[u8; 32]) -> String {
    let digest = hex::encode(&Sha256::digest(public_key)[..16]);
    let groups: Vec<&str> = (0..8).map(|i| &digest[i * 4..i * 4 + 4]).collect();
    format!("SHA256:{}", groups.join("-"))
}

/// The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the 32-byte key follows it.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// `signer.pub.pem`: the key as a SubjectPublicKeyInfo PEM, which `openssl pkeyutl -pubin` reads.
pub fn public_key_pem(public_key: &[u8; 32]) -> String {
    use base64::Engine;
    let mut der = ED25519_SPKI_PREFIX.to_vec();
    der.extend_from_slice(public_key);
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    )
}

/// The key in a `signer.pub.pem`, if it is an Ed25519 SubjectPublicKeyInfo PEM.
pub(crate) fn parse_public_key_pem(bytes: &[u8]) -> Option<[u8; 32]> {
    use base64::Engine;
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let body = text
        .strip_prefix("-----BEGIN PUBLIC KEY-----")?
        .strip_suffix("-----END PUBLIC KEY-----")?;
    let body: String = body.split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    let key = der.strip_prefix(&ED25519_SPKI_PREFIX[..])?;
    key.try_into().ok()
}

/// Why `path` cannot name a file in a bundle, if it cannot: it must be relative, `/`-separated,
/// printable ASCII without backslashes, with no empty, `.` or `..` part. The same rule holds
/// for what [`verify`] accepts, so that extracting a bundle never writes outside its folder and
/// `sha256sum -c` reads every line as written.
pub(crate) fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("it is empty");
    }
    if path.len() > limits::PATH_BYTES {
        return Some("it is longer than 255 bytes");
    }
    if path.starts_with('/') {
        return Some("it is absolute");
    }
    if path.contains('\\') {
        return Some("it has a backslash");
    }
    if !path.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Some("it has a control or non-ASCII character");
    }
    if path.split('/').any(|part| part == "..") {
        return Some("it has a `..` part");
    }
    if path.split('/').any(|part| part.is_empty() || part == ".") {
        return Some("it has an empty or `.` part");
    }
    if path.contains(':') {
        return Some("it has a colon");
    }
    None
}

/// Builds a bundle from the engine's `entries`: adds `README.txt`, `SHA256SUMS` over every file,
/// its signature by `signer` and `signer.pub.pem`, and writes them all as a deterministic ZIP.
pub fn build(entries: Vec<Entry>, signer: &dyn Signer) -> Result<Vec<u8>, BundleError> {
    let public_key = signer.public_key();
    let mut files = entries;
    files.push(Entry {
        path: README.to_string(),
        bytes: readme(&signer_fingerprint(&public_key)).into_bytes(),
    });
    check_entries(&files)?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let sums = sums_text(&files);
    let signature = signer.sign(sums.as_bytes());
    files.push(Entry {
        path: SUMS.to_string(),
        bytes: sums.into_bytes(),
    });
    files.push(Entry {
        path: SIGNATURE.to_string(),
        bytes: signature.to_vec(),
    });
    files.push(Entry {
        path: PUBLIC_KEY.to_string(),
        bytes: public_key_pem(&public_key).into_bytes(),
    });
    files.sort_by(|a, b| a.path.cmp(&b.path));
    write_zip(&files)
}

/// The caller's entries (with `README.txt`): good paths, none twice, none reserved, within the
/// limits once the four added files are counted.
fn check_entries(files: &[Entry]) -> Result<(), BundleError> {
    let mut seen = std::collections::BTreeMap::new();
    let mut total: u64 = 0;
    for (n, entry) in files.iter().enumerate() {
        let path = &entry.path;
        if let Some(reason) = path_problem(path) {
            return Err(BundleError::BadPath {
                path: path.clone(),
                reason,
            });
        }
        // README.txt is the last entry: the one build adds.
        let added_here = n + 1 == files.len();
        if [SUMS, SIGNATURE, PUBLIC_KEY].contains(&path.as_str()) || (path == README && !added_here)
        {
            return Err(BundleError::Reserved { path: path.clone() });
        }
        if seen.insert(path.to_ascii_lowercase(), ()).is_some() {
            return Err(BundleError::Duplicate { path: path.clone() });
        }
        if entry.bytes.len() as u64 > limits::ENTRY_BYTES {
            return Err(BundleError::TooLarge {
                what: format!("{path} is over 512 MiB"),
            });
        }
        total += entry.bytes.len() as u64;
    }
    // A file named like a folder of another ("a" and "a/b") cannot be extracted.
    for path in seen.keys() {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() && seen.contains_key(&prefix) {
                return Err(BundleError::FileAndFolder { path: prefix });
            }
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
        }
    }
    // Room for SHA256SUMS, the signature and the key, generously.
    let added = 100 * files.len() as u64 + 1024;
    if files.len() + 3 > limits::ENTRIES {
        return Err(BundleError::TooLarge {
            what: format!("{} files, over {}", files.len() + 3, limits::ENTRIES),
        });
    }
    if total + added > limits::TOTAL_BYTES {
        return Err(BundleError::TooLarge {
            what: "over 4 GiB".to_string(),
        });
    }
    Ok(())
}

/// `SHA256SUMS`: `<hex>  <path>\n` per file, in the order given (sorted by path).
fn sums_text(files: &[Entry]) -> String {
    files
        .iter()
        .map(|f| format!("{}  {}\n", hex::encode(Sha256::digest(&f.bytes)), f.path))
        .collect()
}

/// The deflate level of every entry: one setting, so the same bytes compress the same way.
const DEFLATE_LEVEL: i64 = 6;

fn write_zip(files: &[Entry]) -> Result<Vec<u8>, BundleError> {
    use zip::write::SimpleFileOptions;
    let zip_error = |e: zip::result::ZipError| BundleError::Zip(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644)
        .large_file(false);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        writer
            .start_file(file.path.as_str(), options)
            .map_err(zip_error)?;
        writer
            .write_all(&file.bytes)
            .map_err(|e| BundleError::Zip(e.to_string()))?;
    }
    Ok(writer.finish().map_err(zip_error)?.into_inner())
}

/// `README.txt`: how to verify the bundle by hand, with the signer's fingerprint.
fn readme(fingerprint: &str) -> String {
    format!(
        "TenantAtlas review pack: evidence bundle
========================================

This folder holds the evidence behind report/review-pack.pdf. Every file is listed
with its SHA-256 in SHA256SUMS, and SHA256SUMS is signed with Ed25519 (SHA256SUMS.sig)
by the key in signer.pub.pem. You can check it all with standard tools, without
TenantAtlas.

1. Unpack the ZIP into an empty folder and open a terminal there:

     unzip review-pack.zip -d review-pack && cd review-pack

2. Check every file against SHA256SUMS; each line must end in OK:

     sha256sum -c SHA256SUMS

   (on macOS: shasum -a 256 -c SHA256SUMS)

3. Check the signature on SHA256SUMS (OpenSSL 3.0 or later); it must print
   \"Signature Verified Successfully\":

     openssl pkeyutl -verify -pubin -inkey signer.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig

4. Check that the key is your provider's. Its fingerprint is

     {fingerprint}

   It must equal the fingerprint your provider gave you separately, and the one
   earlier packs carried. To compute it yourself, take the first 32 hex digits of

     openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum

Steps 2 to 4 prove that no file was changed, added or removed since the pack was
signed, and by whom it was signed.

What the files are:

  pack.json               the tenant, the period, the snapshots, the signer, and the
                          SHA-256 of the previous pack's SHA256SUMS (its link to it)
  evidence/               the snapshot (canonical JSON), findings, risk register,
                          runs and inventory behind the report
  audit/log.jsonl         the audit log over the period, one entry per line, chained:
                          each line's hash is sha256(prev_hash || entry), where entry
                          is the compact JSON of action, actor, at, details, seq and
                          subject with keys sorted. Entries about other customers
                          show only seq, prev_hash and hash (\"elided\")
  audit/log.csv           the same entries as a table
  audit/checkpoint.json   the log's last entry (seq, hash), signed with the same key
  report/review-pack.pdf  the report

With TenantAtlas installed, `tenantatlas verify review-pack.zip` does all of the
above and also recomputes the audit chain up to the signed checkpoint; add
`--previous EARLIER.zip` to check that this pack continues the one before.
"
    )
}
