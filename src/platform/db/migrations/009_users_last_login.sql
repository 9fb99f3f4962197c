-- When each user last logged in (password login, sign-up, accepting an invite: every login
-- that starts a session; refreshing a session does not count). Shown in /auth/me and the
-- members list so admins can see dormant accounts. Written only by the platform (withSystem).
alter table users add column last_login_at timestamptz;
grant select (last_login_at) on users to tenantry_app;
