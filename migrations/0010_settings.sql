-- Workspace settings (`store/src/settings.rs`): one row per key the MSP has set, the value as JSON
-- text. A key with no row has its default, which lives in the engine (`engine/src/ops/settings.rs`),
-- not here, so a new default reaches every workspace that never changed it. Each change is also an
-- audit entry (`settings.set`).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL
);
