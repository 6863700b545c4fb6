//! `audit_checkpoints`: signed heads of the audit chain.
//!
//! The hash chain (see [`crate::audit`]) shows an entry changed in place, but anyone holding the
//! workspace key can rewrite the log and recompute every hash after it, or cut entries off the
//! end. A checkpoint anchors the chain: the workspace's Ed25519 key (derived from the database
//! key, see `WorkspaceKey::signing_seed`) signs `{at, format, hash, seq, workspace_id}` — the
//! canonical JSON, sorted keys, compact — of the last entry. A checkpoint kept outside the
//! workspace (`tenantatlas audit checkpoint --out FILE`, a review pack) later proves that the log
//! still holds that entry with that hash: anything removed or rewritten up to it shows.
//!
//! What it cannot do: whoever holds the key can sign a rewritten log's head too. Only a
//! checkpoint taken *before* the rewrite, and kept where the rewriter cannot reach it, catches it.
//! The copies stored in the workspace itself catch an edit that forgets them, no more.

use crate::audit::{self, AuditEntry, ExcerptFrom, ExcerptLine, GENESIS};
use crate::error::Result;
use crate::workspace::{now, Workspace};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sqlx::{Acquire, Row, Sqlite};
use std::collections::BTreeMap;
use tenantatlas_core::evidence::{self, CheckpointHead};

/// The `format` of a checkpoint file; a later format gets a new number.
pub const CHECKPOINT_FORMAT: &str = evidence::CHECKPOINT_FORMAT;

/// A signed head of the audit chain, as stored and as written to a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    pub format: String,
    pub workspace_id: String,
    /// The last entry the checkpoint covers; 0 for an empty log.
    pub seq: i64,
    /// That entry's hash (64 zeros for an empty log).
    pub hash: String,
    /// When the checkpoint was signed.
    pub at: String,
    /// Hex of the workspace's Ed25519 verifying key.
    pub public_key: String,
    /// Hex of the Ed25519 signature over [`Checkpoint::signed_bytes`].
    pub signature: String,
}

/// Why a checkpoint does not vouch for this workspace's log. Each message is one line; `{0}` is
/// where the checkpoint came from (a file name, or "stored checkpoint 3").
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("{source_name} is not an audit checkpoint ({reason}); give a file written by `tenantatlas audit checkpoint --out`")]
    Garbage { source_name: String, reason: String },

    #[error(
        "{source_name} is a checkpoint of another workspace ({theirs}), not of this one ({ours})"
    )]
    OtherWorkspace {
        source_name: String,
        theirs: String,
        ours: String,
    },

    #[error("{source_name} was not signed with this workspace's key: it is forged, or belongs to a workspace rebuilt with another key")]
    WrongKey { source_name: String },

    #[error("{source_name} has a signature that does not match its contents: it was forged or edited after signing")]
    BadSignature { source_name: String },

    #[error("the log ends at entry {log_ends} but {source_name} was signed at entry {signed_at}: entries were removed")]
    Truncated {
        source_name: String,
        log_ends: i64,
        signed_at: i64,
    },

    #[error(
        "entry {seq} differs from the one {source_name} signed: the log was rewritten up to it"
    )]
    Rewritten { source_name: String, seq: i64 },

    #[error(
        "entry {seq}, which {source_name} signed, is missing from the log: entries were removed"
    )]
    Missing { source_name: String, seq: i64 },
}

impl CheckpointError {
    /// A stable code for front doors and `--json`.
    pub fn code(&self) -> &'static str {
        match self {
            CheckpointError::Garbage { .. } => "garbage",
            CheckpointError::OtherWorkspace { .. } => "other_workspace",
            CheckpointError::WrongKey { .. } => "wrong_key",
            CheckpointError::BadSignature { .. } => "bad_signature",
            CheckpointError::Truncated { .. } => "truncated",
            CheckpointError::Rewritten { .. } => "rewritten",
            CheckpointError::Missing { .. } => "missing",
        }
    }
}

impl Checkpoint {
    /// The bytes the signature covers: the canonical JSON of everything but the key and signature
    /// (see [`evidence::checkpoint_signed_bytes`], which the bundle verifier uses too).
    pub fn signed_bytes(&self) -> Vec<u8> {
        evidence::checkpoint_signed_bytes(&CheckpointHead {
            format: &self.format,
            workspace_id: &self.workspace_id,
            seq: self.seq,
            hash: &self.hash,
            at: &self.at,
        })
    }

