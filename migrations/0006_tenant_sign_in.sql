-- How each tenant signs in, so that `tenant reconnect` (and `tenant add` of a tenant already in
-- the workspace) signs in the same way again: `device_code` (the default) or `browser`
-- (authorization code + PKCE, for tenants whose Conditional Access blocks device codes).
ALTER TABLE tenants ADD COLUMN sign_in TEXT NOT NULL DEFAULT 'device_code'
    CHECK (sign_in IN ('device_code', 'browser'));

-- Tenants connected before this column existed: their latest `tenant.add` audit entry recorded the
-- flow (canonical JSON, so the text `"flow":"browser"` appears exactly as written here).
UPDATE tenants SET sign_in = 'browser'
WHERE (SELECT details FROM audit_log
       WHERE action = 'tenant.add' AND subject = tenants.id
       ORDER BY seq DESC LIMIT 1) LIKE '%"flow":"browser"%';
