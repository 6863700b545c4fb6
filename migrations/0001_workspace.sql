-- TenantAtlas workspace schema, version 1.
--
-- Migrations are append-only: never edit a released file, add 0002_… instead (sqlx checks the
-- checksum of every applied migration and refuses to open a workspace whose history differs).
--
-- Conventions:
-- - Times are UTC text in one fixed-width form, `YYYY-MM-DDTHH:MM:SS.mmmZ`, so that comparing two
--   of them as text compares them as times (the stale-run cutoff relies on this).
-- - JSON columns hold compact JSON text; the store parses them, SQL never looks inside.
-- - Content hashes are `sha256:<hex>` of the canonical JSON (see tenantatlas-core `content_hash`).

-- A customer's Entra tenant and how to reach it.
CREATE TABLE tenants (
    id               TEXT PRIMARY KEY,            -- tenant GUID, lowercase
    domain           TEXT NOT NULL,
    name             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('onboarding', 'active', 'archived')),
    authority        TEXT NOT NULL,
    graph_url        TEXT NOT NULL,
    client_id        TEXT NOT NULL,
    ca_cert_pem      TEXT,
    granted_scopes   TEXT NOT NULL DEFAULT '[]',  -- JSON array of delegated scopes
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    last_sync_at     TEXT,
    last_sync_run_id TEXT
);
-- A domain belongs to exactly one tenant; `find_tenant` looks it up case-insensitively.
CREATE UNIQUE INDEX tenants_by_domain ON tenants (domain COLLATE NOCASE);

-- One token set per tenant. Encrypted with the rest of the database; never logged.
CREATE TABLE tokens (
    tenant_id         TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    refresh_token     TEXT NOT NULL,
    access_token      TEXT,
    access_expires_at TEXT,
    updated_at        TEXT NOT NULL
);

-- Content-addressed normalised JSON: identical content is stored once, whatever tenant or object has it.
CREATE TABLE contents (
    hash TEXT PRIMARY KEY,
    json TEXT NOT NULL
);

-- One capture of one tenant: a manifest of (kind, object id, hash).
CREATE TABLE snapshots (
    id           INTEGER PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    run_id       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    object_count INTEGER NOT NULL,
    kinds        TEXT NOT NULL                    -- JSON array of the kinds read completely
);
CREATE INDEX snapshots_by_tenant ON snapshots (tenant_id, id);

CREATE TABLE snapshot_items (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    kind        TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    hash        TEXT NOT NULL REFERENCES contents (hash),
    PRIMARY KEY (snapshot_id, kind, object_id)
) WITHOUT ROWID;

-- Every object ever seen in a tenant, live or deleted ("ghost"). `latest_version` and
-- `latest_hash` repeat the newest `versions` row so that a sync compares hashes with one read per
-- tenant and listings need no MAX() subquery.
CREATE TABLE objects (
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    kind                TEXT NOT NULL,
    object_id           TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    first_seen_snapshot INTEGER NOT NULL REFERENCES snapshots (id),
    last_seen_snapshot  INTEGER NOT NULL REFERENCES snapshots (id),
    deleted_in_snapshot INTEGER REFERENCES snapshots (id),
    latest_version      INTEGER NOT NULL,
    latest_hash         TEXT NOT NULL REFERENCES contents (hash),
    PRIMARY KEY (tenant_id, kind, object_id)
);
-- `policies show --object ID` and `history` look objects up without their kind.
CREATE INDEX objects_by_object_id ON objects (tenant_id, object_id);

-- One distinct content of one object over time.
CREATE TABLE versions (
    id          INTEGER PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    version_no  INTEGER NOT NULL CHECK (version_no >= 1),
    hash        TEXT NOT NULL REFERENCES contents (hash),
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),
    captured_at TEXT NOT NULL,
    UNIQUE (tenant_id, kind, object_id, version_no),
    FOREIGN KEY (tenant_id, kind, object_id) REFERENCES objects (tenant_id, kind, object_id)
);
-- `history` looks versions up by object id alone.
CREATE INDEX versions_by_object_id ON versions (tenant_id, object_id, version_no);

-- Every long job: sync, drift check, report, restore, promotion.
CREATE TABLE runs (
    id             TEXT PRIMARY KEY,              -- UUID
    run_kind       TEXT NOT NULL,
    tenant_id      TEXT,
    status         TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    duration_ms    INTEGER,
    heartbeat_at   TEXT NOT NULL,
    progress       TEXT NOT NULL DEFAULT '{}',    -- JSON, the engine's shape
    counts         TEXT NOT NULL DEFAULT '{}',    -- JSON object: kind -> objects read
    objects        INTEGER NOT NULL DEFAULT 0,
    versions_added INTEGER NOT NULL DEFAULT 0,
    requests       INTEGER NOT NULL DEFAULT 0,
    graph_calls    INTEGER NOT NULL DEFAULT 0,
    retries        INTEGER NOT NULL DEFAULT 0,
    throttled      INTEGER NOT NULL DEFAULT 0,
    errors         TEXT NOT NULL DEFAULT '[]'     -- JSON array of {kind, message, request_id, status}
);
CREATE INDEX runs_by_started ON runs (started_at);
CREATE INDEX runs_by_tenant ON runs (tenant_id, started_at);
-- Only running runs are candidates for the stale-run sweep; a partial index keeps it tiny.
CREATE INDEX runs_running ON runs (heartbeat_at) WHERE status = 'running';

-- Append-only log of local actions, chained by hashes: hash = sha256(prev_hash || canonical JSON
-- of the entry). The triggers stop accidental edits; the chain is what reveals deliberate ones.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,                -- 1, 2, 3… without gaps
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL,                      -- JSON
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
