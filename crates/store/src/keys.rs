//! Where a workspace's 256-bit database key comes from.
//!
//! - **Keychain** (the default): 32 random bytes, kept hex-encoded in the OS keychain under service
//!   `TenantAtlas`, account `workspace-<id>`. Only the key lives there, never tokens: some keychains
//!   cap the size of a secret, and one small key is all the keychain needs to protect.
//! - **Passphrase** (headless machines): Argon2id over the passphrase with a random salt kept in
//!   `workspace.json`. The caller reads the passphrase from `TENANTATLAS_PASSPHRASE`; this crate
//!   never reads the environment, so that tests and the desktop shell decide where it comes from.
//!
//! With neither, creating a workspace fails closed: there is no unencrypted fallback.
//!
//! Keys live in [`Zeroizing`] buffers and are wiped when dropped. One copy we cannot wipe remains:
//! the `PRAGMA key` text inside sqlx's connect options, which the pool keeps for its lifetime to
//! open new connections.

use crate::error::{Result, StoreError};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use zeroize::Zeroizing;

/// The keychain service every workspace key is stored under.
pub const KEYCHAIN_SERVICE: &str = "TenantAtlas";

/// How the caller wants a workspace's key provided.
#[derive(Clone, Default)]
pub struct KeyOptions {
    /// From `TENANTATLAS_PASSPHRASE`. When set, a *new* workspace is protected by this passphrase
    /// instead of the keychain; an existing workspace follows its `workspace.json` either way.
    pub passphrase: Option<String>,
}

impl std::fmt::Debug for KeyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the passphrase, even in a debug log.
        f.debug_struct("KeyOptions")
            .field(
                "passphrase",
                &self.passphrase.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Where an existing workspace's key comes from (recorded in `workspace.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySource {
    Keychain,
    Passphrase,
}

/// Argon2id parameters, stored in plain text beside the database: none of it is secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Always `argon2id`.
    pub algorithm: String,
    /// Hex of the 16-byte random salt.
    pub salt: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// The key-derivation settings TenantAtlas accepts from a `workspace.json`. They are read from a
/// file anyone who can write the folder may edit, so they are checked before Argon2id runs: an
/// absurd memory size would abort the process and an absurd pass count would never finish.
/// The bounds leave room above today's defaults (19 MiB, 2 passes, 1 lane, 16-byte salt).
pub mod kdf_bounds {
    use std::ops::RangeInclusive;
    /// 8 MiB to 1 GiB.
    pub const MEMORY_KIB: RangeInclusive<u32> = 8 * 1024..=1024 * 1024;
    pub const ITERATIONS: RangeInclusive<u32> = 1..=16;
    pub const PARALLELISM: RangeInclusive<u32> = 1..=8;
    /// Bytes of salt.
    pub const SALT_BYTES: RangeInclusive<usize> = 16..=64;
}

/// The rule a passphrase for a new workspace must meet: at least this many characters…
pub const PASSPHRASE_MIN_CHARS: usize = 12;
/// …of which at least this many are different, and not only whitespace. Existing workspaces open
/// with whatever passphrase they were made with.
pub const PASSPHRASE_MIN_DISTINCT: usize = 6;

/// Refuses a passphrase too weak to protect a new workspace (see [`PASSPHRASE_MIN_CHARS`]). The
/// rule is short on purpose: length is what makes a passphrase expensive to guess through
/// Argon2id, and the distinct-character count only stops the obvious (`aaaaaaaaaaaa`).
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    let chars = passphrase.chars().count();
    let distinct = passphrase
        .chars()
        .collect::<std::collections::BTreeSet<char>>()
        .len();
    let blank = passphrase.chars().all(char::is_whitespace);
    if chars < PASSPHRASE_MIN_CHARS || distinct < PASSPHRASE_MIN_DISTINCT || blank {
        return Err(StoreError::WeakPassphrase);
    }
    Ok(())
}

