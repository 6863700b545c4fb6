-- Governance details: where a baseline came from, name templates and pins per tenant, the approver
-- of a risk acceptance, the MSP's severity overrides, and settings catalog definitions for
-- friendly setting names.

-- 'tenant' (a reference tenant's snapshot), 'file' (an export), or 'approved' (a tenant's own
-- signed-off snapshot). `source` says which file or snapshot, for people.
ALTER TABLE baselines ADD COLUMN origin TEXT NOT NULL DEFAULT 'tenant';
ALTER TABLE baselines ADD COLUMN source TEXT NOT NULL DEFAULT '';
-- Whether drift also reports objects of the baseline's kinds that match no baseline object.
ALTER TABLE baselines ADD COLUMN unexpected INTEGER NOT NULL DEFAULT 0;

-- The tenant's values for the placeholders in the baseline's name templates ({"prefix": "Contoso"}).
ALTER TABLE baseline_assignments ADD COLUMN vars TEXT NOT NULL DEFAULT '{}';

-- A baseline object matched by hand to one of the tenant's objects, whatever its name.
CREATE TABLE baseline_pins (
    name       TEXT NOT NULL COLLATE NOCASE,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    kind       TEXT NOT NULL,
    item_name  TEXT NOT NULL COLLATE NOCASE,     -- the baseline object's name (template)
    object_id  TEXT NOT NULL,                    -- the tenant's object
    pinned_at  TEXT NOT NULL,
    PRIMARY KEY (name, tenant_id, kind, item_name)
);

-- Who approved a risk acceptance (may differ from who recorded it).
ALTER TABLE findings ADD COLUMN approver TEXT;

-- The MSP's severity overrides, applied before the built-in rules. Empty columns match anything.
CREATE TABLE severity_rules (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT,
    drift      TEXT,
    pattern    TEXT,                             -- substring of a change's path, setting id or name, or of the object name
    severity   TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high')),
    note       TEXT,
    created_at TEXT NOT NULL
);

-- Settings catalog definitions (global, the same in every tenant), for friendly setting names.
-- `options` maps a choice value's itemId to its display name.
CREATE TABLE setting_definitions (
    id           TEXT PRIMARY KEY COLLATE NOCASE,
    display_name TEXT NOT NULL,
    description  TEXT,
    options      TEXT NOT NULL DEFAULT '{}',
    fetched_at   TEXT NOT NULL
);
