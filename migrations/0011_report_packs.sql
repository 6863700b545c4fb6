-- Review packs and portfolio reports generated from this workspace (`store/src/packs.rs`): where
-- each was written, the SHA-256 of its PDF and of its evidence bundle's SHA256SUMS (what the next
-- pack for the same tenant names as its predecessor, making a tenant's packs a chain), and what
-- it said (score, open findings) for the trend against the previous pack. The files themselves
-- live where the MSP saved them; a moved or changed file shows when the Reports screen checks it.
CREATE TABLE report_packs (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('review-pack', 'portfolio')),
    tenant_id            TEXT,
    generated_at         TEXT NOT NULL,
    period_from          TEXT NOT NULL,
    period_to            TEXT NOT NULL,
    pdf_path             TEXT NOT NULL,
    pdf_sha256           TEXT NOT NULL,
    pages                INTEGER NOT NULL,
    bundle_path          TEXT,
    sums_sha256          TEXT,
    previous_sums_sha256 TEXT,
    redacted_pii         INTEGER NOT NULL DEFAULT 0,
    score                REAL,
    open_findings        INTEGER NOT NULL DEFAULT 0,
    run_id               TEXT,
    CHECK ((kind = 'review-pack') = (tenant_id IS NOT NULL))
);
CREATE INDEX report_packs_by_tenant ON report_packs (tenant_id, generated_at);