impl KdfParams {
    /// Whether the settings are within [`kdf_bounds`]; `Err` names the first one that is not.
    pub fn check_bounds(&self) -> std::result::Result<(), String> {
        fn within<T: PartialOrd + std::fmt::Display>(
            name: &str,
            value: T,
            range: std::ops::RangeInclusive<T>,
        ) -> std::result::Result<(), String> {
            if range.contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{name} is {value}, outside {} to {}",
                    range.start(),
                    range.end()
                ))
            }
        }
        within("memory_kib", self.memory_kib, kdf_bounds::MEMORY_KIB)?;
        within("iterations", self.iterations, kdf_bounds::ITERATIONS)?;
        within("parallelism", self.parallelism, kdf_bounds::PARALLELISM)?;
        let salt = hex::decode(&self.salt).map_err(|_| "the salt is not hex".to_string())?;
        within(
            "the salt's length in bytes",
            salt.len(),
            kdf_bounds::SALT_BYTES,
        )
    }

    /// Fresh parameters for a new workspace: OWASP's recommended Argon2id minimum
    /// (19 MiB, 2 passes, 1 lane) — a fraction of a second once per open.
    pub fn new_random() -> KdfParams {
        let mut salt = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        KdfParams {
            algorithm: "argon2id".to_string(),
            salt: hex::encode(salt),
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
        }
    }
}

/// A 256-bit database key, wiped from memory when dropped.
pub(crate) struct WorkspaceKey(Zeroizing<[u8; 32]>);

impl WorkspaceKey {
    fn random() -> WorkspaceKey {
        let mut key = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(key.as_mut());
        WorkspaceKey(key)
    }

    fn from_hex(text: &str) -> Option<WorkspaceKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), key.as_mut()).ok()?;
        Some(WorkspaceKey(key))
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The value of `PRAGMA key`: a raw key, so SQLCipher uses it as is instead of running its own
    /// PBKDF2 over it (the key is already random or Argon2id output). sqlx inserts the value
    /// verbatim, hence the quotes.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.to_hex().as_str()))
    }

    /// The 32-byte seed of the workspace's Ed25519 signing key (audit checkpoints, review packs):
    /// derived from the database key, so it is kept exactly as the master key is (keychain or
    /// passphrase) and never stored anywhere.
    pub(crate) fn signing_seed(&self) -> Zeroizing<[u8; 32]> {
        let mut hasher = Sha256::new();
        hasher.update(b"tenantatlas workspace signing key v1\0");
        hasher.update(self.0.as_ref());
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&hasher.finalize());
        seed
    }

    /// The 32-byte secret of the workspace's age X25519 identity, which opens snapshot bundles a
    /// colleague encrypted to this workspace (`exchange.rs`): derived from the database key as the
    /// signing seed is, under its own domain string, so the two keys are unrelated and neither is
    /// ever stored.
    pub(crate) fn exchange_seed(&self) -> Zeroizing<[u8; 32]> {
        let mut hasher = Sha256::new();
        hasher.update(b"tenantatlas workspace exchange key v1\0");
        hasher.update(self.0.as_ref());
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&hasher.finalize());
        seed
    }

    /// A short fingerprint kept in `workspace.json`, so that a wrong key is told apart from a
    /// damaged database before SQLCipher is asked (both look like "file is not a database").
    /// It gives an attacker nothing: with a random key it is a hash of 256 random bits, and with a
    /// passphrase testing a guess against it costs the same Argon2id run as testing it against the
    /// encrypted file beside it.
    pub(crate) fn check_value(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"tenantatlas workspace key check v1\0");
        hasher.update(self.0.as_ref());
        hex::encode(&hasher.finalize()[..8])
    }
}

