-- Public share links (a platform service the apps use) and email delivery bookkeeping.
--
-- A share link points at one resource of one app (app, resource_type, resource_id, plus
-- app-defined filters). The token is the credential: 256 random bits, shown once, kept only
-- as a SHA-256 hash (token_hash) plus a short non-secret prefix for display. Public
-- resolution has no tenant yet, so it runs as the platform (withSystem) and looks the link up
-- by its hash; management runs inside the tenant like every other table.

create table share_links (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  app text not null check (app ~ '^[a-z][a-z0-9_-]{0,39}$'),
  resource_type text not null check (resource_type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  resource_id text not null check (length(resource_id) between 1 and 200),
  filters jsonb not null default '{}'::jsonb check (jsonb_typeof(filters) = 'object'),
  title text check (length(title) <= 200),
  token_prefix text not null,
  token_hash text not null unique,
  password_hash text,
  expires_at timestamptz not null,
  max_views integer check (max_views > 0),
  view_count integer not null default 0 check (view_count >= 0),
  last_viewed_at timestamptz,
  revoked_at timestamptz,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The atomic view counter (UPDATE ... WHERE view_count < max_views) keeps this true under
  -- concurrency; the constraint is the last line of defence should any other write forget it.
  constraint share_links_views_within_limit check (max_views is null or view_count <= max_views)
);
-- org_id leads every index the tenant policy filters on (RLS stays index-backed).
create index share_links_org_time on share_links (org_id, created_at desc, id desc);
create index share_links_org_resource on share_links (org_id, app, resource_type, resource_id);
select tenantry_protect('share_links');

-- Email delivery: how often a message was tried and when, so failed ones can be retried.
alter table email_outbox add column attempts integer not null default 0;
alter table email_outbox add column last_attempt_at timestamptz;
create index email_outbox_retry on email_outbox (status, created_at) where status in ('failed', 'queued');
