-- Golden baselines, their assignment to tenants, and the findings drift checks produce.

-- One version of a named baseline: what a reference tenant's snapshot held when it was taken.
-- `refs` is the source tenant's id -> name maps (JSON), so the baseline's content compares by
-- names with any tenant's, even after the source tenant changes.
CREATE TABLE baselines (
    name             TEXT NOT NULL COLLATE NOCASE,
    version          INTEGER NOT NULL CHECK (version >= 1),
    source_tenant_id TEXT NOT NULL,
    snapshot_id      INTEGER NOT NULL,
    kinds            TEXT NOT NULL,               -- JSON array of the kinds the baseline covers
    refs             TEXT NOT NULL,               -- JSON object of id -> name maps
    created_at       TEXT NOT NULL,
    PRIMARY KEY (name, version)
);

CREATE TABLE baseline_items (
    name         TEXT NOT NULL COLLATE NOCASE,
    version      INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    display_name TEXT NOT NULL,
    hash         TEXT NOT NULL REFERENCES contents (hash),
    PRIMARY KEY (name, version, kind, object_id),
    FOREIGN KEY (name, version) REFERENCES baselines (name, version)
) WITHOUT ROWID;

-- A tenant checked against a baseline (always its latest version).
CREATE TABLE baseline_assignments (
    name        TEXT NOT NULL COLLATE NOCASE,
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (name, tenant_id)
);

-- A persistent, triaged drift. `id` is a fingerprint of (tenant, baseline, kind, object name,
-- drift), so the same drift in the next run is the same row.
CREATE TABLE findings (
    id                    TEXT PRIMARY KEY,
    tenant_id             TEXT NOT NULL REFERENCES tenants (id),
    baseline              TEXT NOT NULL COLLATE NOCASE,
    kind                  TEXT NOT NULL,
    object_name           TEXT NOT NULL,
    object_id             TEXT,
    drift                 TEXT NOT NULL,
    severity              TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'risk_accepted', 'resolved')),
    changes               TEXT NOT NULL,          -- JSON array of changes
    changes_hash          TEXT NOT NULL,
    justification         TEXT,
    expires_on            TEXT,                   -- YYYY-MM-DD, risk acceptance only
    accepted_changes_hash TEXT,
    first_seen_at         TEXT NOT NULL,
    last_seen_at          TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    last_run_id           TEXT
);
CREATE INDEX findings_by_tenant ON findings (tenant_id, state);