/// Argon2id(passphrase, salt) → 32-byte key. Takes a fraction of a second on purpose.
/// `meta_path` is the `workspace.json` the parameters came from, named in the error when they are
/// unusable.
pub(crate) fn derive_from_passphrase(
    passphrase: &str,
    kdf: &KdfParams,
    meta_path: &Path,
) -> Result<WorkspaceKey> {
    let bad = |what: &str| {
        StoreError::corrupt(
            meta_path,
            format!("the key derivation settings are damaged ({what}); restore the workspace with `tenantatlas restore-backup FILE`"),
        )
    };
    if kdf.algorithm != "argon2id" {
        return Err(bad("unknown algorithm"));
    }
    kdf.check_bounds().map_err(|what| {
        StoreError::corrupt(
            meta_path,
            format!("the key derivation settings are out of bounds ({what}); restore the workspace with `tenantatlas restore-backup FILE`"),
        )
    })?;
    let salt = hex::decode(&kdf.salt).map_err(|_| bad("salt"))?;
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|_| bad("parameters"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), &salt, key.as_mut())
        .map_err(|_| bad("parameters"))?;
    Ok(WorkspaceKey(key))
}

/// The keychain account that holds a workspace's key.
pub fn keychain_account(workspace_id: &str) -> String {
    format!("workspace-{workspace_id}")
}

/// Whether the OS keychain answers, asked without storing or reading any key: a lookup of an
/// account no workspace uses, which a working keychain answers with "no such entry". For the
/// desktop app's first-run screen (a new workspace keeps its key there, or needs a passphrase).
/// It may block on the platform's keychain service: call it off the async runtime's threads.
pub fn keychain_available() -> bool {
    match keyring::Entry::new(KEYCHAIN_SERVICE, "availability-probe") {
        Ok(entry) => matches!(entry.get_password(), Ok(_) | Err(keyring::Error::NoEntry)),
        Err(_) => false,
    }
}

fn entry(workspace_id: &str) -> keyring::Result<keyring::Entry> {
    keyring::Entry::new(KEYCHAIN_SERVICE, &keychain_account(workspace_id))
}

/// The platform's reason on one line: D-Bus errors span several lines and would break the
/// one-line error contract of the command line.
fn one_line(err: &keyring::Error) -> String {
    let text = match err {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            inner.to_string()
        }
        other => other.to_string(),
    };
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.trim_end_matches('.').to_string();
    if text.is_empty() {
        "unknown keychain error".to_string()
    } else {
        text
    }
}

/// Generates a key for a new workspace and stores it in the OS keychain. Reads it back before
/// trusting it, because a keychain that silently drops writes would otherwise lock the user out
/// of the workspace the moment this process ends.
pub(crate) fn create_in_keychain(workspace_id: &str) -> Result<WorkspaceKey> {
    let key = WorkspaceKey::random();
    let unavailable = |e: keyring::Error| StoreError::NoKeychain {
        reason: one_line(&e),
    };
    let entry = entry(workspace_id).map_err(unavailable)?;
    entry
        .set_password(key.to_hex().as_str())
        .map_err(unavailable)?;
    let stored = Zeroizing::new(entry.get_password().map_err(unavailable)?);
    match WorkspaceKey::from_hex(&stored) {
        Some(read) if read.0 == key.0 => Ok(key),
        _ => Err(StoreError::NoKeychain {
            reason: "the keychain did not return the key it was given".to_string(),
        }),
    }
}

/// Reads an existing workspace's key from the OS keychain.
pub(crate) fn load_from_keychain(workspace_id: &str) -> Result<WorkspaceKey> {
    let unavailable = |e: keyring::Error| StoreError::KeychainUnavailable {
        reason: one_line(&e),
    };
    let missing = || StoreError::KeychainKeyMissing {
        account: keychain_account(workspace_id),
    };
    let entry = entry(workspace_id).map_err(unavailable)?;
    match entry.get_password() {
        Ok(text) => {
            let text = Zeroizing::new(text);
            // A value that is not 64 hex digits is not our key: treat it like a wrong key rather
            // than guessing what it might be.
            WorkspaceKey::from_hex(&text).ok_or(StoreError::WrongKey)
        }
        Err(keyring::Error::NoEntry) => Err(missing()),
        Err(e) => Err(unavailable(e)),
    }
}

