-- When the sign-in service last refused a tenant's stored refresh token for good — it went unused
-- for 90 days, was revoked, or was already redeemed — and why: the sign-in error's code
-- (`sign_in_inactive`, `sign_in_expired`). `tenant list` shows such a tenant as needing
-- `tenant reconnect` until new tokens are saved, which clears both. `updated_at` already says when
-- the tokens were last saved, which is when the refresh token's 90 days started.
ALTER TABLE tokens ADD COLUMN rejected_at TEXT;
ALTER TABLE tokens ADD COLUMN rejected_code TEXT;
