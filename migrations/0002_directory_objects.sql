-- Names of the directory objects (groups, users) that captured configuration refers to by id,
-- resolved in bulk with directoryObjects/getByIds at each sync. Reference data, not versioned:
-- the latest name wins.
CREATE TABLE directory_objects (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    object_id    TEXT NOT NULL,
    object_type  TEXT NOT NULL,
    display_name TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object_id)
);
