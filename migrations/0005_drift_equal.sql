-- Pairs a drift check found to configure the same thing: a baseline object's content and a tenant
-- object's content, compared with the name maps summarised by `refs_digest` (both sides' id -> name
-- maps and the comparison's version). The next check of the same pair skips reading and comparing
-- the contents. Rows of a tenant's earlier digests are pruned when its names change.
CREATE TABLE drift_equal (
    tenant_id     TEXT NOT NULL,
    refs_digest   TEXT NOT NULL,
    baseline_hash TEXT NOT NULL,
    object_hash   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, refs_digest, baseline_hash, object_hash)
) WITHOUT ROWID;
