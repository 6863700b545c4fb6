-- Signed heads of the audit chain (see `store/src/checkpoints.rs`): the workspace's Ed25519 key
-- signs (workspace id, last entry's seq and hash, time). A copy kept outside the workspace
-- (`tenantatlas audit checkpoint --out FILE`) is what proves later that the log was neither cut
-- short nor rewritten; the rows kept here catch an edit that forgets them.
CREATE TABLE audit_checkpoints (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 0),   -- the last entry covered; 0: an empty log
    hash         TEXT NOT NULL,
    at           TEXT NOT NULL,
    public_key   TEXT NOT NULL,                       -- hex of the Ed25519 verifying key
    signature    TEXT NOT NULL                        -- hex of the Ed25519 signature
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