    /// Signs the head `(seq, hash)` of `workspace_id`'s log at `at` with `seed`.
    pub fn sign(seed: &[u8; 32], workspace_id: &str, seq: i64, hash: &str, at: &str) -> Checkpoint {
        let key = SigningKey::from_bytes(seed);
        let mut checkpoint = Checkpoint {
            format: CHECKPOINT_FORMAT.to_string(),
            workspace_id: workspace_id.to_string(),
            seq,
            hash: hash.to_string(),
            at: at.to_string(),
            public_key: hex::encode(key.verifying_key().as_bytes()),
            signature: String::new(),
        };
        checkpoint.signature = hex::encode(key.sign(&checkpoint.signed_bytes()).to_bytes());
        checkpoint
    }

    /// Reads a checkpoint file's text. Only the shape is checked here; [`Checkpoint::check`] says
    /// whether it vouches for a workspace.
    pub fn parse(
        text: &str,
        source_name: &str,
    ) -> std::result::Result<Checkpoint, CheckpointError> {
        let garbage = |reason: String| CheckpointError::Garbage {
            source_name: source_name.to_string(),
            reason,
        };
        let checkpoint: Checkpoint =
            serde_json::from_str(text).map_err(|e| garbage(e.to_string()))?;
        if checkpoint.format != CHECKPOINT_FORMAT {
            return Err(garbage(format!(
                "its format is '{}', not '{CHECKPOINT_FORMAT}'",
                checkpoint.format
            )));
        }
        let hex_of = |text: &str, len: usize| evidence::is_hex_of(text, len / 2);
        if checkpoint.seq < 0 || !hex_of(&checkpoint.hash, 64) {
            return Err(garbage("its seq or hash is not an audit entry's".into()));
        }
        if !hex_of(&checkpoint.public_key, 64) || !hex_of(&checkpoint.signature, 128) {
            return Err(garbage(
                "its public key or signature is not Ed25519 hex".into(),
            ));
        }
        Ok(checkpoint)
    }

    /// Whether the checkpoint vouches for the log of workspace `workspace_id` whose key is
    /// `public_key` (hex), and whether that log, `heads` (seq → hash of every entry), still
    /// extends it. The first problem found, in that order: workspace, key, signature, log.
    pub fn check(
        &self,
        source_name: &str,
        workspace_id: &str,
        public_key: &str,
        heads: &BTreeMap<i64, String>,
    ) -> std::result::Result<(), CheckpointError> {
        let source_name = source_name.to_string();
        if self.workspace_id != workspace_id {
            return Err(CheckpointError::OtherWorkspace {
                source_name,
                theirs: self.workspace_id.clone(),
                ours: workspace_id.to_string(),
            });
        }
        if !self.public_key.eq_ignore_ascii_case(public_key) {
            return Err(CheckpointError::WrongKey { source_name });
        }
        if !self.signature_valid() {
            return Err(CheckpointError::BadSignature { source_name });
        }
        if self.seq == 0 {
            // An empty log's head: every log extends it, if the hash is the genesis one.
            return if self.hash == GENESIS {
                Ok(())
            } else {
                Err(CheckpointError::BadSignature { source_name })
            };
        }
        let log_ends = heads.keys().next_back().copied().unwrap_or(0);
        if self.seq > log_ends {
            return Err(CheckpointError::Truncated {
                source_name,
                log_ends,
                signed_at: self.seq,
            });
        }
        match heads.get(&self.seq) {
            None => Err(CheckpointError::Missing {
                source_name,
                seq: self.seq,
            }),
            Some(hash) if *hash != self.hash => Err(CheckpointError::Rewritten {
                source_name,
                seq: self.seq,
            }),
            Some(_) => Ok(()),
        }
    }

    /// Whether the signature is the one its own public key makes over its contents.
    fn signature_valid(&self) -> bool {
        let decode = |text: &str| hex::decode(text).ok();
        let Some(key) = decode(&self.public_key)
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        else {
            return false;
        };
        let Some(signature) = decode(&self.signature)
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
        else {
            return false;
        };
        key.verify_strict(&self.signed_bytes(), &signature).is_ok()
    }
}

