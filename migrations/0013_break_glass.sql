-- The break-glass (emergency access) accounts an MSP names per tenant (`tenantatlas tenant
-- break-glass`), in the MSP's order: a sync reads each one and what applies to it; the first
-- account of one tenant is compared with the first of a baseline's tenant (`core::kinds`, `Named`).
CREATE TABLE break_glass_accounts (
    tenant_id           TEXT NOT NULL REFERENCES tenants (id),
    position            INTEGER NOT NULL,
    user_principal_name TEXT NOT NULL,
    PRIMARY KEY (tenant_id, position),
    UNIQUE (tenant_id, user_principal_name)
);
