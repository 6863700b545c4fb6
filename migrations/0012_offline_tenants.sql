-- Tenants imported from a snapshot bundle (`tenantatlas import-snapshot`, `store/src/exchange.rs`):
-- offline and read-only here. They have no sign-in and `sync` never reaches them; their snapshots
-- come only from newer bundles. The columns say where the newest bundle came from, as the bundle
-- claims it (age authenticates the content, not the sender).
CREATE TABLE offline_tenants (
    tenant_id           TEXT PRIMARY KEY REFERENCES tenants (id),
    source_workspace_id TEXT NOT NULL,
    exported_by         TEXT NOT NULL,
    exported_at         TEXT NOT NULL,
    imported_at         TEXT NOT NULL
);

-- Which snapshot of which workspace each imported snapshot is, so that importing the same bundle
-- again adds nothing and a newer one adds only the snapshots this workspace lacks.
CREATE TABLE imported_snapshots (
    snapshot_id         INTEGER PRIMARY KEY REFERENCES snapshots (id),
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    source_workspace_id TEXT NOT NULL,
    source_snapshot_id  INTEGER NOT NULL,
    UNIQUE (tenant_id, source_workspace_id, source_snapshot_id)
);