/// Hex of the workspace's Ed25519 verifying key: what its checkpoints carry as `public_key`.
pub fn public_key(workspace: &Workspace) -> String {
    hex::encode(
        SigningKey::from_bytes(workspace.signing_seed())
            .verifying_key()
            .as_bytes(),
    )
}

/// Signs the log's current head, stores the checkpoint in the workspace and returns it.
pub async fn create_checkpoint(workspace: &Workspace) -> Result<Checkpoint> {
    // The head must not move between reading and storing: one IMMEDIATE transaction.
    let mut tx = workspace.begin().await?;
    let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    let (seq, hash) = match head {
        Some(row) => (
            row.try_get::<i64, _>("seq")?,
            row.try_get::<String, _>("hash")?,
        ),
        None => (0, GENESIS.to_string()),
    };
    let checkpoint = Checkpoint::sign(workspace.signing_seed(), workspace.id(), seq, &hash, &now());
    sqlx::query(
        "INSERT INTO audit_checkpoints (workspace_id, seq, hash, at, public_key, signature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .bind(&checkpoint.workspace_id)
    .bind(checkpoint.seq)
    .bind(&checkpoint.hash)
    .bind(&checkpoint.at)
    .bind(&checkpoint.public_key)
    .bind(&checkpoint.signature)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(checkpoint)
}

/// Signs the log's current head like [`create_checkpoint`], and returns with it the excerpt of
/// the log from `from` up to exactly that head (see [`audit::excerpt`]): what a review pack
/// carries as `audit/checkpoint.json` and `audit/log.jsonl`. The checkpoint comes first and the
/// excerpt stops at its entry, so entries appended in between cannot make the two disagree.
pub async fn checkpoint_with_excerpt(
    workspace: &Workspace,
    from: &ExcerptFrom,
    concerns: impl Fn(&AuditEntry) -> bool,
) -> Result<(Checkpoint, Vec<ExcerptLine>)> {
    let checkpoint = create_checkpoint(workspace).await?;
    let lines = audit::excerpt(workspace.pool(), from, checkpoint.seq, concerns).await?;
    Ok((checkpoint, lines))
}

/// Signs with the workspace's Ed25519 key (the one its checkpoints carry) without handing out
/// the key: review packs are signed through it. It implements the core's
/// [`evidence::Signer`], which the report crate's bundle builder takes.
#[derive(Clone)]
pub struct WorkspaceSigner {
    key: SigningKey,
}

impl WorkspaceSigner {
    pub fn new(workspace: &Workspace) -> WorkspaceSigner {
        WorkspaceSigner {
            key: SigningKey::from_bytes(workspace.signing_seed()),
        }
    }
}

impl std::fmt::Debug for WorkspaceSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The public half only: a debug log never shows the key.
        f.debug_struct("WorkspaceSigner")
            .field(
                "public_key",
                &hex::encode(self.key.verifying_key().as_bytes()),
            )
            .finish()
    }
}

impl evidence::Signer for WorkspaceSigner {
    fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
    }
}

/// The checkpoints stored in the workspace, oldest first, with their row ids.
pub async fn stored_checkpoints<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<Vec<(i64, Checkpoint)>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query(
        "SELECT id, workspace_id, seq, hash, at, public_key, signature FROM audit_checkpoints ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get("id")?,
                Checkpoint {
                    format: CHECKPOINT_FORMAT.to_string(),
                    workspace_id: row.try_get("workspace_id")?,
                    seq: row.try_get("seq")?,
                    hash: row.try_get("hash")?,
                    at: row.try_get("at")?,
                    public_key: row.try_get("public_key")?,
                    signature: row.try_get("signature")?,
                },
            ))
        })
        .collect()
}

