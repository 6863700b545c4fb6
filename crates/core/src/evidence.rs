//! The byte formats that make evidence checkable: the hash that chains audit entries, the bytes a
//! checkpoint of the chain's head signs, and the one trait through which a review pack is signed.
//!
//! They live here, and only here, because two parties must agree on them to the byte: the store,
//! which writes the chain and signs checkpoints, and the evidence-bundle verifier, which checks
//! them offline without a workspace. Nothing here signs or verifies a signature: the core has no
//! cryptographic key code, so [`Signer`] is a trait that the store implements and the report
//! crate calls.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first audit entry, and the head hash of an empty log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The `format` of a checkpoint file; a later format gets a new number.
pub const CHECKPOINT_FORMAT: &str = "tenantatlas-audit-checkpoint/1";

/// The fields of one audit entry that its hash covers. `details` is the entry's canonical JSON
/// text (sorted keys, compact), used verbatim: the stored text, not a re-serialised value, so that
/// checking an entry never depends on how a parsed value prints again.
#[derive(Clone, Copy, Debug)]
pub struct EntryFields<'a> {
    pub seq: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub details: &'a str,
}

/// An audit entry's hash: `hex(sha256(prev_hash || entry))`, where `entry` is the canonical JSON
/// (sorted keys, compact) of `{action, actor, at, details, seq, subject}`.
pub fn entry_hash(prev_hash: &str, entry: &EntryFields<'_>) -> String {
    let text = format!(
        "{{\"action\":{},\"actor\":{},\"at\":{},\"details\":{},\"seq\":{},\"subject\":{}}}",
        json_string(entry.action),
        json_string(entry.actor),
        json_string(entry.at),
        entry.details,
        entry.seq,
        json_string(entry.subject)
    );
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(text.as_bytes());
    hex::encode(hasher.finalize())
}

/// What a checkpoint of the audit chain's head says, without its key and signature.
#[derive(Clone, Copy, Debug)]
pub struct CheckpointHead<'a> {
    pub format: &'a str,
    pub workspace_id: &'a str,
    /// The last entry the checkpoint covers; 0 for an empty log.
    pub seq: i64,
    /// That entry's hash ([`GENESIS`] for an empty log).
    pub hash: &'a str,
    /// When the checkpoint was signed.
    pub at: &'a str,
}

/// The bytes a checkpoint's Ed25519 signature covers: the canonical JSON (sorted keys, compact)
/// of `{at, format, hash, seq, workspace_id}`.
pub fn checkpoint_signed_bytes(head: &CheckpointHead<'_>) -> Vec<u8> {
    format!(
        "{{\"at\":{},\"format\":{},\"hash\":{},\"seq\":{},\"workspace_id\":{}}}",
        json_string(head.at),
        json_string(head.format),
        json_string(head.hash),
        head.seq,
        json_string(head.workspace_id)
    )
    .into_bytes()
}

/// Whether `text` is lower-case hex of exactly `bytes` bytes: the form every hash and key takes
/// in the audit log, checkpoints and review packs.
pub fn is_hex_of(text: &str, bytes: usize) -> bool {
    text.len() == bytes * 2 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Signs review packs and checkpoints with an Ed25519 key the caller never sees: the store
/// implements it for a workspace's key, tests with a fixed one.
pub trait Signer {
    /// The 32-byte Ed25519 verifying key.
    fn public_key(&self) -> [u8; 32];
    /// The 64-byte Ed25519 signature of `message`.
    fn sign(&self, message: &[u8]) -> [u8; 64];
}

/// A JSON string literal. Serialising a `&str` cannot fail; the fallback is never taken but keeps
/// this function total.
fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| String::from("\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_hash_covers_every_field_and_the_predecessor() {
        let entry = EntryFields {
            seq: 1,
            at: "2026-12-05T07:00:00.000Z",
            actor: "alice",
            action: "tenant.add",
            subject: "t1",
            details: r#"{"domain":"contoso.com"}"#,
        };
        let hash = entry_hash(GENESIS, &entry);
        assert!(is_hex_of(&hash, 32));
        // Pinned (computed independently as sha256 of the 64 zeros and the JSON text): a change
        // of format would break every stored chain and every pack ever handed out.
        assert_eq!(
            hash,
            "2d34bf439c35d18bf98b9590a5809258425df3a10cf5aa22c77a16cf75dd412f"
        );
        for changed in [
            EntryFields { seq: 2, ..entry },
            EntryFields {
                at: "2026-12-05T07:00:00.001Z",
                ..entry
            },
            EntryFields {
                actor: "bob",
                ..entry
            },
            EntryFields {
                action: "tenant.archive",
                ..entry
            },
            EntryFields {
                subject: "t2",
                ..entry
            },
            EntryFields {
                details: "{}",
                ..entry
            },
        ] {
            assert_ne!(entry_hash(GENESIS, &changed), hash, "{changed:?}");
        }
        assert_ne!(entry_hash(&"1".repeat(64), &entry), hash);
    }

    #[test]
    fn signed_bytes_are_canonical_json() {
        let bytes = checkpoint_signed_bytes(&CheckpointHead {
            format: CHECKPOINT_FORMAT,
            workspace_id: "w\"1",
            seq: 3,
            hash: GENESIS,
            at: "2026-12-05T07:00:00.000Z",
        });
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            format!(
                r#"{{"at":"2026-12-05T07:00:00.000Z","format":"tenantatlas-audit-checkpoint/1","hash":"{GENESIS}","seq":3,"workspace_id":"w\"1"}}"#
            )
        );
    }

    #[test]
    fn hex_is_lower_case_and_exact() {
        assert!(is_hex_of(GENESIS, 32));
        assert!(!is_hex_of(&GENESIS.to_uppercase().replace('0', "A"), 32));
        assert!(!is_hex_of("abc", 2));
        assert!(!is_hex_of("zz", 1));
        assert!(is_hex_of("", 0));
    }
}