/// Removes a workspace's key from the keychain (used when creating a workspace fails after the
/// key was stored, so that no orphaned secret stays behind).
pub(crate) fn forget_in_keychain(workspace_id: &str) {
    if let Ok(entry) = entry(workspace_id) {
        let _ = entry.delete_credential();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_derivation_is_deterministic_per_salt() {
        let kdf = KdfParams {
            memory_kib: 8 * 1024,
            iterations: 1,
            ..KdfParams::new_random()
        };
        let a = derive_from_passphrase("correct horse", &kdf, Path::new("w")).unwrap();
        let b = derive_from_passphrase("correct horse", &kdf, Path::new("w")).unwrap();
        let c = derive_from_passphrase("wrong horse", &kdf, Path::new("w")).unwrap();
        assert_eq!(a.check_value(), b.check_value());
        assert_ne!(a.check_value(), c.check_value());
        let other_salt = KdfParams {
            memory_kib: 8 * 1024,
            iterations: 1,
            ..KdfParams::new_random()
        };
        let d = derive_from_passphrase("correct horse", &other_salt, Path::new("w")).unwrap();
        assert_ne!(a.check_value(), d.check_value());
    }

    #[test]
    fn settings_outside_the_bounds_are_refused_before_argon2_runs() {
        let sane = KdfParams::new_random();
        assert_eq!(sane.check_bounds(), Ok(()));
        for (params, named) in [
            (
                KdfParams {
                    memory_kib: u32::MAX,
                    ..sane.clone()
                },
                "memory_kib is 4294967295",
            ),
            (
                KdfParams {
                    memory_kib: 64,
                    ..sane.clone()
                },
                "memory_kib is 64",
            ),
            (
                KdfParams {
                    iterations: 4_000_000_000,
                    ..sane.clone()
                },
                "iterations",
            ),
            (
                KdfParams {
                    iterations: 0,
                    ..sane.clone()
                },
                "iterations",
            ),
            (
                KdfParams {
                    parallelism: 255,
                    ..sane.clone()
                },
                "parallelism",
            ),
            (
                KdfParams {
                    salt: "00".repeat(8),
                    ..sane.clone()
                },
                "salt",
            ),
            (
                KdfParams {
                    salt: "00".repeat(65),
                    ..sane.clone()
                },
                "salt",
            ),
        ] {
            let err = derive_from_passphrase("correct horse battery", &params, Path::new("w"))
                .err()
                .expect("refused");
            let text = err.to_string();
            assert!(
                text.contains("out of bounds") && text.contains(named),
                "{text}"
            );
        }
    }

    #[test]
    fn a_new_passphrase_must_be_long_and_varied() {
        for weak in [
            "",
            "x",
            "hunter2",
            "elevenchars",
            "aaaaaaaaaaaaaaaa",
            "abababababababab",
            "                ",
        ] {
            assert!(
                matches!(check_new_passphrase(weak), Err(StoreError::WeakPassphrase)),
                "{weak:?} accepted"
            );
        }
        for strong in [
            "correct horse battery",
            "e2e passphrase 7f1c2a9d",
            "tenantatlas-demo",
            "ünïcödé-pässwörd",
        ] {
            assert!(check_new_passphrase(strong).is_ok(), "{strong:?} refused");
        }
    }

    #[test]
    fn pragma_value_is_a_quoted_raw_key() {
        let key = WorkspaceKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(
            key.pragma_value().as_str(),
            format!("\"x'{}'\"", "ab".repeat(32))
        );
        assert!(WorkspaceKey::from_hex("abc").is_none());
    }

    #[test]
    fn debug_output_hides_the_passphrase() {
        let options = KeyOptions {
            passphrase: Some("hunter2".to_string()),
        };
        assert!(!format!("{options:?}").contains("hunter2"));
    }
}