/// Every entry's seq and stored hash: what checkpoints are checked against.
pub async fn chain_heads<'c>(
    db: impl Acquire<'c, Database = Sqlite>,
) -> Result<BTreeMap<i64, String>> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq")
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("seq")?, row.try_get("hash")?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: [u8; 32] = [7; 32];
    const WS: &str = "8d7f6c1e-0000-4000-8000-000000000001";

    fn heads(n: i64) -> BTreeMap<i64, String> {
        (1..=n).map(|s| (s, format!("{s:064x}"))).collect()
    }

    fn signed_at(seq: i64) -> Checkpoint {
        Checkpoint::sign(
            &SEED,
            WS,
            seq,
            &format!("{seq:064x}"),
            "2026-12-05T07:00:00.000Z",
        )
    }

    fn key() -> String {
        hex::encode(SigningKey::from_bytes(&SEED).verifying_key().as_bytes())
    }

    fn check(
        c: &Checkpoint,
        heads: &BTreeMap<i64, String>,
    ) -> std::result::Result<(), CheckpointError> {
        c.check("cp.json", WS, &key(), heads)
    }

    #[test]
    fn a_checkpoint_round_trips_through_its_file_and_verifies() {
        let c = signed_at(3);
        let text = serde_json::to_string_pretty(&c).unwrap();
        let read = Checkpoint::parse(&text, "cp.json").unwrap();
        assert_eq!(read, c);
        assert_eq!(check(&read, &heads(3)), Ok(()));
        // The log grew since: it still extends the checkpoint.
        assert_eq!(check(&read, &heads(9)), Ok(()));
        // An empty log's checkpoint holds for any log.
        let empty = Checkpoint::sign(&SEED, WS, 0, GENESIS, "2026-12-05T07:00:00.000Z");
        assert_eq!(check(&empty, &heads(0)), Ok(()));
        assert_eq!(check(&empty, &heads(4)), Ok(()));
    }

    #[test]
    fn truncation_and_rewriting_are_named() {
        let c = signed_at(5);
        let err = check(&c, &heads(3)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the log ends at entry 3 but cp.json was signed at entry 5: entries were removed"
        );
        let mut rewritten = heads(8);
        rewritten.insert(5, "f".repeat(64));
        let err = check(&c, &rewritten).unwrap_err();
        assert_eq!(err.code(), "rewritten");
        assert!(err
            .to_string()
            .starts_with("entry 5 differs from the one cp.json signed"));
        let mut gap = heads(8);
        gap.remove(&5);
        assert_eq!(check(&c, &gap).unwrap_err().code(), "missing");
    }

    #[test]
    fn forged_edited_and_foreign_checkpoints_are_refused() {
        let c = signed_at(2);
        // Edited after signing: a later head claimed with the old signature.
        let mut edited = c.clone();
        edited.seq = 1;
        edited.hash = format!("{:064x}", 1);
        assert_eq!(
            check(&edited, &heads(2)).unwrap_err().code(),
            "bad_signature"
        );
        // Signed by another key, however well formed.
        let forged = Checkpoint::sign(&[9; 32], WS, 2, &format!("{:064x}", 2), &c.at);
        assert_eq!(check(&forged, &heads(2)).unwrap_err().code(), "wrong_key");
        // Another key put in this workspace's key's place, with the old signature: bad.
        let mut swapped = forged.clone();
        swapped.public_key = key();
        assert_eq!(
            check(&swapped, &heads(2)).unwrap_err().code(),
            "bad_signature"
        );
        // Another workspace's.
        let other = Checkpoint::sign(&SEED, "another", 2, &format!("{:064x}", 2), &c.at);
        let err = check(&other, &heads(2)).unwrap_err();
        assert_eq!(err.code(), "other_workspace");
        assert!(err.to_string().contains("another workspace (another)"));
    }

    #[test]
    fn garbage_is_refused_in_one_line() {
        for text in [
            "",
            "not json",
            "{}",
            "[1,2]",
            &"\u{1b}[2J".repeat(3),
            r#"{"format":"x","workspace_id":"w","seq":1,"hash":"h","at":"a","public_key":"k","signature":"s"}"#,
        ] {
            let err = Checkpoint::parse(text, "cp.json").unwrap_err();
            assert_eq!(err.code(), "garbage", "{text:?}");
            assert!(!err.to_string().contains('\n'), "{err}");
        }
        let mut c = serde_json::to_value(signed_at(1)).unwrap();
        c["signature"] = "zz".repeat(64).into();
        assert_eq!(
            Checkpoint::parse(&c.to_string(), "cp.json")
                .unwrap_err()
                .code(),
            "garbage"
        );
        let mut c = serde_json::to_value(signed_at(1)).unwrap();
        c["extra"] = 1.into();
        assert_eq!(
            Checkpoint::parse(&c.to_string(), "cp.json")
                .unwrap_err()
                .code(),
            "garbage"
        );
    }
}
